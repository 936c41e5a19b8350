// A version's files are judged only as far as choosing its distribution needs: wheels whose tags
// rule them out by name are set aside unread, and sdists wait until no wheel is usable. Whatever
// is asked afterwards, in whatever order (the distribution, why none, every wheel, every file,
// `--exclude-newer`), the answers must be those of judging every file up front.
import { Readable } from "node:stream";
import {
  decodeSimplePage,
  type PageDists,
  type RegistryDist,
  readSimplePage,
  type SimpleMetadata,
} from "@uv-ts/client";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import { type Platform, Tags } from "@uv-ts/platform-tags";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PrioritizedDist, VersionMap } from "../src/index.ts";

const NAME = parsePackageName("foo-bar");
const PAGE_URL = "https://index.example/simple/foo-bar/";
const CUTOFF = Date.UTC(2025, 0, 1);

const LINUX: Platform = { os: { kind: "manylinux", major: 2, minor: 39 }, arch: "x86_64" };
const MACOS: Platform = { os: { kind: "macos", major: 14, minor: 0 }, arch: "aarch64" };
const cpython = (minor: number) => ({
  pythonVersion: [3, minor] as const,
  implementationName: "cpython",
  implementationVersion: [3, minor] as const,
  manylinuxCompatible: true,
});
const TAGS: readonly (Tags | undefined)[] = [
  Tags.fromEnvironment(LINUX, cpython(12)),
  Tags.fromEnvironment(MACOS, cpython(11)),
  undefined,
];

/** Reads `html` as a fetched page is read: grouped, stored, and read back lazily. */
async function pageDists(html: string, name: PackageName = NAME): Promise<PageDists> {
  const payload = await readSimplePage(
    {
      url: new URL(PAGE_URL),
      headers: { "content-type": "text/html" },
      body: Readable.from([Buffer.from(html, "utf8")]) as never,
      status: 200,
    },
    undefined,
    name,
  );
  return decodeSimplePage(payload, name).dists;
}

/**
 * The page as the resolver sees it. `eager`: every file read in full, as plain objects without
 * a name, which the version map can only judge up front.
 */
function metadataOf(
  dists: PageDists,
  eager: boolean,
  wrap: (d: RegistryDist) => RegistryDist = (d) => d,
): SimpleMetadata {
  const distsOf = (version: string): readonly RegistryDist[] =>
    eager
      ? dists.distsOf(version).map((d) => ({ filename: d.filename, file: d.file }))
      : dists.distsOf(version).map(wrap);
  const all = () => dists.versions.flatMap(distsOf);
  return {
    index: {} as SimpleMetadata["index"],
    format: "simple",
    projectStatus: { status: "active" },
    distVersions: dists.versions,
    distsOf,
    uploadsOf: (version) => dists.uploadsOf(version),
    get dists() {
      return all();
    },
    get files() {
      return all().map((d) => d.file);
    },
  };
}

// Tags that fit one environment or another, or none; compressed sets; build tags.
const WHEEL_TAGS = fc.constantFrom(
  "py3-none-any",
  "py2.py3-none-any",
  "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
  "cp312-cp312-musllinux_1_2_x86_64",
  "cp312-cp312-win_amd64",
  "cp311-abi3-manylinux_2_28_x86_64",
  "cp311-abi3-macosx_11_0_arm64",
  "cp311-cp311-macosx_10_9_universal2",
  "cp313-cp313-manylinux_2_17_x86_64",
  "pp310-pypy310_pp73-manylinux_2_17_x86_64",
  "cp38-abi3-win32",
  "cp36-cp36m-manylinux1_x86_64",
);
const FILE = fc.record({
  version: fc.constantFrom("1.0", "2.0", "2.0.0", "3.0rc1"),
  kind: fc.constantFrom("wheel", "wheel", "wheel", "sdist"),
  tags: WHEEL_TAGS,
  build: fc.constantFrom("", "", "-1", "-2"),
  sdist: fc.constantFrom(".tar.gz", ".zip"),
  yanked: fc.constantFrom(undefined, undefined, undefined, "", "broken"),
  // Seconds from the cut-off, or no upload time.
  upload: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
  requiresPython: fc.option(fc.constantFrom("&gt;=3.8", "&gt;=3.13"), { nil: undefined }),
  // An anchor written other than as indexes write it is read in full at once.
  plain: fc.constantFrom(true, true, true, false),
  hash: fc.nat(0xffff),
});

/** One generated file. */
type FileSpec = typeof FILE extends fc.Arbitrary<infer T> ? T : never;

function anchor(f: FileSpec, i: number): string {
  const filename =
    f.kind === "wheel"
      ? `foo_bar-${f.version}${f.build}-${f.tags}.whl`
      : `foo-bar-${f.version}${f.sdist}`;
  const attrs = [`href="https://files.example/${i}/${filename}#sha256=${f.hash.toString(16)}"`];
  if (f.requiresPython !== undefined) attrs.push(`data-requires-python="${f.requiresPython}"`);
  if (f.yanked !== undefined) attrs.push(`data-yanked="${f.yanked}"`);
  if (f.upload !== undefined) {
    attrs.push(`data-upload-time="${new Date(CUTOFF + f.upload * 1000).toISOString()}"`);
  }
  return f.plain ? `<a ${attrs.join(" ")}>x</a>` : `<A ${attrs.reverse().join(" ")}>x</A>`;
}

const FILTER = fc.record({
  tags: fc.nat(TAGS.length - 1),
  noBinary: fc.constantFrom(false, false, true),
  noBuild: fc.constantFrom(false, false, true),
  cutoff: fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }),
  allowYanked: fc.boolean(),
});

const QUERIES = [
  "compatible",
  "incompatibility",
  "excluded",
  "bestWheel",
  "wheels",
  "sdist",
  "files",
] as const;

const CASE = fc.record({
  files: fc.array(FILE, { minLength: 1, maxLength: 14 }),
  filter: FILTER,
  // For each version, the order its questions are asked in (a prefix: later ones not asked).
  orders: fc.array(fc.shuffledSubarray([...QUERIES], { minLength: 1 }), {
    minLength: 4,
    maxLength: 4,
  }),
  // Whether the map is asked for the included versions first.
  includedFirst: fc.boolean(),
});

type Candidate = PrioritizedDist["wheels"][number] | NonNullable<PrioritizedDist["sdist"]>;

function describeCandidate(c: Candidate | undefined) {
  if (c === undefined) return undefined;
  return { filename: c.filename.toString(), file: c.file, compatibility: c.compatibility };
}

function ask(
  dist: PrioritizedDist | undefined,
  map: VersionMap,
  v: Version,
  q: (typeof QUERIES)[number],
) {
  if (q === "excluded") return map.excludedByDate(v);
  if (dist === undefined) return "absent";
  switch (q) {
    case "compatible": {
      const c = dist.compatible();
      return c === undefined
        ? undefined
        : describeCandidate(c.kind === "wheel" ? c.wheel : c.sdist);
    }
    case "incompatibility":
      return dist.incompatibility();
    case "bestWheel":
      return describeCandidate(dist.bestWheel);
    case "wheels":
      return dist.wheels.map(describeCandidate);
    case "sdist":
      return describeCandidate(dist.sdist);
    case "files":
      return dist.files();
  }
}

describe("version map: files judged when needed", () => {
  it("answers_as_judging_every_file_up_front_whatever_is_asked_first", async () => {
    const cases = fc.sample(CASE, { numRuns: 600, seed: 20261121 });
    let setAside = 0;
    for (const { files, filter, orders, includedFirst } of cases) {
      const html = files.map(anchor).join("\n");
      const fileFilter = {
        tags: TAGS[filter.tags],
        noBinary: filter.noBinary,
        noBuild: filter.noBuild,
        excludeNewer: filter.cutoff === undefined ? undefined : CUTOFF + filter.cutoff * 700,
        allowYanked: () => filter.allowYanked,
      };
      const lazyDists = await pageDists(html);
      let unread = 0;
      // Counts the files whose name was never read past.
      const touched = new Set<RegistryDist>();
      const wrap = (d: RegistryDist): RegistryDist => {
        if (d.name === undefined) return d;
        unread++;
        return {
          name: d.name,
          get filename() {
            touched.add(d);
            return d.filename;
          },
          get file() {
            touched.add(d);
            return d.file;
          },
        };
      };
      const lazy = VersionMap.fromSimple(NAME, metadataOf(lazyDists, false, wrap), fileFilter);
      const eager = VersionMap.fromSimple(
        NAME,
        metadataOf(await pageDists(html), true),
        fileFilter,
      );
      if (includedFirst) expect(lazy.includedVersions()).toEqual(eager.includedVersions());
      for (const [n, version] of eager.versions.entries()) {
        const v = Version.parse(version.toString());
        const order = orders[n % orders.length] ?? [];
        const a = lazy.get(v);
        const b = eager.get(v);
        for (const q of order) {
          expect([version.toString(), q, ask(a, lazy, v, q)]).toEqual([
            version.toString(),
            q,
            ask(b, eager, v, q),
          ]);
        }
        expect(lazy.excludedByDate(v)).toBe(eager.excludedByDate(v));
      }
      expect(lazy.includedVersions()).toEqual(eager.includedVersions());
      setAside += unread - touched.size;
    }
    // Files were set aside and never read in many cases: the comparison covers both paths.
    expect(setAside).toBeGreaterThan(100);
  });

  it("reads_only_the_usable_wheel_to_choose_it_and_the_rest_when_every_file_is_listed", async () => {
    const tags = TAGS[0];
    const others = [
      "cp312-cp312-win_amd64",
      "cp312-cp312-macosx_11_0_arm64",
      "cp312-cp312-musllinux_1_2_x86_64",
      "cp313-cp313-manylinux_2_17_x86_64",
      "pp310-pypy310_pp73-manylinux_2_17_x86_64",
    ];
    const html = [
      ...others.map((t) => `<a href="https://f.example/foo_bar-1.0-${t}.whl#sha256=aa">x</a>`),
      '<a href="https://f.example/foo_bar-1.0-cp312-cp312-manylinux_2_17_x86_64.whl#sha256=bb">x</a>',
      '<a href="https://f.example/foo_bar-1.0.tar.gz#sha256=cc">x</a>',
    ].join("\n");
    const read = new Set<string>();
    const wrap = (d: RegistryDist): RegistryDist => ({
      ...(d.name === undefined ? {} : { name: d.name }),
      get filename() {
        read.add(d.name ?? "?");
        return d.filename;
      },
      get file() {
        read.add(d.name ?? "?");
        return d.file;
      },
    });
    const map = VersionMap.fromSimple(NAME, metadataOf(await pageDists(html), false, wrap), {
      tags,
      noBinary: false,
      noBuild: false,
      excludeNewer: undefined,
      allowYanked: () => false,
    });
    const dist = map.get(Version.parse("1.0"));
    const chosen = dist?.compatible();
    expect(chosen?.kind === "wheel" && chosen.wheel.file.filename).toBe(
      "foo_bar-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
    );
    expect([...read]).toEqual(["foo_bar-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"]);
    // Every file (what `--generate-hashes` lists), in page order: wheels, then the sdist.
    expect(dist?.files().map((f) => f.filename)).toEqual(
      [
        ...others.map((t) => `foo_bar-1.0-${t}.whl`),
        "foo_bar-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
        "foo_bar-1.0.tar.gz",
      ].sort(),
    );
    expect(read.size).toBe(7);
  });
});
