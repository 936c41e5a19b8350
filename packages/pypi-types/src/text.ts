// Small text helpers shared by the parsers: Rust-compatible whitespace, UTF-8 with a Latin-1
// fallback, and percent-decoding that leaves malformed escapes alone.

// Rust's `char::is_whitespace` (Unicode White_Space); JavaScript's `\s` differs on U+0085 and U+FEFF.
const RUST_WHITESPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/** Whether `ch` is whitespace in Rust's sense. */
export function isRustWhitespace(ch: string): boolean {
  return RUST_WHITESPACE.test(ch);
}

/** `str::trim_start` as Rust has it. */
export function trimStartRust(s: string): string {
  let i = 0;
  while (i < s.length && isRustWhitespace(s[i]!)) i++;
  return s.slice(i);
}

/** `str::trim` as Rust has it. */
export function trimRust(s: string): string {
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
  // `TextDecoder("latin1")` is windows-1252 per WHATWG; map bytes directly to keep 0x80-0x9F.
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
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
    if (b === 0x25 && i + 2 < input.length && isHex(input[i + 1]) && isHex(input[i + 2])) {
      out[n++] = Number.parseInt(String.fromCharCode(input[i + 1]!, input[i + 2]!), 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/** Percent-decodes to a string, or `undefined` when the decoded bytes are not UTF-8. */
export function percentDecodeUtf8(s: string): string | undefined {
  return decodeUtf8(percentDecodeBytes(s));
}

function isHex(b: number | undefined): boolean {
  return (
    b !== undefined &&
    ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66))
  );
}
