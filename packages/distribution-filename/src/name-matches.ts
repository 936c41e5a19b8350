import type { PackageName } from "@uv-ts/normalize";

/**
 * Whether a name as written in a filename normalises to `expected` by the cheap rule uv uses for
 * its fast path (ASCII lowercase, `_` and `.` read as `-`, runs not collapsed). When this says no
 * the caller falls back to full validation and normalisation.
 */
export function normalizedPackageNameMatches(actual: string, expected: PackageName): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    let c = actual.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    else if (c === 95 || c === 46) c = 45;
    if (c !== expected.charCodeAt(i)) return false;
  }
  return true;
}
