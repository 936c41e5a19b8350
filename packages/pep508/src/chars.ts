// Character classes shared by the requirement and marker parsers. They follow Rust's `char`
// predicates, which is what uv's parser uses, rather than JavaScript's `\s`.

const WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Unicode `White_Space`, as Rust's `char::is_whitespace`. */
export function isWhitespace(ch: string): boolean {
  return WHITESPACE.has(ch.codePointAt(0) ?? -1);
}

/** ASCII letters and digits. */
export function isAsciiAlphanumeric(ch: string): boolean {
  return /^[A-Za-z0-9]$/.test(ch);
}

/** Unicode `Alphabetic`, as Rust's `char::is_alphabetic`. */
export function isAlphabetic(ch: string): boolean {
  return /^\p{Alphabetic}$/u.test(ch);
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
