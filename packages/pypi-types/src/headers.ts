import { unfoldHeaderValue } from "./header-value.ts";
import { MetadataError } from "./metadata-error.ts";
import { decodeLatin1, decodeUtf8OrLatin1 } from "./text.ts";

/** One header line of a metadata document, as written (name case kept, value unfolded). */
export interface HeaderField {
  /** The field name as written, e.g. `Requires-Dist`. */
  readonly name: string;
  /** The value with folds joined and encoded words decoded. */
  readonly value: string;
}

/** The header block of an RFC 822-style document and where its body starts. */
export interface HeaderDocument {
  /** Every header in document order, repeated fields included. */
  readonly fields: readonly HeaderField[];
  /** Byte offset of the body, just after the blank line (or the end of the input). */
  readonly bodyStart: number;
  /** The raw bytes the document was read from. */
  readonly bytes: Uint8Array;
}

const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** Bytes of a `string | Uint8Array` document (strings are UTF-8 encoded). */
export function documentBytes(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? new TextEncoder().encode(text) : text;
}

/**
 * Reads the header block the way uv's mail parser does: a name runs to the first `:` (a line
 * without one is a name with an empty value), the value starts after the spaces following the
 * colon, and a line starting with a space or tab continues the previous value. The block ends at
 * an empty line (`\n` or `\r\n`) or at the end of the input.
 */
export function parseHeaderDocument(text: string | Uint8Array): HeaderDocument {
  const bytes = documentBytes(text);
  const fields: HeaderField[] = [];
  let ix = 0;
  while (ix < bytes.length) {
    const b = bytes[ix];
    if (b === NL) {
      ix += 1;
      break;
    }
    if (b === CR) {
      if (bytes[ix + 1] === NL) {
        ix += 2;
        break;
      }
      throw new MetadataError(
        "invalid-headers",
        "Headers were followed by an unexpected lone CR character!",
      );
    }
    const [field, next] = parseOneHeader(bytes, ix);
    fields.push(field);
    ix = next;
  }
  return { fields, bodyStart: ix, bytes };
}

function parseOneHeader(bytes: Uint8Array, start: number): [HeaderField, number] {
  if (bytes[start] === SP) {
    throw new MetadataError(
      "invalid-headers",
      "Header cannot start with a space; it is likely an overhanging line from a previous header",
    );
  }
  let ix = start;
  while (ix < bytes.length && bytes[ix] !== COLON && bytes[ix] !== NL) ix++;
  const keyEnd = ix;
  if (ix >= bytes.length) {
    return [makeField(bytes, start, keyEnd, ix, ix), ix];
  }
  if (bytes[ix] === NL) {
    return [makeField(bytes, start, keyEnd, ix, ix), ix + 1];
  }
  ix++; // the colon
  while (ix < bytes.length && bytes[ix] === SP) ix++;
  const valueStart = ix;
  let valueEnd = ix;
  while (ix < bytes.length) {
    const c = bytes[ix]!;
    if (c === NL) {
      const following = bytes[ix + 1];
      if (following === SP || following === TAB) {
        ix++;
        continue;
      }
      ix++;
      break;
    }
    if (c !== CR) valueEnd = ix + 1;
    ix++;
  }
  return [makeField(bytes, start, keyEnd, valueStart, valueEnd), ix];
}

function makeField(
  bytes: Uint8Array,
  keyStart: number,
  keyEnd: number,
  valueStart: number,
  valueEnd: number,
): HeaderField {
  const name = decodeLatin1(bytes.subarray(keyStart, keyEnd));
  const raw = decodeUtf8OrLatin1(bytes.subarray(valueStart, Math.max(valueStart, valueEnd)));
  return { name, value: unfoldHeaderValue(raw) };
}

/**
 * The raw header layer: every header's values by lower-cased name, in document order. Values
 * are unfolded but otherwise untouched (`UNKNOWN` included).
 */
export function parseHeaders(text: string | Uint8Array): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { name, value } of parseHeaderDocument(text).fields) {
    const key = asciiLower(name);
    const values = map.get(key);
    if (values === undefined) map.set(key, [value]);
    else values.push(value);
  }
  return map;
}

/** Case-insensitive (ASCII) header lookups with uv's `UNKNOWN` filtering. */
export class HeaderLookup {
  readonly #fields: readonly HeaderField[];
  /** The lower-cased name of each field, computed once for all lookups. */
  readonly #keys: readonly string[];

  constructor(fields: readonly HeaderField[]) {
    this.#fields = fields;
    this.#keys = fields.map((f) => asciiLower(f.name));
  }

  /** The first header named `name`; `undefined` when absent or when its value is `UNKNOWN`. */
  first(name: string): string | undefined {
    const index = this.#keys.indexOf(asciiLower(name));
    const value = index === -1 ? undefined : this.#fields[index]!.value;
    return value === "UNKNOWN" ? undefined : value;
  }

  /** Every value of `name`, in order, without `UNKNOWN` ones. */
  all(name: string): string[] {
    const key = asciiLower(name);
    const values: string[] = [];
    for (let i = 0; i < this.#keys.length; i++) {
      if (this.#keys[i] !== key) continue;
      const value = this.#fields[i]!.value;
      if (value !== "UNKNOWN") values.push(value);
    }
    return values;
  }
}

/** ASCII lower case (other letters untouched, unlike `toLowerCase`). */
function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    // `toLowerCase` would also fold non-ASCII letters.
    if (s.charCodeAt(i) > 0x7f) return s.replace(/[A-Z]/g, (u) => u.toLowerCase());
  }
  return s.toLowerCase();
}
