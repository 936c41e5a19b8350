import type { Incompatibility, IncompatibilityId, PackageId } from "./incompatibility.ts";
import { PackagePriorityQueue, type Priority } from "./priority.ts";
import { Term } from "./term.ts";
import type { VersionSet } from "./version-set.ts";

/** A derivation: a term forced on a package by `cause`, with the running intersection so far. */
interface DatedDerivation<V, R extends VersionSet<V, R>> {
  /** Position of the assignment in the whole history, across packages. */
  readonly globalIndex: number;
  /** The decision level at which it was derived. */
  readonly level: number;
  readonly cause: IncompatibilityId;
  /** The intersection of this and every earlier derivation of the package. */
  readonly accumulated: Term<V, R>;
}

interface Decision<V, R extends VersionSet<V, R>> {
  readonly globalIndex: number;
  readonly version: V;
  readonly term: Term<V, R>;
}

/** Everything assigned to one package: derivations in order, then maybe a decision. */
interface PackageAssignments<V, R extends VersionSet<V, R>> {
  smallestLevel: number;
  highestLevel: number;
  derivations: DatedDerivation<V, R>[];
  decision: Decision<V, R> | undefined;
  /** The intersection of all assignments: the decision's term, or the last accumulated term. */
  term: Term<V, R>;
}

/** Where the satisfier of an incompatibility sits, found during conflict resolution. */
export type SatisfierSearch =
  /** Backjump to `previousLevel`: the incompatibility then almost holds and propagates. */
  | { readonly type: "differentLevels"; readonly previousLevel: number }
  /** Resolve against the satisfier's cause and keep going. */
  | { readonly type: "sameLevels"; readonly satisfierCause: IncompatibilityId };

interface Satisfier {
  readonly cause: IncompatibilityId | undefined;
  readonly globalIndex: number;
  readonly level: number;
}

/**
 * The partial solution: per package, the derivations and decision made so far, organised by
 * decision level so that backtracking is a truncation. Level 0 holds what follows from the root
 * incompatibility alone; each decision opens the next level.
 *
 * It also remembers which incompatibilities are known to be contradicted, so unit propagation can
 * skip them. Such a fact stays true until a backtrack undoes the level it was recorded at. Instead
 * of scanning every record on backtrack, records carry the backtrack "generation" they were made
 * in, and `lastValidLevels[g]` is the highest level that survived every backtrack since
 * generation `g` ended (the active generation has no entry).
 */
export class PartialSolution<V, R extends VersionSet<V, R>> {
  #nextGlobalIndex = 0;
  /** Decided packages in decision order; the current decision level is its length. */
  #decisions: PackageId[] = [];
  #assignments: (PackageAssignments<V, R> | undefined)[] = [];
  /** Packages that have assignments, possibly with stale entries (filtered on backtrack). */
  #assigned: PackageId[] = [];
  #queue = new PackagePriorityQueue();
  /** Undecided packages whose priority must be (re)computed before the next pick. */
  #outdated = new Set<PackageId>();
  #lastValidLevels: number[] = [0];
  #contradictedLevel: number[] = [];
  #contradictedGeneration: number[] = [];

  /** A copy sharing nothing mutable (assignment records themselves are never mutated). */
  clone(): PartialSolution<V, R> {
    const copy = new PartialSolution<V, R>();
    copy.#nextGlobalIndex = this.#nextGlobalIndex;
    copy.#decisions = this.#decisions.slice();
    copy.#assignments = this.#assignments.map((pa) =>
      pa === undefined ? undefined : { ...pa, derivations: pa.derivations.slice() },
    );
    copy.#assigned = this.#assigned.slice();
    copy.#queue = this.#queue.clone();
    copy.#outdated = new Set(this.#outdated);
    copy.#lastValidLevels = this.#lastValidLevels.slice();
    copy.#contradictedLevel = this.#contradictedLevel.slice();
    copy.#contradictedGeneration = this.#contradictedGeneration.slice();
    return copy;
  }

  /** The number of decisions made. */
  get currentLevel(): number {
    return this.#decisions.length;
  }

  /** Whether the solver has backtracked at least once. */
  hasBacktracked(): boolean {
    return this.#lastValidLevels.length > 1;
  }

  /** Whether `id` was found contradicted at a level that still stands. */
  isContradicted(id: IncompatibilityId): boolean {
    const generation = this.#contradictedGeneration[id];
    if (generation === undefined) return false;
    const valid = this.#lastValidLevels[generation];
    return valid === undefined || this.#contradictedLevel[id]! <= valid;
  }

  /** Records that `id` is contradicted by the current assignments. */
  markContradicted(id: IncompatibilityId): void {
    this.#contradictedLevel[id] = this.currentLevel;
    this.#contradictedGeneration[id] = this.#lastValidLevels.length;
  }

  /** The intersection of all terms assigned to `pkg`, if any. */
  termOf(pkg: PackageId): Term<V, R> | undefined {
    return this.#assignments[pkg]?.term;
  }

  /**
   * What decision level 0 (the root's requirements and what follows from them alone) forces on
   * `pkg`: no backtrack can ever widen it. `undefined` when nothing at level 0 names it.
   */
  unchangingTermOf(pkg: PackageId): Term<V, R> | undefined {
    const derivations = this.#assignments[pkg]?.derivations;
    if (derivations === undefined) return undefined;
    let unchanging: Term<V, R> | undefined;
    for (const derivation of derivations) {
      if (derivation.level !== 0) break;
      unchanging = derivation.accumulated;
    }
    return unchanging;
  }

  /** The version decided for `pkg`, if any. */
  decisionOf(pkg: PackageId): V | undefined {
    return this.#assignments[pkg]?.decision?.version;
  }

  /** The range still open to an undecided package that must be selected, if it is one. */
  #potentialRange(pa: PackageAssignments<V, R> | undefined): R | undefined {
    if (pa === undefined || pa.decision !== undefined || !pa.term.positive) return undefined;
    return pa.term.set;
  }

  /** Decides `version` for `pkg`, which must have derivations and no decision yet. */
  addDecision(pkg: PackageId, version: V, singleton: R): void {
    const pa = this.#assignments[pkg];
    if (pa === undefined || pa.decision !== undefined) {
      throw new Error(`pubgrub: cannot decide package ${pkg}: no derivations, or already decided`);
    }
    this.#decisions.push(pkg);
    pa.highestLevel = this.currentLevel;
    const term = Term.positive<V, R>(singleton);
    pa.decision = { globalIndex: this.#nextGlobalIndex++, version, term };
    pa.term = term;
  }

  /** Records that `cause` forces the negation of its term about `pkg`. */
  addDerivation(
    pkg: PackageId,
    causeId: IncompatibilityId,
    cause: Incompatibility<V, R, unknown>,
  ): void {
    const level = this.currentLevel;
    const derived = cause.get(pkg)!.negate();
    const globalIndex = this.#nextGlobalIndex++;
    const pa = this.#assignments[pkg];
    if (pa === undefined) {
      this.#assignments[pkg] = {
        smallestLevel: level,
        highestLevel: level,
        derivations: [{ globalIndex, level, cause: causeId, accumulated: derived }],
        decision: undefined,
        term: derived,
      };
      this.#assigned.push(pkg);
      if (derived.positive) this.#outdated.add(pkg);
      return;
    }
    if (pa.decision !== undefined) {
      throw new Error(`pubgrub: derivation for the already decided package ${pkg}`);
    }
    const accumulated = pa.term.intersection(derived);
    pa.highestLevel = level;
    pa.term = accumulated;
    pa.derivations.push({ globalIndex, level, cause: causeId, accumulated });
    if (accumulated.positive) this.#outdated.add(pkg);
  }

  /**
   * The undecided packages that must be selected and whose range changed at the current level:
   * what a resolver may want to prefetch after unit propagation.
   */
  *prioritizedPackages(): IterableIterator<[PackageId, R]> {
    const level = this.currentLevel;
    for (const pkg of this.#assigned) {
      const pa = this.#assignments[pkg];
      if (pa === undefined || pa.highestLevel !== level) continue;
      const range = this.#potentialRange(pa);
      if (range !== undefined) yield [pkg, range];
    }
  }

  /** The undecided packages queued for a decision, with their last computed priority. */
  undecidedPackages(): IterableIterator<[PackageId, Priority]> {
    return this.#queue.entries();
  }

  /**
   * Re-prioritises the packages whose range changed, then takes the most urgent undecided
   * package with its range, or `undefined` when every required package is decided.
   */
  pickHighestPriority(
    prioritize: (pkg: PackageId, range: R) => Priority,
  ): [PackageId, R] | undefined {
    for (const pkg of this.#outdated) {
      const range = this.#potentialRange(this.#assignments[pkg]);
      if (range !== undefined) this.#queue.set(pkg, prioritize(pkg, range));
    }
    this.#outdated.clear();
    for (let pkg = this.#queue.pop(); pkg !== undefined; pkg = this.#queue.pop()) {
      const range = this.#potentialRange(this.#assignments[pkg]);
      if (range !== undefined) return [pkg, range];
    }
    return undefined;
  }

  /** The decided packages and versions, in decision order. */
  *solution(): IterableIterator<[PackageId, V]> {
    for (const pkg of this.#decisions) yield [pkg, this.#assignments[pkg]!.decision!.version];
  }

  /** Undoes every assignment made after decision `level`. */
  backtrack(level: number): void {
    this.#decisions.length = level;
    const kept: PackageId[] = [];
    for (const pkg of this.#assigned) {
      const pa = this.#assignments[pkg];
      if (pa === undefined) continue;
      if (pa.smallestLevel > level) {
        this.#assignments[pkg] = undefined;
        this.#queue.delete(pkg);
        continue;
      }
      kept.push(pkg);
      if (pa.highestLevel <= level) {
        if (this.#potentialRange(pa) !== undefined && !this.#queue.has(pkg))
          this.#outdated.add(pkg);
        continue;
      }
      // Some derivations stand, and the decision (always the last assignment) does not.
      const derivations = pa.derivations;
      while (derivations[derivations.length - 1]!.level > level) derivations.pop();
      const last = derivations[derivations.length - 1]!;
      pa.highestLevel = last.level;
      pa.decision = undefined;
      pa.term = last.accumulated;
      this.#queue.delete(pkg);
      if (pa.term.positive) this.#outdated.add(pkg);
    }
    this.#assigned = kept;

    // Close the active generation and cap every generation this backtrack cut into.
    const levels = this.#lastValidLevels;
    levels.push(Number.POSITIVE_INFINITY);
    let i = levels.length;
    while (i > 0 && levels[i - 1]! > level) i--;
    for (; i < levels.length; i++) levels[i] = level;
  }

  /**
   * Backtracks to just before `pkg` was decided, so a resolver can change its mind about the
   * order of decisions. Returns the level backtracked to, or `undefined` if `pkg` is not decided.
   */
  backtrackBefore(pkg: PackageId): number | undefined {
    const index = this.#decisions.indexOf(pkg);
    if (index === -1) return undefined;
    this.backtrack(index);
    return index;
  }

  /**
   * For conflict resolution: which package's assignment made `incompat` hold last (the
   * satisfier), and whether the one before it (the previous satisfier) sits at a lower decision
   * level.
   */
  satisfierSearch(
    incompat: Incompatibility<V, R, unknown>,
    causeOf: (id: IncompatibilityId) => Incompatibility<V, R, unknown>,
  ): { package: PackageId; search: SatisfierSearch } {
    const packages = incompat.packages;
    const satisfiers: Satisfier[] = [];
    let latest = 0;
    for (let i = 0; i < packages.length; i++) {
      const pa = this.#assignments[packages[i]!]!;
      satisfiers.push(this.#satisfier(pa, incompat.terms[i]!.negate()));
      if (satisfiers[i]!.globalIndex > satisfiers[latest]!.globalIndex) latest = i;
    }
    const pkg = packages[latest]!;
    const satisfier = satisfiers[latest]!;
    const pa = this.#assignments[pkg]!;

    // The previous satisfier: with the satisfier itself taken for granted, which assignment
    // made the incompatibility hold?
    const satisfierTerm =
      satisfier.cause !== undefined
        ? causeOf(satisfier.cause).get(pkg)!.negate()
        : pa.decision!.term;
    satisfiers[latest] = this.#satisfier(
      pa,
      satisfierTerm.intersection(incompat.terms[latest]!.negate()),
    );
    let previous = satisfiers[0]!;
    for (const s of satisfiers) if (s.globalIndex > previous.globalIndex) previous = s;
    const previousLevel = Math.max(previous.level, 1);

    if (previousLevel >= satisfier.level) {
      return { package: pkg, search: { type: "sameLevels", satisfierCause: satisfier.cause! } };
    }
    return { package: pkg, search: { type: "differentLevels", previousLevel } };
  }

  /**
   * The earliest assignment of `pa` after which its intersection lies within the complement of
   * `start` (so it satisfies the incompatibility term `start` negates). Accumulated terms only
   * shrink, so a binary search finds it; when no derivation does, it is the decision.
   */
  #satisfier(pa: PackageAssignments<V, R>, start: Term<V, R>): Satisfier {
    const derivations = pa.derivations;
    let lo = 0;
    let hi = derivations.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (derivations[mid]!.accumulated.isDisjoint(start)) hi = mid;
      else lo = mid + 1;
    }
    const found = derivations[lo];
    if (found !== undefined) {
      return { cause: found.cause, globalIndex: found.globalIndex, level: found.level };
    }
    if (pa.decision === undefined) {
      throw new Error(
        "pubgrub: no assignment satisfies the incompatibility term; is the version order consistent?",
      );
    }
    return { cause: undefined, globalIndex: pa.decision.globalIndex, level: pa.highestLevel };
  }
}
