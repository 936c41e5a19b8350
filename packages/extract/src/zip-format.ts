import { isAscii } from "node:buffer";
import { ExtractError, zipStructureError } from "./extract-error.ts";

/** ZIP record signatures (APPNOTE 4.3). */
export const SIG = {
  localHeader: 0x04034b50,
  centralHeader: 0x02014b50,
  dataDescriptor: 0x08074b50,
  eocd: 0x06054b50,
  zip64Eocd: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;

/** General-purpose flag bits we look at. */
export const FLAG = {
  encrypted: 0x0001,
  dataDescriptor: 0x0008,
  strongEncryption: 0x0040,
  utf8: 0x0800,
  maskedHeaders: 0x2000,
} as const;

/** Flag bits that must agree between a local header and its central-directory record. */
export const COMPARED_FLAGS = FLAG.encrypted | FLAG.dataDescriptor | FLAG.utf8;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

const U32_MAX = 0xffffffff;

/** Extra fields of one header, by id; duplicate ids are rejected as ambiguous. */
export function parseExtraFields(extra: Buffer, name: string): Map<number, Buffer> {
  const fields = new Map<number, Buffer>();
  let offset = 0;
  while (offset < extra.length) {
    if (offset + 4 > extra.length) {
      throw zipStructureError(`Truncated extra field for: ${name}`);
    }
    const id = extra.readUInt16LE(offset);
    const size = extra.readUInt16LE(offset + 2);
    if (offset + 4 + size > extra.length) {
      throw zipStructureError(`Extra field 0x${id.toString(16)} overruns its header for: ${name}`);
    }
    if (fields.has(id)) {
      throw zipStructureError(`Duplicate extra field 0x${id.toString(16)} for: ${name}`);
    }
    fields.set(id, extra.subarray(offset + 4, offset + 4 + size));
    offset += 4 + size;
  }
  return fields;
}

/** Reads a little-endian u64 that must fit a JS number (archives beyond 8 PiB are not real). */
export function readU64(buffer: Buffer, offset: number, what: string): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw zipStructureError(`${what} is too large`);
  return Number(value);
}

/**
 * Replaces 32-bit sentinel values (`0xffffffff`) with the ZIP64 extra field's 64-bit values, in
 * the order APPNOTE 4.5.3 fixes: uncompressed size, compressed size, local header offset.
 */
export function applyZip64(
  values: { uncompressedSize: number; compressedSize: number; offset?: number },
  extra: Map<number, Buffer>,
  name: string,
): boolean {
  const field = extra.get(0x0001);
  const keys = (["uncompressedSize", "compressedSize", "offset"] as const).filter(
    (key) => values[key] === U32_MAX,
  );
  if (field === undefined || keys.length === 0) return field !== undefined;
  if (field.length < keys.length * 8) {
    throw zipStructureError(`ZIP64 extra field is too short for: ${name}`);
  }
  keys.forEach((key, index) => {
    values[key] = readU64(field, index * 8, `ZIP64 value for ${name}`);
  });
  return true;
}

/**
 * Decodes a member name. Names flagged UTF-8 must be valid UTF-8; unflagged names must be ASCII,
 * since `zipfile` would read them as CP437 and uv as UTF-8, and one archive must have one reading.
 */
export function decodeName(bytes: Buffer, flags: number, where: () => string): string {
  if (isAscii(bytes)) return bytes.toString("latin1");
  if ((flags & FLAG.utf8) === 0) {
    throw new ExtractError("extract.not-utf8", `${where()} does not use UTF-8 encoding`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ExtractError("extract.not-utf8", `${where()} does not use UTF-8 encoding`);
  }
}

/** Checks the Info-ZIP Unicode Path field (0x7075), which some readers prefer over the name. */
export function checkUnicodePath(extra: Map<number, Buffer>, name: string): void {
  const field = extra.get(0x7075);
  if (field === undefined) return;
  const unicode = field.length > 5 ? field.subarray(5).toString("utf8") : "";
  if (unicode !== name) {
    throw zipStructureError(
      `ZIP file entry has a Unicode path extra field (${unicode}) that conflicts with its name: ${name}`,
    );
  }
}

/** Rejects encrypted members and compression methods other than stored and DEFLATE. */
export function checkSupported(flags: number, method: number, name: string): void {
  if ((flags & (FLAG.encrypted | FLAG.strongEncryption | FLAG.maskedHeaders)) !== 0) {
    throw new ExtractError("extract.encrypted", `Archive contains an encrypted file: ${name}`);
  }
  if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
    throw new ExtractError(
      "extract.unsupported-compression",
      "Archive contains a file with an unsupported compression method; files must be compressed with 'stored' or 'DEFLATE'",
    );
  }
}
