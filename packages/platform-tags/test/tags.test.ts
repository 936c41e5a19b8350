import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareTagCompatibility,
  compatiblePlatformTags,
  formatAbiTag,
  formatLanguageTag,
  formatPlatformTag,
  formatTagTriple,
  maxTagCompatibility,
  type Platform,
  PlatformError,
  parseAbiTag,
  parseLanguageTag,
  parsePlatformTag,
  parseTag,
  prettyAbiTag,
  prettyLanguageTag,
  prettyPlatform,
  type TagCompatibility,
  TagParseError,
  Tags,
  TagsError,
  type TagsOptions,
  tryParsePlatformTag,
} from "../src/index.ts";

const MANYLINUX_2_28: Platform = { os: { kind: "manylinux", major: 2, minor: 28 }, arch: "x86_64" };

function cpython(minor: number, extra: Partial<TagsOptions> = {}): TagsOptions {
  return {
    pythonVersion: [3, minor],
    implementationName: "cpython",
    implementationVersion: [3, minor],
    manylinuxCompatible: true,
    ...extra,
  };
}

function lines(tags: Tags): string[] {
  return [...tags].map(formatTagTriple);
}

function compat(tags: Tags, tag: string) {
  const [triple] = parseTag(tag);
  if (triple === undefined) throw new Error("no tag");
  return tags.compatibilityOfTag(triple);
}

describe("tag parsing", () => {
  it("round_trips_language_tags", () => {
    for (const tag of ["none", "py3", "py312", "cp312", "cp3", "pp310", "graalpy311", "pyston38"]) {
      expect(formatLanguageTag(parseLanguageTag(tag))).toBe(tag);
    }
    expect(parseLanguageTag("py312")).toEqual({ kind: "python", major: 3, minor: 12 });
    expect(prettyLanguageTag(parseLanguageTag("cp312"))).toBe("CPython 3.12");
    expect(prettyLanguageTag(parseLanguageTag("py3"))).toBe("Python 3");
  });

  it("reports_uv_messages_for_bad_language_tags", () => {
    const message = (tag: string) => {
      try {
        parseLanguageTag(tag);
      } catch (error) {
        expect(error).toBeInstanceOf(TagParseError);
        return (error as Error).message;
      }
      return "parsed";
    };
    expect(message("py")).toBe("Missing major version in Python language tag: py");
    expect(message("pyX")).toBe("Invalid major version in Python language tag: pyX");
    expect(message("py3X")).toBe("Invalid minor version in Python language tag: py3X");
    expect(message("cp3100")).toBe("Unknown language tag format: cp3100");
    expect(message("pp3")).toBe("Invalid minor version in PyPy language tag: pp3");
    expect(message("ip27")).toBe("Unknown language tag format: ip27");
  });

  it("round_trips_abi_tags", () => {
    for (const tag of [
      "none",
      "abi3",
      "abi3t",
      "cp312",
      "cp313t",
      "cp38d",
      "cp37m",
      "cp27mu",
      "cp314td",
      "pypy310_pp73",
      "pypy_73",
      "graalpy240_311_native",
      "pyston_23_x86_64_linux_gnu",
    ]) {
      expect(formatAbiTag(parseAbiTag(tag))).toBe(tag);
    }
    // Flags print in CPython's order whatever order they were written in.
    expect(formatAbiTag(parseAbiTag("cp314dt"))).toBe("cp314td");
    expect(prettyAbiTag(parseAbiTag("cp313t"))).toBe("free-threaded CPython 3.13");
  });

  it("reports_uv_messages_for_bad_abi_tags", () => {
    expect(() => parseAbiTag("cp39x")).toThrow("Unknown suffix `x` in CPython ABI tag: cp39x");
    expect(() => parseAbiTag("cp39tt")).toThrow("Duplicate suffix `t` in CPython ABI tag: cp39tt");
    expect(() => parseAbiTag("cp")).toThrow("Missing major version in CPython ABI tag: cp");
    expect(() => parseAbiTag("pypy39")).toThrow("Invalid PyPy ABI tag format: pypy39");
    expect(() => parseAbiTag("graalpy240_310_foo")).toThrow(
      "Invalid GraalPy ABI tag format: graalpy240_310_foo",
    );
    expect(() => parseAbiTag("foo")).toThrow("Unknown ABI tag format: foo");
  });

  it("round_trips_platform_tags", () => {
    for (const tag of [
      "any",
      "win32",
      "win_amd64",
      "win_arm64",
      "manylinux_2_17_x86_64",
      "manylinux1_i686",
      "manylinux2010_x86_64",
      "manylinux2014_aarch64",
      "linux_armv7l",
      "musllinux_1_2_x86_64",
      "macosx_10_9_x86_64",
      "macosx_11_0_arm64",
      "macosx_10_9_universal2",
      "android_21_arm64_v8a",
      "freebsd_13_2_release_amd64",
      "solaris_2_11_i86pc_64bit",
      "pyodide_2024_0_wasm32",
      "pyemscripten_2026_0_wasm32",
      "ios_13_0_arm64_iphoneos",
    ]) {
      expect(formatPlatformTag(parsePlatformTag(tag))).toBe(tag);
    }
    // 32-bit ARM on ARMv8 hardware is treated as armv7l.
    expect(formatPlatformTag(parsePlatformTag("linux_armv8l"))).toBe("linux_armv7l");
  });

  it("reports_uv_messages_for_bad_platform_tags", () => {
    expect(() => parsePlatformTag("manylinux_x_17_x86_64")).toThrow(
      "Invalid major version in manylinux platform tag: manylinux_x_17_x86_64",
    );
    // `x86` is read as the minor version.
    expect(() => parsePlatformTag("manylinux_2_x86_64")).toThrow(
      "Invalid minor version in manylinux platform tag: manylinux_2_x86_64",
    );
    expect(() => parsePlatformTag("manylinux_2_17_foo")).toThrow(
      "Invalid architecture in manylinux platform tag: manylinux_2_17_foo",
    );
    expect(() => parsePlatformTag("macosx_11")).toThrow(
      "Invalid format for macosx platform tag: macosx_11",
    );
    expect(() => parsePlatformTag("pyodide_2024_0_arm")).toThrow(
      "Invalid architecture in pyodide platform tag: pyodide_2024_0_arm",
    );
    expect(() => parsePlatformTag("emscripten_3_1_wasm32")).toThrow(
      "Unknown platform tag format: emscripten_3_1_wasm32",
    );
    expect(tryParsePlatformTag("win_foo")).toBeUndefined();
  });

  it("parse_tag_expands_compressed_sets", () => {
    expect(parseTag("py2.py3-none-any").map(formatTagTriple)).toEqual([
      "py2-none-any",
      "py3-none-any",
    ]);
    expect(() => parseTag("py3-none")).toThrow("must have three parts");
  });
});

describe("Tags.fromEnvironment", () => {
  it("free_threaded_tags_use_abi3t_without_manylinux", () => {
    // uv's `test_system_tags_freethreaded_include_abi3t`.
    const tags = Tags.fromEnvironment(MANYLINUX_2_28, {
      ...cpython(15),
      manylinuxCompatible: false,
      gilDisabled: true,
    });
    const expected = [
      "cp315-cp315t-linux_x86_64",
      "cp315-abi3t-linux_x86_64",
      "cp315-none-linux_x86_64",
      ...[14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2].map((m) => `cp3${m}-abi3t-linux_x86_64`),
      "py315-none-linux_x86_64",
      "py3-none-linux_x86_64",
      ...[14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((m) => `py3${m}-none-linux_x86_64`),
      "cp315-none-any",
      "py315-none-any",
      "py3-none-any",
      ...[14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((m) => `py3${m}-none-any`),
    ];
    expect(lines(tags)).toEqual(expected);
    expect(tags.toString()).toBe(`${expected.join("\n")}\n`);
  });

  it("priority_decreases_along_the_list", () => {
    const tags = Tags.fromEnvironment(MANYLINUX_2_28, cpython(12));
    const all = [...tags];
    expect(all[0]?.priority).toBe(all.length);
    expect(all.at(-1)?.priority).toBe(1);
    expect(tags.size).toBe(all.length);
    expect(formatTagTriple(tags.best() ?? all[1]!)).toBe("cp312-cp312-manylinux_2_28_x86_64");
    const best = compat(tags, "cp312-cp312-manylinux_2_28_x86_64");
    const older = compat(tags, "cp312-cp312-manylinux_2_17_x86_64");
    const pure = compat(tags, "py3-none-any");
    expect(compareTagCompatibility(best, older)).toBeGreaterThan(0);
    expect(compareTagCompatibility(older, pure)).toBeGreaterThan(0);
  });

  it("manylinux_lists_legacy_aliases_after_their_glibc_version", () => {
    const platforms = compatiblePlatformTags(MANYLINUX_2_28).map(formatPlatformTag);
    expect(platforms.slice(10, 14)).toEqual([
      "manylinux_2_18_x86_64",
      "manylinux_2_17_x86_64",
      "manylinux2014_x86_64",
      "manylinux_2_16_x86_64",
    ]);
    expect(platforms).toContain("manylinux2010_x86_64");
    expect(platforms.at(-3)).toBe("manylinux_2_5_x86_64");
    expect(platforms.at(-2)).toBe("manylinux1_x86_64");
    expect(platforms.at(-1)).toBe("linux_x86_64");
    // aarch64 starts at manylinux2014.
    const arm = compatiblePlatformTags({
      os: { kind: "manylinux", major: 2, minor: 17 },
      arch: "aarch64",
    });
    expect(arm.map(formatPlatformTag)).toEqual([
      "manylinux_2_17_aarch64",
      "manylinux2014_aarch64",
      "linux_aarch64",
    ]);
  });

  it("not_manylinux_compatible_keeps_only_linux", () => {
    const tags = Tags.fromEnvironment(MANYLINUX_2_28, {
      ...cpython(12),
      manylinuxCompatible: false,
    });
    expect(compat(tags, "cp312-cp312-manylinux_2_17_x86_64")).toEqual({
      compatible: false,
      reason: "platform",
    });
    expect(compat(tags, "cp312-cp312-linux_x86_64").compatible).toBe(true);
  });

  it("musllinux_lists_every_minor_down_to_zero", () => {
    const platform: Platform = { os: { kind: "musllinux", major: 1, minor: 2 }, arch: "aarch64" };
    expect(compatiblePlatformTags(platform).map(formatPlatformTag)).toEqual([
      "musllinux_1_2_aarch64",
      "musllinux_1_1_aarch64",
      "musllinux_1_0_aarch64",
      "linux_aarch64",
    ]);
  });

  it("macos_arm64_accepts_universal2_before_11", () => {
    const platforms = compatiblePlatformTags({
      os: { kind: "macos", major: 14, minor: 2 },
      arch: "aarch64",
    }).map(formatPlatformTag);
    expect(platforms.slice(0, 3)).toEqual([
      "macosx_14_0_arm64",
      "macosx_14_0_universal2",
      "macosx_13_0_arm64",
    ]);
    expect(platforms).toContain("macosx_10_4_universal2");
    expect(platforms).not.toContain("macosx_10_9_x86_64");
    expect(platforms).toHaveLength(8 + 13);
  });

  it("windows_has_one_platform_tag", () => {
    const tags = Tags.fromEnvironment({ os: { kind: "windows" }, arch: "x86_64" }, cpython(11));
    expect(compat(tags, "cp311-cp311-win_amd64").compatible).toBe(true);
    expect(compat(tags, "cp311-cp311-win32")).toEqual({ compatible: false, reason: "platform" });
    expect(prettyPlatform({ os: { kind: "windows" }, arch: "x86_64" })).toBe("Windows x86_64");
  });

  it("bsd_release_is_normalised", () => {
    const [tag] = compatiblePlatformTags({
      os: { kind: "freebsd", release: "13.2-RELEASE" },
      arch: "x86_64",
    });
    expect(tag && formatPlatformTag(tag)).toBe("freebsd_13_2_release_amd64");
    const [solaris] = compatiblePlatformTags({
      os: { kind: "illumos", release: "5_11", arch: "i86pc" },
      arch: "x86_64",
    });
    expect(solaris && formatPlatformTag(solaris)).toBe("solaris_2_11_i86pc_64bit");
  });

  it("rejects_unsupported_platforms_and_implementations", () => {
    expect(() =>
      Tags.fromEnvironment(
        { os: { kind: "macos", major: 14, minor: 0 }, arch: "s390x" },
        cpython(12),
      ),
    ).toThrow(PlatformError);
    expect(() =>
      Tags.fromEnvironment(MANYLINUX_2_28, { ...cpython(12), implementationName: "jython" }),
    ).toThrow("Unsupported implementation: `jython`");
    expect(() =>
      Tags.fromEnvironment(MANYLINUX_2_28, { ...cpython(12), implementationName: "foo" }),
    ).toThrow(TagsError);
    expect(() =>
      Tags.fromEnvironment(MANYLINUX_2_28, {
        ...cpython(10),
        implementationName: "pypy",
        implementationVersion: [7, 3],
        gilDisabled: true,
      }),
    ).toThrow("Only CPython can be freethreading, not: pypy");
  });

  it("debug_builds_prefer_debug_wheels_but_accept_release_ones", () => {
    // uv's `test_system_tags_debug_cpython`.
    const release = Tags.fromEnvironment(MANYLINUX_2_28, cpython(14));
    expect(compat(release, "cp314-cp314d-manylinux_2_28_x86_64").compatible).toBe(false);
    const debug = Tags.fromEnvironment(MANYLINUX_2_28, { ...cpython(14), debugEnabled: true });
    const d = compat(debug, "cp314-cp314d-manylinux_2_28_x86_64");
    const r = compat(debug, "cp314-cp314-manylinux_2_28_x86_64");
    expect(d.compatible && r.compatible).toBe(true);
    expect(compareTagCompatibility(d, r)).toBeGreaterThan(0);
  });

  it("pypy_tags_follow_uv", () => {
    const tags = Tags.fromEnvironment(MANYLINUX_2_28, {
      pythonVersion: [3, 10],
      implementationName: "pypy",
      implementationVersion: [7, 3],
      manylinuxCompatible: true,
    });
    expect(lines(tags)[0]).toBe("pp310-pypy310_pp73-manylinux_2_28_x86_64");
    expect(compat(tags, "cp310-abi3-manylinux_2_28_x86_64")).toEqual({
      compatible: false,
      reason: "python",
    });
    expect(compat(tags, "py3-none-any").compatible).toBe(true);
  });
});

describe("Tags.compatibility", () => {
  const tags = Tags.fromEnvironment(MANYLINUX_2_28, cpython(12));
  const of = (tag: string) => {
    const [py = "", abi = "", plat = ""] = tag.split("-");
    return tags.compatibility(
      py.split(".").map(parseLanguageTag),
      abi.split(".").map(parseAbiTag),
      plat.split(".").map(parsePlatformTag),
    );
  };

  it("reports_the_most_specific_reason", () => {
    expect(of("cp311-cp311-manylinux_2_17_x86_64")).toEqual({ compatible: false, reason: "abi" });
    expect(of("cp313-cp313-manylinux_2_17_x86_64")).toEqual({
      compatible: false,
      reason: "python",
    });
    expect(of("cp312-cp312-win_amd64")).toEqual({ compatible: false, reason: "platform" });
    expect(of("cp311.cp312-cp312-win_amd64")).toEqual({ compatible: false, reason: "platform" });
    expect(tags.compatibility([], [], [])).toEqual({ compatible: false, reason: "invalid" });
  });

  // The fold over every combination, spelled out with the single-tag lookups: the best
  // compatible priority, else the most specific reason.
  const knownPythons = new Set([...tags].map((t) => formatLanguageTag(t.python)));
  function reference(
    python: readonly string[],
    abi: readonly string[],
    platform: readonly string[],
  ): TagCompatibility {
    let best: TagCompatibility = { compatible: false, reason: "invalid" };
    for (const py of python) {
      if (!knownPythons.has(py)) {
        best = maxTagCompatibility(best, { compatible: false, reason: "python" });
        continue;
      }
      for (const a of abi) {
        if (!tags.isCompatibleAbi(parseLanguageTag(py), parseAbiTag(a))) {
          best = maxTagCompatibility(best, { compatible: false, reason: "abi" });
          continue;
        }
        for (const plat of platform) {
          best = maxTagCompatibility(best, compat(tags, `${py}-${a}-${plat}`));
        }
      }
    }
    return best;
  }

  it("compressed_sets_agree_with_the_fold_over_their_combinations", () => {
    const pythons = ["cp312", "cp311", "py3", "py312", "pp310", "cp3"];
    const abis = ["cp312", "abi3", "none", "cp311", "cp312d"];
    const platforms = ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "any", "win_amd64"];
    const subsets = fc.tuple(fc.subarray(pythons), fc.subarray(abis), fc.subarray(platforms));
    fc.assert(
      fc.property(subsets, ([python, abi, platform]) => {
        const ours = tags.compatibility(
          python.map(parseLanguageTag),
          abi.map(parseAbiTag),
          platform.map(parsePlatformTag),
        );
        expect(ours).toEqual(reference(python, abi, platform));
      }),
      { numRuns: 400, seed: 427 },
    );
  });

  it("takes_the_best_of_a_compressed_tag_set", () => {
    const single = of("cp312-cp312-manylinux_2_17_x86_64");
    const multi = of("cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64");
    expect(multi).toEqual(single);
    expect(of("cp312-abi3-manylinux_2_17_x86_64.win_amd64").compatible).toBe(true);
    expect(
      tags.isCompatible(
        [parseLanguageTag("py2")],
        [parseAbiTag("none")],
        [parsePlatformTag("any")],
      ),
    ).toBe(false);
  });

  it("free_threaded_rejects_gil_abis", () => {
    const ft = Tags.fromEnvironment(MANYLINUX_2_28, { ...cpython(13), gilDisabled: true });
    expect(compat(ft, "cp313-abi3-manylinux_2_17_x86_64")).toEqual({
      compatible: false,
      reason: "freethreaded-abi",
    });
    expect(compat(ft, "cp313-cp313t-manylinux_2_17_x86_64").compatible).toBe(true);
    expect(compat(ft, "py3-none-any").compatible).toBe(true);
  });
});
