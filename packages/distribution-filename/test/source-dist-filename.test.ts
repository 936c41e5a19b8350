import { parsePackageName } from "@uv-ts/normalize";
import { describe, expect, it } from "vitest";
import {
  DistFilenameError,
  distExtensionFromPath,
  EggInfoFilename,
  ExpandedTags,
  isPep625Compliant,
  parseDistFilename,
  parseDistFilenameWithReason,
  SourceDistFilename,
  SourceDistFilenameError,
  sourceDistExtensionFromPath,
  WheelFilename,
  WheelFilenameError,
} from "../src/index.ts";

function sdistError(filename: string, name?: string): string {
  try {
    SourceDistFilename.parse(filename, name === undefined ? undefined : parsePackageName(name));
  } catch (error) {
    expect(error).toBeInstanceOf(SourceDistFilenameError);
    return (error as Error).message;
  }
  return "parsed";
}

describe("SourceDistFilename.parse", () => {
  it("reads_every_extension", () => {
    for (const extension of [
      "tar.gz",
      "zip",
      "tar",
      "tar.bz2",
      "tar.lz",
      "tar.lzma",
      "tar.xz",
      "tar.zst",
      "tbz",
      "tgz",
      "tlz",
      "txz",
    ] as const) {
      const sdist = SourceDistFilename.parse(`foo_bar-1.0.${extension}`);
      expect(sdist.extension).toBe(extension);
      expect(sdist.name).toBe("foo-bar");
      expect(sdist.toString()).toBe(`foo_bar-1.0.${extension}`);
    }
    expect(sourceDistExtensionFromPath("FOO-1.0.TAR.gz")).toBe("tar.gz");
    expect(() => sourceDistExtensionFromPath("foo-1.0.gz")).toThrow("`.tar.gz`, `.zip`");
    expect(isPep625Compliant("tar.gz")).toBe(true);
    expect(isPep625Compliant("tar.bz2")).toBe(false);
  });

  it("splits_by_the_known_package_name", () => {
    const hinted = SourceDistFilename.parse("a-1-1.tar.gz", parsePackageName("a-1"));
    expect(hinted.name).toBe("a-1");
    expect(hinted.version.toString()).toBe("1");
    const unhinted = SourceDistFilename.parse("a-1-1.tar.gz");
    expect(unhinted.name).toBe("a-1");
    const other = SourceDistFilename.parse("a-1-1.tar.gz", parsePackageName("a"));
    expect(other.version.toString()).toBe("1.post1");
    expect(SourceDistFilename.parse("Foo.Bar-2.0.zip", parsePackageName("foo-bar")).name).toBe(
      "foo-bar",
    );
  });

  it("reports_uv_errors", () => {
    expect(sdistError("foo-1.0.rar")).toBe(
      "Failed to parse source distribution filename foo-1.0.rar: File extension is invalid",
    );
    expect(sdistError("foo.tar.gz")).toBe(
      "Failed to parse source distribution filename foo.tar.gz: Missing name-version separator",
    );
    expect(sdistError("foo-bar.tar.gz")).toBe(
      "Failed to parse source distribution filename foo-bar.tar.gz: Version section is invalid",
    );
    expect(sdistError("bar-1.0.tar.gz", "foo")).toBe(
      "Failed to parse source distribution filename bar-1.0.tar.gz: Name doesn't start with package name foo",
    );
    expect(sdistError("foo.tar.gz", "foo")).toBe(
      "Failed to parse source distribution filename foo.tar.gz: Name doesn't start with package name foo",
    );
    expect(sdistError("f!o-1.0.tar.gz", "foo")).toContain(
      'Failed to parse source distribution filename f!o-1.0.tar.gz: Not a valid package or extra name: "f!o"',
    );
    expect(sdistError(".tar.gz")).toBe(
      "Failed to parse source distribution filename .tar.gz: File extension is invalid",
    );
  });
});

describe("parseDistFilename", () => {
  it("tells_wheels_from_sdists", () => {
    expect(parseDistFilename("foo-1.0-py3-none-any.whl")).toBeInstanceOf(WheelFilename);
    expect(parseDistFilename("foo-1.0.tar.gz")).toBeInstanceOf(SourceDistFilename);
    expect(parseDistFilename("foo-1.0.exe")).toBeUndefined();
    const foo = parsePackageName("foo");
    expect(parseDistFilename("foo-1.0-py3-none-any.whl", foo)).toBeInstanceOf(WheelFilename);
    expect(parseDistFilename("bar-1.0.tar.gz", foo)).toBeUndefined();
    expect(distExtensionFromPath("dir/foo-1.0.tar.xz")).toBe("tar.xz");
  });

  it("explains_registry_entries_that_are_not_distributions", () => {
    const foo = parsePackageName("foo");
    expect(() => parseDistFilenameWithReason("+searchhelp", foo)).toThrow(DistFilenameError);
    expect(() => parseDistFilenameWithReason("0.1.0", foo)).toThrow(
      "not a wheel or source distribution archive (expected one of `.whl`, `.tar.gz`, `.zip`, `.tar.bz2`, `.tar.lz`, `.tar.lzma`, `.tar.xz`, `.tar.zst`, `.tar`, `.tbz`, `.tgz`, `.tlz`, or `.txz`)",
    );
    expect(() => parseDistFilenameWithReason("foo-1.0.whl", foo)).toThrow(WheelFilenameError);
  });
});

describe("EggInfoFilename", () => {
  it("reads_name_and_version", () => {
    const egg = EggInfoFilename.parse("zstandard-0.22.0-py3.12.egg-info");
    expect(egg.name).toBe("zstandard");
    expect(egg.version?.toString()).toBe("0.22.0");
    expect(EggInfoFilename.parse("Foo.egg-info").version).toBeUndefined();
    expect(() => EggInfoFilename.parse("foo.dist-info")).toThrow(
      'The filename "foo.dist-info" does not end in `.egg-info`',
    );
    expect(() => EggInfoFilename.parse("foo-x.y.egg-info")).toThrow(
      'The `.egg-info` filename "foo-x.y.egg-info" has an invalid version',
    );
  });
});

describe("ExpandedTags", () => {
  it("parses_wheel_file_tags", () => {
    const tags = ExpandedTags.parse(["py2-none-any", "py3-none-any"]);
    expect(tags.tags).toHaveLength(2);
    expect(() => ExpandedTags.parse(["py3-none"])).toThrow(
      'The wheel tag "py3-none" is missing a platform tag',
    );
    expect(() => ExpandedTags.parse(["py3-none-any-x"])).toThrow(
      'The wheel tag "py3-none-any-x" contains too many segments',
    );
  });
});
