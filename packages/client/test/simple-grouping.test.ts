// A page's files are grouped by version reading only what the grouping needs from each filename,
// and encoded for the cache straight from the parser's records. Both must give exactly what
// parsing every filename in full and encoding the parsed files gave (the reference below is that
// former implementation), on generated pages and on real ones.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type DistFilename, parseDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";
import {
  parseSimpleHtml,
  parseSimpleHtmlRecords,
  type SimpleFile,
  type SimpleFileRecord,
} from "@uv-ts/pypi-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeSimplePage,
  encodeDists,
  GroupedDists,
  type PageDists,
  readSimplePage,
  SplitPayload,
  StoredDists,
} from "../src/index.ts";

interface Reference {
  readonly versions: string[];
  readonly groups: Map<string, { filename: DistFilename; file: SimpleFile }[]>;
}

/** Every filename parsed in full, grouped by version equality, sorted (the former grouping). */
function referenceGroup(files: readonly SimpleFile[], name: PackageName): Reference {
  const byKey = new Map<
    string,
    { version: Version; dists: { filename: DistFilename; file: SimpleFile }[] }
  >();
  for (const file of files) {
    const filename = parseDistFilename(file.filename, name);
    if (filename === undefined) continue;
    const key = filename.version.hashKey();
    const group = byKey.get(key);
    if (group === undefined)
      byKey.set(key, { version: filename.version, dists: [{ filename, file }] });
    else group.dists.push({ filename, file });
  }
  const sorted = [...byKey.values()].sort((a, b) => a.version.compare(b.version));
  const groups = new Map(sorted.map((g) => [g.version.toString(), g.dists]));
  return { versions: [...groups.keys()], groups };
}

/** The former encoding: per version, its parsed files' summary and JSON line. */
function referenceEncode(ref: Reference): { uploads: unknown[]; lines: string[] } {
  const UNDATED = Number.MAX_SAFE_INTEGER;
  const store = (t: number | undefined) =>
    t === undefined ? null : t === Number.POSITIVE_INFINITY ? UNDATED : t;
  const uploads: unknown[] = [];
  const lines: string[] = [];
  for (const version of ref.versions) {
    const dists = ref.groups.get(version) ?? [];
    let firstWheel: number | undefined;
    let firstSdist: number | undefined;
    let lastSdist: number | undefined;
    let valid = true;
    for (const { filename, file } of dists) {
      const time =
        file.uploadTime === undefined ? Number.POSITIVE_INFINITY : file.uploadTime.getTime();
      if (Number.isNaN(time)) valid = false;
      if (filename instanceof WheelFilename) {
        if (firstWheel === undefined || time < firstWheel) firstWheel = time;
      } else {
        if (firstSdist === undefined || time < firstSdist) firstSdist = time;
        if (lastSdist === undefined || time > lastSdist) lastSdist = time;
      }
    }
    uploads.push(valid ? [store(firstWheel), store(firstSdist), store(lastSdist)] : null);
    lines.push(
      `${JSON.stringify(
        dists.map(({ file }) => {
          const { uploadTime, ...rest } = file;
          return uploadTime === undefined ? rest : { ...rest, uploadTime: uploadTime.getTime() };
        }),
      )}\n`,
    );
  }
  return { uploads, lines };
}

/** What a page shows the resolver: its versions, their files (parsed) and upload summaries. */
function view(dists: PageDists) {
  return dists.versions.map((version) => ({
    version,
    dists: dists.distsOf(version).map(({ filename, file }) => ({
      filename: filename.toString(),
      version: filename.version.toString(),
      wheel: filename instanceof WheelFilename,
      file,
    })),
    uploads: dists.uploadsOf(version),
  }));
}

function referenceView(ref: Reference, dists: PageDists) {
  return ref.versions.map((version) => ({
    version,
    dists: (ref.groups.get(version) ?? []).map(({ filename, file }) => ({
      filename: filename.toString(),
      version: filename.version.toString(),
      wheel: filename instanceof WheelFilename,
      file,
    })),
    // The summaries are checked against the reference encoding; here only their presence.
    uploads: dists.uploadsOf(version),
  }));
}

/** Checks the new grouping and encoding of `files` against the reference. */
function checkAgainstReference(
  files: readonly SimpleFile[],
  name: PackageName,
  roundTrips = true,
): void {
  const ref = referenceGroup(files, name);
  const records = files.map(toRecord);
  for (const grouped of [
    GroupedDists.fromFiles(files, name),
    GroupedDists.fromRecords(records, name),
  ]) {
    expect(grouped.versions).toEqual(ref.versions);
    // Encoded before anything is decoded: the encoding must not need the parsed files.
    const { index, tail } = encodeDists(grouped);
    const expected = referenceEncode(ref);
    expect(index.versions).toEqual(ref.versions);
    expect(index.uploads).toEqual(expected.uploads);
    expect(tail.toString("utf8")).toBe(expected.lines.join(""));
    let offset = 0;
    expect(index.offsets).toEqual([
      0,
      ...expected.lines.map((line) => {
        offset += Buffer.byteLength(line);
        return offset;
      }),
    ]);
    expect(view(grouped)).toEqual(referenceView(ref, grouped));
    // What a later run reads back from the cache is the same page.
    const stored = StoredDists.open(JSON.parse(JSON.stringify(index)), tail, name);
    expect(stored).toBeDefined();
    if (roundTrips) expect(view(stored as StoredDists)).toEqual(view(grouped));
  }
}

function toRecord(file: SimpleFile): SimpleFileRecord {
  const { uploadTime, ...rest } = file;
  return uploadTime === undefined ? rest : { ...rest, uploadTime: uploadTime.getTime() };
}

const NAMES = ["foo", "foo-bar", "a", "zope-interface"].map((n) => parsePackageName(n));

/** How a filename may spell `name`: case, `_` and `.` for `-`, or another name altogether. */
function spellings(name: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    name,
    name.toUpperCase(),
    name.replaceAll("-", "_"),
    name.replaceAll("-", "."),
    name.replaceAll("-", "__"),
    `${name}x`,
    // As long as the name, so that only the comparison tells them apart.
    `${name.slice(0, -1)}q`,
    `${name.slice(0, -1)}!`,
    `-${name.slice(1)}`,
    "other",
    "",
    "bad!name",
  );
}

// Equal versions in different spellings, invalid ones, and versions with `-`.
const VERSIONS = fc.constantFrom(
  "1.0",
  "1.0.0",
  "1.0.0.0",
  "v1.0",
  "1.0.post1",
  "1.0-1",
  "1.0-post1",
  "2.0rc1",
  "2.0.rc1",
  "2.0RC1",
  "0.9",
  "10",
  "1.0+local",
  "1.0+LOCAL",
  "1.0x",
  "",
  "1..0",
  "01.00",
);

const BUILD = fc.constantFrom("", "-1", "-2abc", "-1_x", "-abc", "-1.0");
const TAGS = fc.constantFrom(
  "py3-none-any",
  "py2.py3-none-any",
  "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
  "cp39-abi3-macosx_10_9_universal2",
  "py3-none-any-variant_1",
  "py3-none-any-Bad",
  "py3--any",
  "py3-none",
  "py3-no ne-any",
  "py3-none-any.",
  "xx9-yy-zz",
  "py3-none-any-a-b",
  // Plain tag sets (read without the parser) and near misses.
  "PY3-NONE-ANY",
  "py_3.x9-no_ne-an_y.b.c",
  "py3.-none-any",
  "py3-none-.any",
  "py3-none-any-",
  "py3-none-anyé",
);
const SDIST_EXT = fc.constantFrom(".tar.gz", ".zip", ".tar.bz2", ".TAR.GZ", ".tgz", ".tar.Gz");
const OTHER = fc.constantFrom(
  ".whl",
  ".tar.gz",
  "foo-1.0.exe",
  "foo-1.0.egg",
  "foo-1.0-py3-none-any.whl.metadata",
  "dir/foo-1.0-py3-none-any.whl",
  "foo-1.0.tar.gz/",
  "foo/1.0.tar.gz",
);

function filenameArb(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(spellings(name), VERSIONS, BUILD, TAGS)
        .map(([n, v, b, t]) => `${n}-${v}${b}-${t}.whl`),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(spellings(name), VERSIONS, SDIST_EXT).map(([n, v, e]) => `${n}-${v}${e}`),
    },
    { weight: 1, arbitrary: OTHER },
  );
}

const UPLOAD = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 1_400_000_000_000, max: 1_800_000_000_000 }),
);

function fileArb(name: string): fc.Arbitrary<SimpleFile> {
  return fc
    .record({
      filename: filenameArb(name),
      upload: UPLOAD,
      requiresPython: fc.option(fc.constantFrom(">=3.8", ">=3.6,<4"), { nil: undefined }),
      yanked: fc.constantFrom<boolean | string>(false, true, "broken"),
      size: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ filename, upload, requiresPython, yanked, size }) => {
      // Built in the parsers' key order, absent fields left out.
      const file: Record<string, unknown> = {
        filename,
        url: `https://files.example/${encodeURIComponent(filename)}`,
        hashes: { sha256: "0".repeat(64) },
      };
      if (requiresPython !== undefined) file.requiresPython = requiresPython;
      file.yanked = yanked;
      file.coreMetadata = false;
      if (size !== undefined) file.size = size;
      if (upload !== undefined) file.uploadTime = new Date(upload);
      return file as unknown as SimpleFile;
    });
}

const FIXTURES = join(import.meta.dirname, "fixtures", "simple-pages");

describe("simple page grouping", () => {
  it("grouping_and_encoding_match_parsing_every_filename", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...NAMES)
          .chain((name) => fc.tuple(fc.constant(name), fc.array(fileArb(name), { maxLength: 40 }))),
        ([name, files]) => checkAgainstReference(files, name),
      ),
      { numRuns: 400, seed: 20261121 },
    );
  });

  it("a_version_whose_only_files_are_invalid_is_not_listed", () => {
    const name = parsePackageName("foo");
    const files = [
      "foo-1.0-py3-none-any.whl",
      "foo-2.0-py3-no ne-any.whl",
      "foo-2.0-py3-none-any-Bad.whl",
      "other-3.0.tar.gz",
      "foo-1.0.0.tar.gz",
    ].map(
      (filename): SimpleFile => ({
        filename,
        url: "",
        hashes: {},
        yanked: false,
        coreMetadata: false,
      }),
    );
    const grouped = GroupedDists.fromFiles(files, name);
    expect(grouped.versions).toEqual(["1.0"]);
    expect(grouped.distsOf("1.0").map((d) => d.file.filename)).toEqual([
      "foo-1.0-py3-none-any.whl",
      "foo-1.0.0.tar.gz",
    ]);
    expect(grouped.distsOf("2.0")).toEqual([]);
    checkAgainstReference(files, name);
  });

  it("an_upload_time_that_is_not_a_time_leaves_the_version_without_a_summary", () => {
    const name = parsePackageName("foo");
    const files: SimpleFile[] = [
      { filename: "foo-1.0.tar.gz", url: "", hashes: {}, yanked: false, coreMetadata: false },
      {
        filename: "foo-1.0-py3-none-any.whl",
        url: "",
        hashes: {},
        yanked: false,
        coreMetadata: false,
        uploadTime: new Date(Number.NaN),
      },
      {
        filename: "foo-2.0-py3-none-any.whl",
        url: "",
        hashes: {},
        yanked: false,
        coreMetadata: false,
        uploadTime: new Date(5),
      },
    ];
    const grouped = GroupedDists.fromFiles(files, name);
    expect(grouped.uploadsOf("1.0")).toBeUndefined();
    expect(grouped.uploadsOf("2.0")).toEqual({
      firstWheel: 5,
      firstSdist: undefined,
      lastSdist: undefined,
    });
    // Stored, an invalid time is `null` (JSON has no NaN), as it always was.
    checkAgainstReference(files, name, false);
  });

  it.each(["outcome", "sniffio", "idna", "attrs"])("real_page_%s_groups_as_before", (project) => {
    const html = readFileSync(join(FIXTURES, `${project}.html.txt`), "utf8");
    const url = `https://pypi.org/simple/${project}/`;
    const name = parsePackageName(project);
    const page = parseSimpleHtml(html, url);
    expect(page.files.length).toBeGreaterThan(5);
    // The record form is the same page, upload times as epoch milliseconds.
    expect(parseSimpleHtmlRecords(html, url).files).toEqual(page.files.map(toRecord));
    expect(page.files.some((f) => f.uploadTime !== undefined)).toBe(true);
    checkAgainstReference(page.files, name);
  });

  it("a_page_read_from_a_response_is_used_in_memory_and_stored_the_same", async () => {
    const project = "idna";
    const name = parsePackageName(project);
    const body = readFileSync(join(FIXTURES, `${project}.html.txt`));
    let bodies = 0;
    const payload = await readSimplePage(
      {
        url: new URL(`https://pypi.org/simple/${project}/`),
        status: 200,
        headers: { "content-type": "text/html" },
        body: Readable.from([body]) as unknown as Parameters<typeof readSimplePage>[0]["body"],
      },
      undefined,
      name,
      () => bodies++,
    );
    expect(bodies).toBe(1);
    const fresh = decodeSimplePage(payload, name);
    // An HTML page is grouped straight into its stored form, and this run opens that form as a
    // later run would (without an object per file until a version is asked for).
    expect(fresh.dists).toBeInstanceOf(StoredDists);
    expect(decodeSimplePage(payload, name)).toBe(fresh);
    // A later run reads the stored form (head and tail only) and sees the same page.
    const stored = decodeSimplePage(
      new SplitPayload(JSON.parse(JSON.stringify(payload.head)), Buffer.from(payload.tail)),
      name,
    );
    expect(stored.dists).toBeInstanceOf(StoredDists);
    expect(view(stored.dists)).toEqual(view(fresh.dists));
    expect(fresh.dists.versions).toEqual(
      referenceGroup(
        parseSimpleHtml(body.toString("utf8"), "https://pypi.org/simple/idna/").files,
        name,
      ).versions,
    );
  });

  it("a_json_page_read_from_a_response_is_used_as_stored", async () => {
    const name = parsePackageName("foo");
    const file = (filename: string, time: string) => ({
      filename,
      url: `https://f.example/${filename}`,
      hashes: { sha256: "ab" },
      "requires-python": ">=3.8",
      yanked: false,
      "upload-time": time,
    });
    const body = JSON.stringify({
      files: [
        file("foo-1.0.tar.gz", "2024-01-01T00:00:00Z"),
        file("foo-1.0-py3-none-any.whl", "2024-01-02T00:00:00Z"),
        file("foo-2.0-py3-none-any.whl", "2024-02-01T00:00:00Z"),
        file("other-3.0.tar.gz", "2024-03-01T00:00:00Z"),
      ],
      meta: { "api-version": "1.1" },
    });
    const payload = await readSimplePage(
      {
        url: new URL("https://pypi.org/simple/foo/"),
        status: 200,
        headers: { "content-type": "application/vnd.pypi.simple.v1+json" },
        // In pieces, as the network delivers a page.
        body: Readable.from(
          [body.slice(0, 100), body.slice(100)].map((p) => Buffer.from(p)),
        ) as never,
      },
      undefined,
      name,
    );
    const fresh = decodeSimplePage(payload, name);
    // Opened from the form just encoded for the cache, as a later run opens it: the page's
    // objects are garbage once encoded, instead of living (and being copied by every
    // collection) until the run ends.
    expect(fresh.dists).toBeInstanceOf(StoredDists);
    const stored = decodeSimplePage(
      new SplitPayload(JSON.parse(JSON.stringify(payload.head)), Buffer.from(payload.tail)),
      name,
    );
    expect(view(fresh.dists)).toEqual(view(stored.dists));
    expect(fresh.dists.versions).toEqual(["1.0", "2.0"]);
    expect(fresh.dists.distsOf("1.0").map((d) => d.file.filename)).toEqual([
      "foo-1.0.tar.gz",
      "foo-1.0-py3-none-any.whl",
    ]);
    expect(fresh.dists.uploadsOf("1.0")).toEqual({
      firstWheel: Date.parse("2024-01-02T00:00:00Z"),
      firstSdist: Date.parse("2024-01-01T00:00:00Z"),
      lastSdist: Date.parse("2024-01-01T00:00:00Z"),
    });
  });
});
