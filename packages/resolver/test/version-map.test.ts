// `VersionMap` judges files lazily: only the versions the resolver asks about. These tests hold
// the lazy answers to the eager ones.
import {
  encodeDists,
  GroupedDists,
  type SimpleMetadata,
  StoredDists,
  simpleMetadataFromFiles,
} from "@uv-ts/client";
import type { PackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import type { Tags } from "@uv-ts/platform-tags";
import type { SimpleFile } from "@uv-ts/pypi-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gapBetween, PrioritizedDist, VersionMap, widenToGap } from "../src/index.ts";

const NAME = "foo" as PackageName;
const CUTOFF = Date.UTC(2024, 0, 1);

/** Tags that accept `py3` wheels only, counting how often they are asked. */
function countingTags(): { tags: Tags; calls: () => number } {
  let calls = 0;
  const tags = {
    compatibility(python: readonly { toString(): string }[]) {
      calls++;
      return python.length > 0
        ? { compatible: true, priority: 1 }
        : { compatible: false, reason: "python" };
    },
  } as unknown as Tags;
  return { tags, calls: () => calls };
}

interface FileSpec {
  readonly version: string;
  readonly wheel: boolean;
  /** Seconds from {@link CUTOFF}; `undefined` for a file without an upload time. */
  readonly upload: number | undefined;
  readonly yanked: boolean;
  readonly extension: string;
}

function page(specs: readonly FileSpec[]): SimpleMetadata {
  const files = specs.map((spec, i) => {
    const filename = spec.wheel
      ? `foo-${spec.version}-py3-none-any.whl`
      : `foo-${spec.version}${spec.extension}`;
    const file: SimpleFile = {
      filename,
      url: `https://example.org/${i}/${filename}`,
      hashes: {},
      yanked: spec.yanked,
      coreMetadata: false,
      ...(spec.upload === undefined ? {} : { uploadTime: new Date(CUTOFF + spec.upload * 1000) }),
    };
    return file;
  });
  const metadata = simpleMetadataFromFiles({
    index: {} as SimpleMetadata["index"],
    format: "simple",
    name: NAME,
    files,
  });
  expect(metadata.files).toHaveLength(files.length);
  return metadata;
}

/**
 * {@link page} as read back from the cache (through JSON, as the store keeps it); `decoded`
 * collects the versions whose files were decoded.
 */
function storedPage(specs: readonly FileSpec[], decoded: string[] = []): SimpleMetadata {
  const inMemory = page(specs);
  const { index, tail } = encodeDists(GroupedDists.fromFiles(inMemory.files, NAME));
  const stored = StoredDists.open(JSON.parse(JSON.stringify(index)), tail, NAME);
  if (stored === undefined) throw new Error("unreadable");
  return {
    ...inMemory,
    distVersions: stored.versions,
    distsOf: (version: string) => {
      decoded.push(version);
      return stored.distsOf(version);
    },
    uploadsOf: (version: string) => stored.uploadsOf(version),
  };
}

const specs = fc.array(
  fc.record({
    version: fc.constantFrom("1.0", "1.0.0", "1.1", "2.0a1", "2.0", "3.0+local"),
    wheel: fc.boolean(),
    // Around the cut-off (which the test moves too), so that times meet it exactly.
    upload: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
    yanked: fc.boolean(),
    extension: fc.constantFrom(".tar.gz", ".zip"),
  }),
  { maxLength: 10 },
);

/** Whether `files` of one version have sdists on both sides of `cutoff` (undated ones after). */
function straddles(files: readonly FileSpec[], cutoff: number): boolean {
  const sdists = files.filter((f) => !f.wheel);
  const before = sdists.filter((f) => f.upload !== undefined && CUTOFF + f.upload * 1000 < cutoff);
  return before.length > 0 && before.length < sdists.length;
}

describe("version_map", () => {
  it("excludes_by_date_without_judging_tags_as_the_full_judgement_does", () => {
    const flags = fc.record({
      noBinary: fc.boolean(),
      noBuild: fc.boolean(),
      pin: fc.boolean(),
      // Seconds from `CUTOFF`, in steps that land on the files' times, or none at all.
      cutoff: fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(specs, flags, (files, { noBinary, noBuild, pin, cutoff }) => {
        const { tags, calls } = countingTags();
        const excludeNewer = cutoff === undefined ? undefined : CUTOFF + cutoff * 500;
        const filter = {
          tags,
          noBinary,
          noBuild,
          excludeNewer,
          allowYanked: (v: Version) => pin && v.equals(Version.parse("1.0")),
        };
        const lazy = VersionMap.fromSimple(NAME, page(files), filter);
        const eager = VersionMap.fromSimple(NAME, page(files), filter);
        const excluded = lazy.versions.map((v) => lazy.excludedByDate(v));
        expect(calls()).toBe(0);
        // Judging every version first, then asking.
        const judged = eager.versions.map((v) => eager.get(v));
        expect(judged.every((d) => d instanceof PrioritizedDist)).toBe(true);
        expect(eager.versions.map((v) => eager.excludedByDate(v))).toEqual(excluded);
        expect(judged.map((d) => d!.excludedByDate())).toEqual(excluded);
        expect(lazy.includedVersions().map(String)).toEqual(
          eager.versions.filter((_, i) => !excluded[i]).map(String),
        );
        // The same page read back from the cache judges alike, decoding only the versions
        // whose sdists straddle the cut-off.
        const decoded: string[] = [];
        const stored = VersionMap.fromSimple(NAME, storedPage(files, decoded), filter);
        expect(stored.versions.map(String)).toEqual(eager.versions.map(String));
        expect(stored.versions.map((v) => stored.excludedByDate(v))).toEqual(excluded);
        for (const text of decoded) {
          const version = Version.parse(text);
          const own = files.filter((f) => Version.parse(f.version).equals(version));
          expect(excludeNewer !== undefined && straddles(own, excludeNewer)).toBe(true);
        }
        const summary = (d: PrioritizedDist | undefined) => [
          d?.files().map((f) => [f.filename, f.uploadTime?.getTime(), f.yanked]),
          d?.compatible()?.kind,
          d?.incompatibility(),
        ];
        expect(stored.versions.map((v) => summary(stored.get(v)))).toEqual(judged.map(summary));
      }),
      { seed: 17, numRuns: 1000 },
    );
  });

  it("judges_only_the_versions_asked_for", () => {
    const { tags, calls } = countingTags();
    const files = ["1.0", "1.1", "2.0"].map(
      (version): FileSpec => ({
        version,
        wheel: true,
        upload: -1,
        yanked: false,
        extension: ".tar.gz",
      }),
    );
    const map = VersionMap.fromSimple(NAME, page(files), {
      tags,
      noBinary: false,
      noBuild: false,
      excludeNewer: CUTOFF,
      allowYanked: () => false,
    });
    expect(map.versions.map(String)).toEqual(["1.0", "1.1", "2.0"]);
    expect(calls()).toBe(0);
    expect(map.get(Version.parse("2.0"))?.compatible()?.kind).toBe("wheel");
    expect(calls()).toBe(1);
    map.get(Version.parse("2.0"));
    expect(calls()).toBe(1);
  });

  it("decodes_the_files_of_a_stored_page_only_for_the_versions_asked_for", () => {
    const files = Array.from({ length: 40 }, (_, i): SimpleFile => {
      const filename = i < 20 ? `foo-${i}.0.tar.gz` : `foo-${i - 20}.0.0-py3-none-any.whl`;
      return {
        filename,
        url: `https://e/${filename}`,
        hashes: {},
        yanked: false,
        coreMetadata: false,
      };
    });
    const { index, tail } = encodeDists(GroupedDists.fromFiles(files, NAME));
    const stored = StoredDists.open(index, tail, NAME);
    if (stored === undefined) throw new Error("unreadable");
    const asked: string[] = [];
    const metadata = {
      ...simpleMetadataFromFiles({
        index: {} as SimpleMetadata["index"],
        format: "simple",
        name: NAME,
        files: [],
      }),
      distVersions: stored.versions,
      distsOf: (version: string) => {
        asked.push(version);
        return stored.distsOf(version);
      },
      uploadsOf: (version: string) => stored.uploadsOf(version),
    };
    const filter = {
      tags: undefined,
      noBinary: false,
      noBuild: false,
      excludeNewer: undefined,
      allowYanked: () => false,
    };
    const map = VersionMap.fromSimple(NAME, metadata, filter);
    expect(map.versions.map(String)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}.0`));
    // Without `--exclude-newer`, nothing needs decoding to know what is included.
    expect(map.includedVersions()).toHaveLength(20);
    expect(asked).toEqual([]);
    // `7.0` and `7.0.0` are one version, named after its first file.
    expect(
      map
        .get(Version.parse("7.0.0"))
        ?.files()
        .map((f) => f.filename),
    ).toEqual(["foo-7.0.0-py3-none-any.whl", "foo-7.0.tar.gz"]);
    expect(asked).toEqual(["7.0"]);
    // Nor with it: the page's summary says that undated files are all after any cut-off.
    const dated = VersionMap.fromSimple(NAME, metadata, { ...filter, excludeNewer: CUTOFF });
    expect(dated.excludedByDate(Version.parse("3"))).toBe(true);
    expect(dated.includedVersions()).toEqual([]);
    expect(asked).toEqual(["7.0"]);
  });

  it("groups_equal_versions_in_page_order", () => {
    const files: FileSpec[] = [
      { version: "1.0", wheel: false, upload: -1, yanked: false, extension: ".zip" },
      { version: "1.0.0", wheel: true, upload: -1, yanked: false, extension: ".tar.gz" },
      { version: "1.0", wheel: false, upload: -1, yanked: false, extension: ".tar.gz" },
    ];
    const map = VersionMap.fromSimple(NAME, page(files), {
      tags: undefined,
      noBinary: false,
      noBuild: false,
      excludeNewer: undefined,
      allowYanked: () => false,
    });
    expect(map.versions).toHaveLength(1);
    const dist = map.get(Version.parse("1"));
    expect(dist?.files().map((f) => f.filename)).toEqual([
      "foo-1.0.0-py3-none-any.whl",
      "foo-1.0.zip",
    ]);
  });

  it("neighbours_give_the_gap_that_all_included_versions_give", () => {
    // A decision is widened over the gap between its included neighbours; finding them by
    // looking next to the version must agree with listing every included version.
    const neighbourSpecs = fc.array(
      fc.record({
        version: fc.constantFrom(
          "0.9",
          "1.0",
          "1.0.post1",
          "1.1",
          "2.0a1",
          "2.0",
          "3.0",
          "3.0+local",
        ),
        wheel: fc.boolean(),
        upload: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
        yanked: fc.constant(false),
        extension: fc.constant(".tar.gz"),
      }),
      { maxLength: 12 },
    );
    const probes = fc.constantFrom(
      "0.1",
      "0.9",
      "1.0",
      "1.0.post1",
      "1.1",
      "2.0a1",
      "2.0",
      "3.0",
      "3.0+local",
      "9",
    );
    fc.assert(
      fc.property(
        neighbourSpecs,
        fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
        probes,
        (files, cutoff, probe) => {
          const filter = {
            tags: undefined,
            noBinary: false,
            noBuild: false,
            excludeNewer: cutoff === undefined ? undefined : CUTOFF + cutoff * 500,
            allowYanked: () => false,
          };
          const map = VersionMap.fromSimple(NAME, page(files), filter);
          const fresh = VersionMap.fromSimple(NAME, page(files), filter);
          const version = Version.parse(probe);
          const known = fresh.includedVersions();
          const [below, above] = map.includedNeighbours(version);
          if (below === undefined && above === undefined) {
            // Nothing else is included: the resolver falls back to the full list.
            expect(known.filter((v) => !v.equals(version))).toEqual([]);
          } else {
            expect(gapBetween(below, above).toString()).toBe(widenToGap(version, known).toString());
          }
        },
      ),
      { seed: 29, numRuns: 2000 },
    );
  });
});
