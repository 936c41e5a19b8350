import { type Bound, type Version, VersionRange } from "@uv-ts/pep440";

/**
 * Widens `version` to the largest interval holding no other known version: `(previous, next)`,
 * unbounded past the first or last. An incompatibility about the widened set holds for the same
 * selectable versions, so runs of rejected versions merge into one range instead of leaving one
 * hole per version. Without known versions the version stays a singleton.
 */
export function widenToGap(version: Version, known: readonly Version[] | undefined): VersionRange {
  if (known === undefined || known.length === 0) return VersionRange.singleton(version);
  // `known` is ascending: binary search for the first version not below `version`.
  let lo = 0;
  let hi = known.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (known[mid]!.compare(version) < 0) lo = mid + 1;
    else hi = mid;
  }
  const lower: Version | undefined = lo > 0 ? known[lo - 1] : undefined;
  let above = lo;
  while (above < known.length && known[above]!.compare(version) === 0) above++;
  return gapBetween(lower, known[above]);
}

/** The versions strictly between `lower` and `upper` (each unbounded when absent). */
export function gapBetween(lower: Version | undefined, upper: Version | undefined): VersionRange {
  let range = VersionRange.full();
  if (lower !== undefined) range = range.intersection(VersionRange.strictlyHigherThan(lower));
  if (upper !== undefined) range = range.intersection(VersionRange.strictlyLowerThan(upper));
  return range;
}

/**
 * Narrows `set` back onto the known versions for reports: a set holding every known version is
 * everything; otherwise each interval's bounded ends move inward to the known versions it holds
 * (inclusive), unbounded ends stay, and intervals holding none are dropped.
 */
export function narrowToKnown(set: VersionRange, known: readonly Version[]): VersionRange {
  if (known.every((v) => set.contains(v))) return VersionRange.full();
  let out = VersionRange.empty();
  for (const { lower, upper } of set.intervals) {
    const segment = rangeOf(lower, upper);
    const inside = known.filter((v) => segment.contains(v));
    const first = inside[0];
    const last = inside[inside.length - 1];
    if (first === undefined || last === undefined) continue;
    const newLower: Bound = lower === undefined ? undefined : { version: first, inclusive: true };
    const newUpper: Bound = upper === undefined ? undefined : { version: last, inclusive: true };
    out = out.union(rangeOf(newLower, newUpper));
  }
  return out;
}

/** The range between two bounds. */
export function rangeOf(lower: Bound, upper: Bound): VersionRange {
  let range = VersionRange.full();
  if (lower !== undefined) {
    range = range.intersection(
      lower.inclusive
        ? VersionRange.higherThan(lower.version)
        : VersionRange.strictlyHigherThan(lower.version),
    );
  }
  if (upper !== undefined) {
    range = range.intersection(
      upper.inclusive
        ? VersionRange.lowerThan(upper.version)
        : VersionRange.strictlyLowerThan(upper.version),
    );
  }
  return range;
}
