/**
 * A set of versions of one package, as the solver manipulates it. Implementations must be
 * immutable and canonical enough that `equals` is set equality: two sets holding the same versions
 * are `equals`, whatever operations built them. `@uv-ts/pep440`'s `VersionRange` satisfies this
 * interface as is.
 *
 * `subsetOf` and `isDisjoint` are optional; the solver falls back to `intersection` + `equals` /
 * `isEmpty`, so provide them only when they are cheaper.
 */
export interface VersionSet<V, R> {
  /** The versions in both sets. */
  intersection(other: R): R;
  /** The versions in either set. */
  union(other: R): R;
  /** The versions not in this set. */
  complement(): R;
  /** Whether `version` is in the set. */
  contains(version: V): boolean;
  /** Whether the set holds no version. */
  isEmpty(): boolean;
  /** Set equality. */
  equals(other: R): boolean;
  /** Whether every version of this set is in `other`. */
  subsetOf?(other: R): boolean;
  /** Whether no version is in both sets. */
  isDisjoint?(other: R): boolean;
  /** How reports print the set (`>=1.0, <2.0`, `*`, `∅`). */
  toString(): string;
}

/**
 * Builds the sets the solver needs on its own: everything, nothing, and one version. A class with
 * static `full`/`empty`/`singleton` (like `VersionRange`) is such a factory.
 */
export interface VersionSetFactory<V, R extends VersionSet<V, R>> {
  /** Every version. */
  full(): R;
  /** No version. */
  empty(): R;
  /** Exactly `version`. */
  singleton(version: V): R;
}

/** `a ⊆ b`, through the set's own `subsetOf` when it has one. */
export function isSubset<V, R extends VersionSet<V, R>>(a: R, b: R): boolean {
  return a.subsetOf !== undefined ? a.subsetOf(b) : a.intersection(b).equals(a);
}

/** `a ∩ b = ∅`, through the set's own `isDisjoint` when it has one. */
export function isDisjoint<V, R extends VersionSet<V, R>>(a: R, b: R): boolean {
  return a.isDisjoint !== undefined ? a.isDisjoint(b) : a.intersection(b).isEmpty();
}

/** Whether `set` holds every version. */
export function isFullSet<V, R extends VersionSet<V, R>>(set: R): boolean {
  return set.complement().isEmpty();
}
