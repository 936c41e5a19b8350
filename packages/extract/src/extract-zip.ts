import { createWriteStream, writeFileSync } from "node:fs";
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { type CentralEntry, readCentralDirectory } from "./central-directory.ts";
import { ExtractError, hex8, zipStructureError } from "./extract-error.ts";
import {
  type ArchiveSource,
  algorithmsFor,
  type ExtractedFile,
  type ExtractOptions,
  type ExtractResult,
  memberThreadsOf,
} from "./extract-options.ts";
import { FileCursor } from "./file-cursor.ts";
import { MultiHasher, verifyHashes } from "./hash.ts";
import { LimitTracker, resolveLimits } from "./limits.ts";
import { MemberBatches } from "./member-batches.ts";
import { type MemberPath, PathModel, parseMemberPath } from "./member-path.ts";
import type { MemberThreads } from "./member-threads.ts";
import type { MemberFailure } from "./member-worker.ts";
import { bufferAccess, type RandomAccess } from "./random-access.ts";
import { asExtractError, directoryLeaves, fileMode, spool } from "./shared.ts";
import { withStaging } from "./staging.ts";
import { TaskPool } from "./task-pool.ts";
import {
  applyZip64,
  COMPARED_FLAGS,
  checkUnicodePath,
  FLAG,
  METHOD_DEFLATE,
  parseExtraFields,
  SIG,
} from "./zip-format.ts";

/** Members at most this big (compressed and not) are inflated off the walk, in parallel. */
const SMALL_COMPRESSED = 4 * 1024 * 1024;
const SMALL_UNCOMPRESSED = 16 * 1024 * 1024;
/**
 * Members at most this big go to the member worker in one piece: a native extension of a few
 * tens of MB inflates there in one call, instead of streaming through the main thread.
 */
const WORKER_COMPRESSED = 16 * 1024 * 1024;
const WORKER_UNCOMPRESSED = 48 * 1024 * 1024;
const POOL_TASKS = 16;
const POOL_BYTES = 64 * 1024 * 1024;
/**
 * Members at most this big are inflated and written synchronously, inline in the walk: a thread
 * pool round trip (inflate, open, write, close) costs far more main-thread time than the work
 * itself for the thousands of small files of a typical wheel. The walk still yields to the event
 * loop whenever the cursor reads its next block from disk, so concurrent downloads are blocked
 * for at most about a block's worth of small members.
 */
const INLINE_BYTES = 512 * 1024;
/** Duplicates are compared in memory; bigger ones are refused rather than buffered. */
const MAX_DUPLICATE_BYTES = 64 * 1024 * 1024;
/** An empty DEFLATE stream takes 2 bytes; a directory with more "data" is hiding something. */
const MAX_DIRECTORY_DATA = 64;
/** How far past its declared size an in-memory member may inflate before we stop counting. */
const OVERRUN_SLACK = 1024 * 1024;

interface InflateResult {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/**
 * zlib's output chunk for a member of `size` bytes: one chunk that holds it all (plus the byte
 * that shows nothing follows), so that the output is neither gathered from 16 KiB pieces nor
 * joined at the end; several times faster for a member of a few MB.
 */
function outputChunkSize(size: number): number {
  return Math.max(zlib.constants.Z_MIN_CHUNK, size + 1);
}

function inflateRawInfo(data: Buffer, size: number): Promise<InflateResult> {
  const options = {
    info: true,
    chunkSize: outputChunkSize(size),
    maxOutputLength: size + OVERRUN_SLACK,
  };
  return new Promise((resolve, reject) => {
    // `info: true` makes the callback receive `{ buffer, engine }`; @types/node only knows Buffer.
    zlib.inflateRaw(data, options as zlib.ZlibOptions, (error, result) => {
      if (error) reject(error);
      else resolve(result as unknown as InflateResult);
    });
  });
}

/** The write of a member written inline, already done. */
const WRITTEN: Promise<void> = Promise.resolve();

/** One member, planned from the central directory before anything is written. */
interface PlannedEntry {
  readonly entry: CentralEntry;
  readonly member: MemberPath;
}

function badSize(path: string, computed: number | string, expected: number): ExtractError {
  const got = typeof computed === "string" ? computed : hex8(computed);
  return new ExtractError(
    "extract.bad-uncompressed-size",
    `Bad uncompressed size (got ${got}, expected ${hex8(expected)}) for file: ${path}`,
  );
}

function badCompressedSize(path: string, computed: number, expected: number): ExtractError {
  return new ExtractError(
    "extract.bad-compressed-size",
    `Bad compressed size (got ${hex8(computed)}, expected ${hex8(expected)}) for file: ${path}`,
  );
}

function badCrc(path: string, computed: number, expected: number): ExtractError {
  return new ExtractError(
    "extract.bad-crc",
    `Bad CRC (got ${hex8(computed)}, expected ${hex8(expected)}) for file: ${path}`,
  );
}

function duplicateEntry(path: string): ExtractError {
  return new ExtractError(
    "extract.duplicate-entry",
    `ZIP file contains multiple entries with different contents for: ${path}`,
  );
}

/**
 * Checks names, paths, collisions, duplicates and declared sizes for every central-directory
 * record, so that an archive that will be refused for those reasons is refused before any I/O.
 * Returns the members in directory order, the directories to create, and the paths that more
 * than one member writes (the walk keeps track of those only; most archives have none).
 */
function plan(entries: readonly CentralEntry[], limits: LimitTracker, model: PathModel) {
  const planned: PlannedEntry[] = [];
  const firstByPath = new Map<string, CentralEntry>();
  const duplicated = new Set<string>();
  const directories = new Set<string>();
  let lastParent = "";
  for (const entry of entries) {
    const member = parseMemberPath(entry.name);
    limits.addEntry();
    if (member.isDirectory) {
      if (entry.crc32 !== 0) throw badCrc(member.path, 0, entry.crc32);
      if (entry.uncompressedSize !== 0) throw badSize(member.path, 0, entry.uncompressedSize);
      if (entry.compressedSize > MAX_DIRECTORY_DATA) {
        throw zipStructureError(`Directory entry carries data: ${entry.name}`);
      }
      model.claim(member, "directory");
      directories.add(member.path);
      planned.push({ entry, member });
      continue;
    }
    limits.addBytes(member.path, entry.uncompressedSize);
    limits.checkRatio(member.path, entry.compressedSize, entry.uncompressedSize);
    if (model.claim(member, "file") === "duplicate-file") {
      const first = firstByPath.get(member.path) as CentralEntry;
      if (first.executable !== entry.executable) {
        throw new ExtractError(
          "extract.duplicate-mode",
          `ZIP file end-of-central-directory record contains multiple entries with the same path, but conflicting modes: ${member.path}`,
        );
      }
      // Different CRCs or sizes prove different bytes; equal ones are confirmed byte-wise later.
      if (
        first.crc32 !== entry.crc32 ||
        first.uncompressedSize !== entry.uncompressedSize ||
        entry.uncompressedSize > MAX_DUPLICATE_BYTES
      ) {
        throw duplicateEntry(member.path);
      }
      duplicated.add(member.path);
    } else {
      firstByPath.set(member.path, entry);
    }
    // Members come directory by directory: the same parent again needs no new string.
    const { path } = member;
    const parent = path.lastIndexOf("/");
    if (parent > 0 && (parent !== lastParent.length || !path.startsWith(lastParent))) {
      lastParent = path.slice(0, parent);
      directories.add(lastParent);
    }
    planned.push({ entry, member });
  }
  return { planned, directories, duplicated };
}

/** `planned` in file order; archivers write the directory in file order, so usually as it is. */
function inFileOrder(planned: PlannedEntry[]): PlannedEntry[] {
  for (let i = 1; i < planned.length; i++) {
    const a = planned[i - 1] as PlannedEntry;
    const b = planned[i] as PlannedEntry;
    if (a.entry.localHeaderOffset > b.entry.localHeaderOffset) {
      return planned.sort((x, y) => x.entry.localHeaderOffset - y.entry.localHeaderOffset);
    }
  }
  return planned;
}

/** The signature and fixed fields of a local header. */
const LOCAL_FIXED = 30;

/**
 * Checks that `header` (the bytes at file offset `offset`, `undefined` when fewer than
 * {@link LOCAL_FIXED} are left) starts a local header, and returns its whole length.
 */
function localHeaderLength(
  header: Buffer | undefined,
  at: number,
  entry: CentralEntry,
  offset: number,
): number {
  if (header === undefined || header.readUInt32LE(at) !== SIG.localHeader) {
    throw zipStructureError(`Invalid local file header at offset ${offset} for: ${entry.name}`);
  }
  return LOCAL_FIXED + header.readUInt16LE(at + 26) + header.readUInt16LE(at + 28);
}

/** Whether a local header's value agrees with the central directory's. */
function agrees(local: number, central: number, descriptor: boolean): boolean {
  // With a data descriptor the local values may be zero (unknown when written), never different.
  return local === central || (descriptor && local === 0);
}

/**
 * Proves that the local header in `bytes` from `at` (file offset `offset`; `available` bytes of
 * it, at least {@link LOCAL_FIXED}) says what the central directory says. Read in place, and
 * allocating nothing unless there is an extra field: a wheel has thousands of them.
 */
function checkLocalHeader(
  bytes: Buffer,
  at: number,
  available: number,
  entry: CentralEntry,
  offset: number,
): void {
  const nameLength = bytes.readUInt16LE(at + 26);
  const extraLength = bytes.readUInt16LE(at + 28);
  const nameStart = at + LOCAL_FIXED;
  if (available < LOCAL_FIXED + nameLength + extraLength) {
    throw zipStructureError(`Truncated local file header at offset ${offset} for: ${entry.name}`);
  }
  const flags = bytes.readUInt16LE(at + 6);
  const method = bytes.readUInt16LE(at + 8);
  const crc32 = bytes.readUInt32LE(at + 14);
  let compressedSize = bytes.readUInt32LE(at + 18);
  let uncompressedSize = bytes.readUInt32LE(at + 22);
  if (entry.nameBytes.compare(bytes, nameStart, nameStart + nameLength) !== 0) {
    const got = bytes.toString("utf8", nameStart, nameStart + nameLength);
    throw new ExtractError(
      "extract.conflicting-paths",
      `ZIP file uses conflicting paths for the local file header at ${offset} (got ${got}, expected ${entry.name})`,
    );
  }
  if (((flags ^ entry.flags) & COMPARED_FLAGS) !== 0 || method !== entry.method) {
    throw new ExtractError(
      "extract.conflicting-flags",
      `ZIP file uses conflicting flags or compression methods for the local file header and central-directory record for: ${entry.name} (${offset})`,
    );
  }
  // Most local headers carry no extra field at all: nothing to parse or to apply.
  if (extraLength > 0) {
    const extraStart = nameStart + nameLength;
    const extra = parseExtraFields(
      bytes.subarray(extraStart, extraStart + extraLength),
      entry.name,
    );
    const values = { compressedSize, uncompressedSize };
    applyZip64(values, extra, entry.name);
    checkUnicodePath(extra, entry.name);
    compressedSize = values.compressedSize;
    uncompressedSize = values.uncompressedSize;
  }
  const descriptor = (flags & FLAG.dataDescriptor) !== 0;
  if (!agrees(crc32, entry.crc32, descriptor)) {
    throw new ExtractError(
      "extract.conflicting-checksums",
      `ZIP file uses conflicting checksums for the local file header and central-directory record (got ${crc32}, expected ${entry.crc32}) for: ${entry.name} (${offset})`,
    );
  }
  if (!agrees(compressedSize, entry.compressedSize, descriptor)) {
    throw new ExtractError(
      "extract.conflicting-compressed-sizes",
      `ZIP file uses conflicting compressed sizes for the local file header and central-directory record (got ${compressedSize}, expected ${entry.compressedSize}) for: ${entry.name} (${offset})`,
    );
  }
  if (!agrees(uncompressedSize, entry.uncompressedSize, descriptor)) {
    throw new ExtractError(
      "extract.conflicting-uncompressed-sizes",
      `ZIP file uses conflicting uncompressed sizes for the local file header and central-directory record (got ${uncompressedSize}, expected ${entry.uncompressedSize}) for: ${entry.name} (${offset})`,
    );
  }
}

/** Reads the local header at the cursor and proves it says what the central directory says. */
async function readLocalHeader(cursor: FileCursor, entry: CentralEntry): Promise<void> {
  const offset = cursor.position;
  const fixed = await cursor.peek(LOCAL_FIXED);
  const available = fixed.length < LOCAL_FIXED ? undefined : fixed;
  const length = localHeaderLength(available, 0, entry, offset);
  const header = await cursor.peek(length);
  checkLocalHeader(header, 0, header.length, entry, offset);
  await cursor.read(length);
}

/** {@link readLocalHeader} for a cursor whose archive is all in memory, read in place. */
function readLocalHeaderSync(cursor: FileCursor, entry: CentralEntry): void {
  // An archive in memory starts at index 0 of its bytes: the file offset is the index.
  const offset = cursor.position;
  const bytes = cursor.wholeArchive();
  const available = bytes.length - offset;
  const header = available < LOCAL_FIXED ? undefined : bytes;
  const length = localHeaderLength(header, offset, entry, offset);
  checkLocalHeader(bytes, offset, available, entry, offset);
  cursor.skipSync(length);
}

/**
 * Explains bytes found at offset `at` where the next local header (or the central directory)
 * should start, at `expected`. `head` holds the (up to) 30 bytes found there and `named`, when
 * they start a local header, that header's fixed part and name.
 */
function gapError(
  at: number,
  expected: number,
  previous: CentralEntry | undefined,
  head: Buffer,
  named: Buffer,
): ExtractError {
  if (at > expected) {
    return zipStructureError(`ZIP file entries overlap at offset ${expected}`);
  }
  if (head.length >= 4 && head.readUInt32LE(0) === SIG.localHeader) {
    const path = named.length > 30 ? named.subarray(30).toString("utf8") : "";
    return new ExtractError(
      "extract.missing-central-directory-entry",
      `ZIP file contains a local file header without a corresponding central-directory record entry for: ${path} (${at})`,
    );
  }
  if (
    previous !== undefined &&
    (previous.flags & FLAG.dataDescriptor) === 0 &&
    head.length >= 4 &&
    head.readUInt32LE(0) === SIG.dataDescriptor
  ) {
    return new ExtractError(
      "extract.unexpected-data-descriptor",
      `File contains an unexpected data descriptor: ${previous.name}`,
    );
  }
  return zipStructureError(`ZIP file contains unexpected data at offset ${at}`);
}

/** How many bytes {@link gapError} needs to see of a local header starting with `head`. */
function namedLength(head: Buffer): number {
  return head.length >= 30 && head.readUInt32LE(0) === SIG.localHeader
    ? 30 + head.readUInt16LE(26)
    : head.length;
}

/** Explains bytes found where the next local header (or the central directory) should start. */
async function explainGap(
  cursor: FileCursor,
  expected: number,
  previous: CentralEntry | undefined,
): Promise<never> {
  const at = cursor.position;
  if (at > expected) throw gapError(at, expected, previous, Buffer.alloc(0), Buffer.alloc(0));
  const head = await cursor.peek(30);
  const length = namedLength(head);
  const named = length > head.length ? await cursor.peek(length) : head;
  throw gapError(at, expected, previous, head, named);
}

/** {@link explainGap} for a cursor whose archive is all in memory. */
function explainGapSync(
  cursor: FileCursor,
  expected: number,
  previous: CentralEntry | undefined,
): never {
  const head = cursor.peekSync(30);
  throw gapError(cursor.position, expected, previous, head, cursor.peekSync(namedLength(head)));
}

/** Checks the data descriptor read for `entry` (`undefined`: the file ended first). */
function checkDataDescriptor(bytes: Buffer | undefined, entry: CentralEntry): void {
  if (bytes === undefined) throw zipStructureError(`Truncated data descriptor for: ${entry.name}`);
  // The signature is optional; only the lengths 12/20 (+4 with it) are well-formed.
  let body = bytes;
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === SIG.dataDescriptor) {
    const rest = bytes.subarray(4);
    if (rest.length === 12 || rest.length === 20) body = rest;
  }
  if (body.length !== 12 && body.length !== 20) {
    throw zipStructureError(`Invalid data descriptor for: ${entry.name}`);
  }
  const wide = body.length === 20;
  const crc32 = body.readUInt32LE(0);
  const compressed = wide ? Number(body.readBigUInt64LE(4)) : body.readUInt32LE(4);
  const uncompressed = wide ? Number(body.readBigUInt64LE(12)) : body.readUInt32LE(8);
  if (crc32 !== entry.crc32) throw badCrc(entry.name, entry.crc32, crc32);
  if (uncompressed !== entry.uncompressedSize) {
    throw badSize(entry.name, entry.uncompressedSize, uncompressed);
  }
  if (compressed !== entry.compressedSize) {
    throw badCompressedSize(entry.name, entry.compressedSize, compressed);
  }
}

function missingDataDescriptor(entry: CentralEntry): ExtractError {
  return new ExtractError(
    "extract.missing-data-descriptor",
    `Data descriptor is missing for file: ${entry.name}`,
  );
}

/** Reads the data descriptor that fills `length` bytes and checks it against the entry. */
async function readDataDescriptor(cursor: FileCursor, entry: CentralEntry, length: number) {
  if (length === 0) throw missingDataDescriptor(entry);
  checkDataDescriptor(await cursor.read(length), entry);
}

/** {@link readDataDescriptor} for a cursor whose archive is all in memory. */
function readDataDescriptorSync(cursor: FileCursor, entry: CentralEntry, length: number) {
  if (length === 0) throw missingDataDescriptor(entry);
  checkDataDescriptor(cursor.readSync(length), entry);
}

function inflateFailure(entry: CentralEntry, error: unknown): ExtractError {
  if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
    const expected = entry.uncompressedSize;
    return badSize(entry.name, `more than ${hex8(expected + OVERRUN_SLACK)}`, expected);
  }
  return zipStructureError(`Failed to decompress ${entry.name}: ${(error as Error).message}`);
}

/** Checks an in-memory member's output size, consumed input and CRC against the directory. */
function checkInflated(
  entry: CentralEntry,
  data: Buffer,
  output: Buffer,
  bytesWritten: number,
): Buffer {
  const expected = entry.uncompressedSize;
  if (output.length !== expected) throw badSize(entry.name, output.length, expected);
  if (bytesWritten !== data.length) {
    throw badCompressedSize(entry.name, bytesWritten, data.length);
  }
  const crc = zlib.crc32(output);
  if (crc !== entry.crc32) throw badCrc(entry.name, crc, entry.crc32);
  return output;
}

/** {@link inflateSmall} on the calling thread, for members too small to pay a pool round trip. */
function inflateInline(entry: CentralEntry, data: Buffer): Buffer {
  if (entry.method !== METHOD_DEFLATE) return checkInflated(entry, data, data, data.length);
  let result: InflateResult;
  try {
    // Some slack past the declared size lets the error say how big the member really is.
    const options = {
      info: true,
      chunkSize: outputChunkSize(entry.uncompressedSize),
      maxOutputLength: entry.uncompressedSize + OVERRUN_SLACK,
    };
    // `info: true` makes the result `{ buffer, engine }`; @types/node only knows Buffer.
    result = zlib.inflateRawSync(data, options as zlib.ZlibOptions) as unknown as InflateResult;
  } catch (error) {
    throw inflateFailure(entry, error);
  }
  return checkInflated(entry, data, result.buffer, result.engine.bytesWritten);
}

/** Decompresses an in-memory member and checks its size and CRC against the directory. */
async function inflateSmall(entry: CentralEntry, data: Buffer): Promise<Buffer> {
  if (entry.method !== METHOD_DEFLATE) return checkInflated(entry, data, data, data.length);
  let result: InflateResult;
  try {
    result = await inflateRawInfo(data, entry.uncompressedSize);
  } catch (error) {
    throw inflateFailure(entry, error);
  }
  return checkInflated(entry, data, result.buffer, result.engine.bytesWritten);
}

/** Streams a large member from the cursor to `path`, checking it on the way. */
async function streamLarge(
  cursor: FileCursor,
  entry: CentralEntry,
  path: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const expected = entry.uncompressedSize;
  const end = cursor.position + entry.compressedSize;
  let produced = 0;
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      produced += chunk.length;
      if (produced > expected) {
        callback(badSize(entry.name, `more than ${hex8(expected)}`, expected));
        return;
      }
      crc = zlib.crc32(chunk, crc);
      callback(null, chunk);
    },
  });
  const out = createWriteStream(path, { flags: "wx", mode: fileMode(entry.executable) });
  const source = cursor.chunks(entry.compressedSize);
  const options = signal === undefined ? {} : { signal };
  if (entry.method === METHOD_DEFLATE) {
    const inflater = zlib.createInflateRaw();
    try {
      await pipeline(source, inflater, check, out, options);
    } catch (error) {
      if (error instanceof ExtractError || signal?.aborted === true) throw error;
      throw zipStructureError(`Failed to decompress ${entry.name}: ${(error as Error).message}`);
    }
    if (inflater.bytesWritten !== entry.compressedSize) {
      throw badCompressedSize(entry.name, inflater.bytesWritten, entry.compressedSize);
    }
  } else {
    await pipeline(source, check, out, options);
  }
  // The inflater may stop early on junk; the cursor must still end exactly after the data.
  if (cursor.position < end) await cursor.skipTo(end);
  if (produced !== expected) throw badSize(entry.name, produced, expected);
  if (crc !== entry.crc32) throw badCrc(entry.name, crc, entry.crc32);
}

/** The extractor's error for a member the worker refused (as {@link inflateInline} would). */
function workerFailure(entry: CentralEntry | undefined, failure: MemberFailure): unknown {
  // Creating the directories is no member's doing.
  if (failure.kind === "io" || entry === undefined) {
    return failure.kind === "io" ? failure.error : new Error("The extract worker failed");
  }
  const expected = entry.uncompressedSize;
  switch (failure.kind) {
    case "inflate":
      return zipStructureError(`Failed to decompress ${entry.name}: ${failure.message}`);
    case "overrun": {
      // Worded as the path the member takes without the worker: a big one is streamed and stops
      // at the declared size, a small one inflates in memory with some slack.
      const streamed =
        entry.compressedSize > SMALL_COMPRESSED || entry.uncompressedSize > SMALL_UNCOMPRESSED;
      const limit = streamed ? expected : expected + OVERRUN_SLACK;
      return badSize(entry.name, `more than ${hex8(limit)}`, expected);
    }
    case "size":
      return badSize(entry.name, failure.got, expected);
    case "compressed-size":
      return badCompressedSize(entry.name, failure.got, entry.compressedSize);
    case "crc":
      return badCrc(entry.name, failure.got, entry.crc32);
  }
}

function newBatches(threads: MemberThreads, order: readonly PlannedEntry[]): MemberBatches {
  return new MemberBatches(threads, (index, failure) =>
    workerFailure(order[index]?.entry, failure),
  );
}

/** Of two members' failures, the one of the member that comes first in the archive. */
function earliest<T extends { readonly index: number }>(
  a: T | undefined,
  b: T | undefined,
): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.index < a.index ? b : a;
}

/**
 * Walks the file front to back, requiring that it is exactly: local header, data and (if
 * flagged) data descriptor for each central-directory record in offset order, then the central
 * directory, then the end records, then nothing but NUL bytes.
 */
async function walk(
  cursor: FileCursor,
  order: readonly PlannedEntry[],
  duplicated: ReadonlySet<string>,
  centralOffset: number,
  root: string,
  signal: AbortSignal | undefined,
  threads: MemberThreads | undefined,
  initialBatches: MemberBatches | undefined,
): Promise<ExtractedFile[]> {
  let batches = initialBatches;
  const files: ExtractedFile[] = [];
  // The first write of each path that several members write (the others wait for it).
  const written = new Map<string, Promise<void>>();
  const anyDuplicates = duplicated.size > 0;
  const pool = new TaskPool(POOL_TASKS, POOL_BYTES);
  let k = 0;
  // An archive in memory is checked member after member without awaiting anything but the
  // worker's room and the rare member that takes the thread pool or a stream: a promise per read
  // costs more than the reading.
  const sync = cursor.inMemory;
  // `join` gives the same on POSIX (`root` is normalised and member paths have no `.`, `..` or
  // `//`), at a cost per member; on Windows it also turns `/` into `\`.
  const prefix = `${root}/`;
  const targetOf =
    sep === "/" ? (path: string) => prefix + path : (path: string) => join(root, path);
  try {
    let previous: CentralEntry | undefined;
    for (; k < order.length; k++) {
      signal?.throwIfAborted();
      // A member the worker refused ends the walk as soon as it is known.
      if (batches?.failure !== undefined) throw batches.failure.error;
      const { entry, member } = order[k] as PlannedEntry;
      // The first copy in file order is written; later ones must prove identical to it.
      const repeated = anyDuplicates && !member.isDirectory && duplicated.has(member.path);
      const duplicate = repeated && written.has(member.path);
      if (cursor.position !== entry.localHeaderOffset) {
        if (sync) explainGapSync(cursor, entry.localHeaderOffset, previous);
        await explainGap(cursor, entry.localHeaderOffset, previous);
      }
      if (sync) readLocalHeaderSync(cursor, entry);
      else await readLocalHeader(cursor, entry);
      const dataEnd = cursor.position + entry.compressedSize;
      const target = targetOf(member.path);
      // A worker that comes up halfway through an archive takes the rest (its directories exist).
      if (batches === undefined && threads?.anyReady === true) {
        batches = newBatches(threads, order);
      }
      // This thread keeps the walk (checks, reading, hashing) and the network; the worker writes.
      const toWorker =
        !duplicate &&
        !member.isDirectory &&
        batches !== undefined &&
        entry.compressedSize <= WORKER_COMPRESSED &&
        entry.uncompressedSize <= WORKER_UNCOMPRESSED;
      const small =
        entry.compressedSize <= SMALL_COMPRESSED && entry.uncompressedSize <= SMALL_UNCOMPRESSED;
      // This thread writes (or compares) the member: the worker must have made its directory.
      if (!toWorker && !member.isDirectory && batches !== undefined) {
        await batches.directoriesCreated();
      }
      if (member.isDirectory || duplicate || small || toWorker) {
        const data = sync
          ? cursor.readSync(entry.compressedSize)
          : await cursor.read(entry.compressedSize);
        if (data === undefined) throw zipStructureError(`Truncated data for: ${entry.name}`);
        const first = duplicate ? written.get(member.path) : undefined;
        if (toWorker && batches !== undefined) {
          if (batches.mustFlushBefore(data)) await batches.flush();
          const queued = batches.push(k, data, {
            deflate: entry.method === METHOD_DEFLATE,
            size: entry.uncompressedSize,
            crc32: entry.crc32,
            path: target,
            mode: fileMode(entry.executable),
          });
          if (repeated) written.set(member.path, queued);
          if (batches.full) await batches.flush();
        } else if (!duplicate && entry.uncompressedSize <= INLINE_BYTES) {
          const output = inflateInline(entry, data);
          if (!member.isDirectory) {
            writeFileSync(target, output, { flag: "wx", mode: fileMode(entry.executable) });
            if (repeated) written.set(member.path, WRITTEN);
          }
        } else {
          const task = async () => {
            const output = await inflateSmall(entry, data);
            if (member.isDirectory) return;
            if (duplicate) {
              await first;
              if (!output.equals(await readFile(target))) throw duplicateEntry(member.path);
              return;
            }
            await writeFile(target, output, { flag: "wx", mode: fileMode(entry.executable) });
          };
          if (member.isDirectory || duplicate) {
            await pool.submit(data.length, task, k);
          } else {
            let done!: () => void;
            const settled = new Promise<void>((resolve) => (done = resolve));
            if (repeated) written.set(member.path, settled);
            const bytes = data.length + entry.uncompressedSize;
            await pool.submit(bytes, () => task().finally(done), k);
          }
        }
      } else {
        let done!: () => void;
        const settled = new Promise<void>((resolve) => (done = resolve));
        if (repeated) written.set(member.path, settled);
        try {
          await streamLarge(cursor, entry, target, signal);
        } finally {
          done();
        }
      }
      if (cursor.position !== dataEnd) throw zipStructureError(`Truncated data for: ${entry.name}`);
      if ((entry.flags & FLAG.dataDescriptor) !== 0) {
        const next = order[k + 1]?.entry.localHeaderOffset ?? centralOffset;
        const length = Math.max(0, next - cursor.position);
        if (sync) readDataDescriptorSync(cursor, entry, length);
        else await readDataDescriptor(cursor, entry, length);
      }
      if (!member.isDirectory && !duplicate) {
        files.push({
          path: member.path,
          size: entry.uncompressedSize,
          executable: entry.executable,
        });
      }
      previous = entry;
    }
    if (cursor.position !== centralOffset) {
      if (sync) explainGapSync(cursor, centralOffset, previous);
      await explainGap(cursor, centralOffset, previous);
    }
    // Hash the central directory and end records too: the digest covers the whole file.
    await cursor.skipTo(cursor.size);
    await batches?.flush();
    await Promise.all([batches?.settle(), pool.settle()]);
    const failure = earliest(batches?.failure, pool.failure);
    if (failure !== undefined) throw failure.error;
    return files;
  } catch (error) {
    // Report what a member-by-member walk would have met first: a member the worker or the pool
    // refused before the point where this error was found wins, and so does the member where it
    // was found (its data is checked before what follows it: its data descriptor).
    await batches?.flush();
    await Promise.all([batches?.settle(), pool.settle()]);
    const failure = earliest(batches?.failure, pool.failure);
    if (failure !== undefined && failure.index <= k) throw failure.error;
    throw error;
  } finally {
    // Nothing may still be writing into the staging directory when it is removed.
    await batches?.settle();
    await pool.settle();
  }
}

async function extractFrom(
  handle: RandomAccess,
  cursor: FileCursor,
  root: string,
  options: ExtractOptions,
  createRoot: boolean,
): Promise<ExtractedFile[]> {
  const size = cursor.size;
  const limits = new LimitTracker(resolveLimits(options.limits));
  const directory = await readCentralDirectory(handle, size, limits);
  const { planned, directories, duplicated } = plan(directory.entries, limits, new PathModel());
  const order = inFileOrder(planned);
  const threads = memberThreadsOf(options);
  let batches: MemberBatches | undefined;
  const leaves = directoryLeaves(root, directories);
  // Made recursively, the leaves make the root too, unless there are none.
  if (createRoot && leaves.length === 0) leaves.push(root);
  if (threads?.anyReady === true) {
    batches = newBatches(threads, order);
    // The worker makes them before the first member it writes, in the same thread: they go with
    // the first batch of members, not in a message (and a reply) of their own.
    if (leaves.length > 0) batches.createDirectories(leaves);
  } else {
    for (const dir of leaves) await mkdir(dir, { recursive: true });
  }
  return walk(cursor, order, duplicated, directory.offset, root, options.signal, threads, batches);
}

/**
 * Extracts a ZIP archive (a wheel, or a `.zip` sdist) to `dest`, atomically: members are
 * unpacked into a staging directory next to `dest` and renamed into place only if every check
 * passes; on any failure nothing is left behind.
 *
 * The reader is our own and strict (see the package README): one archive must have exactly one
 * reading, so local headers must agree with the central directory (names, flags, CRCs, sizes,
 * data descriptors), entries must be contiguous with nothing hidden between or after them,
 * duplicates must be byte-identical, names must be safe on every OS and distinct after case
 * folding and NFC, and declared sizes are enforced as hard caps while inflating. Executable bits
 * from Unix external attributes are kept.
 *
 * A path source is read with random access, and so are bytes already in memory (a downloaded
 * wheel, never written to disk); a stream is first spooled into the staging area (hashing as it
 * arrives), because the central directory at the end must be read first.
 */
export async function extractZip(
  source: ArchiveSource,
  dest: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const algorithms = algorithmsFor(options);
  const unpack = async (root: string, scratch: string | undefined): Promise<ExtractResult> => {
    const hasher = new MultiHasher(algorithms);
    let files: ExtractedFile[];
    // Unstaged, nothing has made the root yet: the directories of the archive are made with it.
    const createRoot = scratch === undefined;
    if (source instanceof Uint8Array) {
      const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      const hashWhileWalking = hasher.active ? hasher : undefined;
      files = await extractFrom(
        bufferAccess(bytes),
        FileCursor.inMemory(bytes, hashWhileWalking),
        root,
        options,
        createRoot,
      );
    } else {
      let path: string;
      let hashWhileWalking: MultiHasher | undefined;
      if (typeof source === "string") {
        path = source;
        hashWhileWalking = hasher.active ? hasher : undefined;
      } else {
        // Only a staged extraction reads a stream (see `unstaged`).
        path = join(scratch as string, "archive.zip");
        const limits = resolveLimits(options.limits);
        const max = limits.maxTotalBytes + 256 * 1024 * 1024;
        await spool(source, path, hasher, max, options.signal);
      }
      const handle = await open(path, "r");
      try {
        const { size } = await handle.stat();
        const cursor = new FileCursor(handle, size, hashWhileWalking);
        files = await extractFrom(handle, cursor, root, options, createRoot);
      } finally {
        await handle.close();
      }
    }
    const hashes = hasher.digests();
    if (options.expectedHashes !== undefined) {
      const { name, digests, mode } = options.expectedHashes;
      verifyHashes(name, digests, hashes, mode);
    }
    return { files, hashes };
  };
  try {
    if (options.unstaged === true && (typeof source === "string" || source instanceof Uint8Array)) {
      return await unpack(resolve(dest), undefined);
    }
    return await withStaging(dest, (staging) => unpack(staging.root, staging.scratch));
  } catch (error) {
    throw asExtractError(error, options.signal);
  }
}
