import { createHash } from "node:crypto";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileCursor } from "../src/file-cursor.ts";
import { MultiHasher } from "../src/hash.ts";
import { ExtractError, extractZip } from "../src/index.ts";
import { directoryLeaves } from "../src/shared.ts";
import { readTree, scratch, seededBytes, useMemberWorker } from "./helpers.ts";
import { buildZip, type RawEntry, type RawZipOptions } from "./raw-zip.ts";

// An archive in memory (a downloaded wheel) is walked synchronously, straight over the buffer;
// one on disk goes through the streaming cursor. Both must read every archive alike: the same
// files, or the same refusal with the same message. Generated archives, many of them broken in
// one of the ways the reader must notice, are extracted every way and the outcomes compared.

const worker = useMemberWorker();

/** Bytes that deflate somewhat (like source code), from a seed. */
function bytesFrom(seed: number, size: number): Buffer {
  return seededBytes(size, seed, (x) => 97 + (x % 7));
}

/** One way an entry can be broken; `none` most of the time. */
type Fault =
  | "none"
  | "crc"
  | "local-crc"
  | "uncompressed-size"
  | "compressed-size"
  | "local-compressed-size"
  | "local-name"
  | "local-flags"
  | "local-method"
  | "omit-descriptor"
  | "stray-descriptor"
  | "descriptor-crc"
  | "gap"
  | "gap-local-header"
  | "omit-from-central"
  | "offset-override"
  | "junk-deflate"
  | "trailing-junk-in-data"
  | "duplicate-extra"
  | "unicode-path"
  | "encrypted";

const FAULTS: Fault[] = [
  "crc",
  "local-crc",
  "uncompressed-size",
  "compressed-size",
  "local-compressed-size",
  "local-name",
  "local-flags",
  "local-method",
  "omit-descriptor",
  "stray-descriptor",
  "descriptor-crc",
  "gap",
  "gap-local-header",
  "omit-from-central",
  "offset-override",
  "junk-deflate",
  "trailing-junk-in-data",
  "duplicate-extra",
  "unicode-path",
  "encrypted",
];

interface EntrySpec {
  readonly name: string;
  readonly seed: number;
  readonly size: number;
  readonly stored: boolean;
  readonly descriptor: boolean;
  readonly signature: boolean;
  readonly zip64: boolean;
  readonly executable: boolean;
  readonly fault: Fault;
}

const NAMES = [
  "pkg/__init__.py",
  "pkg/a.py",
  "pkg/sub/b.py",
  "pkg/sub/",
  "pkg/",
  "PKG/a.py",
  "pkg/A.py",
  "pkg-1.0.dist-info/RECORD",
  "data/x/y/z.txt",
  "pkg/a.py/c.py",
];

const entrySpec: fc.Arbitrary<EntrySpec> = fc.record({
  // Mostly distinct names; sometimes one that repeats or collides with another.
  name: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 999 }).map((n) => `pkg/d${n % 3}/m${n}.py`) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES) },
  ),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  // Mostly small (inline or in a worker batch); some past the inline threshold (thread pool).
  size: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 3000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 520_000, max: 600_000 }) },
  ),
  stored: fc.boolean(),
  descriptor: fc.boolean(),
  signature: fc.boolean(),
  zip64: fc.boolean(),
  executable: fc.boolean(),
  fault: fc.oneof(
    { weight: 6, arbitrary: fc.constant<Fault>("none") },
    { weight: 1, arbitrary: fc.constantFrom(...FAULTS) },
  ),
});

interface ArchiveSpec {
  readonly entries: EntrySpec[];
  readonly trailing: "none" | "nuls" | "junk";
  /** Cut the archive to this fraction of its length (1: whole). */
  readonly cut: number;
}

const archiveSpec: fc.Arbitrary<ArchiveSpec> = fc.record({
  entries: fc.array(entrySpec, { minLength: 1, maxLength: 7 }),
  trailing: fc.oneof(
    { weight: 8, arbitrary: fc.constant("none" as const) },
    { weight: 1, arbitrary: fc.constantFrom("nuls" as const, "junk" as const) },
  ),
  cut: fc.oneof(
    { weight: 9, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.double({ min: 0.05, max: 0.999, noNaN: true }) },
  ),
});

function rawEntry(spec: EntrySpec): RawEntry {
  const isDirectory = spec.name.endsWith("/");
  const data = isDirectory ? Buffer.alloc(0) : bytesFrom(spec.seed, spec.size);
  const entry: RawEntry = {
    name: spec.name,
    data,
    method: spec.stored ? 0 : 8,
    dataDescriptor: spec.descriptor,
    descriptorSignature: spec.signature,
    zip64: spec.zip64,
    unixMode: spec.executable ? 0o100755 : 0o100644,
  };
  const compressedLength = spec.stored ? data.length : deflateRawSync(data).length;
  switch (spec.fault) {
    case "none":
      break;
    case "crc":
      entry.crc = (spec.seed * 2654435761) >>> 0;
      break;
    case "local-crc":
      entry.localCrc = spec.seed;
      break;
    case "uncompressed-size":
      entry.uncompressedSize = data.length + 1 + (spec.seed % 5);
      break;
    case "compressed-size":
      entry.compressedSize = Math.max(0, compressedLength - 1 - (spec.seed % 3));
      break;
    case "local-compressed-size":
      entry.localCompressedSize = compressedLength + 1;
      break;
    case "local-name":
      entry.localName = `${spec.name}x`;
      break;
    case "local-flags":
      entry.localFlags = 0x800 | (spec.descriptor ? 0 : 0x8);
      break;
    case "local-method":
      entry.localMethod = spec.stored ? 8 : 0;
      break;
    case "omit-descriptor":
      entry.dataDescriptor = false;
      entry.omitDescriptor = true;
      break;
    case "stray-descriptor":
      entry.dataDescriptor = false;
      entry.strayDescriptor = true;
      break;
    case "descriptor-crc":
      entry.dataDescriptor = true;
      entry.descriptorCrc = spec.seed;
      break;
    case "gap":
      entry.after = bytesFrom(spec.seed, 1 + (spec.seed % 40));
      break;
    case "gap-local-header":
      // A local header nobody lists: hidden content.
      entry.after = buildZip([{ name: "hidden.py", data: "evil" }]).subarray(0, 30 + 9 + 6);
      break;
    case "omit-from-central":
      entry.omitFromCentral = true;
      break;
    case "offset-override":
      entry.offsetOverride = spec.seed % 64;
      break;
    case "junk-deflate":
      entry.method = 8;
      entry.compressedData = Buffer.from([0xff, 0xfe, 0xfd, spec.seed & 0xff]);
      break;
    case "trailing-junk-in-data":
      // Bytes hidden after the end of the DEFLATE stream, inside the member's declared size.
      entry.method = 8;
      entry.compressedData = Buffer.concat([deflateRawSync(data), Buffer.from("JUNK")]);
      break;
    case "duplicate-extra": {
      const field = Buffer.from([0x55, 0x54, 1, 0, 0]);
      entry.localExtra = Buffer.concat([field, field]);
      break;
    }
    case "unicode-path": {
      const other = Buffer.from("other.py");
      const header = Buffer.from([0x75, 0x70, 0, 0, 1, 0, 0, 0, 0]);
      header.writeUInt16LE(5 + other.length, 2);
      entry.localExtra = Buffer.concat([header, other]);
      break;
    }
    case "encrypted":
      entry.extraFlags = 1;
      break;
  }
  return entry;
}

function build(spec: ArchiveSpec, prefix: boolean): Buffer {
  const options: RawZipOptions = {};
  if (prefix) options.prefix = Buffer.from("#!/bin/sh\n");
  if (spec.trailing === "nuls") options.trailing = Buffer.alloc(37);
  if (spec.trailing === "junk") options.trailing = Buffer.from("trailing");
  const whole = buildZip(spec.entries.map(rawEntry), options);
  return spec.cut === 1 ? whole : whole.subarray(0, Math.floor(whole.length * spec.cut));
}

type Outcome =
  | { readonly error: string; readonly message: string }
  | {
      readonly files: unknown;
      readonly tree: unknown;
      readonly sha256: string | undefined;
    };

async function outcome(
  run: () => Promise<{ files: unknown; hashes: { digest: string }[] }>,
  dest: string,
): Promise<Outcome> {
  try {
    const result = await run();
    return { files: result.files, tree: await readTree(dest), sha256: result.hashes[0]?.digest };
  } catch (error) {
    if (!(error instanceof ExtractError)) throw error;
    return { error: error.code, message: error.message };
  }
}

function shared(bytes: Buffer): Buffer {
  const copy = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(copy);
  return copy;
}

describe("the in-memory walk reads archives exactly like the streaming walk", () => {
  it("extracts_or_refuses_generated_archives_identically_from_memory_and_from_disk", async () => {
    const specs = fc.sample(fc.tuple(archiveSpec, fc.boolean()), { numRuns: 100, seed: 20261121 });
    const codes = new Map<string, number>();
    let accepted = 0;
    for (const [index, [sampled, prefix]] of specs.entries()) {
      // The first cases break one entry in each way in turn, so that every fault is met.
      const fault = FAULTS[index % FAULTS.length] as Fault;
      const spec: ArchiveSpec =
        index >= FAULTS.length * 3
          ? sampled
          : {
              ...sampled,
              cut: 1,
              entries: sampled.entries.map((entry, i) =>
                i === index % sampled.entries.length ? { ...entry, fault } : entry,
              ),
            };
      // Data before the first member is rare in the cases: it ends every walk at offset 0.
      const bytes = build(spec, prefix && index % 5 === 0);
      const dir = await scratch();
      const file = join(dir, "a.whl");
      await writeFile(file, bytes);
      const options = { hashAlgorithms: ["sha256" as const] };
      const ways: [
        string,
        (dest: string) => Promise<{ files: unknown; hashes: { digest: string }[] }>,
      ][] = [
        ["file, inline", (dest) => extractZip(file, dest, options)],
        ["shared memory, inline", (dest) => extractZip(shared(bytes), dest, options)],
        ["file, worker", (dest) => extractZip(file, dest, { ...options, memberWorker: worker })],
        [
          "shared memory, worker",
          (dest) => extractZip(shared(bytes), dest, { ...options, memberWorker: worker }),
        ],
        [
          "memory, worker",
          (dest) => extractZip(Buffer.from(bytes), dest, { ...options, memberWorker: worker }),
        ],
      ];
      const outcomes: Outcome[] = [];
      for (const [i, [, way]] of ways.entries()) {
        const dest = join(dir, `out${i}`);
        outcomes.push(await outcome(() => way(dest), dest));
      }
      const [reference, ...others] = outcomes as [Outcome, ...Outcome[]];
      for (const [i, other] of others.entries()) {
        expect(
          other,
          `${ways[i + 1]?.[0]} vs ${ways[0]?.[0]}, case ${index}: ${JSON.stringify(spec)}`,
        ).toEqual(reference);
      }
      if ("error" in reference) codes.set(reference.error, (codes.get(reference.error) ?? 0) + 1);
      else {
        accepted += 1;
        expect(reference.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      }
    }
    // The cases must exercise both sides and many distinct checks, or the comparison says little.
    expect(accepted).toBeGreaterThanOrEqual(15);
    expect([...codes.keys()].sort()).toEqual(
      expect.arrayContaining([
        "extract.bad-compressed-size",
        "extract.bad-crc",
        "extract.bad-uncompressed-size",
        "extract.conflicting-checksums",
        "extract.conflicting-compressed-sizes",
        "extract.conflicting-flags",
        "extract.conflicting-paths",
        "extract.duplicate-entry",
        "extract.encrypted",
        "extract.missing-central-directory-entry",
        "extract.missing-data-descriptor",
        "extract.path-collision",
        "extract.unexpected-data-descriptor",
        "extract.zip-structure",
      ]),
    );
  }, 60_000);
});

describe("FileCursor", () => {
  it("reads_in_memory_synchronously_what_it_reads_from_a_file", async () => {
    const dir = await scratch();
    const ops = fc.array(
      fc.record({
        kind: fc.constantFrom(
          "read",
          "peek",
          "readSync",
          "peekSync",
          "skip",
          "skipSync",
          "wholeArchive",
        ),
        length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 400_000 })),
      }),
      { maxLength: 12 },
    );
    const cases = fc.sample(fc.tuple(fc.integer({ min: 0, max: 700_000 }), ops), {
      numRuns: 60,
      seed: 7,
    });
    for (const [i, [size, steps]] of cases.entries()) {
      const bytes = bytesFrom(i + 1, size);
      const path = join(dir, `c${i}`);
      await writeFile(path, bytes);
      const handle = await open(path, "r");
      try {
        const fromFile = new FileCursor(handle, size, new MultiHasher(["sha256"]));
        const hasher = new MultiHasher(["sha256"]);
        const inMemory = FileCursor.inMemory(bytes, hasher);
        expect(inMemory.inMemory).toBe(true);
        expect(fromFile.inMemory).toBe(false);
        expect(() => fromFile.peekSync(1)).toThrow();
        for (const { kind, length } of steps) {
          if (kind === "skip" || kind === "skipSync") {
            const end = Math.min(size, fromFile.position + length);
            await fromFile.skipTo(end);
            if (kind === "skip") await inMemory.skipTo(end);
            else inMemory.skipSync(end - inMemory.position);
          } else if (kind === "wholeArchive") {
            const all = inMemory.wholeArchive();
            const at = inMemory.position;
            const available = all.length - at;
            const expected = await fromFile.peek(length);
            expect(available).toBe(size - fromFile.position);
            const got = all.subarray(at, at + Math.min(length, available));
            expect(got.equals(expected)).toBe(true);
            expect(() => inMemory.skipSync(available + 1)).toThrow();
          } else {
            const expected =
              kind === "read" || kind === "readSync"
                ? await fromFile.read(length)
                : await fromFile.peek(length);
            const got =
              kind === "readSync"
                ? inMemory.readSync(length)
                : kind === "peekSync"
                  ? inMemory.peekSync(length)
                  : kind === "read"
                    ? await inMemory.read(length)
                    : await inMemory.peek(length);
            // Compared natively: a deep equality over hundreds of KB is very slow.
            expect(got === undefined).toBe(expected === undefined);
            if (got !== undefined && expected !== undefined) {
              expect(got.length).toBe(expected.length);
              expect(got.equals(expected)).toBe(true);
            }
          }
          expect(inMemory.position).toBe(fromFile.position);
        }
      } finally {
        await handle.close();
      }
    }
  });
});

describe("directoryLeaves", () => {
  it("gives_what_join_gives_for_the_leaves", () => {
    const dirs = ["a/b", "a", "c", "a/b/d", "ab"];
    for (const root of ["/r", "/r/s", "/", "/r/", "/r/../t", "r"]) {
      const expected = ["a/b/d", "ab", "c"].map((dir) => join(root, dir));
      expect(directoryLeaves(root, dirs)).toEqual(expected);
    }
  });
});
