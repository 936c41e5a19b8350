import { ExtractError, tarStructureError } from "./extract-error.ts";

/** The fields of one 512-byte tar header that extraction needs. */
export interface TarHeader {
  /** `name`, with the ustar `prefix` applied. */
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly type: string;
  readonly linkName: string;
}

export const BLOCK = 512;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeText(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ExtractError("extract.not-utf8", `Tar ${what} does not use UTF-8 encoding`);
  }
}

/** A NUL-terminated string field. */
export function cString(field: Buffer, what: string): string {
  const end = field.indexOf(0);
  return decodeText(end === -1 ? field : field.subarray(0, end), what);
}

/**
 * A numeric field: octal digits padded with spaces or NULs, or GNU base-256 for large values.
 * Anything else (signs, `_`, stray letters) is rejected rather than guessed at.
 */
export function parseNumber(field: Buffer, what: string, offset: number): number {
  const first = field[0] ?? 0;
  if ((first & 0x80) !== 0) {
    if (first !== 0x80) throw tarStructureError(`Negative ${what} in header at offset ${offset}`);
    let value = 0n;
    for (let i = 1; i < field.length; i++) value = (value << 8n) | BigInt(field[i] ?? 0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw tarStructureError(`Too large ${what} in header at offset ${offset}`);
    }
    return Number(value);
  }
  const end = field.indexOf(0);
  const text = field
    .subarray(0, end === -1 ? field.length : end)
    .toString("latin1")
    .trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw tarStructureError(`Invalid ${what} \`${text}\` in header at offset ${offset}`);
  }
  return Number.parseInt(text, 8);
}

/** Whether a 512-byte block is all zeros (an end-of-archive marker). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * Parses one header block. Rejects a bad checksum, and "ambiguous" headers where readers
 * disagree: a GNU or v7 header whose ustar-prefix area is not empty (Python would prepend it).
 */
export function parseHeader(block: Buffer, offset: number): TarHeader {
  const stored = parseNumber(block.subarray(148, 156), "checksum", offset);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) {
    throw tarStructureError(`Bad header checksum at offset ${offset}`);
  }
  const magic = block.subarray(257, 265).toString("latin1");
  const isUstar = magic.startsWith("ustar\0");
  const isGnu = magic === "ustar  \0";
  const typeByte = block[156] as number;
  const type = typeByte === 0 ? "\0" : String.fromCharCode(typeByte);
  let name = cString(block.subarray(0, 100), "member name");
  if (isUstar) {
    const prefix = cString(block.subarray(345, 500), "member name prefix");
    if (prefix !== "") name = `${prefix}/${name}`;
  } else if (!isZeroBlock(block.subarray(isGnu ? 345 : 257, 500))) {
    throw tarStructureError(
      `Ambiguous ${isGnu ? "GNU" : "v7"} header with extra fields at offset ${offset}`,
    );
  }
  return {
    name,
    mode: parseNumber(block.subarray(100, 108), "mode", offset),
    size: parseNumber(block.subarray(124, 136), "size", offset),
    type,
    linkName: cString(block.subarray(157, 257), "link name"),
  };
}

/** Keys that must never come from a global (`g`) header: they would rename or reframe everything. */
const FRAMING_KEYS = new Set(["path", "linkpath", "size"]);

/**
 * Parses PAX extended-header records (`"<len> <key>=<value>\n"`) strictly: lengths must be exact,
 * the records must fill the data, keys must not repeat, values must be UTF-8, and GNU sparse keys
 * (which change how data is framed) are refused. Vendor keys are otherwise ignored.
 */
export function parsePax(data: Buffer, global: boolean, offset: number): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const lengthText = space === -1 ? "" : data.subarray(position, space).toString("latin1");
    if (!/^[1-9][0-9]*$/.test(lengthText)) {
      throw tarStructureError(`Malformed PAX record at offset ${offset}`);
    }
    const length = Number.parseInt(lengthText, 10);
    const end = position + length;
    if (end > data.length || data[end - 1] !== 0x0a || space + 1 >= end - 1) {
      throw tarStructureError(`Unterminated PAX record at offset ${offset}`);
    }
    const record = data.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw tarStructureError(`Malformed PAX record at offset ${offset}`);
    const key = decodeText(record.subarray(0, equals), "PAX key");
    const value = decodeText(record.subarray(equals + 1), "PAX value");
    if (records.has(key)) {
      throw tarStructureError(`Duplicate PAX record \`${key}\` at offset ${offset}`);
    }
    if (key.startsWith("GNU.")) {
      throw tarStructureError(`Unsupported PAX record \`${key}\` at offset ${offset}`);
    }
    if (key === "hdrcharset" && value === "BINARY") {
      throw tarStructureError(`Unsupported PAX header charset at offset ${offset}`);
    }
    if (global && FRAMING_KEYS.has(key)) {
      throw tarStructureError(`Global PAX header sets \`${key}\` at offset ${offset}`);
    }
    records.set(key, value);
    position = end;
  }
  return records;
}

/** The PAX `size` record as a number, strictly decimal. */
export function paxSize(value: string, offset: number): number {
  if (!/^[0-9]+$/.test(value) || value.length > 15) {
    throw tarStructureError(`Invalid PAX size \`${value}\` at offset ${offset}`);
  }
  return Number.parseInt(value, 10);
}
