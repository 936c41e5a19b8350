// `VersionMap` parses a page's versions lazily and the selector looks only between a range's
// bounds, so that a pin (`pip sync`) costs a binary search instead of parsing and walking every
// version. These tests hold both to the plain walk over every version, and count what a pin costs.
import { type SimpleMetadata, simpleMetadataFromFiles } from "@uv-ts/client";
import type { PackageName } from "@uv-ts/normalize";
import { Version, VersionRange, VersionSpecifiers } from "@uv-ts/pep440";
import type { SimpleFile } from "@uv-ts/pypi-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CandidateSelector,
  type Preference,
  type PrereleaseMode,
  type ResolutionMode,
  VersionMap,
} from "../src/index.ts";
import type { FileFilter } from "../src/version-map.ts";

const NAME = "foo" as PackageName;

interface FileSpec {
  readonly version: string;
  readonly wheel: boolean;
  readonly yanked: boolean;
}

function fileOf(spec: FileSpec, i: number): SimpleFile {
  const filename = spec.wheel
    ? `foo-${spec.version}-py3-none-any.whl`
    : `foo-${spec.version}.tar.gz`;
  return {
    filename,
    url: `https://example.org/${i}/${filename}`,
    hashes: {},
    yanked: spec.yanked,
    coreMetadata: false,
  };
}

/** A page of `specs`, counting the versions whose files are decoded. */
function page(specs: readonly FileSpec[], decoded: string[] = []): SimpleMetadata {
  const metadata = simpleMetadataFromFiles({
    index: {} as SimpleMetadata["index"],
    format: "simple",
    name: NAME,
    files: specs.map(fileOf),
  });
  return {
    ...metadata,
    distsOf: (version: string) => {
      decoded.push(version);
      return metadata.distsOf(version);
    },
  };
}

/** A page whose version list is given as is (out of order, repeated, or not versions). */
function rawPage(distVersions: readonly string[], specs: readonly FileSpec[]): SimpleMetadata {
  const real = page(specs);
  return {
    ...real,
    distVersions,
    // The files of a text are those written with exactly that version.
    distsOf: (text: string) =>
      specs
        .map((spec, i) => ({ spec, i }))
        .filter(({ spec }) => spec.version === text)
        .map(({ spec, i }) => real.dists.find((d) => d.file.url === fileOf(spec, i).url)!),
  };
}

const FILTER: FileFilter = {
  tags: undefined,
  noBuild: false,
  noBinary: false,
  excludeNewer: undefined,
  allowYanked: () => false,
};

// Versions with every part PEP 440 orders on, close enough together to collide often.
const versionText = fc
  .record({
    epoch: fc.constantFrom(0, 0, 0, 0, 1),
    release: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
    pre: fc.option(
      fc.record({ kind: fc.constantFrom("a", "rc"), n: fc.integer({ min: 0, max: 1 }) }),
      { nil: undefined, freq: 3 },
    ),
    post: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined, freq: 3 }),
    dev: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined, freq: 3 }),
    local: fc.option(fc.constantFrom("cpu", "cu118", "1", "abc.2"), { nil: undefined, freq: 2 }),
  })
  .map(({ epoch, release, pre, post, dev, local }) => {
    let text = epoch === 0 ? "" : `${epoch}!`;
    text += release.join(".");
    if (pre !== undefined) text += `${pre.kind}${pre.n}`;
    if (post !== undefined) text += `.post${post}`;
    if (dev !== undefined) text += `.dev${dev}`;
    if (local !== undefined) text += `+${local}`;
    return text;
  });

const fileSpecs = fc.array(
  fc.record({ version: versionText, wheel: fc.boolean(), yanked: fc.boolean() }),
  { maxLength: 25 },
);

/** Mostly a version of the page (as written there, or without its local label), else any. */
function nearVersion(files: readonly FileSpec[]): fc.Arbitrary<string> {
  if (files.length === 0) return versionText;
  const listed = fc.constantFrom(...files.map((f) => f.version));
  return fc.oneof(
    { arbitrary: listed, weight: 3 },
    { arbitrary: listed.map((v) => v.split("+")[0]!), weight: 2 },
    { arbitrary: versionText, weight: 1 },
  );
}

const OPERATORS = ["==", "===", "!=", ">=", ">", "<", "<=", "~=", "==*", "!=*"] as const;

/** A page and a range of one or two specifiers on versions near the page's. */
const pageAndRange = fileSpecs.chain((files) =>
  fc.tuple(
    fc.constant(files),
    fc
      .array(fc.record({ op: fc.constantFrom(...OPERATORS), version: nearVersion(files) }), {
        minLength: 1,
        maxLength: 2,
      })
      .map((parts) =>
        parts
          .map(({ op, version }) =>
            op === "==*" || op === "!=*" ? `${op.slice(0, 2)}${version}.*` : `${op}${version}`,
          )
          .join(", "),
      ),
  ),
);

/** The versions between the lowest and the highest bound of `range`. */
function hullOf(range: VersionRange): VersionRange {
  const { intervals } = range;
  const lower = intervals[0]?.lower;
  const upper = intervals[intervals.length - 1]?.upper;
  if (intervals.length === 0) return VersionRange.empty();
  const from =
    lower === undefined
      ? VersionRange.full()
      : lower.inclusive
        ? VersionRange.higherThan(lower.version)
        : VersionRange.strictlyHigherThan(lower.version);
  const to =
    upper === undefined
      ? VersionRange.full()
      : upper.inclusive
        ? VersionRange.lowerThan(upper.version)
        : VersionRange.strictlyLowerThan(upper.version);
  return from.intersection(to);
}

function rangeOf(text: string): VersionRange | undefined {
  const specifiers = VersionSpecifiers.tryParse(text);
  return specifiers === undefined ? undefined : VersionRange.fromSpecifiers(specifiers);
}

/**
 * The selection as a plain walk over every version, highest (or lowest) first: the first in
 * range of the wanted kind whose files can be used, else the first in range with none usable.
 */
function walkEveryVersion(
  map: VersionMap,
  range: VersionRange,
  which: "all" | "stable" | "pre",
  highest: boolean,
): string | undefined {
  const versions = highest ? [...map.versions].reverse() : map.versions;
  let incompatible: Version | undefined;
  for (const version of versions) {
    if (incompatible !== undefined && !version.equals(incompatible)) break;
    const pre = version.isPrerelease();
    if ((which === "stable" && pre) || (which === "pre" && !pre)) continue;
    if (!range.contains(version)) continue;
    if (map.get(version)?.compatible() !== undefined) return `${version}`;
    incompatible ??= version;
  }
  return incompatible === undefined ? undefined : `${incompatible}!`;
}

function selector(resolution: ResolutionMode, prerelease: PrereleaseMode): CandidateSelector {
  return new CandidateSelector({
    resolution,
    prerelease,
    prereleasePackages: new Map(),
    direct: new Set(),
    explicitPrerelease: new Set(),
  });
}

describe("version_map_lazy", () => {
  it("selects_what_a_walk_over_every_version_selects", () => {
    let found = 0;
    fc.assert(
      fc.property(
        pageAndRange,
        fc.constantFrom<ResolutionMode>("highest", "lowest"),
        fc.constantFrom<PrereleaseMode>("allow", "disallow", "if-necessary"),
        ([files, text], resolution, prerelease) => {
          const range = rangeOf(text);
          if (range === undefined) return;
          const lazy = VersionMap.fromSimple(NAME, page(files), FILTER);
          const plain = VersionMap.fromSimple(NAME, page(files), FILTER);
          const chosen = selector(resolution, prerelease).select(NAME, range, [lazy], []);
          const highest = resolution === "highest";
          const expected =
            prerelease === "allow"
              ? walkEveryVersion(plain, range, "all", highest)
              : prerelease === "disallow"
                ? walkEveryVersion(plain, range, "stable", highest)
                : (walkEveryVersion(plain, range, "stable", highest) ??
                  walkEveryVersion(plain, range, "pre", highest));
          const got =
            chosen === undefined
              ? undefined
              : `${chosen.version}${chosen.dist === undefined ? "!" : ""}`;
          expect(got).toBe(expected);
          if (got !== undefined) found++;
          // Exactly what lies between the range's bounds.
          const fresh = VersionMap.fromSimple(NAME, page(files), FILTER);
          const hull = hullOf(range);
          expect(fresh.versionsWithin(range).map(String)).toEqual(
            plain.versions.filter((v) => hull.contains(v)).map(String),
          );
        },
      ),
      { seed: 41, numRuns: 3000 },
    );
    // Most cases select something (the ranges are near the pages' versions).
    expect(found).toBeGreaterThan(500);
  });

  it("looks_versions_up_and_finds_local_versions_as_a_full_scan_does", () => {
    fc.assert(
      fc.property(
        fileSpecs.chain((files) => fc.tuple(fc.constant(files), nearVersion(files))),
        ([files, probeText]) => {
          const probe = Version.parse(probeText);
          const lazy = VersionMap.fromSimple(NAME, page(files), FILTER);
          const plain = VersionMap.fromSimple(NAME, page(files), FILTER);
          const every = plain.versions;
          const listed = every.find((v) => v.equals(probe));
          expect(lazy.get(probe)?.version.toString()).toBe(listed?.toString());
          expect(lazy.localsOf(probe).map(String)).toEqual(
            probe.isLocal()
              ? []
              : every.filter((v) => v.isLocal() && v.withoutLocal().equals(probe)).map(String),
          );
          expect(lazy.excludedByDate(probe)).toBe(false);
        },
      ),
      { seed: 43, numRuns: 3000 },
    );
  });

  it("prefers_the_newest_local_version_of_a_preference_in_range", () => {
    // `torch==2.0` with `2.0+cpu` and `2.0+cu118` listed: the preference keeps its newest local
    // variant, whatever else the page lists around it.
    const files = ["1.9", "2.0", "2.0+cpu", "2.0+cu118", "2.0.post1", "2.1"].map(
      (version): FileSpec => ({ version, wheel: true, yanked: false }),
    );
    const map = VersionMap.fromSimple(NAME, page(files), FILTER);
    const preference: Preference = {
      name: NAME,
      version: Version.parse("2.0"),
      source: "requirements-txt",
    };
    const chosen = selector("highest", "if-necessary").select(
      NAME,
      VersionRange.full(),
      [map],
      [preference],
    );
    expect(chosen?.version.toString()).toBe("2.0+cu118");
    expect(chosen?.kind).toBe("preference");
    // Open bounds leave out the version they are at.
    expect(
      map.versionsWithin(VersionRange.strictlyHigherThan(Version.parse("2.0+cpu"))).map(String),
    ).toEqual(["2.0+cu118", "2.0.post1", "2.1"]);
    expect(map.versionsWithin(rangeOf("<2.0.post1")!).map(String)).toEqual([
      "1.9",
      "2.0",
      "2.0+cpu",
      "2.0+cu118",
    ]);
    // A range that leaves out the newest local variant gets the next one.
    const range = rangeOf("!=2.0+cu118");
    expect(
      selector("highest", "if-necessary").select(NAME, range!, [map], [preference])?.version,
    ).toEqual(Version.parse("2.0+cpu"));
  });

  it("selects_a_pin_without_parsing_or_decoding_other_versions", () => {
    // A page of 1024 releases; `pip sync` pins one. The lookup is a binary search: a dozen
    // versions parsed, and only the pinned version's files decoded.
    const versions = Array.from({ length: 1024 }, (_, i) => `${1 + (i >> 5)}.${i & 31}`);
    const files = versions.map((version): FileSpec => ({ version, wheel: true, yanked: false }));
    const decoded: string[] = [];
    const map = VersionMap.fromSimple(NAME, page(files, decoded), FILTER);
    expect(map.parsedCount).toBe(0);
    const chosen = selector("highest", "if-necessary").select(NAME, rangeOf("==17.5")!, [map], []);
    expect(chosen?.version.toString()).toBe("17.5");
    expect(chosen?.dist?.kind).toBe("wheel");
    expect(map.parsedCount).toBeLessThanOrEqual(24);
    expect(decoded).toEqual(["17.5"]);
    // Listing every version parses the rest once.
    expect(map.versions).toHaveLength(1024);
    expect(map.parsedCount).toBe(1024);
    map.versions;
    expect(map.parsedCount).toBe(1024);
  });

  it("selects_from_an_unbounded_range_without_parsing_every_version", () => {
    // A requirement without specifiers: the newest release is found at the top of the page,
    // without listing the other thousand.
    const versions = Array.from({ length: 1024 }, (_, i) => `${1 + (i >> 5)}.${i & 31}`);
    const files = versions.map((version): FileSpec => ({ version, wheel: true, yanked: false }));
    const decoded: string[] = [];
    const map = VersionMap.fromSimple(NAME, page(files, decoded), FILTER);
    const chosen = selector("highest", "if-necessary").select(NAME, VersionRange.full(), [map], []);
    expect(chosen?.version.toString()).toBe("32.31");
    expect(map.parsedCount).toBe(1);
    expect(decoded).toEqual(["32.31"]);
    const lowest = selector("lowest", "if-necessary").select(NAME, VersionRange.full(), [map], []);
    expect(lowest?.version.toString()).toBe("1.0");
    expect(map.parsedCount).toBe(2);
  });

  it("steps_over_texts_that_are_not_versions", () => {
    const files = ["1.0", "2.0", "3.0"].map(
      (version): FileSpec => ({ version, wheel: true, yanked: false }),
    );
    const map = VersionMap.fromSimple(
      NAME,
      rawPage(["junk", "1.0", "not a version", "?", "2.0", "3.0", "x"], files),
      FILTER,
    );
    expect(
      map
        .get(Version.parse("2.0"))
        ?.files()
        .map((f) => f.filename),
    ).toEqual(["foo-2.0-py3-none-any.whl"]);
    expect(map.get(Version.parse("1.5"))).toBeUndefined();
    expect(map.versionsWithin(rangeOf(">=1.0, <3")!).map(String)).toEqual(["1.0", "2.0"]);
    expect(
      selector("highest", "if-necessary").select(NAME, rangeOf("<=2.5")!, [map], [])?.version,
    ).toEqual(Version.parse("2.0"));
    expect(map.versions.map(String)).toEqual(["1.0", "2.0", "3.0"]);
  });

  it("answers_around_texts_that_are_not_versions_as_without_them", () => {
    fc.assert(
      fc.property(pageAndRange, fc.array(fc.nat(30), { maxLength: 30 }), ([files, text], junk) => {
        const range = rangeOf(text);
        if (range === undefined) return;
        const clean = page(files);
        const texts: string[] = [...clean.distVersions];
        // Runs of texts that are not versions, anywhere in the list.
        for (const at of junk) texts.splice(at % (texts.length + 1), 0, "not-a-version");
        const holey = VersionMap.fromSimple(NAME, { ...clean, distVersions: texts }, FILTER);
        const plain = VersionMap.fromSimple(NAME, clean, FILTER);
        expect(holey.versionsWithin(range).map(String)).toEqual(
          plain.versionsWithin(range).map(String),
        );
        for (const version of plain.versions) {
          expect(holey.get(version)?.version).toEqual(version);
          expect(holey.includedNeighbours(version)).toEqual(plain.includedNeighbours(version));
        }
        expect(holey.versions.map(String)).toEqual(plain.versions.map(String));
      }),
      { seed: 47, numRuns: 1000 },
    );
  });

  it("sorts_a_page_that_is_out_of_order_once_it_is_all_parsed", () => {
    // Pages come in order; one that does not is put in order (equal versions merged) when its
    // whole list is read, and answers from the sorted list from then on.
    const files = ["1.0", "1.0.0", "2.0", "0.5"].map(
      (version): FileSpec => ({ version, wheel: true, yanked: false }),
    );
    const map = VersionMap.fromSimple(NAME, rawPage(["2.0", "1.0", "0.5", "1.0.0"], files), FILTER);
    expect(map.versions.map(String)).toEqual(["0.5", "1.0", "2.0"]);
    expect(map.includedVersions().map(String)).toEqual(["0.5", "1.0", "2.0"]);
    expect(
      map
        .get(Version.parse("1"))
        ?.files()
        .map((f) => f.filename),
    ).toEqual(["foo-1.0-py3-none-any.whl", "foo-1.0.0-py3-none-any.whl"]);
    expect(
      selector("lowest", "if-necessary").select(NAME, rangeOf(">0.5")!, [map], [])?.version,
    ).toEqual(Version.parse("1.0"));
    expect(map.includedNeighbours(Version.parse("1.0"))).toEqual([
      Version.parse("0.5"),
      Version.parse("2.0"),
    ]);
  });
});
