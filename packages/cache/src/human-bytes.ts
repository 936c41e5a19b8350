const UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** One decimal, with exact ties rounded to even, as Rust's `{:.1}` (JS `toFixed` rounds them up). */
function oneDecimal(quantity: number): string {
  const quarters = quantity * 4;
  // A value with an exact `.x5` decimal expansion is a multiple of 1/4 with an odd numerator.
  if (Number.isInteger(quarters) && quarters % 2 === 1) {
    const tenths = Math.floor(quantity * 10);
    return ((tenths % 2 === 0 ? tenths : tenths + 1) / 10).toFixed(1);
  }
  return quantity.toFixed(1);
}

/**
 * A byte count as uv prints it in `cache clean` and `cache prune` summaries: `512B`, `4.0KiB`,
 * `1.2MiB`. A value that would round to `1024.0` of a unit is shown in the next unit instead.
 */
export function humanReadableBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  let quantity = bytes;
  let unit: string = "B";
  for (const next of UNITS) {
    if (1024 - quantity > 0.05) break;
    quantity /= 1024;
    unit = next;
  }
  return `${oneDecimal(quantity)}${unit}`;
}
