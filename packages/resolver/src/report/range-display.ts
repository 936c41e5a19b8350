import { type Bound, type Interval, Version, VersionRange } from "@uv-ts/pep440";
import { rangeOf } from "../version-gaps.ts";

/**
 * Version sets are kept canonical (`==1.0` is `[1.0, 1.0.post0.dev0)`, holding `1.0+local`);
 * uv reports them through the bounds the specifiers were written with. These helpers undo the
 * canonical encoding for display: `<1.0.post0.dev0` reads `<=1.0`, `>=1.0.post0.dev0` reads
 * `>1.0`, and the pair reads `==1.0`.
 */

/** The least version above `v` and its local versions, as version ranges encode `<=v`. */
function afterLocals(v: Version): Version {
  if (v.dev !== undefined) return v.with({ dev: v.dev + 1, local: [] });
  if (v.post !== undefined) return v.with({ post: v.post + 1, dev: 0, local: [] });
  return v.with({ post: 0, dev: 0, local: [] });
}

/** The `v` whose {@link afterLocals} is `u`, when `u` has that shape. */
function beforeLocals(u: Version): Version | undefined {
  if (u.dev !== 0 || u.isLocal() || u.post === undefined) return undefined;
  return u.post === 0
    ? u.with({ post: undefined, dev: undefined })
    : u.with({ post: u.post - 1, dev: undefined });
}

/**
 * The range with its local-version encodings turned back into plain bounds (uv's
 * `without_local_version_sentinels`): `[1.0, 1.0.post0.dev0)` becomes `[1.0, 1.0]`. The result is
 * for reports only: it no longer holds local versions.
 */
export function stripSentinels(range: VersionRange): VersionRange {
  let out = VersionRange.empty();
  for (const { lower, upper } of range.intervals) {
    let newLower: Bound = lower;
    let newUpper: Bound = upper;
    if (lower?.inclusive) {
      const before = beforeLocals(lower.version);
      if (before !== undefined) newLower = { version: before, inclusive: false };
    }
    if (upper !== undefined && !upper.inclusive) {
      const before = beforeLocals(upper.version);
      if (before !== undefined) newUpper = { version: before, inclusive: true };
    }
    out = out.union(rangeOf(newLower, newUpper));
  }
  return out;
}

/** Whether the range holds only local versions of public versions (`1.0 < v < 1.0.post0.dev0`). */
export function isLocalVersionComplement(range: VersionRange): boolean {
  const intervals = range.intervals;
  if (intervals.length === 0) return false;
  return intervals.every(({ lower, upper }) => {
    if (lower === undefined || upper === undefined || lower.inclusive || upper.inclusive) {
      return false;
    }
    return !lower.version.isLocal() && afterLocals(lower.version).equals(upper.version);
  });
}

/** How a range is being talked about, which decides the words for "everything". */
export type RangeKind = "dependency" | "compatibility" | "available";

/** `==2.4.*` for `[2.4.dev0, 2.5.dev0)`. */
function prefixMatch(lower: Version, upper: Version): string | undefined {
  const plain = (v: Version) => v.pre === undefined && v.post === undefined && !v.isLocal();
  if (!plain(lower) || !plain(upper) || lower.dev !== 0 || upper.dev !== 0) return undefined;
  const a = lower.release;
  const b = upper.release;
  if (a.length !== b.length) return undefined;
  for (let i = 0; i < a.length; i++) {
    if (i === a.length - 1 ? a[i]! + 1 !== b[i] : a[i] !== b[i]) return undefined;
  }
  return `==${Version.fromParts({ epoch: lower.epoch, release: a })}.*`;
}

/**
 * The text of an exclusive upper bound. `<2` is stored as `<2.dev0` (excluding `2`'s
 * pre-releases); uv prints the bound as written, which is `<2` unless the interval is a `~=`
 * (`>=1.4, <2.dev0`), where uv shows the `.dev0`.
 */
function exclusiveUpper(lower: Bound, upper: Version): string {
  if (upper.dev !== 0 || upper.pre !== undefined || upper.post !== undefined || upper.isLocal()) {
    return String(upper);
  }
  if (lower?.inclusive && isCompatibleRelease(lower.version, upper)) {
    return String(upper);
  }
  return String(upper.with({ dev: undefined }));
}

/** Whether `[lower, upper)` is the range of `~=lower`. */
function isCompatibleRelease(lower: Version, upper: Version): boolean {
  const a = lower.release;
  const b = upper.release;
  if (a.length < 2 || b.length !== a.length - 1 || lower.epoch !== upper.epoch) return false;
  for (let i = 0; i < b.length; i++) {
    if (i === b.length - 1 ? a[i]! + 1 !== b[i] : a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * A bound's version as uv shows it. `<X` and its complement `>=X` are stored at `X.dev0` (below
 * `X`'s pre-releases) where uv keeps `X` with an invisible "minimum" marker; the `>X` sentinel
 * prints as `X` already.
 */
export function visibleVersion(v: Version): Version {
  if (v.dev === 0 && v.pre === undefined && v.post === undefined && !v.isLocal()) {
    return v.with({ dev: undefined });
  }
  return v.with({});
}

/** One interval as uv prints it after a package name (`>=1.0,<2`, `==1.0`, `<=3`). */
export function formatInterval(
  packageText: string,
  { lower, upper }: Interval,
  kind: RangeKind,
): string {
  if (lower === undefined && upper === undefined) {
    return kind === "compatibility" ? `all versions of ${packageText}` : packageText;
  }
  if (lower === undefined) {
    return `${packageText}${upper!.inclusive ? "<=" : "<"}${upper!.inclusive ? upper!.version : exclusiveUpper(undefined, upper!.version)}`;
  }
  const low = lower.inclusive ? `>=${visibleVersion(lower.version)}` : `>${lower.version}`;
  if (upper === undefined) return `${packageText}${low}`;
  if (lower.inclusive && upper.inclusive && lower.version.equals(upper.version)) {
    return `${packageText}==${lower.version}`;
  }
  if (lower.inclusive && !upper.inclusive) {
    const prefix = prefixMatch(lower.version, upper.version);
    if (prefix !== undefined) return `${packageText}${prefix}`;
  }
  const high = upper.inclusive ? `<=${upper.version}` : `<${exclusiveUpper(lower, upper.version)}`;
  return `${packageText}${low},${high}`;
}

/** A package with a range, as uv's `PackageRange` prints it (multi-interval ranges as a list). */
export function formatPackageRange(
  packageText: string,
  range: VersionRange,
  kind: RangeKind,
): string {
  const intervals = range.intervals;
  if (intervals.length === 0) return `${packageText} ∅`;
  if (intervals.length === 1) return formatInterval(packageText, intervals[0]!, kind);
  const head =
    kind === "dependency" ? "one of:" : kind === "compatibility" ? "all of:" : "are available:";
  const lines = intervals.map((i) => `\n    ${formatInterval(packageText, i, kind)}`);
  return `${head}${lines.join("")}\n`;
}

/** Whether the verb after a range is plural ("all versions of foo depend on"). */
export function isPluralRange(range: VersionRange, kind: RangeKind): boolean {
  const intervals = range.intervals;
  const first = intervals[0];
  if (first === undefined) return false;
  if (kind === "compatibility" && first.lower === undefined && first.upper === undefined)
    return true;
  return intervals.length > 1;
}
