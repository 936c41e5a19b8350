import type { DerivationTree, Derived, External } from "./derivation-tree.ts";
import {
  Incompatibility,
  type IncompatibilityId,
  type IncompatibilityKind,
  type PackageId,
} from "./incompatibility.ts";
import { PartialSolution } from "./partial-solution.ts";
import type { Priority } from "./priority.ts";
import { Term } from "./term.ts";
import type { VersionSet, VersionSetFactory } from "./version-set.ts";

/** How a {@link SolverState} identifies packages and builds sets. */
export interface SolverStateOptions<P, V, R extends VersionSet<V, R>> {
  /** Builds the empty, full and singleton sets. `VersionRange` (the class) is one. */
  readonly sets: VersionSetFactory<V, R>;
  /** The identity of a package; packages with equal keys are the same. Default `String(p)`. */
  readonly key?: ((p: P) => string) | undefined;
}

/** A package and version that unit propagation found in conflict, and the incompatibility why. */
export interface SatisfierCause {
  readonly package: PackageId;
  readonly incompatibility: IncompatibilityId;
}

/** The outcome of {@link SolverState.unitPropagation}. */
export type PropagationResult<P, V, R extends VersionSet<V, R>, M> =
  | { readonly ok: true; readonly satisfierCauses: readonly SatisfierCause[] }
  | { readonly ok: false; readonly tree: DerivationTree<P, V, R, M> };

/**
 * The state of one PubGrub run, for resolvers that drive the loop themselves (uv forks the state
 * per marker environment and adds incompatibilities of its own). {@link resolve} is the simple
 * driver on top of it.
 *
 * Packages are interned: each distinct key gets a {@link PackageId}, and the first package object
 * seen for a key is the one reported back. Incompatibilities are kept in a store and indexed by
 * the packages they mention, so unit propagation only looks at those of a changed package.
 */
export class SolverState<P, V, R extends VersionSet<V, R>, M = string> {
  /** The root package's id (always 0). */
  readonly root: PackageId = 0;
  /** The root version. */
  readonly rootVersion: V;
  /** The set factory. */
  readonly sets: VersionSetFactory<V, R>;
  readonly #key: (p: P) => string;

  #packages: P[] = [];
  #packageIds = new Map<string, PackageId>();
  #store: Incompatibility<V, R, M>[] = [];
  /** Per package, the ids of the incompatibilities that mention it, oldest first. */
  #byPackage: IncompatibilityId[][] = [];
  /** Dependency incompatibilities by `dependent, dependency, range`, for merging dependents. */
  #mergeBuckets = new Map<string, IncompatibilityId[]>();
  #partial = new PartialSolution<V, R>();

  constructor(root: P, rootVersion: V, options: SolverStateOptions<P, V, R>) {
    this.rootVersion = rootVersion;
    this.sets = options.sets;
    this.#key = options.key ?? String;
    const id = this.intern(root);
    const notRoot = Incompatibility.notRoot<V, R, M>(
      id,
      rootVersion,
      this.sets.singleton(rootVersion),
    );
    this.#store.push(notRoot);
    this.#byPackage[id]!.push(0);
  }

  /** An independent copy (a fork): later changes to either do not show in the other. */
  clone(): SolverState<P, V, R, M> {
    const copy = new SolverState<P, V, R, M>(this.#packages[0]!, this.rootVersion, {
      sets: this.sets,
      key: this.#key,
    });
    copy.#packages = this.#packages.slice();
    copy.#packageIds = new Map(this.#packageIds);
    // Incompatibilities are immutable, so the store's entries can be shared.
    copy.#store = this.#store.slice();
    copy.#byPackage = this.#byPackage.map((ids) => ids.slice());
    copy.#mergeBuckets = new Map([...this.#mergeBuckets].map(([k, v]) => [k, v.slice()]));
    copy.#partial = this.#partial.clone();
    return copy;
  }

  /** The id of `p`, allocating one on first sight. */
  intern(p: P): PackageId {
    const key = this.#key(p);
    let id = this.#packageIds.get(key);
    if (id === undefined) {
      id = this.#packages.length;
      this.#packages.push(p);
      this.#packageIds.set(key, id);
      this.#byPackage.push([]);
    }
    return id;
  }

  /** The id of `p` if it was seen. */
  idOf(p: P): PackageId | undefined {
    return this.#packageIds.get(this.#key(p));
  }

  /** The package of an id. */
  package(id: PackageId): P {
    if (id < 0 || id >= this.#packages.length) {
      throw new RangeError(`pubgrub: unknown package id ${id}`);
    }
    return this.#packages[id] as P;
  }

  /** How many packages were seen. */
  get packageCount(): number {
    return this.#packages.length;
  }

  /** The incompatibility of an id. */
  incompatibility(id: IncompatibilityId): Incompatibility<V, R, M> {
    const incompat = this.#store[id];
    if (incompat === undefined) throw new RangeError(`pubgrub: unknown incompatibility id ${id}`);
    return incompat;
  }

  /** The ids of the live incompatibilities that mention `pkg`, oldest first. */
  incompatibilitiesOf(pkg: PackageId): readonly IncompatibilityId[] {
    return this.#byPackage[pkg] ?? [];
  }

  /** The partial solution (decisions and derivations so far). */
  get partialSolution(): PartialSolution<V, R> {
    return this.#partial;
  }

  /** The decided packages and versions, in decision order: the solution once nothing is left. */
  solution(): Map<P, V> {
    const out = new Map<P, V>();
    for (const [pkg, version] of this.#partial.solution()) out.set(this.#packages[pkg]!, version);
    return out;
  }

  /** Adds an incompatibility the resolver knows about (no versions, a custom reason...). */
  addIncompatibility(incompat: Incompatibility<V, R, M>): IncompatibilityId {
    const id = this.#alloc(incompat);
    this.#merge(id);
    return id;
  }

  #alloc(incompat: Incompatibility<V, R, M>): IncompatibilityId {
    this.#store.push(incompat);
    return this.#store.length - 1;
  }

  /**
   * Records the dependencies of `pkg` at `version` and decides that version, unless one of them
   * already conflicts with the partial solution; then returns that dependency's incompatibility
   * (and makes no decision), so the next unit propagation rules the version out.
   */
  addPackageVersionDependencies(
    pkg: PackageId,
    version: V,
    dependencies: Iterable<readonly [P, R]>,
  ): IncompatibilityId | undefined {
    const singleton = this.sets.singleton(version);
    const added: IncompatibilityId[] = [];
    for (const [dependency, range] of dependencies) {
      const depId = this.intern(dependency);
      const incompat = Incompatibility.fromDependency<V, R, M>(pkg, singleton, depId, range);
      // A package depending on a range holding its own version says nothing.
      if (incompat.isVacuous()) continue;
      const id = this.#alloc(incompat);
      added.push(id);
      this.#merge(id);
    }
    const partial = this.#partial;
    // Until the first backtrack nothing has gone wrong, so a conflict is unlikely; deciding
    // without checking costs at most one backtrack.
    if (partial.hasBacktracked()) {
      const decided = Term.positive<V, R>(singleton);
      for (const id of added) {
        const incompat = this.#store[id]!;
        const satisfied = incompat.packages.every((p, i) => {
          const assigned = p === pkg ? decided : partial.termOf(p);
          return (
            assigned !== undefined && incompat.terms[i]!.relationWith(assigned) === "satisfied"
          );
        });
        if (satisfied) return id;
      }
    }
    partial.addDecision(pkg, version, singleton);
    return undefined;
  }

  /** Decides `version` for `pkg` directly (its dependencies are already known). */
  addDecision(pkg: PackageId, version: V): void {
    this.#partial.addDecision(pkg, version, this.sets.singleton(version));
  }

  /**
   * Backtracks to just before `pkg` was decided, to let a resolver reorder decisions. Returns how
   * many decisions were undone, or `undefined` if `pkg` is not decided.
   */
  backtrackPackage(pkg: PackageId): number | undefined {
    const before = this.#partial.currentLevel;
    const level = this.#partial.backtrackBefore(pkg);
    return level === undefined ? undefined : before - level;
  }

  /**
   * Stores an incompatibility in the per-package index, first merging a dependency with an
   * earlier one of the same dependent on the same range (`a 1 → b <2` and `a 2 → b <2` become
   * `a 1 | 2 → b <2`): far fewer incompatibilities, and the solver reasons about many versions
   * of a package at once.
   */
  #merge(id: IncompatibilityId): void {
    let incompat = this.#store[id]!;
    const kind = incompat.kind;
    if (kind.type === "fromDependencyOf" && kind.package !== kind.dependency) {
      // The range's text only narrows the bucket; equality is checked on the sets themselves.
      const bucketKey = `${kind.package}\0${kind.dependency}\0${kind.dependencyVersions}`;
      let bucket = this.#mergeBuckets.get(bucketKey);
      if (bucket === undefined) {
        bucket = [];
        this.#mergeBuckets.set(bucketKey, bucket);
      }
      let mergedAt = -1;
      for (let i = 0; i < bucket.length; i++) {
        const past = bucket[i]!;
        const merged = Incompatibility.mergeDependents(incompat, this.#store[past]!);
        if (merged === undefined) continue;
        const mergedId = this.#alloc(merged);
        for (const p of merged.packages) {
          const list = this.#byPackage[p]!;
          const at = list.indexOf(past);
          if (at !== -1) list.splice(at, 1);
        }
        bucket[i] = mergedId;
        id = mergedId;
        incompat = merged;
        mergedAt = i;
        break;
      }
      if (mergedAt === -1) bucket.push(id);
    }
    for (const p of incompat.packages) this.#byPackage[p]!.push(id);
  }

  /**
   * Unit propagation (the heart of PubGrub): starting from `pkg`, derives every term the
   * incompatibilities force, resolving conflicts (learning incompatibilities and backjumping) as
   * they appear. Fails with the derivation tree when the root itself is ruled out.
   *
   * On success, returns the satisfier causes met while resolving conflicts, which resolvers use
   * for conflict statistics.
   */
  unitPropagation(pkg: PackageId): PropagationResult<P, V, R, M> {
    const partial = this.#partial;
    const causes: SatisfierCause[] = [];
    const pending: PackageId[] = [pkg];
    while (pending.length > 0) {
      const current = pending.pop()!;
      const ids = this.#byPackage[current]!;
      let conflict: IncompatibilityId | undefined;
      // Newest first: learned incompatibilities are the most useful.
      for (let i = ids.length - 1; i >= 0; i--) {
        const id = ids[i]!;
        if (partial.isContradicted(id)) continue;
        const relation = this.#relation(this.#store[id]!);
        if (relation === SATISFIED) {
          conflict = id;
          break;
        }
        if (relation === CONTRADICTED) {
          partial.markContradicted(id);
        } else if (relation !== INCONCLUSIVE) {
          // Almost satisfied: the last term must be false.
          if (!pending.includes(relation)) pending.push(relation);
          partial.addDerivation(relation, id, this.#store[id]!);
          partial.markContradicted(id);
        }
      }
      if (conflict !== undefined) {
        const resolved = this.#conflictResolution(conflict, causes);
        if (typeof resolved === "number")
          return { ok: false, tree: this.#derivationTree(resolved) };
        const [almost, rootCause] = resolved;
        pending.length = 0;
        pending.push(almost);
        partial.addDerivation(almost, rootCause, this.#store[rootCause]!);
        partial.markContradicted(rootCause);
      }
    }
    return { ok: true, satisfierCauses: causes };
  }

  /**
   * How the partial solution relates to `incompat`: {@link SATISFIED}, {@link CONTRADICTED},
   * {@link INCONCLUSIVE}, or (almost satisfied) the id of the one package whose term is
   * undecided.
   */
  #relation(incompat: Incompatibility<V, R, M>): number {
    const partial = this.#partial;
    let relation = SATISFIED;
    const { packages, terms } = incompat;
    for (let i = 0; i < packages.length; i++) {
      const p = packages[i]!;
      const assigned = partial.termOf(p);
      const r = assigned === undefined ? "inconclusive" : terms[i]!.relationWith(assigned);
      if (r === "satisfied") continue;
      if (r === "contradicted") return CONTRADICTED;
      if (relation !== SATISFIED) return INCONCLUSIVE;
      relation = p;
    }
    return relation;
  }

  /**
   * Conflict resolution: from a satisfied incompatibility, derives the root cause that holds
   * before the last decision that made it true, backjumps there, and returns the package to
   * derive from it. Returns a terminal incompatibility's id when there is no solution.
   */
  #conflictResolution(
    conflict: IncompatibilityId,
    causes: SatisfierCause[],
  ): [PackageId, IncompatibilityId] | IncompatibilityId {
    let currentId = conflict;
    let changed = false;
    for (;;) {
      const current = this.#store[currentId]!;
      if (current.isTerminal(this.root, this.rootVersion)) return currentId;
      const { package: pkg, search } = this.#partial.satisfierSearch(
        current,
        (id) => this.#store[id]!,
      );
      if (search.type === "differentLevels") {
        this.#partial.backtrack(search.previousLevel);
        if (changed) this.#merge(currentId);
        causes.push({ package: pkg, incompatibility: currentId });
        return [pkg, currentId];
      }
      const prior = Incompatibility.priorCause(
        current,
        currentId,
        this.#store[search.satisfierCause]!,
        search.satisfierCause,
        pkg,
      );
      currentId = this.#alloc(prior);
      causes.push({ package: pkg, incompatibility: currentId });
      changed = true;
    }
  }

  /** The derivation tree of a terminal incompatibility, marking nodes reached more than once. */
  #derivationTree(terminal: IncompatibilityId): DerivationTree<P, V, R, M> {
    const seen = new Set<IncompatibilityId>();
    const shared = new Set<IncompatibilityId>();
    const stack = [terminal];
    while (stack.length > 0) {
      const id = stack.pop()!;
      const kind = this.#store[id]!.kind;
      if (kind.type === "derived") {
        if (seen.has(id)) shared.add(id);
        else stack.push(kind.cause1, kind.cause2);
      }
      seen.add(id);
    }
    // Causes always have smaller ids than what they caused, so ascending order builds children
    // first.
    const built = new Map<IncompatibilityId, DerivationTree<P, V, R, M>>();
    for (const id of [...seen].sort((a, b) => a - b)) {
      const incompat = this.#store[id]!;
      built.set(id, this.#node(id, incompat.kind, incompat, shared, built));
    }
    return built.get(terminal)!;
  }

  #node(
    id: IncompatibilityId,
    kind: IncompatibilityKind<V, R, M>,
    incompat: Incompatibility<V, R, M>,
    shared: ReadonlySet<IncompatibilityId>,
    built: ReadonlyMap<IncompatibilityId, DerivationTree<P, V, R, M>>,
  ): DerivationTree<P, V, R, M> {
    const pkg = (p: PackageId): P => this.#packages[p]!;
    switch (kind.type) {
      case "derived": {
        const terms = new Map<P, Term<V, R>>();
        for (let i = 0; i < incompat.packages.length; i++) {
          terms.set(pkg(incompat.packages[i]!), incompat.terms[i]!);
        }
        const node: Derived<P, V, R, M> = {
          type: "derived",
          terms,
          sharedId: shared.has(id) ? id : undefined,
          cause1: built.get(kind.cause1)!,
          cause2: built.get(kind.cause2)!,
        };
        return node;
      }
      case "notRoot":
        return { type: "notRoot", package: pkg(kind.package), version: kind.version };
      case "noVersions":
        return { type: "noVersions", package: pkg(kind.package), set: kind.set };
      case "unavailable":
        return {
          type: "unavailable",
          package: pkg(kind.package),
          set: kind.set,
          reason: kind.reason,
        };
      case "custom":
        return { type: "custom", package: pkg(kind.package), set: kind.set, reason: kind.reason };
      case "fromDependencyOf": {
        const external: External<P, V, R, M> = {
          type: "fromDependencyOf",
          package: pkg(kind.package),
          versions: kind.versions,
          dependency: pkg(kind.dependency),
          dependencyVersions: kind.dependencyVersions,
        };
        return external;
      }
    }
  }

  /**
   * Re-prioritises the packages whose range changed (through `prioritize`) and takes the most
   * urgent undecided package with its range, or `undefined` when all are decided: the solution.
   */
  pickHighestPriority(
    prioritize: (pkg: PackageId, range: R) => Priority,
  ): [PackageId, R] | undefined {
    return this.#partial.pickHighestPriority(prioritize);
  }
}

// Relations of an incompatibility other than "almost satisfied" (which is a package id >= 0).
const SATISFIED = -1;
const CONTRADICTED = -2;
const INCONCLUSIVE = -3;
