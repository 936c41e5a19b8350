import { isDisjoint, isSubset, type VersionSet } from "./version-set.ts";

/** How a set of terms (their intersection) relates to one term. */
export type TermRelation = "satisfied" | "contradicted" | "inconclusive";

/**
 * A statement about one package: `positive` says "a version in `set` is selected", negative says
 * "no version in `set` is selected" (the package may be absent). So `Positive(r)` and
 * `Negative(r.complement())` differ only in whether the package may be left out: a positive term
 * requires the package, a negative one does not. Immutable.
 */
export class Term<V, R extends VersionSet<V, R>> {
  /** Whether the term requires the package. */
  readonly positive: boolean;
  /** The versions the term speaks about. */
  readonly set: R;

  private constructor(positive: boolean, set: R) {
    this.positive = positive;
    this.set = set;
  }

  /** "A version in `set` is selected". */
  static positive<V, R extends VersionSet<V, R>>(set: R): Term<V, R> {
    return new Term<V, R>(true, set);
  }

  /** "No version in `set` is selected". */
  static negative<V, R extends VersionSet<V, R>>(set: R): Term<V, R> {
    return new Term<V, R>(false, set);
  }

  /** The term that is true exactly when this one is false. */
  negate(): Term<V, R> {
    return new Term<V, R>(!this.positive, this.set);
  }

  /** Whether the term is always true (`Not ( ∅ )`); incompatibilities never hold such terms. */
  isAny(): boolean {
    return !this.positive && this.set.isEmpty();
  }

  /** Whether selecting `version` makes the term true. */
  contains(version: V): boolean {
    return this.set.contains(version) === this.positive;
  }

  /** Both terms at once; positive as soon as one of them is. */
  intersection(other: Term<V, R>): Term<V, R> {
    if (this.positive && other.positive) return Term.positive(this.set.intersection(other.set));
    if (!this.positive && !other.positive) return Term.negative(this.set.union(other.set));
    const [p, n] = this.positive ? [this, other] : [other, this];
    return Term.positive(p.set.intersection(n.set.complement()));
  }

  /** Either term; negative as soon as one of them is. */
  union(other: Term<V, R>): Term<V, R> {
    if (this.positive && other.positive) return Term.positive(this.set.union(other.set));
    if (!this.positive && !other.positive) return Term.negative(this.set.intersection(other.set));
    const [p, n] = this.positive ? [this, other] : [other, this];
    return Term.negative(n.set.intersection(p.set.complement()));
  }

  /** Whether no assignment makes both terms true. */
  isDisjoint(other: Term<V, R>): boolean {
    if (this.positive && other.positive) return isDisjoint(this.set, other.set);
    // Leaving the package out satisfies two negative terms.
    if (!this.positive && !other.positive) return false;
    const [p, n] = this.positive ? [this, other] : [other, this];
    return isSubset(p.set, n.set);
  }

  /** Whether every assignment that makes this term true makes `other` true. */
  subsetOf(other: Term<V, R>): boolean {
    if (this.positive) {
      return other.positive ? isSubset(this.set, other.set) : isDisjoint(this.set, other.set);
    }
    return other.positive ? false : isSubset(other.set, this.set);
  }

  /**
   * How a set of terms whose intersection is `terms` relates to this term: satisfied when
   * `terms ⊆ this`, contradicted when they are disjoint. An empty positive intersection both
   * satisfies and contradicts; it counts as satisfied.
   */
  relationWith(terms: Term<V, R>): TermRelation {
    const set = this.set;
    const other = terms.set;
    if (this.positive) {
      if (terms.positive) {
        if (isSubset(other, set)) return "satisfied";
        return isDisjoint(other, set) ? "contradicted" : "inconclusive";
      }
      return isSubset(set, other) ? "contradicted" : "inconclusive";
    }
    if (terms.positive) {
      if (other.isEmpty()) return "satisfied";
      if (isSubset(other, set)) return "contradicted";
      return isDisjoint(other, set) ? "satisfied" : "inconclusive";
    }
    return isSubset(set, other) ? "satisfied" : "inconclusive";
  }

  /** Same polarity and same versions. */
  equals(other: Term<V, R>): boolean {
    return this.positive === other.positive && this.set.equals(other.set);
  }

  /** `>=1.0` for a positive term, `Not ( >=1.0 )` for a negative one (pubgrub-rs's format). */
  toString(): string {
    return this.positive ? this.set.toString() : `Not ( ${this.set} )`;
  }
}
