import type { Operator } from "./operator.ts";
import { isVersionMax, Version, versionMax } from "./version.ts";
import type { VersionSpecifier } from "./version-specifier.ts";
import { VersionSpecifiers } from "./version-specifiers.ts";

/** One end of an interval; `undefined` is unbounded. */
export type Bound = { readonly version: Version; readonly inclusive: boolean } | undefined;

/** One interval of a {@link VersionRange}. */
export interface Interval {
  readonly lower: Bound;
  readonly upper: Bound;
}

// Nothing sorts below `0.dev0`, so bounds at or under it are folded away (as uv and `packaging`
// do), which keeps one representation per set of versions.
const FLOOR = Version.fromParts({ release: [0], dev: 0 });

const FULL: readonly Interval[] = Object.freeze([{ lower: undefined, upper: undefined }]);

function lowerBefore(a: Bound, b: Bound): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  const c = a.version.compare(b.version);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1;
}

function upperBefore(a: Bound, b: Bound): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  const c = a.version.compare(b.version);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1;
}

function isNonEmpty(lower: Bound, upper: Bound): boolean {
  if (lower === undefined || upper === undefined) return true;
  const c = lower.version.compare(upper.version);
  return c < 0 || (c === 0 && lower.inclusive && upper.inclusive);
}

/** Whether an interval ending at `upper` and one starting at `lower` overlap or touch. */
function touches(upper: Bound, lower: Bound): boolean {
  if (upper === undefined || lower === undefined) return true;
  const c = upper.version.compare(lower.version);
  return c > 0 || (c === 0 && (upper.inclusive || lower.inclusive));
}

function boundsEqual(a: Bound, b: Bound): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.inclusive === b.inclusive && a.version.equals(b.version);
}

/** The least version above `v` and all of its local versions (`1.0` → `1.0.post0.dev0`). */
export function afterLocals(v: Version): Version {
  if (v.dev !== undefined) return v.with({ dev: v.dev + 1, local: [] });
  if (v.post !== undefined) return v.with({ post: v.post + 1, dev: 0, local: [] });
  return v.with({ post: 0, dev: 0, local: [] });
}

/** The `.dev0` of the next prefix: `1.2` → `1.3.dev0` (epoch kept, other parts dropped). */
function nextPrefixDev0(v: Version, length: number): Version {
  const release = v.release.slice(0, length);
  release[length - 1] = (release[length - 1] ?? 0) + 1;
  return Version.fromParts({ epoch: v.epoch, release, dev: 0 });
}

// Ranges of specifier lists, which are immutable and shared (parsed once per text): a resolution
// turns the same few lists into ranges at every dependency. A cache of pure results, not state.
const FROM_SPECIFIERS = new WeakMap<VersionSpecifiers, VersionRange>();

const incl = (version: Version): Bound => ({ version, inclusive: true });
const excl = (version: Version): Bound => ({ version, inclusive: false });

/**
 * A set of versions as a union of disjoint, sorted intervals: the version sets of the PubGrub
 * resolver. Immutable. Every operation keeps intervals disjoint and non-touching, so two ranges
 * holding the same versions have the same intervals and `equals` is set equality.
 *
 * Specifier conversion follows `packaging` 26.3's ranges, which match uv's: where PEP 440 needs a
 * boundary between two real versions, the range uses the least real version above it
 * (`<=1.0` is `< 1.0.post0.dev0`, `>1.0a1` is `>= 1.0a2.dev0`), and where none exists (`>1.0`,
 * above every `1.0.postN`) an internal sentinel that sorts above all of them and prints as `1.0`.
 *
 * `toString()` is pubgrub-like: intervals joined by ` | `, bounds by `, `, `*` for everything, `∅`
 * for nothing; `==V` for `V` and its local versions, `<=V`/`<V` for the bounds specifiers make.
 */
export class VersionRange {
  readonly #intervals: readonly Interval[];
  /** {@link toString}, once asked for: solvers key their merges on it. */
  #text: string | undefined;

  private constructor(intervals: readonly Interval[]) {
    this.#intervals = intervals;
  }

  /** No versions. */
  static empty(): VersionRange {
    return new VersionRange([]);
  }

  /** Every version. */
  static full(): VersionRange {
    return new VersionRange(FULL);
  }

  /** Exactly `v` (and versions equal to it, like `1.0.0` for `1.0`; not its local versions). */
  static singleton(v: Version): VersionRange {
    return VersionRange.#interval(incl(v), incl(v));
  }

  /** `>= v`. */
  static higherThan(v: Version): VersionRange {
    return VersionRange.#interval(incl(v), undefined);
  }

  /** `> v`. */
  static strictlyHigherThan(v: Version): VersionRange {
    return VersionRange.#interval(excl(v), undefined);
  }

  /** `<= v` in the plain version order (so `1.0+local` is above `1.0`). */
  static lowerThan(v: Version): VersionRange {
    return VersionRange.#interval(undefined, incl(v));
  }

  /** `< v`. */
  static strictlyLowerThan(v: Version): VersionRange {
    return VersionRange.#interval(undefined, excl(v));
  }

  /** `[a, b)`: at least `a` and below `b`. */
  static between(a: Version, b: Version): VersionRange {
    return VersionRange.#interval(incl(a), excl(b));
  }

  /** The versions a specifier accepts, as uv's resolver sees them. */
  static fromSpecifier(specifier: VersionSpecifier): VersionRange {
    return VersionRange.#fromParts(specifier.operator, specifier.version);
  }

  static #fromParts(operator: Operator, v: Version): VersionRange {
    switch (operator) {
      case "==":
        return v.isLocal()
          ? VersionRange.singleton(v)
          : VersionRange.#interval(incl(v), excl(afterLocals(v)));
      case "!=":
        return VersionRange.#fromParts("==", v).complement();
      case "===":
        // uv: a singleton. `VersionSpecifier.contains` compares strings, so `===1.0` rejects
        // `1.0.0` while this range holds it.
        return VersionRange.singleton(v);
      case "~=":
        return VersionRange.between(v, nextPrefixDev0(v, v.release.length - 1));
      case "<":
        return VersionRange.strictlyLowerThan(v.isPrerelease() ? v : v.with({ dev: 0 }));
      case "<=":
        return VersionRange.strictlyLowerThan(afterLocals(v));
      case ">":
        if (v.dev !== undefined) return VersionRange.higherThan(v.with({ dev: v.dev + 1 }));
        if (v.post !== undefined) {
          return VersionRange.higherThan(v.with({ post: v.post + 1, dev: 0 }));
        }
        if (v.pre !== undefined) {
          const pre = { kind: v.pre.kind, number: v.pre.number + 1 };
          return VersionRange.higherThan(v.with({ pre, dev: 0 }));
        }
        return VersionRange.strictlyHigherThan(versionMax(v));
      case ">=":
        return VersionRange.higherThan(v);
      case "==*":
        return VersionRange.between(v.with({ dev: 0 }), nextPrefixDev0(v, v.release.length));
      case "!=*":
        return VersionRange.#fromParts("==*", v).complement();
    }
  }

  /** The intersection of what every specifier accepts. */
  static fromSpecifiers(specifiers: VersionSpecifiers | Iterable<VersionSpecifier>): VersionRange {
    if (!(specifiers instanceof VersionSpecifiers)) return VersionRange.#fromSpecifiers(specifiers);
    let range = FROM_SPECIFIERS.get(specifiers);
    if (range === undefined) {
      range = VersionRange.#fromSpecifiers(specifiers);
      FROM_SPECIFIERS.set(specifiers, range);
    }
    return range;
  }

  static #fromSpecifiers(specifiers: Iterable<VersionSpecifier>): VersionRange {
    let range = VersionRange.full();
    for (const specifier of specifiers) {
      range = range.intersection(VersionRange.fromSpecifier(specifier));
    }
    return range;
  }

  static #interval(lower: Bound, upper: Bound): VersionRange {
    // Fold bounds under the floor, which no version reaches.
    if (lower !== undefined) {
      const c = lower.version.compare(FLOOR);
      if (c < 0 || (c === 0 && lower.inclusive)) lower = undefined;
    }
    if (upper !== undefined) {
      const c = upper.version.compare(FLOOR);
      if (c < 0 || (c === 0 && !upper.inclusive)) return VersionRange.empty();
    }
    return isNonEmpty(lower, upper) ? new VersionRange([{ lower, upper }]) : VersionRange.empty();
  }

  /** The intervals, sorted and disjoint. */
  get intervals(): readonly Interval[] {
    return this.#intervals;
  }

  /** Whether the range holds no version. */
  isEmpty(): boolean {
    return this.#intervals.length === 0;
  }

  /** Whether the range holds every version. */
  isFull(): boolean {
    const only = this.#intervals[0];
    return this.#intervals.length === 1 && only?.lower === undefined && only?.upper === undefined;
  }

  /** Whether `v` is in the range. */
  contains(v: Version): boolean {
    const intervals = this.#intervals;
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i]!;
      const lower = interval.lower;
      if (lower !== undefined) {
        const c = v.compare(lower.version);
        // Intervals are sorted: below this one's lower bound is below all later ones.
        if (c < 0 || (c === 0 && !lower.inclusive)) return false;
      }
      const upper = interval.upper;
      if (upper === undefined) return true;
      const c = v.compare(upper.version);
      if (c < 0 || (c === 0 && upper.inclusive)) return true;
    }
    return false;
  }

  /** The versions in both ranges. */
  intersection(other: VersionRange): VersionRange {
    const a = this.#intervals;
    const b = other.#intervals;
    if (a === FULL) return other;
    if (b === FULL) return this;
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const lower = lowerBefore(x.lower, y.lower) >= 0 ? x.lower : y.lower;
      const upperCmp = upperBefore(x.upper, y.upper);
      const upper = upperCmp <= 0 ? x.upper : y.upper;
      if (isNonEmpty(lower, upper)) out.push({ lower, upper });
      if (upperCmp < 0) i++;
      else j++;
    }
    return new VersionRange(out);
  }

  /** The versions in either range. */
  union(other: VersionRange): VersionRange {
    const a = this.#intervals;
    const b = other.#intervals;
    if (a.length === 0 || b === FULL) return other;
    if (b.length === 0 || a === FULL) return this;
    const out: { lower: Bound; upper: Bound }[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      let next: Interval;
      if (j >= b.length || (i < a.length && lowerBefore(a[i]!.lower, b[j]!.lower) <= 0)) {
        next = a[i++]!;
      } else {
        next = b[j++]!;
      }
      const last = out[out.length - 1];
      if (last !== undefined && touches(last.upper, next.lower)) {
        if (upperBefore(next.upper, last.upper) > 0) last.upper = next.upper;
      } else {
        out.push({ lower: next.lower, upper: next.upper });
      }
    }
    return new VersionRange(out);
  }

  /** The versions not in this range. */
  complement(): VersionRange {
    const intervals = this.#intervals;
    if (intervals.length === 0) return VersionRange.full();
    const out: Interval[] = [];
    let lower: Bound;
    for (const interval of intervals) {
      if (interval.lower !== undefined) {
        out.push({
          lower,
          upper: { version: interval.lower.version, inclusive: !interval.lower.inclusive },
        });
      }
      if (interval.upper === undefined) return new VersionRange(out);
      lower = { version: interval.upper.version, inclusive: !interval.upper.inclusive };
    }
    out.push({ lower, upper: undefined });
    return new VersionRange(out);
  }

  /** The versions in this range but not in `other`. */
  difference(other: VersionRange): VersionRange {
    return this.intersection(other.complement());
  }

  /** Whether both ranges hold the same versions. */
  equals(other: VersionRange): boolean {
    const a = this.#intervals;
    const b = other.#intervals;
    if (a === b) return true;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!boundsEqual(a[i]!.lower, b[i]!.lower) || !boundsEqual(a[i]!.upper, b[i]!.upper)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every version of this range is in `other`. */
  subsetOf(other: VersionRange): boolean {
    return this.intersection(other).equals(this);
  }

  /** Whether no version is in both ranges. */
  isDisjoint(other: VersionRange): boolean {
    return this.intersection(other).isEmpty();
  }

  /** The only version of the range, if it is a singleton. */
  asSingleton(): Version | undefined {
    const only = this.#intervals[0];
    if (this.#intervals.length !== 1 || only?.lower === undefined || only.upper === undefined) {
      return undefined;
    }
    return only.lower.inclusive &&
      only.upper.inclusive &&
      only.lower.version.equals(only.upper.version)
      ? only.lower.version
      : undefined;
  }

  /** See the class comment for the format. */
  toString(): string {
    if (this.#text === undefined) {
      this.#text =
        this.#intervals.length === 0 ? "∅" : this.#intervals.map(renderInterval).join(" | ");
    }
    return this.#text;
  }
}

function renderInterval({ lower, upper }: Interval): string {
  if (lower === undefined && upper === undefined) return "*";
  if (lower !== undefined && upper !== undefined && lower.inclusive) {
    const v = lower.version;
    if (upper.inclusive && v.equals(upper.version)) return `==${v}`;
    if (!upper.inclusive && !v.isLocal() && afterLocals(v).equals(upper.version)) return `==${v}`;
  }
  const parts: string[] = [];
  if (lower !== undefined) parts.push(`${lower.inclusive ? ">=" : ">"}${lower.version}`);
  if (upper !== undefined) parts.push(renderUpper(upper.version, upper.inclusive));
  return parts.join(", ");
}

function renderUpper(v: Version, inclusive: boolean): string {
  if (inclusive || isVersionMax(v) || v.isLocal() || v.dev !== 0) {
    return `${inclusive ? "<=" : "<"}${v}`;
  }
  // `<=V` ends just below `V.post0.dev0`; `<V` (V not a pre-release) just below `V.dev0`.
  if (v.post === 0) return `<=${v.with({ post: undefined, dev: undefined })}`;
  if (v.pre === undefined) return `<${v.with({ dev: undefined })}`;
  return `<${v}`;
}
