import { isRustWhitespaceCode } from "@uv-ts/pep440";

// Small text helpers shared by the parsers: Rust-compatible whitespace, UTF-8 with a Latin-1
// fallback, and percent-decoding that leaves malformed escapes alone.

// Rust's `char::is_whitespace` (Unicode White_Space); JavaScript's `\s` differs on U+0085 and U+FEFF.
const RUST_WHITESPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/** Whether `ch` is whitespace in Rust's sense. */
export function isRustWhitespace(ch: string): boolean {
  if (ch.length === 1) return isRustWhitespaceCode(ch.charCodeAt(0));
  return RUST_WHITESPACE.test(ch);
}

/** Whether the UTF-16 unit `c` cannot be (part of) Rust whitespace: printable ASCII or above. */
function plainCode(c: number): boolean {
  return (c > 0x20 && c < 0x7f) || (c >= 0xa1 && c < 0x1680);
}

/** `str::trim_start` as Rust has it. */
export function trimStartRust(s: string): string {
  if (s.length === 0 || plainCode(s.charCodeAt(0))) return s;
  let i = 0;
  while (i < s.length && isRustWhitespace(s[i]!)) i++;
  return s.slice(i);
}

/** `str::trim` as Rust has it. */
export function trimRust(s: string): string {
  if (s.length === 0) return s;
  if (plainCode(s.charCodeAt(0)) && plainCode(s.charCodeAt(s.length - 1))) return s;
  let start = 0;
  let end = s.length;
  while (start < end && isRustWhitespace(s[start]!)) start++;
  while (end > start && isRustWhitespace(s[end - 1]!)) end--;
  return s.slice(start, end);
}

const UTF8_STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes strict UTF-8, or returns `undefined` when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8_STRICT.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes bytes as Latin-1 (each byte one code point). */
export function decodeLatin1(bytes: Uint8Array): string {
  // `TextDecoder("latin1")` is windows-1252 per WHATWG; Node's `latin1` maps each byte to the
  // code point of the same value, keeping 0x80-0x9F.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** UTF-8 when valid, otherwise Latin-1, as mail header values are read. */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  return decodeUtf8(bytes) ?? decodeLatin1(bytes);
}

/** Decodes `%XX` escapes to bytes; malformed escapes stay as written. */
export function percentDecodeBytes(s: string): Uint8Array {
  const input = new TextEncoder().encode(s);
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    const high = b === 0x25 && i + 2 < input.length ? hexValue(input[i + 1]!) : -1;
    const low = high === -1 ? -1 : hexValue(input[i + 2]!);
    if (low !== -1) {
      out[n++] = high * 16 + low;
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/** Percent-decodes to a string, or `undefined` when the decoded bytes are not UTF-8. */
export function percentDecodeUtf8(s: string): string | undefined {
  // Without an escape, decoding gives the text back, unless it holds a lone surrogate (which
  // encoding turns into U+FFFD): skip the round trip through bytes.
  if (s.indexOf("%") === -1 && !hasSurrogate(s)) return s;
  return decodeUtf8(percentDecodeBytes(s));
}

// Any surrogate code unit, paired or not (no `u` flag): a native scan, where a loop over every
// filename of a page runs interpreted the first time a page is read.
const SURROGATE = /[\uD800-\uDFFF]/;

function hasSurrogate(s: string): boolean {
  return SURROGATE.test(s);
}

/** The value of an ASCII hex digit, or -1. */
function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}
