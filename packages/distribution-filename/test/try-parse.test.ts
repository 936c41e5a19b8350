// The non-throwing parsers (`tryParse`, `parseDistFilename`) run for every file of every index
// page, so they skip building errors; these tests hold them to the throwing parsers' verdicts.
import type { PackageName } from "@uv-ts/normalize";
import { Tags } from "@uv-ts/platform-tags";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BuildTag,
  distExtensionFromPath,
  parseDistFilename,
  parseDistFilenameWithReason,
  SourceDistFilename,
  WheelFilename,
} from "../src/index.ts";

const name = (s: string) => s as PackageName;

/** Filenames made of pieces that hit every branch: names, versions, tags, build tags, junk. */
const filenames = fc
  .tuple(
    fc.array(
      fc.constantFrom(
        "foo",
        "Foo_bar",
        "foo-bar",
        "1.0",
        "2!1.0rc1",
        "1.0+local.1",
        "1",
        "12abc",
        "1local",
        "py3",
        "cp312",
        "cp312t",
        "none",
        "abi3",
        "any",
        "manylinux_2_17_x86_64",
        "macosx_11_0_arm64",
        "py2.py3",
        "",
        "x.y",
        "a..b",
        "Variant",
        "label_1",
        "é",
        "a b",
      ),
      { maxLength: 9 },
    ),
    fc.constantFrom("-", "_", "."),
    fc.constantFrom(".whl", ".tar.gz", ".zip", ".TAR.gz", ".tar.xz", ".tgz", "", ".exe", ".whl/"),
  )
  .map(([parts, separator, extension]) => parts.join(separator) + extension);

/** Filenames shaped like wheels and sdists, each part usually valid and sometimes not. */
const shaped = fc
  .tuple(
    fc.constantFrom("foo", "Foo.Bar", "foo_bar", "foo-bar", "bar", "", "f@o"),
    fc.constantFrom("1.0", "1.0.0", "2!1.0rc1.post2.dev3", "1.0+cpu", "1.0-1", "v1", "1.*", "x"),
    fc.option(fc.constantFrom("1", "12abc", "0", "a1", "1.x"), { nil: undefined }),
    fc.constantFrom("py3", "cp312", "py2.py3", "cp3x", "py3..py4", "p!"),
    fc.constantFrom("none", "cp312", "abi3", "cp312t", "cp312d", "x"),
    fc.constantFrom("any", "manylinux_2_17_x86_64.manylinux2014_x86_64", "win_amd64", "linux_zz"),
    fc.option(fc.constantFrom("cu12", "Bad", "a.b"), { nil: undefined }),
    fc.constantFrom(".whl", ".tar.gz", ".zip"),
  )
  .map(([n, version, build, python, abi, platform, variant, extension]) =>
    extension === ".whl"
      ? [n, version, build, python, abi, platform, variant]
          .filter((p) => p !== undefined)
          .join("-") + extension
      : `${n}-${version}${extension}`,
  );

/** A comparable picture of a parse: the class, the printed form and every field. */
function describeParse(parse: () => unknown): string {
  try {
    const parsed = parse();
    if (parsed === undefined) return "undefined";
    const fields = JSON.stringify(parsed, (_, v) => (typeof v === "bigint" ? String(v) : v));
    const tagText = parsed instanceof WheelFilename ? parsed.tagText : "";
    return `${(parsed as object).constructor.name} ${String(parsed)} ${fields} ${tagText}`;
  } catch (error) {
    return `throws ${(error as Error).constructor.name}`;
  }
}

describe("try_parse", () => {
  it("wheel_try_parse_agrees_with_parse", () => {
    for (const hint of [undefined, name("foo"), name("foo-bar")]) {
      const cases = [
        ...fc.sample(filenames, { numRuns: 3000, seed: 11 }),
        ...fc.sample(shaped, { numRuns: 3000, seed: 21 }),
      ];
      for (const filename of cases) {
        const strict = describeParse(() => WheelFilename.parse(filename, hint));
        const lenient = describeParse(() => WheelFilename.tryParse(filename, hint));
        expect(lenient, filename).toBe(
          strict === "throws WheelFilenameError" ? "undefined" : strict,
        );
      }
    }
  });

  it("source_dist_try_parse_agrees_with_parse", () => {
    for (const hint of [undefined, name("foo"), name("foo-bar")]) {
      const cases = [
        ...fc.sample(filenames, { numRuns: 3000, seed: 12 }),
        ...fc.sample(shaped, { numRuns: 3000, seed: 22 }),
      ];
      for (const filename of cases) {
        const strict = describeParse(() => SourceDistFilename.parse(filename, hint));
        const lenient = describeParse(() => SourceDistFilename.tryParse(filename, hint));
        expect(lenient, filename).toBe(
          strict === "throws SourceDistFilenameError" ? "undefined" : strict,
        );
      }
    }
  });

  it("dist_filename_is_undefined_exactly_when_the_reasoned_parse_fails", () => {
    let parsed = 0;
    const cases = [
      ...fc.sample(filenames, { numRuns: 3000, seed: 13 }),
      ...fc.sample(shaped, { numRuns: 3000, seed: 23 }),
    ];
    for (const filename of cases) {
      const strict = describeParse(() => parseDistFilenameWithReason(filename, name("foo")));
      const lenient = describeParse(() => parseDistFilename(filename, name("foo")));
      expect(lenient, filename).toBe(strict.startsWith("throws") ? "undefined" : strict);
      if (lenient !== "undefined") parsed++;
    }
    // Both outcomes are well represented.
    expect(parsed).toBeGreaterThan(300);
    expect(parsed).toBeLessThan(5000);
  });

  it("recognises_the_common_extensions_like_the_general_rule", () => {
    expect(distExtensionFromPath("foo-1.0-py3-none-any.whl")).toBe("whl");
    expect(distExtensionFromPath("foo-1.0.tar.gz")).toBe("tar.gz");
    expect(distExtensionFromPath("dir/x.tar.gz")).toBe("tar.gz");
    // A name that is only the extension has none (a leading dot does not separate one).
    expect(() => distExtensionFromPath(".whl")).toThrow();
    expect(() => distExtensionFromPath("dir/.whl")).toThrow();
    expect(() => distExtensionFromPath(".tar.gz")).toThrow();
    expect(distExtensionFromPath("..tar.gz")).toBe("tar.gz");
    expect(() => distExtensionFromPath("foo.whl/")).not.toThrow();
  });

  it("build_tag_try_parse_agrees_with_parse", () => {
    const texts = fc.stringMatching(/^[0-9a-z_.-]{0,24}$/);
    for (const text of [...fc.sample(texts, { numRuns: 2000, seed: 14 }), "18446744073709551616"]) {
      let strict: string;
      try {
        strict = String(BuildTag.parse(text));
      } catch {
        strict = "undefined";
      }
      expect(String(BuildTag.tryParse(text)), text).toBe(strict);
    }
  });

  it("wheels_with_the_same_tags_share_frozen_tag_lists", () => {
    const a = WheelFilename.parse("foo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl");
    const b = WheelFilename.parse("bar-2.0-cp312-cp312-manylinux_2_17_x86_64.whl");
    expect(a.platformTags).toBe(b.platformTags);
    expect(Object.isFrozen(a.pythonTags)).toBe(true);
    expect(Object.isFrozen(a.abiTags)).toBe(true);
    expect(Object.isFrozen(a.platformTags)).toBe(true);
    expect(b.toString()).toBe("bar-2.0-cp312-cp312-manylinux_2_17_x86_64.whl");
  });

  it("remembered_compatibility_agrees_with_the_tags", () => {
    const environments = [
      Tags.fromEnvironment(
        { os: { kind: "manylinux", major: 2, minor: 28 }, arch: "x86_64" },
        {
          pythonVersion: [3, 12],
          implementationName: "cpython",
          implementationVersion: [3, 12],
          manylinuxCompatible: true,
        },
      ),
      Tags.fromEnvironment(
        { os: { kind: "windows" }, arch: "x86_64" },
        {
          pythonVersion: [3, 8],
          implementationName: "cpython",
          implementationVersion: [3, 8],
          manylinuxCompatible: false,
        },
      ),
    ];
    let compatible = 0;
    let wheels = 0;
    const set = (tags: string[]) => fc.subarray(tags, { minLength: 1 }).map((t) => t.join("."));
    const valid = fc
      .tuple(
        fc.constantFrom("foo-1.0-", "foo-1.0-1-", "foo-1.0-2x-"),
        set(["py3", "py2", "cp312", "cp38", "cp311", "pp310"]),
        set(["none", "abi3", "cp312", "cp38", "cp312t", "cp38d"]),
        set(["any", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "win_amd64", "win32"]),
      )
      .map(([head, python, abi, platform]) => `${head}${python}-${abi}-${platform}.whl`);
    const texts = fc.sample(fc.oneof(valid, shaped, filenames), { numRuns: 3000, seed: 17 });
    for (const text of texts) {
      const wheel = WheelFilename.tryParse(text);
      if (wheel === undefined) continue;
      wheels++;
      // Twice per environment, interleaved: the second answers come from the memo.
      for (let round = 0; round < 2; round++) {
        for (const tags of environments) {
          const expected = tags.compatibility(wheel.pythonTags, wheel.abiTags, wheel.platformTags);
          expect(wheel.compatibility(tags)).toEqual(expected);
          if (expected.compatible) compatible++;
        }
      }
    }
    expect(wheels).toBeGreaterThan(200);
    expect(compatible).toBeGreaterThan(50);
  });
});
