import { hash } from "node:crypto";
import { crc32, inflateRawSync } from "node:zlib";
import type { WheelFilename } from "@uv-ts/distribution-filename";

/** Hints for {@link ByteSource.read}; a source is free to ignore them. */
export interface ReadOptions {
  /**
   * When the bytes have to be fetched, also fetch up to this many bytes before `start` in the
   * same request: the caller expects to read them next, and a round trip costs far more than
   * the bytes.
   */
  readonly extendBefore?: number;
}

/** Random access to the bytes of a (possibly remote) file of known size. */
export interface ByteSource {
  readonly size: number;
  /** Bytes `[start, end)`. */
  read(start: number, end: number, options?: ReadOptions): Promise<Uint8Array>;
}

/** A malformed zip archive; the caller adds which wheel it was. */
export class ZipFormatError extends Error {}

/** A range answer that does not match what was asked; the caller falls back to a full GET. */
export class RangeMismatchError extends Error {}

/** A `.dist-info` problem, with uv-metadata's wording; the caller adds the URL or path. */
export class DistInfoError extends Error {}

interface Segment {
  readonly start: number;
  readonly bytes: Uint8Array;
}

/**
 * A {@link ByteSource} over range requests that remembers what it has fetched, so reads inside
 * the first tail response cost nothing and a read overlapping it fetches only the missing part
 * (and the `extendBefore` bytes the caller asked for).
 */
export class SparseRangeReader implements ByteSource {
  readonly size: number;
  readonly #fetch: (start: number, end: number) => Promise<Uint8Array>;
  readonly #segments: Segment[] = [];
  #fetchedBytes = 0;

  constructor(
    size: number,
    fetch: (start: number, end: number) => Promise<Uint8Array>,
    initial?: Segment,
  ) {
    this.size = size;
    this.#fetch = fetch;
    if (initial !== undefined) this.#segments.push(initial);
  }

  /** How many bytes the range requests after the initial segment have brought. */
  get fetchedBytes(): number {
    return this.#fetchedBytes;
  }

  async read(start: number, end: number, options: ReadOptions = {}): Promise<Uint8Array> {
    if (start < 0 || end > this.size || start > end) {
      throw new ZipFormatError(`read [${start}, ${end}) outside an archive of ${this.size} bytes`);
    }
    const from = Math.max(0, start - Math.max(0, options.extendBefore ?? 0));
    for (const seg of this.#segments) {
      const segEnd = seg.start + seg.bytes.length;
      if (start >= seg.start && end <= segEnd)
        return seg.bytes.subarray(start - seg.start, end - seg.start);
      if (start < seg.start && end > seg.start && end <= segEnd) {
        const head = await this.#fetchChecked(from, seg.start);
        const joined = Buffer.concat([head, seg.bytes]);
        this.#replace(seg, { start: from, bytes: joined });
        return joined.subarray(start - from, end - from);
      }
    }
    const bytes = await this.#fetchChecked(from, end);
    this.#segments.push({ start: from, bytes });
    return bytes.subarray(start - from);
  }

  async #fetchChecked(start: number, end: number): Promise<Uint8Array> {
    const bytes = await this.#fetch(start, end);
    if (bytes.length !== end - start) {
      throw new RangeMismatchError(`range [${start}, ${end}) returned ${bytes.length} bytes`);
    }
    this.#fetchedBytes += bytes.length;
    return bytes;
  }

  #replace(old: Segment, next: Segment): void {
    const i = this.#segments.indexOf(old);
    this.#segments.splice(i, 1, next);
  }
}

/** A whole file in memory as a {@link ByteSource}. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (start, end) => bytes.subarray(start, end),
  };
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
// A METADATA file bigger than this is not a METADATA file; refuse rather than inflate a bomb.
const MAX_METADATA_BYTES = 64 * 1024 * 1024;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(dv: DataView, at: number): number {
  const value = dv.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("zip64 value out of range");
  return Number(value);
}

interface CentralEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

async function findEndOfCentralDirectory(
  source: ByteSource,
  tailHint: number,
): Promise<{ cdOffset: number; cdSize: number; entries: number }> {
  const search = async (window: number) => {
    const start = Math.max(0, source.size - window);
    const tail = await source.read(start, source.size);
    const dv = view(tail);
    for (let i = tail.length - 22; i >= 0; i--) {
      if (dv.getUint32(i, true) !== EOCD_SIG) continue;
      const commentLength = dv.getUint16(i + 20, true);
      // The comment must run exactly to the end of the file, or this is not the real record.
      if (i + 22 + commentLength !== tail.length) continue;
      return { at: start + i, dv, i };
    }
    return undefined;
  };
  let found = await search(Math.min(source.size, tailHint));
  if (found === undefined && source.size > tailHint) found = await search(22 + MAX_COMMENT);
  if (found === undefined) throw new ZipFormatError("end of central directory record not found");
  const { dv, i, at } = found;
  let entries = dv.getUint16(i + 10, true);
  let cdSize = dv.getUint32(i + 12, true);
  let cdOffset = dv.getUint32(i + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (at < 20) throw new ZipFormatError("zip64 locator missing");
    const locator = view(await source.read(at - 20, at));
    if (locator.getUint32(0, true) !== ZIP64_LOCATOR_SIG)
      throw new ZipFormatError("zip64 locator missing");
    const recordAt = u64(locator, 8);
    if (recordAt + 56 > at) throw new ZipFormatError("zip64 end of central directory out of range");
    const record = view(await source.read(recordAt, recordAt + 56));
    if (record.getUint32(0, true) !== ZIP64_EOCD_SIG) {
      throw new ZipFormatError("zip64 end of central directory record not found");
    }
    entries = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (cdOffset + cdSize > at) throw new ZipFormatError("central directory overlaps its end record");
  return { cdOffset, cdSize, entries };
}

/** The bytes of `/METADATA`, the end of the one member name the reader wants. */
const METADATA_SUFFIX = Buffer.from("/METADATA", "latin1");
const SLASH = 0x2f;

/**
 * Whether the raw name `bytes[start, end)` is `<dir>/METADATA` with no other slash, the only
 * shape {@link findDistInfoMetadata} looks at. Bytes decide it alone: in UTF-8 as in CP437 a
 * `/` byte is always the character `/`, and no other byte decodes to one.
 */
function isMetadataName(bytes: Uint8Array, start: number, end: number): boolean {
  const suffixAt = end - METADATA_SUFFIX.length;
  if (suffixAt < start) return false;
  for (let i = 0; i < METADATA_SUFFIX.length; i++) {
    if (bytes[suffixAt + i] !== METADATA_SUFFIX[i]) return false;
  }
  for (let i = start; i < suffixAt; i++) if (bytes[i] === SLASH) return false;
  return true;
}

/**
 * The central directory's `<dir>/METADATA` entries, every header checked. Other names are never
 * decoded: a big wheel lists thousands of files, and only these can be the member wanted. The
 * walk reads bytes directly: it runs once per wheel, mostly before V8 optimises it, where each
 * `DataView` call costs far more than an indexed read.
 */
function metadataCandidates(cd: Uint8Array, count: number): CentralEntry[] {
  const b = cd;
  const entries: CentralEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    // The signature `PK\x01\x02` (0x02014b50 little-endian).
    if (
      at + 46 > b.length ||
      b[at] !== 0x50 ||
      b[at + 1] !== 0x4b ||
      b[at + 2] !== 0x01 ||
      b[at + 3] !== 0x02
    ) {
      throw new ZipFormatError("invalid central directory file header");
    }
    const nameLength = (b[at + 28] as number) | ((b[at + 29] as number) << 8);
    const extraLength = (b[at + 30] as number) | ((b[at + 31] as number) << 8);
    const commentLength = (b[at + 32] as number) | ((b[at + 33] as number) << 8);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > b.length) throw new ZipFormatError("central directory entry runs past its end");
    if (isMetadataName(b, nameStart, extraStart)) {
      entries.push(centralEntry(cd, at, nameStart, extraStart, extraLength));
    } else if (extraLength > 0) {
      // Read for its checks alone, as for any entry.
      zip64Fields(view(cd), at, extraStart, extraLength);
    }
    at = next;
  }
  return entries;
}

/** The sizes and offset of the central directory entry at `at`, its ZIP64 extra field applied. */
function zip64Fields(
  dv: DataView,
  at: number,
  extraStart: number,
  extraLength: number,
): { compressedSize: number; uncompressedSize: number; localHeaderOffset: number } {
  let compressedSize = dv.getUint32(at + 20, true);
  let uncompressedSize = dv.getUint32(at + 24, true);
  let localHeaderOffset = dv.getUint32(at + 42, true);
  // ZIP64 extra field: the 64-bit values appear only for fields saturated at 0xFFFFFFFF.
  for (let e = extraStart; e + 4 <= extraStart + extraLength; ) {
    const id = dv.getUint16(e, true);
    const size = dv.getUint16(e + 2, true);
    if (id === 0x0001) {
      let p = e + 4;
      if (uncompressedSize === 0xffffffff && p + 8 <= e + 4 + size) {
        uncompressedSize = u64(dv, p);
        p += 8;
      }
      if (compressedSize === 0xffffffff && p + 8 <= e + 4 + size) {
        compressedSize = u64(dv, p);
        p += 8;
      }
      if (localHeaderOffset === 0xffffffff && p + 8 <= e + 4 + size) localHeaderOffset = u64(dv, p);
    }
    e += 4 + size;
  }
  return { compressedSize, uncompressedSize, localHeaderOffset };
}

/** The central directory entry at `at`, whose name is `cd[nameStart, extraStart)`. */
function centralEntry(
  cd: Uint8Array,
  at: number,
  nameStart: number,
  extraStart: number,
  extraLength: number,
): CentralEntry {
  const dv = view(cd);
  const flags = dv.getUint16(at + 8, true);
  // Non-UTF-8 names are CP437; only ASCII names can be `*.dist-info/METADATA` anyway.
  const name = Buffer.from(cd.buffer, cd.byteOffset, cd.byteLength).toString(
    (flags & 0x800) !== 0 ? "utf8" : "latin1",
    nameStart,
    extraStart,
  );
  return {
    name,
    method: dv.getUint16(at + 10, true),
    flags,
    crc: dv.getUint32(at + 16, true),
    ...zip64Fields(dv, at, extraStart, extraLength),
  };
}

function distInfoNormalize(prefix: string): string {
  return prefix.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * Picks the one `<name>-<version>.dist-info/METADATA` entry, with uv's (and pip's) checks:
 * exactly one `.dist-info` directory, whose name starts with the wheel's normalised name.
 */
export function findDistInfoMetadata<T extends { readonly name: string }>(
  filename: WheelFilename,
  entries: readonly T[],
): T {
  const candidates: { entry: T; prefix: string }[] = [];
  for (const entry of entries) {
    const slash = entry.name.indexOf("/");
    if (slash === -1 || entry.name.slice(slash + 1) !== "METADATA") continue;
    const dir = entry.name.slice(0, slash);
    if (!dir.endsWith(".dist-info")) continue;
    candidates.push({ entry, prefix: dir.slice(0, -".dist-info".length) });
  }
  if (candidates.length === 0) throw new DistInfoError("No .dist-info directory found");
  if (candidates.length > 1) {
    throw new DistInfoError(
      `Multiple .dist-info directories found: ${candidates.map((c) => c.prefix).join(", ")}`,
    );
  }
  const { entry, prefix } = candidates[0] as { entry: T; prefix: string };
  if (!distInfoNormalize(prefix).startsWith(filename.name)) {
    throw new DistInfoError(
      `The .dist-info directory ${prefix} does not start with the normalized package name: ${filename.name}`,
    );
  }
  return entry;
}

/**
 * How many bytes before the central directory to fetch with it when it is not at hand yet.
 * Wheel writers put `METADATA` near the end, followed by the other `.dist-info` files and
 * `RECORD`, whose compressed size grows with the file count as the central directory does. On
 * the wheels of real projects (docutils, sphinx, pygments, babel, jupyterlab, jedi, ...) the
 * distance from `METADATA`'s local header to the central directory was 0.4 to 0.95 times the
 * directory's size (more only for wheels with a long `METADATA` and a tiny directory, or with
 * license files between `METADATA` and `RECORD`), so this margin saves a third round trip for
 * nearly all of them for some tens of KB.
 */
export function centralDirectoryMargin(cdSize: number): number {
  return Math.min(16 * 1024 + Math.ceil(cdSize / 2), 256 * 1024);
}

/**
 * What {@link readWheelMetadataMember} read: the `METADATA` document, or, when the `known` option
 * recognised the member, only its fingerprint.
 */
export type WheelMetadataMember =
  | (MemberPlace & { readonly metadata: string; readonly fingerprint?: string })
  | (MemberPlace & { readonly metadata: undefined; readonly fingerprint: string });

/** Where a member read from. */
interface MemberPlace {
  /**
   * Where the bytes the read needed begin: the member's local header (the central directory
   * and its end record come after it), so `size - start` trailing bytes hold everything.
   */
  readonly start: number;
}

/** Options of {@link readWheelMetadataMember}. */
export interface WheelMetadataMemberOptions {
  /** How many trailing bytes the source already holds (so the first search costs nothing). */
  readonly tailHint?: number;
  /**
   * Whether the member with this {@link memberFingerprint} was read before (and what it held is
   * still at hand): it is then neither inflated nor checked again, and `metadata` is `undefined`.
   */
  readonly known?: (fingerprint: string) => boolean;
}

/**
 * Identifies a member by what its document is made from: the compression method, the CRC and
 * size the central directory gives, and the stored bytes. The same fingerprint means the same
 * document, which inflating would only produce again.
 */
function memberFingerprint(entry: CentralEntry, data: Uint8Array): string {
  const bytes = hash("sha256", data, "base64url");
  return `${entry.method}-${entry.crc >>> 0}-${entry.uncompressedSize}-${bytes}`;
}

/**
 * Reads `<name>-<version>.dist-info/METADATA` out of a wheel through `source`, touching only
 * the end of the archive, the central directory and the one member. `tailHint` is how many
 * trailing bytes the source already holds (so the first search costs nothing).
 */
export async function readWheelMetadataFromZip(
  source: ByteSource,
  filename: WheelFilename,
  options: { readonly tailHint?: number } = {},
): Promise<string> {
  const member = await readWheelMetadataMember(source, filename, options);
  // Without the `known` option the member is always read.
  if (member.metadata === undefined) throw new Error("a wheel's metadata member was not read");
  return member.metadata;
}

/** {@link readWheelMetadataFromZip}, also telling where the bytes it needed begin. */
export async function readWheelMetadataMember(
  source: ByteSource,
  filename: WheelFilename,
  options: WheelMetadataMemberOptions = {},
): Promise<WheelMetadataMember> {
  const {
    cdOffset,
    cdSize,
    entries: count,
  } = await findEndOfCentralDirectory(source, options.tailHint ?? 16_384);
  const cd = await source.read(cdOffset, cdOffset + cdSize, {
    extendBefore: centralDirectoryMargin(cdSize),
  });
  const entry = findDistInfoMetadata(filename, metadataCandidates(cd, count));
  if (entry.uncompressedSize > MAX_METADATA_BYTES) {
    throw new ZipFormatError(`${entry.name} is too large (${entry.uncompressedSize} bytes)`);
  }
  // Guess the local extra field from the central one; read again only if it was bigger.
  const nameLength = Buffer.byteLength(entry.name, (entry.flags & 0x800) !== 0 ? "utf8" : "latin1");
  const guess = Math.min(
    source.size,
    entry.localHeaderOffset + 30 + nameLength + 64 + entry.compressedSize,
  );
  let local = await source.read(entry.localHeaderOffset, guess);
  const ldv = view(local);
  if (local.length < 30 || ldv.getUint32(0, true) !== LOCAL_SIG) {
    throw new ZipFormatError(`invalid local file header for ${entry.name}`);
  }
  const dataStart = 30 + ldv.getUint16(26, true) + ldv.getUint16(28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (entry.localHeaderOffset + dataEnd > cdOffset) {
    throw new ZipFormatError(`${entry.name} overlaps the central directory`);
  }
  if (dataEnd > local.length) {
    local = await source.read(entry.localHeaderOffset, entry.localHeaderOffset + dataEnd);
  }
  const data = local.subarray(dataStart, dataEnd);
  const start = Math.min(entry.localHeaderOffset, cdOffset);
  let fingerprint: string | undefined;
  if (options.known !== undefined) {
    fingerprint = memberFingerprint(entry, data);
    if (options.known(fingerprint)) return { metadata: undefined, start, fingerprint };
  }
  let contents: Buffer;
  if (entry.method === 0) contents = Buffer.from(data);
  else if (entry.method === 8) {
    try {
      contents = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (error) {
      throw new ZipFormatError(`failed to inflate ${entry.name}: ${(error as Error).message}`);
    }
  } else {
    throw new ZipFormatError(
      "Archive contains a file with an unsupported compression method; files must be compressed with 'stored', 'DEFLATE', or 'zstd'",
    );
  }
  if (contents.length !== entry.uncompressedSize) {
    throw new ZipFormatError(
      `${entry.name} has ${contents.length} bytes, expected ${entry.uncompressedSize}`,
    );
  }
  const computed = crc32(contents) >>> 0;
  if (computed !== entry.crc >>> 0) {
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    throw new ZipFormatError(
      `Bad CRC (got ${hex(computed)}, expected ${hex(entry.crc)}) for file: ${entry.name}`,
    );
  }
  const metadata = contents.toString("utf8");
  return fingerprint === undefined ? { metadata, start } : { metadata, start, fingerprint };
}
