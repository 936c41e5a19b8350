// Character classes shared by the requirement and marker parsers. They follow Rust's `char`
// predicates, which is what uv's parser uses, rather than JavaScript's `\s`.

import { isRustWhitespaceCode } from "@uv-ts/pep440";

/** Unicode `White_Space` by code unit (all of them are in the BMP). */
export const isWhitespaceCode: (c: number) => boolean = isRustWhitespaceCode;

/** Unicode `White_Space`, as Rust's `char::is_whitespace` (of the first code point of `ch`). */
export function isWhitespace(ch: string): boolean {
  return ch.length > 0 && isWhitespaceCode(ch.charCodeAt(0));
}

/** ASCII letters and digits, by code unit. */
export function isAsciiAlphanumericCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/** ASCII letters and digits (a single character). */
export function isAsciiAlphanumeric(ch: string): boolean {
  return ch.length === 1 && isAsciiAlphanumericCode(ch.charCodeAt(0));
}

const ALPHABETIC = /^\p{Alphabetic}$/u;

/** Unicode `Alphabetic`, as Rust's `char::is_alphabetic`. */
export function isAlphabetic(ch: string): boolean {
  if (ch.length === 1) {
    const c = ch.charCodeAt(0);
    if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  }
  return ALPHABETIC.test(ch);
}

/**
 * Terminal columns of `text`, close to the `unicode-width` crate uv uses to place carets: control
 * characters and combining marks take none, East Asian wide characters and emoji take two.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || /^[\p{Mn}\p{Me}\u200b-\u200f]$/u.test(ch)) {
      continue;
    }
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3040 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Compares by Unicode code point, like Rust's `str` ordering (JavaScript compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}
