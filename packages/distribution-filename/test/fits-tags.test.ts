// `WheelFilename.fitsTags` decides from a wheel's tag text alone whether it fits an environment,
// ruling out most wheels for other platforms without reading their tags in full. It must say
// exactly what parsing the filename and asking for its compatibility says.
import { type Platform, Tags, type TagsOptions } from "@uv-ts/platform-tags";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WheelFilename } from "../src/index.ts";

function cpython(minor: number, extra: Partial<TagsOptions> = {}): TagsOptions {
  return {
    pythonVersion: [3, minor],
    implementationName: "cpython",
    implementationVersion: [3, minor],
    manylinuxCompatible: true,
    ...extra,
  };
}

const LINUX: Platform = { os: { kind: "manylinux", major: 2, minor: 39 }, arch: "x86_64" };
const MUSL: Platform = { os: { kind: "musllinux", major: 1, minor: 2 }, arch: "aarch64" };
const MACOS: Platform = { os: { kind: "macos", major: 14, minor: 0 }, arch: "aarch64" };
const WINDOWS: Platform = { os: { kind: "windows" }, arch: "x86_64" };

const ENVIRONMENTS: readonly Tags[] = [
  Tags.fromEnvironment(LINUX, cpython(12)),
  Tags.fromEnvironment(LINUX, cpython(8)),
  Tags.fromEnvironment(LINUX, cpython(13, { gilDisabled: true })),
  Tags.fromEnvironment(LINUX, cpython(12, { manylinuxCompatible: false })),
  Tags.fromEnvironment(MUSL, cpython(11)),
  Tags.fromEnvironment(MACOS, cpython(12)),
  Tags.fromEnvironment(WINDOWS, cpython(10)),
  Tags.fromEnvironment(LINUX, {
    pythonVersion: [3, 10],
    implementationName: "pypy",
    implementationVersion: [7, 3],
    manylinuxCompatible: true,
  }),
];

// Tags of real releases (and spellings that parse to the same tags or to none at all).
const PYTHON = fc.constantFrom(
  "py3",
  "py2.py3",
  "py2",
  "cp38",
  "cp312",
  "cp313",
  "cp311.cp312",
  "pp310",
  "pp39.pp310",
  "graalpy311",
  "py312",
  "xx9",
  "ip27",
);
const ABI = fc.constantFrom(
  "none",
  "abi3",
  "abi3t",
  "cp38",
  "cp312",
  "cp313t",
  "cp312d",
  "pypy310_pp73",
  "cp37m",
  "none.abi3",
  "weird",
);
const PLATFORM = fc.constantFrom(
  "any",
  "manylinux_2_17_x86_64.manylinux2014_x86_64",
  "manylinux2014_x86_64",
  "manylinux1_x86_64",
  "manylinux2010_x86_64",
  "manylinux_2_28_aarch64",
  "manylinux_2_40_x86_64",
  "musllinux_1_2_x86_64",
  "musllinux_1_1_aarch64",
  "linux_x86_64",
  "win_amd64",
  "win32",
  "win_arm64",
  "macosx_10_9_universal2",
  "macosx_11_0_arm64",
  "macosx_14_0_arm64",
  "macosx_15_0_arm64",
  "macosx_10_12_x86_64.macosx_11_0_arm64",
  "emscripten_3_1_58_wasm32",
  "ios_13_0_arm64_iphoneos",
  "foo_bar",
);
const BUILD = fc.constantFrom("", "-1", "-2_b");
const VARIANT = fc.constantFrom("", "", "-cu12");

const WHEEL = fc
  .tuple(PYTHON, ABI, PLATFORM, BUILD, VARIANT)
  .map(([p, a, t, b, v]) => `foo_bar-1.0${b}-${p}-${a}-${t}${v}.whl`);

describe("WheelFilename.fitsTags", () => {
  it("says_what_the_parsed_filenames_compatibility_says", () => {
    const wheels = fc.sample(WHEEL, { numRuns: 3000, seed: 20261121 });
    let fits = 0;
    let ruledOut = 0;
    for (const tags of ENVIRONMENTS) {
      for (const name of wheels) {
        const parsed = WheelFilename.tryParse(name);
        const expected = parsed?.compatibility(tags).compatible;
        expect([name, WheelFilename.fitsTags(name, tags)]).toEqual([name, expected]);
        if (expected === true) fits++;
        else if (expected === false) ruledOut++;
      }
    }
    // Both outcomes are well represented, so the agreement means something.
    expect(fits).toBeGreaterThan(200);
    expect(ruledOut).toBeGreaterThan(500);
  });

  it("rules_out_wheels_for_other_platforms_and_keeps_those_that_fit", () => {
    const linux = Tags.fromEnvironment(LINUX, cpython(12));
    const cases: [string, boolean][] = [
      ["cryptography-46.0.3-cp311-abi3-manylinux_2_28_x86_64.whl", true],
      ["cryptography-46.0.3-cp311-abi3-win_amd64.whl", false],
      ["cryptography-46.0.3-cp311-abi3-macosx_10_9_universal2.whl", false],
      ["cryptography-46.0.3-pp311-pypy311_pp73-manylinux_2_28_x86_64.whl", false],
      ["markupsafe-3.0.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", true],
      ["markupsafe-3.0.3-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", false],
      ["attrs-25.1.0-py3-none-any.whl", true],
      ["foo-1.0-1-py2.py3-none-any.whl", true],
    ];
    for (const [name, fits] of cases)
      expect([name, WheelFilename.fitsTags(name, linux)]).toEqual([name, fits]);
    expect(WheelFilename.fitsTags("foo-1.0.tar.gz", linux)).toBeUndefined();
    expect(WheelFilename.fitsTags("foo-1.0-any.whl", linux)).toBeUndefined();
  });
});
