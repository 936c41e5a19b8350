/**
 * Reads an unsigned integer the way Rust's `u8`/`u16`/`u64::from_str` does (uv's tag parsers rely
 * on it): ASCII digits with an optional leading `+`, no more than `max`. Returns `undefined`
 * otherwise.
 */
export function parseUint(text: string, max: number): number | undefined {
  const digits = text.startsWith("+") ? text.slice(1) : text;
  if (digits.length === 0) return undefined;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const value = Number(digits);
  return value <= max ? value : undefined;
}

/** Largest `u8`. */
export const U8_MAX = 255;
/** Largest `u16`. */
export const U16_MAX = 65_535;
