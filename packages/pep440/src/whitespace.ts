/**
 * Whether the UTF-16 unit `c` is whitespace in Rust's sense (`char::is_whitespace`, Unicode
 * White_Space), which uv's parsers skip around versions, specifiers and requirements; JavaScript's
 * `\s` differs on U+0085 and U+FEFF. Every White_Space character is in the Basic Multilingual
 * Plane, so one unit decides.
 */
export function isRustWhitespaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
