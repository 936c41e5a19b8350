import { fileURLToPath } from "node:url";
import { isValidName } from "@uv-ts/normalize";
import { formatAbiTag, formatLanguageTag, formatPlatformTag } from "@uv-ts/platform-tags";
import { hasFeature, oracleAvailable, runOracle } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SourceDistFilename, WheelFilename } from "../src/index.ts";

/**
 * Differential test against `packaging` 26.3 (`parse_wheel_filename`, `parse_sdist_filename`).
 *
 * Deliberate differences, each recognised by {@link documentedDifference}:
 * - names: uv requires a PEP 508 name (ASCII letters and digits, `-_.` only inside); packaging
 *   accepts any `[\w._]+` (Unicode letters, leading/trailing `_` or `.`) except one containing
 *   `__`, and does not check sdist names at all.
 * - build tags: uv allows only `[A-Za-z0-9_.]` after the digits and at most a u64; packaging
 *   takes anything after the digits and any size.
 * - wheel variants: uv 0.13.8 reads a six-part name whose third part does not start with a digit
 *   as `...-{platform}-{variant label}` (PEP 817-style); packaging requires a build tag there.
 * Tags are drawn from tags both understand, so the tag sets must match exactly.
 */
const ORACLE = fileURLToPath(new URL("./oracle_filenames.py", import.meta.url));

const NAMES = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._]{0,8}[A-Za-z0-9])?$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "_foo",
      "foo_",
      ".foo",
      "foo__bar",
      "f!o",
      "",
      "caf\u00e9",
      "a..b",
      "A_.b",
    ),
  },
);
const VERSIONS = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.tuple(fc.constantFrom("a", "b", "rc", "alpha", "c", "pre"), fc.nat(9)), {
          nil: undefined,
        }),
        fc.option(fc.constantFrom(".post1", ".dev0", "post2", ".post3.dev4", "_dev5"), {
          nil: undefined,
        }),
        fc.option(fc.constantFrom("+local", "+ubuntu.1", "+abc_def.7"), { nil: undefined }),
      )
      .map(
        ([epoch, release, pre, post, local]) =>
          `${epoch === undefined ? "" : `${epoch}!`}${release.join(".")}${pre === undefined ? "" : `${pre[0]}${pre[1]}`}${post ?? ""}${local ?? ""}`,
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom("x.y", "1.0+", "", "1..0", "v1.0", "1.0.*", "01.02") },
);
const BUILD_TAGS = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,4}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,3}[a-z_.]{1,4}$/) },
  { weight: 1, arbitrary: fc.constantFrom("abc", "", "1+x", "99999999999999999999", "0") },
);
const tagSet = (valid: readonly string[], invalid: readonly string[]) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .uniqueArray(fc.constantFrom(...valid), { minLength: 1, maxLength: 3 })
        .map((a) => a.join(".")),
    },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );
const PYTHON_TAGS = tagSet(
  ["py3", "py2", "py312", "cp312", "cp38", "pp310", "cp3", "graalpy311"],
  ["", "py3..py2", "py$3"],
);
const ABI_TAGS = tagSet(
  ["none", "abi3", "cp312", "cp313t", "cp37m", "pypy310_pp73", "abi3t"],
  ["", "none."],
);
const PLATFORM_TAGS = tagSet(
  [
    "any",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "win_amd64",
    "macosx_11_0_arm64",
    "linux_x86_64",
    "musllinux_1_2_aarch64",
    "win32",
  ],
  ["", ".any"],
);

interface WheelCase {
  readonly name: string;
  readonly version: string;
  readonly build: string | undefined;
  readonly python: string;
  readonly abi: string;
  readonly platform: string;
}

const wheelCaseArb: fc.Arbitrary<WheelCase> = fc.record({
  name: NAMES,
  version: VERSIONS,
  build: BUILD_TAGS,
  python: PYTHON_TAGS,
  abi: ABI_TAGS,
  platform: PLATFORM_TAGS,
});

const wheelName = (c: WheelCase) =>
  `${c.name}-${c.version}${c.build === undefined ? "" : `-${c.build}`}-${c.python}-${c.abi}-${c.platform}.whl`;

const WHEEL_CASES = fc.sample(wheelCaseArb, { numRuns: 3000, seed: 427 });
const SDIST_CASES = fc.sample(
  fc.record({ name: NAMES, version: VERSIONS, extension: fc.constantFrom("tar.gz", "zip") }),
  { numRuns: 1500, seed: 625 },
);

interface Parsed {
  readonly name: string;
  readonly version: string;
  readonly build?: [string, string] | null;
  readonly tags?: string[];
}

/** packaging's wheel project-name rule (`[\w._]+`, no `__`). */
function packagingWheelName(name: string): boolean {
  return /^[\p{L}\p{N}_.]+$/u.test(name) && !name.includes("__");
}

function documentedDifference(c: WheelCase): string | undefined {
  if (isValidName(c.name) !== packagingWheelName(c.name)) return "name rules";
  if (c.build !== undefined && /^[0-9]/.test(c.build)) {
    if (
      !/^[0-9]+[A-Za-z0-9_.]*$/.test(c.build) ||
      BigInt(/^[0-9]+/.exec(c.build)?.[0] ?? "0") > 2n ** 64n - 1n
    ) {
      return "build tag rules";
    }
  }
  if (c.build !== undefined && !/^[0-9]/.test(c.build)) return "wheel variants";
  return undefined;
}

function ours(filename: string): Parsed | null {
  const wheel = WheelFilename.tryParse(filename);
  if (wheel === undefined) return null;
  const tags: string[] = [];
  for (const p of wheel.pythonTags) {
    for (const a of wheel.abiTags) {
      for (const f of wheel.platformTags) {
        tags.push(`${formatLanguageTag(p)}-${formatAbiTag(a)}-${formatPlatformTag(f)}`);
      }
    }
  }
  return {
    name: wheel.name,
    version: wheel.version.toString(),
    build:
      wheel.buildTag === undefined
        ? null
        : [wheel.buildTag.number.toString(), wheel.buildTag.suffix ?? ""],
    tags: [...new Set(tags)].sort(),
  };
}

describe.skipIf(!hasFeature("python") || !oracleAvailable())("filenames vs packaging", () => {
  const output = runOracle<{ wheels: (Parsed | null)[]; sdists: (Parsed | null)[] }>(ORACLE, {
    wheels: WHEEL_CASES.map(wheelName),
    sdists: SDIST_CASES.map((c) => `${c.name}-${c.version}.${c.extension}`),
  });

  it("parses_wheel_filenames_like_packaging", () => {
    const unexplained: string[] = [];
    const explained = new Map<string, number>();
    let valid = 0;
    WHEEL_CASES.forEach((c, i) => {
      const filename = wheelName(c);
      const expected = output.wheels[i] ?? null;
      const actual = ours(filename);
      if (actual !== null) valid++;
      const python =
        expected === null ? null : { ...expected, tags: [...(expected.tags ?? [])].sort() };
      if (JSON.stringify(actual) === JSON.stringify(python)) return;
      const reason = documentedDifference(c);
      if (reason === undefined) {
        unexplained.push(
          `${filename}: uv-ts ${JSON.stringify(actual)} packaging ${JSON.stringify(python)}`,
        );
      } else {
        explained.set(reason, (explained.get(reason) ?? 0) + 1);
      }
    });
    expect(unexplained).toEqual([]);
    // The generator must exercise both sides, not only rejections.
    expect(valid).toBeGreaterThan(WHEEL_CASES.length / 3);
  });

  it("parses_sdist_filenames_like_packaging", () => {
    const unexplained: string[] = [];
    SDIST_CASES.forEach((c, i) => {
      const filename = `${c.name}-${c.version}.${c.extension}`;
      const expected = output.sdists[i] ?? null;
      const sdist = SourceDistFilename.tryParse(filename);
      const actual =
        sdist === undefined ? null : { name: sdist.name, version: sdist.version.toString() };
      if (JSON.stringify(actual) === JSON.stringify(expected)) return;
      // packaging does not validate sdist names; uv does.
      if (actual === null && expected !== null && !isValidName(c.name)) return;
      unexplained.push(
        `${filename}: uv-ts ${JSON.stringify(actual)} packaging ${JSON.stringify(expected)}`,
      );
    });
    expect(unexplained).toEqual([]);
  });
});

describe("wheel filename round trip", () => {
  it("prints_back_generated_valid_filenames", () => {
    const normalizedName = fc
      .stringMatching(/^[a-z0-9]([a-z0-9_]{0,8}[a-z0-9])?$/)
      .filter((n) => !n.includes("__"));
    const version = VERSIONS.filter((v) => {
      try {
        return WheelFilename.tryParse(`a-${v}-py3-none-any.whl`) !== undefined;
      } catch {
        return false;
      }
    }).map((v) => WheelFilename.parse(`a-${v}-py3-none-any.whl`).version.toString());
    fc.assert(
      fc.property(
        normalizedName,
        version,
        fc.option(fc.stringMatching(/^[1-9][0-9]{0,5}[a-z_]{0,3}$/), { nil: undefined }),
        PYTHON_TAGS.filter((t) => t !== "" && !t.includes("..") && !t.includes("$")),
        ABI_TAGS.filter((t) => t !== "" && !t.endsWith(".")),
        PLATFORM_TAGS.filter((t) => t !== "" && !t.startsWith(".")),
        (name, v, build, python, abi, platform) => {
          const filename = `${name}-${v}${build === undefined ? "" : `-${build}`}-${python}-${abi}-${platform}.whl`;
          const parsed = WheelFilename.parse(filename);
          expect(parsed.toString()).toBe(filename);
          expect(WheelFilename.parse(parsed.toString()).toString()).toBe(filename);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
