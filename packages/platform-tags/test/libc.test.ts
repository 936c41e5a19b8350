import { describe, expect, it } from "vitest";
import { detectLibc, parseGlibcVersion, parseMuslLoaderOutput } from "../src/index.ts";

describe("libc detection", () => {
  it("reads_glibc_versions", () => {
    expect(parseGlibcVersion("2.36")).toEqual({ major: 2, minor: 36 });
    expect(parseGlibcVersion("2.17-326.el7")).toEqual({ major: 2, minor: 17 });
    expect(parseGlibcVersion("glibc")).toBeUndefined();
  });

  it("reads_the_musl_loader_banner", () => {
    const banner =
      "musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\nUsage: /lib/ld-musl-x86_64.so.1 [options] [--] pathname [args]\n";
    expect(parseMuslLoaderOutput(banner)).toEqual({ major: 1, minor: 2 });
    expect(parseMuslLoaderOutput("Version 1.2.4")).toBeUndefined();
  });

  it.skipIf(process.platform !== "linux")("detects_the_running_libc", () => {
    const libc = detectLibc();
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
    const glibc = report.header?.glibcVersionRuntime;
    if (glibc !== undefined) {
      expect(libc).toEqual({ kind: "glibc", ...parseGlibcVersion(glibc) });
    } else {
      expect(libc?.kind).not.toBe("glibc");
    }
  });
});
