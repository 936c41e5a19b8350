import type { VersionSet, VersionSetFactory } from "./version-set.ts";

/** One end of a segment; `undefined` is unbounded. */
export type RangeBound<V> = { readonly value: V; readonly inclusive: boolean } | undefined;

/** One segment of a {@link Ranges}. */
export interface RangeSegment<V> {
  readonly lower: RangeBound<V>;
  readonly upper: RangeBound<V>;
}

/** How a {@link Ranges} domain orders and prints its versions. */
interface Domain<V> {
  readonly compare: (a: V, b: V) => number;
  readonly format: (v: V) => string;
}

/**
 * A set of versions of any totally ordered type, as a union of sorted, disjoint, non-touching
 * segments (so equal sets have equal segments). Immutable. This is the generic counterpart of
 * pubgrub-rs's `Ranges<V>`, with the same `toString()` (`>=1, <2 | ==4`, `*`, `∅`); build one
 * through {@link rangesOf}. Python versions use `@uv-ts/pep440`'s `VersionRange` instead.
 */
export class Ranges<V> implements VersionSet<V, Ranges<V>> {
  readonly #domain: Domain<V>;
  readonly #segments: readonly RangeSegment<V>[];

  private constructor(domain: Domain<V>, segments: readonly RangeSegment<V>[]) {
    this.#domain = domain;
    this.#segments = segments;
  }

  /** For {@link rangesOf} only: `segments` must already be sorted, disjoint and non-touching. */
  static create<V>(domain: Domain<V>, segments: readonly RangeSegment<V>[]): Ranges<V> {
    return new Ranges(domain, segments);
  }

  /** The segments, sorted and disjoint. */
  get segments(): readonly RangeSegment<V>[] {
    return this.#segments;
  }

  /** Whether the set holds no version. */
  isEmpty(): boolean {
    return this.#segments.length === 0;
  }

  /** Whether `v` is in the set. */
  contains(v: V): boolean {
    const cmp = this.#domain.compare;
    for (const { lower, upper } of this.#segments) {
      if (lower !== undefined) {
        const c = cmp(v, lower.value);
        if (c < 0 || (c === 0 && !lower.inclusive)) return false;
      }
      if (upper === undefined) return true;
      const c = cmp(v, upper.value);
      if (c < 0 || (c === 0 && upper.inclusive)) return true;
    }
    return false;
  }

  /** The versions in both sets. */
  intersection(other: Ranges<V>): Ranges<V> {
    const cmp = this.#domain.compare;
    const a = this.#segments;
    const b = other.#segments;
    const out: RangeSegment<V>[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const lower = compareLower(cmp, x.lower, y.lower) >= 0 ? x.lower : y.lower;
      const upperOrder = compareUpper(cmp, x.upper, y.upper);
      const upper = upperOrder <= 0 ? x.upper : y.upper;
      if (nonEmpty(cmp, lower, upper)) out.push({ lower, upper });
      if (upperOrder < 0) i++;
      else j++;
    }
    return new Ranges(this.#domain, out);
  }

  /** The versions in either set. */
  union(other: Ranges<V>): Ranges<V> {
    const cmp = this.#domain.compare;
    const a = this.#segments;
    const b = other.#segments;
    if (a.length === 0) return other;
    if (b.length === 0) return this;
    const out: { lower: RangeBound<V>; upper: RangeBound<V> }[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const takeA =
        j >= b.length || (i < a.length && compareLower(cmp, a[i]!.lower, b[j]!.lower) <= 0);
      const next = takeA ? a[i++]! : b[j++]!;
      const last = out[out.length - 1];
      if (last !== undefined && touches(cmp, last.upper, next.lower)) {
        if (compareUpper(cmp, next.upper, last.upper) > 0) last.upper = next.upper;
      } else {
        out.push({ lower: next.lower, upper: next.upper });
      }
    }
    return new Ranges(this.#domain, out);
  }

  /** The versions not in the set. */
  complement(): Ranges<V> {
    const out: RangeSegment<V>[] = [];
    let lower: RangeBound<V>;
    for (const segment of this.#segments) {
      if (segment.lower !== undefined) {
        out.push({ lower, upper: flip(segment.lower) });
      }
      if (segment.upper === undefined) return new Ranges(this.#domain, out);
      lower = flip(segment.upper);
    }
    out.push({ lower, upper: undefined });
    return new Ranges(this.#domain, out);
  }

  /** Set equality. */
  equals(other: Ranges<V>): boolean {
    const cmp = this.#domain.compare;
    const a = this.#segments;
    const b = other.#segments;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!sameBound(cmp, a[i]!.lower, b[i]!.lower) || !sameBound(cmp, a[i]!.upper, b[i]!.upper)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every version of this set is in `other`. */
  subsetOf(other: Ranges<V>): boolean {
    return this.intersection(other).equals(this);
  }

  /** Whether no version is in both sets. */
  isDisjoint(other: Ranges<V>): boolean {
    return this.intersection(other).isEmpty();
  }

  /** pubgrub-rs's format: segments joined by ` | `, `==v` for one version, `*`, `∅`. */
  toString(): string {
    if (this.#segments.length === 0) return "∅";
    const f = this.#domain.format;
    const cmp = this.#domain.compare;
    return this.#segments
      .map(({ lower, upper }) => {
        if (lower === undefined) {
          if (upper === undefined) return "*";
          return `${upper.inclusive ? "<=" : "<"}${f(upper.value)}`;
        }
        const low = `${lower.inclusive ? ">=" : ">"}${f(lower.value)}`;
        if (upper === undefined) return low;
        if (lower.inclusive && upper.inclusive && cmp(lower.value, upper.value) === 0) {
          return `==${f(lower.value)}`;
        }
        return `${low}, ${upper.inclusive ? "<=" : "<"}${f(upper.value)}`;
      })
      .join(" | ");
  }
}

/** Builds {@link Ranges} over one ordered type; also the solver's {@link VersionSetFactory}. */
export interface RangesFactory<V> extends VersionSetFactory<V, Ranges<V>> {
  /** `>= v`. */
  higherThan(v: V): Ranges<V>;
  /** `> v`. */
  strictlyHigherThan(v: V): Ranges<V>;
  /** `<= v`. */
  lowerThan(v: V): Ranges<V>;
  /** `< v`. */
  strictlyLowerThan(v: V): Ranges<V>;
  /** `>= a, < b`. */
  between(a: V, b: V): Ranges<V>;
}

/**
 * A factory of {@link Ranges} over the versions `compare` orders; `format` prints a version
 * (default `String`).
 */
export function rangesOf<V>(
  compare: (a: V, b: V) => number,
  format: (v: V) => string = String,
): RangesFactory<V> {
  const domain: Domain<V> = { compare, format };
  const full = Ranges.create<V>(domain, [{ lower: undefined, upper: undefined }]);
  const empty = Ranges.create<V>(domain, []);
  const segment = (lower: RangeBound<V>, upper: RangeBound<V>): Ranges<V> =>
    nonEmpty(compare, lower, upper) ? Ranges.create(domain, [{ lower, upper }]) : empty;
  return {
    full: () => full,
    empty: () => empty,
    singleton: (v) => segment({ value: v, inclusive: true }, { value: v, inclusive: true }),
    higherThan: (v) => segment({ value: v, inclusive: true }, undefined),
    strictlyHigherThan: (v) => segment({ value: v, inclusive: false }, undefined),
    lowerThan: (v) => segment(undefined, { value: v, inclusive: true }),
    strictlyLowerThan: (v) => segment(undefined, { value: v, inclusive: false }),
    between: (a, b) => segment({ value: a, inclusive: true }, { value: b, inclusive: false }),
  };
}

function flip<V>(bound: NonNullable<RangeBound<V>>): RangeBound<V> {
  return { value: bound.value, inclusive: !bound.inclusive };
}

function compareLower<V>(cmp: (a: V, b: V) => number, a: RangeBound<V>, b: RangeBound<V>): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  const c = cmp(a.value, b.value);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1;
}

function compareUpper<V>(cmp: (a: V, b: V) => number, a: RangeBound<V>, b: RangeBound<V>): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  const c = cmp(a.value, b.value);
  if (c !== 0) return c;
  return a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1;
}

function nonEmpty<V>(
  cmp: (a: V, b: V) => number,
  lower: RangeBound<V>,
  upper: RangeBound<V>,
): boolean {
  if (lower === undefined || upper === undefined) return true;
  const c = cmp(lower.value, upper.value);
  return c < 0 || (c === 0 && lower.inclusive && upper.inclusive);
}

/** Whether a segment ending at `upper` and one starting at `lower` overlap or meet. */
function touches<V>(
  cmp: (a: V, b: V) => number,
  upper: RangeBound<V>,
  lower: RangeBound<V>,
): boolean {
  if (upper === undefined || lower === undefined) return true;
  const c = cmp(upper.value, lower.value);
  return c > 0 || (c === 0 && (upper.inclusive || lower.inclusive));
}

function sameBound<V>(cmp: (a: V, b: V) => number, a: RangeBound<V>, b: RangeBound<V>): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.inclusive === b.inclusive && cmp(a.value, b.value) === 0;
}
