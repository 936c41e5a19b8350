// The stored form of Simple API pages: grouped by version, a version's files decoded on demand,
// and broken entries never trusted.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PackageName } from "@uv-ts/normalize";
import type { SimpleFile } from "@uv-ts/pypi-types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEntry, serializeEntry } from "../src/http-cache/store.ts";
import {
  decodeSimplePage,
  encodeDists,
  FileHttpCacheStore,
  GroupedDists,
  SplitPayload,
  StoredDists,
  type StoredResponse,
} from "../src/index.ts";
import { tempDir } from "./helpers.ts";

const NAME = "foo" as PackageName;
const T = Date.UTC(2024, 4, 1, 12, 30, 15, 123);

function file(filename: string, extra: Partial<SimpleFile> = {}): SimpleFile {
  return {
    filename,
    url: `https://files.example/${filename}`,
    hashes: { sha256: "a".repeat(64) },
    yanked: false,
    coreMetadata: false,
    ...extra,
  };
}

const FILES: SimpleFile[] = [
  file("foo-2.0-py3-none-any.whl", { uploadTime: new Date(T), size: 10 }),
  file("foo-1.0.tar.gz", { requiresPython: ">=3.8", yanked: "broken" }),
  file("README.txt"),
  file("foo-1.0-py3-none-any.whl.metadata"),
  file("foo-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl", { coreMetadata: { sha256: "b" } }),
  file("foo-10.0rc1.zip", { uploadTime: new Date(T + 1) }),
  file("foo-1.0-py2.py3-none-any.whl", { yanked: true }),
];

function names(dists: readonly { file: SimpleFile }[]): string[] {
  return dists.map((d) => d.file.filename);
}

function storedPage(files: readonly SimpleFile[]): StoredResponse {
  const { index, tail } = encodeDists(GroupedDists.fromFiles(files, NAME));
  return {
    storedAt: T,
    policy: { url: "https://pypi.org/simple/foo/", status: 200, responseTime: T, vary: {} },
    payload: new SplitPayload(
      {
        format: 5,
        url: "https://pypi.org/simple/foo/",
        digest: "d",
        projectStatus: { status: "active" },
        versions: ["1.0", "2.0", "3.0"],
        dists: index,
      },
      tail,
    ),
  };
}

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

describe("grouped dists", () => {
  it("groups_a_pages_dists_by_version_ascending_skipping_other_files", () => {
    const grouped = GroupedDists.fromFiles(FILES, NAME);
    // `1.0` and `1.0.0` are one version, named after its first file on the page.
    expect(grouped.versions).toEqual(["1.0", "2.0", "10.0rc1"]);
    expect(names(grouped.distsOf("1.0"))).toEqual([
      "foo-1.0.tar.gz",
      "foo-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",
      "foo-1.0-py2.py3-none-any.whl",
    ]);
    expect(grouped.distsOf("1.0.0")).toEqual([]);
    expect(grouped.distsOf("3.0")).toEqual([]);
  });
});

describe("stored page", () => {
  it("round_trips_through_the_cache_file", () => {
    const entry = parseEntry(Buffer.from(serializeEntry(storedPage(FILES))));
    expect(entry?.storedAt).toBe(T);
    const page = decodeSimplePage(entry?.payload, NAME);
    expect(page.versions).toEqual(["1.0", "2.0", "3.0"]);
    expect(page.projectStatus).toEqual({ status: "active" });
    const grouped = GroupedDists.fromFiles(FILES, NAME);
    expect(page.dists.versions).toEqual(grouped.versions);
    for (const version of grouped.versions) {
      const stored = page.dists.distsOf(version);
      expect(stored.map((d) => d.file)).toEqual(grouped.distsOf(version).map((d) => d.file));
      expect(stored.map((d) => d.filename.toString())).toEqual(
        grouped.distsOf(version).map((d) => d.filename.toString()),
      );
    }
    const [wheel] = page.dists.distsOf("2.0");
    expect(wheel?.file.uploadTime).toBeInstanceOf(Date);
    expect(wheel?.file.uploadTime?.getTime()).toBe(T);
    expect(page.dists.distsOf("1.0")).toBe(page.dists.distsOf("1.0"));
  });

  it("summarises_each_versions_upload_times_without_decoding_it", () => {
    const files = [
      ...FILES,
      file("foo-10.0rc1-py3-none-any.whl", { uploadTime: new Date(T - 5) }),
      file("foo-10.0rc1.tar.gz", { uploadTime: new Date(T + 7) }),
    ];
    const grouped = GroupedDists.fromFiles(files, NAME);
    const entry = parseEntry(Buffer.from(serializeEntry(storedPage(files))));
    const page = decodeSimplePage(entry?.payload, NAME);
    const parse = vi.spyOn(JSON, "parse");
    try {
      // An undated file counts as later than any cut-off.
      const expected = {
        "1.0": { firstWheel: Infinity, firstSdist: Infinity, lastSdist: Infinity },
        "2.0": { firstWheel: T, firstSdist: undefined, lastSdist: undefined },
        "10.0rc1": { firstWheel: T - 5, firstSdist: T + 1, lastSdist: T + 7 },
      };
      for (const [version, uploads] of Object.entries(expected)) {
        expect(page.dists.uploadsOf(version)).toEqual(uploads);
        expect(grouped.uploadsOf(version)).toEqual(uploads);
      }
      expect(page.dists.uploadsOf("3.0")).toBeUndefined();
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it("leaves_malformed_summaries_to_the_files", () => {
    const { index, tail } = encodeDists(GroupedDists.fromFiles(FILES, NAME));
    const broken = { ...index, uploads: [[1, "x", 2], null, [1, 2]] };
    const dists = StoredDists.open(broken, tail, NAME);
    expect(dists?.versions).toEqual(["1.0", "2.0", "10.0rc1"]);
    expect(dists?.uploadsOf("1.0")).toBeUndefined();
    expect(dists?.uploadsOf("2.0")).toBeUndefined();
    expect(dists?.uploadsOf("10.0rc1")).toBeUndefined();
    expect(names(dists?.distsOf("2.0") ?? [])).toEqual(["foo-2.0-py3-none-any.whl"]);
    // A summary per version is part of the layout.
    expect(StoredDists.open({ ...index, uploads: [] }, tail, NAME)).toBeUndefined();
    expect(StoredDists.open({ ...index, uploads: undefined }, tail, NAME)).toBeUndefined();
  });

  it("decodes_only_the_version_asked_for", () => {
    const many = Array.from({ length: 50 }, (_, i) => file(`foo-${i}.0.tar.gz`));
    const { payload } = storedPage(many);
    const page = decodeSimplePage(payload, NAME);
    const parse = vi.spyOn(JSON, "parse");
    try {
      expect(names(page.dists.distsOf("17.0"))).toEqual(["foo-17.0.tar.gz"]);
      expect(parse).toHaveBeenCalledTimes(1);
      expect(String(parse.mock.calls[0]?.[0])).not.toContain("foo-18.0");
      page.dists.distsOf("17.0");
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it("a_damaged_version_line_breaks_only_that_version", () => {
    // Proof that the other lines are not read: this one is no JSON at all.
    const { index, tail } = encodeDists(GroupedDists.fromFiles(FILES, NAME));
    const start = index.offsets[1] as number;
    const end = index.offsets[2] as number;
    tail.fill(0x20, start + 1, end - 1);
    const dists = StoredDists.open(index, tail, NAME);
    expect(names(dists?.distsOf("10.0rc1") ?? [])).toEqual(["foo-10.0rc1.zip"]);
    expect(() => dists?.distsOf("2.0")).toThrow(SyntaxError);
  });

  it("rejects_indexes_that_do_not_fit_the_tail", () => {
    const { index, tail } = encodeDists(GroupedDists.fromFiles(FILES, NAME));
    expect(StoredDists.open(index, tail, NAME)).toBeDefined();
    expect(StoredDists.open(index, tail.subarray(0, tail.length - 1), NAME)).toBeUndefined();
    expect(StoredDists.open({ ...index, versions: ["1.0"] }, tail, NAME)).toBeUndefined();
    const shifted = index.offsets.map((o, i) => (i === 1 ? o + 1 : o));
    expect(StoredDists.open({ ...index, offsets: shifted }, tail, NAME)).toBeUndefined();
    expect(StoredDists.open({ ...index, versions: [1, 2, 3] }, tail, NAME)).toBeUndefined();
    expect(StoredDists.open(null, tail, NAME)).toBeUndefined();
    expect(() => decodeSimplePage({ format: 4 }, NAME)).toThrow();
    // Entries of the previous format (the whole page as one JSON document) are not pages now.
    const old = { format: 1, url: "u", digest: "d", files: [], projectStatus: {} };
    expect(() => decodeSimplePage(old, NAME)).toThrow();
    // Entries of earlier formats (files stored parsed, a page's tags cut out and sorted) fit
    // the layout but are not read as format 5.
    const page = storedPage(FILES).payload as SplitPayload;
    expect(() => decodeSimplePage(page, NAME)).not.toThrow();
    for (const format of [3, 4]) {
      const older = new SplitPayload({ ...(page.head as object), format }, page.tail);
      expect(() => decodeSimplePage(older, NAME)).toThrow();
    }
    // A line form must be known, and a lazy form needs the base its links are relative to.
    expect(StoredDists.open({ ...index, form: "xml", base: "u" }, tail, NAME)).toBeUndefined();
    expect(StoredDists.open({ ...index, form: "html" }, tail, NAME)).toBeUndefined();
  });
});

describe("cache file", () => {
  const key = { bucket: "simple", shard: ["x"], file: "foo.json" } as const;

  async function damaged(damage: (bytes: Buffer) => Buffer): Promise<string> {
    const store = new FileHttpCacheStore(join(tmp.path, `store-${Math.random()}`));
    await store.write(key, storedPage(FILES));
    const path = store.pathOf(key);
    await writeFile(path, damage(await readFile(path)));
    expect(await store.read(key)).toBeUndefined();
    // Broken entries are removed, to be fetched again.
    await expect(stat(path)).rejects.toThrow();
    return path;
  }

  it("reads_back_what_it_wrote", async () => {
    const store = new FileHttpCacheStore(join(tmp.path, "store-ok"));
    await store.write(key, storedPage(FILES));
    const entry = await store.read(key);
    expect(entry?.payload).toBeInstanceOf(SplitPayload);
    expect(names(decodeSimplePage(entry?.payload, NAME).dists.distsOf("2.0"))).toEqual([
      "foo-2.0-py3-none-any.whl",
    ]);
    // Plain payloads stay one JSON document.
    await store.write(key, { storedAt: 1, policy: storedPage([]).policy, payload: { a: 1 } });
    expect((await readFile(store.pathOf(key), "utf8")).includes("\n")).toBe(false);
    expect((await store.read(key))?.payload).toEqual({ a: 1 });
  });

  it("reads_an_entry_from_disk_once_until_it_writes_it", async () => {
    // The look-ahead's cache-only client and the fetching client share the store: the second
    // read of an entry is the first one's, payload and decoded page included.
    const store = new FileHttpCacheStore(join(tmp.path, "store-once"));
    await store.write(key, storedPage(FILES));
    const first = await store.read(key);
    await writeFile(store.pathOf(key), "gone");
    const second = await store.read(key);
    expect(second).toBe(first);
    expect(store.readPolicy(key)).toBe(first);
    const page = decodeSimplePage(first?.payload, NAME);
    expect(decodeSimplePage(second?.payload, NAME)).toBe(page);
    expect(page.dists.distsOf("2.0")).toBe(page.dists.distsOf("2.0"));
    // Written again, it is read from the file again.
    await store.write(key, storedPage(FILES.slice(0, 1)));
    const third = await store.read(key);
    expect(third).not.toBe(first);
    expect(decodeSimplePage(third?.payload, NAME).dists.versions).toHaveLength(1);
  });

  it("writes_a_tail_in_pieces_as_the_joined_tail", async () => {
    // A page just downloaded is stored as its table and its bytes, never joined in memory.
    const store = new FileHttpCacheStore(join(tmp.path, "store-parts"));
    const whole = storedPage(FILES);
    const payload = whole.payload as SplitPayload;
    const cut = Math.floor(payload.tail.length / 3);
    const pieces = [payload.tail.subarray(0, cut), payload.tail.subarray(cut), Buffer.alloc(0)];
    const split = new SplitPayload(payload.head, pieces);
    expect(split.tailParts).toEqual(pieces);
    const entry = { ...whole, payload: split };
    expect(Buffer.from(serializeEntry(entry)).equals(Buffer.from(serializeEntry(whole)))).toBe(
      true,
    );
    await store.write(key, entry);
    expect((await readFile(store.pathOf(key))).equals(Buffer.from(serializeEntry(whole)))).toBe(
      true,
    );
    const read = await new FileHttpCacheStore(join(tmp.path, "store-parts")).read(key);
    expect(read?.payload).toBeInstanceOf(SplitPayload);
    expect((read?.payload as SplitPayload | undefined)?.tail.equals(payload.tail)).toBe(true);
    // Joined on demand, once.
    expect(split.tail.equals(payload.tail)).toBe(true);
    expect(split.tail).toBe(split.tail);
  });

  it("drops_truncated_entries", async () => {
    await damaged((bytes) => bytes.subarray(0, bytes.length - 10));
    await damaged((bytes) => bytes.subarray(0, bytes.indexOf(0x0a) + 1));
    await damaged((bytes) => bytes.subarray(0, bytes.indexOf(0x0a)));
    await damaged((bytes) => bytes.subarray(0, 100));
    await damaged(() => Buffer.alloc(0));
  });

  it("drops_damaged_entries", async () => {
    // A flipped byte deep in the files: the checksum catches it.
    await damaged((bytes) => {
      const copy = Buffer.from(bytes);
      const at = bytes.length - 40;
      copy[at] = (copy[at] as number) ^ 0x01;
      return copy;
    });
    await damaged((bytes) => Buffer.concat([bytes, Buffer.from("x")]));
    await damaged((bytes) => Buffer.concat([Buffer.from("{not json\n"), bytes]));
    await damaged((bytes) => Buffer.from(bytes.toString("utf8").replace('"crc32":', '"crc":')));
  });
});
