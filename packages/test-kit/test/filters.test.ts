import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyFilters, filter, pathFilters, STANDARD_FILTERS } from "../src/filters.ts";

describe("standard filters", () => {
  const run = (text: string): string => applyFilters(text, STANDARD_FILTERS);

  it("replaces durations with [TIME]", () => {
    expect(run("Resolved 3 packages in 12ms\n")).toBe("Resolved 3 packages in [TIME]\n");
    expect(run("Prepared 2 packages in 1.02s\n")).toBe("Prepared 2 packages in [TIME]\n");
    expect(run("Built in 1m 05s (5ms)\n")).toBe("Built in [TIME] ([TIME])\n");
    // Not a duration: no leading space or parenthesis.
    expect(run("sha256s5ms\n")).toBe("sha256s5ms\n");
  });

  it("replaces our version", () => {
    expect(run("uv-ts 0.1.0\n")).toBe("uv-ts [VERSION]\n");
    expect(run("uv-ts 1.22.3-rc.1+4 (abc 2025-01-01)\n")).toBe("uv-ts [VERSION]\n");
  });

  it("trims trailing whitespace before newlines", () => {
    expect(run("a  \nb\t\n")).toBe("a\nb\n");
  });

  it("replaces an explicit --cache-dir", () => {
    expect(run("uv-ts --cache-dir /x/y sync")).toBe("uv-ts --cache-dir [CACHE_DIR] sync");
  });
});

describe("filter", () => {
  it("makes patterns global and keeps their other flags", () => {
    const f = filter(/^x$/m, "y");
    expect(f.pattern.flags).toBe("gm");
    expect(applyFilters("x\nx\n", [f])).toBe("y\ny\n");
  });

  it("runs filters in order, each over the previous output", () => {
    expect(applyFilters("abc", [filter("a", "b"), filter("bb", "X")])).toBe("Xc");
  });
});

describe("pathFilters", () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "uv-ts-filters-")));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("matches both the canonical path and the symlinked form", () => {
    const real = join(base, "real");
    mkdirSync(join(real, "dir"), { recursive: true });
    symlinkSync(real, join(base, "link"));
    const filters = pathFilters(join(base, "link", "dir"), "[DIR]/");
    expect(applyFilters(`${real}/dir/file and ${base}/link/dir/file`, filters)).toBe(
      "[DIR]/file and [DIR]/file",
    );
  });

  it("swallows the trailing separator and escapes regex characters", () => {
    const odd = join(base, "a+b (c)");
    const filters = pathFilters(odd, "[X]/");
    expect(applyFilters(`${odd}\n${odd}/y\n${base}/a+b (c`, filters)).toBe(
      `[X]/\n[X]/y\n${base}/a+b (c`,
    );
  });
});
