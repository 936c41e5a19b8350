import { ExtractError, zipStructureError } from "./extract-error.ts";
import type { LimitTracker } from "./limits.ts";
import type { RandomAccess } from "./random-access.ts";
import {
  applyZip64,
  checkSupported,
  checkUnicodePath,
  decodeName,
  parseExtraFields,
  readU64,
  SIG,
} from "./zip-format.ts";

/** One central-directory record, with ZIP64 values already applied. */
export interface CentralEntry {
  readonly index: number;
  readonly name: string;
  readonly nameBytes: Buffer;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
  /** Unix mode from the external attributes, when the archive was made on Unix. */
  readonly unixMode: number | undefined;
  readonly executable: boolean;
}

/** The parsed end of a ZIP file. */
export interface CentralDirectory {
  readonly entries: CentralEntry[];
  /** Offset of the first central-directory record (= end of the last member). */
  readonly offset: number;
}

const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const MAX_COMMENT = 0xffff;
const MAX_CENTRAL_DIRECTORY = 512 * 1024 * 1024;
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

async function readAt(handle: RandomAccess, position: number, length: number): Promise<Buffer> {
  // Bytes in memory are read in place: the windows searched for the end records (up to 64 KB
  // each) and the directory of every wheel would otherwise be allocated, zeroed and copied.
  if (handle.view !== undefined) return handle.view(position, length);
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Offset just past the last non-NUL byte: trailing NULs are tolerated (uv #15452). */
async function effectiveEnd(handle: RandomAccess, size: number): Promise<number> {
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - 64 * 1024);
    const chunk = await readAt(handle, start, end - start);
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (chunk[i] !== 0) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

interface Eocd {
  offset: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
}

async function findEocd(handle: RandomAccess, size: number): Promise<Eocd & { raw: Buffer }> {
  const end = await effectiveEnd(handle, size);
  // The signature is never NUL, so the record starts before `end`; its comment may not.
  const start = Math.max(0, end - EOCD_SIZE - MAX_COMMENT);
  const tailEnd = Math.min(size, end + EOCD_SIZE + MAX_COMMENT);
  const tail = await readAt(handle, start, tailEnd - start);
  const candidates: number[] = [];
  let sawSignature = false;
  // Every signature in the window counts (one hidden in the comment means a ZIP in a ZIP), so the
  // whole window is searched, natively, from the end.
  const last = Math.min(end - 1, tailEnd - EOCD_SIZE) - start;
  // A negative offset would count from the end of the buffer.
  let at = last < 0 ? -1 : tail.lastIndexOf(EOCD_SIGNATURE, last);
  while (at >= 0) {
    const i = start + at;
    sawSignature = true;
    const commentLength = tail.readUInt16LE(at + 20);
    const recordEnd = i + EOCD_SIZE + commentLength;
    if (recordEnd >= end && recordEnd <= size) candidates.push(i);
    at = at === 0 ? -1 : tail.lastIndexOf(EOCD_SIGNATURE, at - 1);
  }
  if (candidates.length === 0) {
    if (sawSignature) {
      throw new ExtractError(
        "extract.trailing-contents",
        "ZIP file contains trailing contents after the end-of-central-directory record",
      );
    }
    throw zipStructureError("End-of-central-directory record not found; not a ZIP file");
  }
  if (candidates.length > 1) throw zipInZip();
  const offset = candidates[0] as number;
  const raw = tail.subarray(offset - start);
  return {
    offset,
    raw,
    entries: raw.readUInt16LE(10),
    cdSize: raw.readUInt32LE(12),
    cdOffset: raw.readUInt32LE(16),
  };
}

function zipInZip(): ExtractError {
  return new ExtractError(
    "extract.zip-in-zip",
    "ZIP file end-of-central-directory record contains a comment that appears to be an embedded ZIP file",
  );
}

/** Reads the end records (including ZIP64) and returns where the central directory must end. */
async function readEnd(handle: RandomAccess, size: number): Promise<Eocd> {
  const eocd = await findEocd(handle, size);
  const { raw } = eocd;
  const disk = raw.readUInt16LE(4);
  const cdDisk = raw.readUInt16LE(6);
  const entriesOnDisk = raw.readUInt16LE(8);
  const comment = raw.subarray(EOCD_SIZE, EOCD_SIZE + raw.readUInt16LE(20));
  // A comment hiding another archive must contain signature bytes 0x01..0x08.
  if (comment.some((byte) => byte >= 1 && byte <= 8)) throw zipInZip();

  let locator: Buffer | undefined;
  if (eocd.offset >= LOCATOR_SIZE) {
    const candidate = await readAt(handle, eocd.offset - LOCATOR_SIZE, LOCATOR_SIZE);
    if (candidate.readUInt32LE(0) === SIG.zip64Locator) locator = candidate;
  }
  if (locator === undefined) {
    if (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== eocd.entries) {
      throw zipStructureError("Multi-disk ZIP files are not supported");
    }
    return eocd;
  }

  if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) {
    throw zipStructureError("Multi-disk ZIP files are not supported");
  }
  const recordOffset = readU64(locator, 8, "ZIP64 end-of-central-directory offset");
  const expectedOffset = eocd.offset - LOCATOR_SIZE - ZIP64_EOCD_SIZE;
  const record = await readAt(handle, recordOffset, ZIP64_EOCD_SIZE);
  if (record.length < ZIP64_EOCD_SIZE || record.readUInt32LE(0) !== SIG.zip64Eocd) {
    throw zipStructureError("ZIP64 end-of-central-directory record not found");
  }
  if (readU64(record, 4, "ZIP64 record size") !== ZIP64_EOCD_SIZE - 12) {
    throw new ExtractError(
      "extract.extensible-data",
      "ZIP64 end-of-central-directory record contains unsupported extensible data",
    );
  }
  if (recordOffset !== expectedOffset) {
    throw zipStructureError(
      "ZIP64 end-of-central-directory record is not directly before its locator",
    );
  }
  if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) {
    throw zipStructureError("Multi-disk ZIP files are not supported");
  }
  const entries = readU64(record, 32, "ZIP64 entry count");
  if (readU64(record, 24, "ZIP64 entry count") !== entries) {
    throw zipStructureError("Multi-disk ZIP files are not supported");
  }
  const cdSize = readU64(record, 40, "ZIP64 central directory size");
  const cdOffset = readU64(record, 48, "ZIP64 central directory offset");
  // The 32-bit fields must either agree or be the "see ZIP64" sentinel.
  const agrees = (narrow: number, wide: number, sentinel: number) =>
    narrow === sentinel || narrow === wide;
  if (
    !agrees(eocd.entries, entries, 0xffff) ||
    !agrees(entriesOnDisk, entries, 0xffff) ||
    !agrees(eocd.cdSize, cdSize, 0xffffffff) ||
    !agrees(eocd.cdOffset, cdOffset, 0xffffffff)
  ) {
    throw zipStructureError(
      "ZIP64 end-of-central-directory record conflicts with the end-of-central-directory record",
    );
  }
  return { offset: expectedOffset, entries, cdSize, cdOffset };
}

/**
 * Reads and validates the central directory by random access: end records, entry count, exact
 * byte span, names, flags, sizes and the declared-size limits, before anything is written.
 */
export async function readCentralDirectory(
  handle: RandomAccess,
  size: number,
  limits: LimitTracker,
): Promise<CentralDirectory> {
  const end = await readEnd(handle, size);
  if (end.entries > limits.limits.maxEntries) {
    throw new ExtractError(
      "extract.limit-exceeded",
      `Archive contains more than ${limits.limits.maxEntries} entries`,
    );
  }
  const span = end.offset - end.cdOffset;
  if (end.cdOffset > end.offset || span !== end.cdSize) {
    throw zipStructureError(
      `the central directory size (0x${end.cdSize.toString(16)}) did not match the observed byte span (0x${Math.max(0, span).toString(16)})`,
    );
  }
  if (end.cdSize > MAX_CENTRAL_DIRECTORY) {
    throw new ExtractError("extract.limit-exceeded", "ZIP central directory is too large");
  }
  const cd = await readAt(handle, end.cdOffset, end.cdSize);
  const entries: CentralEntry[] = [];
  let offset = 0;
  while (offset < cd.length) {
    const index = entries.length;
    if (offset + 46 > cd.length || cd.readUInt32LE(offset) !== SIG.centralHeader) {
      throw zipStructureError(`Invalid central directory record at index ${index}`);
    }
    const versionMadeBy = cd.readUInt16LE(offset + 4);
    const versionNeeded = cd.readUInt16LE(offset + 6) & 0xff;
    const flags = cd.readUInt16LE(offset + 8);
    const method = cd.readUInt16LE(offset + 10);
    const crc32 = cd.readUInt32LE(offset + 16);
    const nameLength = cd.readUInt16LE(offset + 28);
    const extraLength = cd.readUInt16LE(offset + 30);
    const commentLength = cd.readUInt16LE(offset + 32);
    const diskStart = cd.readUInt16LE(offset + 34);
    const external = cd.readUInt32LE(offset + 38);
    const values: { uncompressedSize: number; compressedSize: number; offset: number } = {
      compressedSize: cd.readUInt32LE(offset + 20),
      uncompressedSize: cd.readUInt32LE(offset + 24),
      offset: cd.readUInt32LE(offset + 42),
    };
    const recordEnd = offset + 46 + nameLength + extraLength + commentLength;
    if (recordEnd > cd.length) {
      throw zipStructureError(`Central directory record at index ${index} overruns the directory`);
    }
    const nameBytes = cd.subarray(offset + 46, offset + 46 + nameLength);
    const name = decodeName(
      nameBytes,
      flags,
      () => `ZIP central directory entry filename at index ${index}`,
    );
    // Without an extra field there is no ZIP64 value or Unicode path to apply or check.
    if (extraLength > 0) {
      const extra = parseExtraFields(
        cd.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength),
        name,
      );
      applyZip64(values, extra, name);
      checkUnicodePath(extra, name);
    }
    checkSupported(flags, method, name);
    // `zipfile` refuses anything needing more than ZIP 6.3; so do we, to read alike.
    if (versionNeeded > 63) {
      throw zipStructureError(
        `ZIP file entry requires an unsupported ZIP version (${Math.floor(versionNeeded / 10)}.${versionNeeded % 10}) for: ${name}`,
      );
    }
    if (diskStart !== 0 && diskStart !== 0xffff) {
      throw zipStructureError("Multi-disk ZIP files are not supported");
    }
    const unixMode = versionMadeBy >> 8 === 3 ? external >>> 16 : undefined;
    entries.push({
      index,
      name,
      nameBytes,
      flags,
      method,
      crc32,
      compressedSize: values.compressedSize,
      uncompressedSize: values.uncompressedSize,
      localHeaderOffset: values.offset,
      unixMode,
      executable: unixMode !== undefined && (unixMode & 0o111) !== 0,
    });
    if (entries.length > limits.limits.maxEntries) {
      throw new ExtractError(
        "extract.limit-exceeded",
        `Archive contains more than ${limits.limits.maxEntries} entries`,
      );
    }
    offset = recordEnd;
  }
  if (entries.length !== end.entries) {
    throw new ExtractError(
      "extract.conflicting-entry-count",
      `ZIP file reports a number of entries in the central directory that conflicts with the actual number of entries (got ${end.entries}, expected ${entries.length})`,
    );
  }
  return { entries, offset: end.cdOffset };
}
