import { parsePackageName } from "@uv-ts/normalize";
import {
  formatAbiTag,
  formatLanguageTag,
  formatPlatformTag,
  type Platform,
  Tags,
} from "@uv-ts/platform-tags";
import { describe, expect, it } from "vitest";
import { BuildTag, WheelFilename, WheelFilenameError } from "../src/index.ts";

function errorOf(filename: string): string {
  try {
    WheelFilename.parse(filename);
  } catch (error) {
    expect(error).toBeInstanceOf(WheelFilenameError);
    return (error as Error).message;
  }
  return "parsed";
}

const REAL_WHEELS = [
  "django_allauth-0.51.0-py3-none-any.whl",
  "osm2geojson-0.2.4-py3-none-any.whl",
  "numpy-1.26.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  "numpy-2.1.3-cp313-cp313t-musllinux_1_2_aarch64.whl",
  "numpy-1.26.4-cp312-cp312-macosx_11_0_arm64.whl",
  "numpy-1.26.4-cp312-cp312-win_amd64.whl",
  "numpy-1.21.6-pp37-pypy37_pp73-manylinux_2_12_x86_64.manylinux2010_x86_64.whl",
  "six-1.16.0-py2.py3-none-any.whl",
  "typing_extensions-4.12.2-py3-none-any.whl",
  "cryptography-43.0.3-cp39-abi3-manylinux_2_28_aarch64.whl",
  "cryptography-43.0.3-pp310-pypy310_pp73-win_amd64.whl",
  "pydantic_core-2.23.4-cp38-none-win32.whl",
  "psycopg2_binary-2.9.10-cp313-cp313-macosx_14_0_arm64.whl",
  "tensorflow-2.18.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  "greenlet-3.1.1-cp37-cp37m-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
  "pyzmq-26.2.0-cp313-cp313-macosx_10_13_universal2.whl",
  "simplejson-3.19.3-cp27-cp27mu-manylinux1_x86_64.whl",
  "pillow-11.0.0-cp313-cp313t-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
  "zope.interface-7.1.1-cp312-cp312-win_amd64.whl",
  "ruff-0.7.3-py3-none-manylinux_2_17_armv7l.manylinux2014_armv7l.whl",
  "graalpy_lib-1.0-graalpy311-graalpy242_311_native-manylinux_2_28_x86_64.whl",
  "orjson-3.10.11-cp313-cp313-musllinux_1_2_armv7l.whl",
  "scipy-1.14.1-cp310-cp310-macosx_12_0_arm64.whl",
  "foo-1.2.3-202206090410-py3-none-any.whl",
  "tqdm-4.67.0-1-py3-none-any.whl",
];

describe("WheelFilename.parse", () => {
  it("round_trips_real_wheel_filenames", () => {
    for (const name of REAL_WHEELS) {
      const wheel = WheelFilename.parse(name);
      expect(wheel.toString()).toBe(
        name.replace(/^[^-]+/, (n) => n.toLowerCase().replace(/[-.]/g, "_")),
      );
    }
  });

  it("reads_the_parts_of_a_simple_wheel", () => {
    const wheel = WheelFilename.parse("foo-1.2.3-py3-none-any.whl");
    expect(wheel.name).toBe("foo");
    expect(wheel.version.toString()).toBe("1.2.3");
    expect(wheel.buildTag).toBeUndefined();
    expect(wheel.pythonTags.map(formatLanguageTag)).toEqual(["py3"]);
    expect(wheel.abiTags.map(formatAbiTag)).toEqual(["none"]);
    expect(wheel.platformTags.map(formatPlatformTag)).toEqual(["any"]);
    expect(wheel.stem()).toBe("foo-1.2.3-py3-none-any");
  });

  it("expands_compressed_tag_sets", () => {
    const wheel = WheelFilename.parse(
      "foo-1.2.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    expect(wheel.platformTags.map(formatPlatformTag)).toEqual([
      "manylinux_2_17_x86_64",
      "manylinux2014_x86_64",
    ]);
    const py = WheelFilename.parse("six-1.16.0-py2.py3-none-any.whl");
    expect(py.pythonTags.map(formatLanguageTag)).toEqual(["py2", "py3"]);
    const abi = WheelFilename.parse("foo-1.2.3-cp315-abi3.abi3t-manylinux_2_17_x86_64.whl");
    expect(abi.abiTags.map(formatAbiTag)).toEqual(["abi3", "abi3t"]);
  });

  it("reads_build_tags", () => {
    const wheel = WheelFilename.parse("foo-1.2.3-202206090410-py3-none-any.whl");
    expect(wheel.buildTag?.number).toBe(202206090410n);
    expect(wheel.buildTag?.suffix).toBeUndefined();
    const suffixed = WheelFilename.parse("foo-1.2.3-1local_build-py3-none-any.whl");
    expect(suffixed.buildTag?.toString()).toBe("1local_build");
    expect(suffixed.buildTag?.suffix).toBe("local_build");
  });

  it("normalises_names_and_versions_when_printing", () => {
    const wheel = WheelFilename.parse("Zope.Interface-7.01-cp312-cp312-win_amd64.whl");
    expect(wheel.name).toBe("zope-interface");
    expect(wheel.toString()).toBe("zope_interface-7.1-cp312-cp312-win_amd64.whl");
  });

  it("keeps_unknown_tags_in_the_text_but_not_the_tag_lists", () => {
    const wheel = WheelFilename.parse("foo-1.0-py3-none-weird_platform.whl");
    expect(wheel.platformTags).toEqual([]);
    expect(wheel.toString()).toBe("foo-1.0-py3-none-weird_platform.whl");
    // Free-threading flags print in CPython's order, as uv prints them.
    expect(WheelFilename.parse("foo-1.0-cp314-cp314dt-any.whl").toString()).toBe(
      "foo-1.0-cp314-cp314td-any.whl",
    );
    expect(WheelFilename.parse("foo-1.0-1-cp314-cp314dt-any.whl").toString()).toBe(
      "foo-1.0-1-cp314-cp314dt-any.whl",
    );
  });

  it("uses_the_package_name_hint", () => {
    const hint = parsePackageName("foo-bar");
    expect(WheelFilename.parse("Foo_Bar-1.0-py3-none-any.whl", hint).name).toBe("foo-bar");
    expect(WheelFilename.parse("foo__bar-1.0-py3-none-any.whl", hint).name).toBe("foo-bar");
  });

  it("reports_uv_errors", () => {
    expect(errorOf("foo.rs")).toBe("The wheel filename `foo.rs` is invalid: Must end with .whl");
    expect(errorOf(".whl")).toBe("The wheel filename `.whl` is invalid: Must have a version");
    expect(errorOf("foo.whl")).toBe("The wheel filename `foo.whl` is invalid: Must have a version");
    expect(errorOf("foo-1.2.3.whl")).toBe(
      "The wheel filename `foo-1.2.3.whl` is invalid: Must have a Python tag",
    );
    expect(errorOf("foo-1.2.3-py3.whl")).toBe(
      "The wheel filename `foo-1.2.3-py3.whl` is invalid: Must have an ABI tag",
    );
    expect(errorOf("foo-1.2.3-py3-none.whl")).toBe(
      "The wheel filename `foo-1.2.3-py3-none.whl` is invalid: Must have a platform tag",
    );
    expect(errorOf("foo-1.2.3-202206090410-py3-none-any-whoops-x.whl")).toBe(
      "The wheel filename `foo-1.2.3-202206090410-py3-none-any-whoops-x.whl` is invalid: Must have 5 to 7 components, but has more",
    );
    expect(errorOf("f!oo-1.2.3-py3-none-any.whl")).toBe(
      "The wheel filename `f!oo-1.2.3-py3-none-any.whl` has an invalid package name",
    );
    expect(errorOf("foo-x.y.z-py3-none-any.whl")).toBe(
      "The wheel filename `foo-x.y.z-py3-none-any.whl` has an invalid version: expected version to start with a number, but no leading ASCII digits were found",
    );
    // Seven parts: the third must be a build tag.
    expect(errorOf("foo-1.2.3-tag-py3-none-any-x.whl")).toBe(
      "The wheel filename `foo-1.2.3-tag-py3-none-any-x.whl` has an invalid build tag: must start with a digit",
    );
    expect(errorOf("foo-1.2.3-1/../../target-py3-none-any.whl")).toBe(
      "The wheel filename `foo-1.2.3-1/../../target-py3-none-any.whl` has an invalid build tag: must contain only ASCII letters, digits, underscores, and periods",
    );
    for (const bad of [
      "foo-1.2.3-py3-none-../target.whl",
      "foo-1.2.3-py3-none-..\\target.whl",
      "foo-1.2.3-py3-none-target:stream.whl",
      "foo-1.2.3-py3-none-freebsd_13_x86/64.whl",
      "foo-1.2.3-py3-none-unknown tag.whl",
      "foo-1.2.3-py3-none-unknown\u00e9.whl",
      "foo-1.2.3-py3-none-unknown..tag.whl",
    ]) {
      expect(errorOf(bad)).toBe(
        `The wheel filename \`${bad}\` is invalid: Tag components must contain only ASCII letters, digits, underscores, and periods`,
      );
    }
  });

  it("keeps_the_cause_of_name_errors", () => {
    try {
      WheelFilename.parse("f!oo-1.2.3-py3-none-any.whl");
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(((error as Error).cause as Error).message).toContain('"f!oo"');
    }
    expect.assertions(2);
  });

  it("parses_stems", () => {
    expect(WheelFilename.fromStem("foo-1.2.3-py3-none-any").toString()).toBe(
      "foo-1.2.3-py3-none-any.whl",
    );
    expect(() => WheelFilename.fromStem("foo-1.2.3-py3-none-any.whl")).toThrow(
      "The wheel stem `foo-1.2.3-py3-none-any.whl` has an unexpected extension",
    );
    expect(WheelFilename.tryParse("nope")).toBeUndefined();
  });
});

describe("wheel variants", () => {
  it("reads_a_variant_label_after_the_platform_tag", () => {
    // Six parts whose third does not start with a digit: the last part is a variant label.
    const wheel = WheelFilename.parse("foo-1.0-py3-none-any-x86_64_v3.whl");
    expect(wheel.variantLabel).toBe("x86_64_v3");
    expect(wheel.buildTag).toBeUndefined();
    expect(wheel.platformTags.map(formatPlatformTag)).toEqual(["any"]);
    expect(wheel.toString()).toBe("foo-1.0-py3-none-any-x86_64_v3.whl");
    const both = WheelFilename.parse("foo-1.0-2-py3-none-any-cu12.whl");
    expect(both.buildTag?.toString()).toBe("2");
    expect(both.variantLabel).toBe("cu12");
    // A digit in third place makes it a build tag instead.
    const build = WheelFilename.parse("foo-1.2.3-1x-py3-none-any.whl");
    expect(build.buildTag?.toString()).toBe("1x");
    expect(build.variantLabel).toBeUndefined();
    const variant = WheelFilename.parse("foo-1.2.3-tag-py3-none-any.whl");
    expect(variant.variantLabel).toBe("any");
    expect(variant.pythonTags).toEqual([]);
  });

  it("rejects_bad_variant_labels", () => {
    expect(errorOf("foo-1.0-py3-none-any-BadLabel.whl")).toBe(
      "The wheel filename `foo-1.0-py3-none-any-BadLabel.whl` has an invalid variant label: Variant label must contain only lowercase ASCII letters, digits, underscores, and periods, not `B`",
    );
    expect(errorOf("foo-1.0-py3-none-any-.whl")).toBe(
      "The wheel filename `foo-1.0-py3-none-any-.whl` has an invalid variant label: Variant label must not be empty",
    );
    // The label is checked before the tags.
    expect(errorOf("foo-1.0-py3-none-a:y-Bad.whl")).toContain("has an invalid variant label");
    expect(errorOf("foo-1.0--py3-none-any.whl")).toBe(
      "The wheel filename `foo-1.0--py3-none-any.whl` is invalid: Tag components must contain only ASCII letters, digits, underscores, and periods",
    );
  });
});

describe("BuildTag", () => {
  it("sorts_by_number_then_suffix", () => {
    const sorted = ["10", "2", "2a", "2b", "1_x", "0"]
      .map(BuildTag.parse)
      .sort((a, b) => a.compare(b));
    expect(sorted.map(String)).toEqual(["0", "1_x", "2", "2a", "2b", "10"]);
  });

  it("rejects_bad_build_tags", () => {
    expect(() => BuildTag.parse("")).toThrow("must not be empty");
    expect(() => BuildTag.parse("99999999999999999999")).toThrow(
      "number too large to fit in target type",
    );
  });
});

describe("WheelFilename compatibility", () => {
  const linux: Platform = { os: { kind: "manylinux", major: 2, minor: 36 }, arch: "x86_64" };
  const tags = Tags.fromEnvironment(linux, {
    pythonVersion: [3, 12],
    implementationName: "cpython",
    implementationVersion: [3, 12],
    manylinuxCompatible: true,
  });

  it("prefers_specific_wheels", () => {
    const specific = WheelFilename.parse(
      "numpy-1.26.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    const abi3 = WheelFilename.parse("cryptography-43.0.3-cp39-abi3-manylinux_2_28_x86_64.whl");
    const pure = WheelFilename.parse("six-1.16.0-py2.py3-none-any.whl");
    const a = specific.compatibility(tags);
    const b = abi3.compatibility(tags);
    const c = pure.compatibility(tags);
    expect(a.compatible && b.compatible && c.compatible).toBe(true);
    if (a.compatible && b.compatible && c.compatible) {
      expect(a.priority).toBeGreaterThan(b.priority);
      expect(b.priority).toBeGreaterThan(c.priority);
    }
    expect(specific.isCompatible(tags)).toBe(true);
  });

  it("explains_incompatible_wheels", () => {
    expect(
      WheelFilename.parse("numpy-1.26.4-cp312-cp312-win_amd64.whl").compatibility(tags),
    ).toEqual({ compatible: false, reason: "platform" });
    expect(
      WheelFilename.parse("numpy-1.26.4-cp313-cp313-win_amd64.whl").compatibility(tags),
    ).toEqual({ compatible: false, reason: "python" });
    // `cp311` is known (through `cp311-abi3`), so the ABI is what does not fit.
    expect(
      WheelFilename.parse("numpy-1.26.4-cp311-cp311-win_amd64.whl").compatibility(tags),
    ).toEqual({ compatible: false, reason: "abi" });
    expect(WheelFilename.parse("foo-1.0-xx-yy-zz.whl").compatibility(tags)).toEqual({
      compatible: false,
      reason: "invalid",
    });
  });
});
