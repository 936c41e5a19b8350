import { Term } from "./term.ts";
import type { VersionSet } from "./version-set.ts";

/** A package as the solver stores it: its index in the state's package store. */
export type PackageId = number;

/** An incompatibility as the solver stores it: its index in the state's incompatibility store. */
export type IncompatibilityId = number;

/**
 * Why an incompatibility holds. Every kind but `derived` is "external": a fact the solver was
 * told rather than one it learned.
 */
export type IncompatibilityKind<V, R, M> =
  /** The root package must be selected at the root version. */
  | { readonly type: "notRoot"; readonly package: PackageId; readonly version: V }
  /** The provider has no version of `package` in `set`. */
  | { readonly type: "noVersions"; readonly package: PackageId; readonly set: R }
  /** `package` at `versions` depends on `dependency` at `dependencyVersions`. */
  | {
      readonly type: "fromDependencyOf";
      readonly package: PackageId;
      readonly versions: R;
      readonly dependency: PackageId;
      readonly dependencyVersions: R;
    }
  /** The provider could not give the dependencies of `package` at `set`. */
  | {
      readonly type: "unavailable";
      readonly package: PackageId;
      readonly set: R;
      readonly reason: string;
    }
  /** A reason of the resolver's own (a missing build, an offline cache miss...). */
  | { readonly type: "custom"; readonly package: PackageId; readonly set: R; readonly reason: M }
  /** Learned during conflict resolution from two earlier incompatibilities. */
  | {
      readonly type: "derived";
      readonly cause1: IncompatibilityId;
      readonly cause2: IncompatibilityId;
    };

/**
 * A set of terms that must never all be true at once, with the reason it holds. Immutable; the
 * state keeps per-run facts about it (such as "already contradicted") on the side, so clones of a
 * state share incompatibilities.
 *
 * Terms are stored as parallel arrays because there are almost always one to three of them.
 */
export class Incompatibility<V, R extends VersionSet<V, R>, M = string> {
  /** The packages of the terms, without duplicates. */
  readonly packages: readonly PackageId[];
  /** `terms[i]` is the term about `packages[i]`; none is "any". */
  readonly terms: readonly Term<V, R>[];
  /** Why the incompatibility holds. */
  readonly kind: IncompatibilityKind<V, R, M>;

  private constructor(
    packages: readonly PackageId[],
    terms: readonly Term<V, R>[],
    kind: IncompatibilityKind<V, R, M>,
  ) {
    this.packages = packages;
    this.terms = terms;
    this.kind = kind;
  }

  /** `{ not root ==version }`: drives the solver into selecting the root. */
  static notRoot<V, R extends VersionSet<V, R>, M>(
    root: PackageId,
    version: V,
    rootSet: R,
  ): Incompatibility<V, R, M> {
    return new Incompatibility([root], [Term.negative(rootSet)], {
      type: "notRoot",
      package: root,
      version,
    });
  }

  /** `{ package ∈ set }`: no version in `set` exists. */
  static noVersions<V, R extends VersionSet<V, R>, M>(
    pkg: PackageId,
    set: R,
  ): Incompatibility<V, R, M> {
    return new Incompatibility([pkg], [Term.positive(set)], {
      type: "noVersions",
      package: pkg,
      set,
    });
  }

  /** `{ package ∈ set }` because the provider could not list its dependencies. */
  static unavailable<V, R extends VersionSet<V, R>, M>(
    pkg: PackageId,
    set: R,
    reason: string,
  ): Incompatibility<V, R, M> {
    return new Incompatibility<V, R, M>([pkg], [Term.positive(set)], {
      type: "unavailable",
      package: pkg,
      set,
      reason,
    });
  }

  /** `{ package ∈ set }` for a reason of the resolver's own. */
  static custom<V, R extends VersionSet<V, R>, M>(
    pkg: PackageId,
    set: R,
    reason: M,
  ): Incompatibility<V, R, M> {
    return new Incompatibility([pkg], [Term.positive(set)], {
      type: "custom",
      package: pkg,
      set,
      reason,
    });
  }

  /**
   * `{ package ∈ versions, not dependency ∈ dependencyVersions }`. An empty dependency range
   * leaves only the first term (those versions cannot be used). A package depending on itself
   * collapses to one term over the versions that contradict themselves, which may be empty: such
   * an incompatibility can never be satisfied.
   */
  static fromDependency<V, R extends VersionSet<V, R>, M>(
    pkg: PackageId,
    versions: R,
    dependency: PackageId,
    dependencyVersions: R,
  ): Incompatibility<V, R, M> {
    const kind = {
      type: "fromDependencyOf",
      package: pkg,
      versions,
      dependency,
      dependencyVersions,
    } as const;
    if (pkg === dependency) {
      const set = versions.intersection(dependencyVersions.complement());
      return new Incompatibility([pkg], [Term.positive(set)], kind);
    }
    if (dependencyVersions.isEmpty()) {
      return new Incompatibility([pkg], [Term.positive(versions)], kind);
    }
    return new Incompatibility(
      [pkg, dependency],
      [Term.positive(versions), Term.negative(dependencyVersions)],
      kind,
    );
  }

  /**
   * The rule of resolution: from `incompat` and the `satisfierCause` that decided `pkg`, the
   * incompatibility holding the other terms of both and the union of their terms about `pkg`.
   */
  static priorCause<V, R extends VersionSet<V, R>, M>(
    incompat: Incompatibility<V, R, M>,
    incompatId: IncompatibilityId,
    satisfierCause: Incompatibility<V, R, M>,
    satisfierCauseId: IncompatibilityId,
    pkg: PackageId,
  ): Incompatibility<V, R, M> {
    const packages: PackageId[] = [];
    const terms: Term<V, R>[] = [];
    for (let i = 0; i < incompat.packages.length; i++) {
      const p = incompat.packages[i]!;
      if (p === pkg) continue;
      packages.push(p);
      terms.push(incompat.terms[i]!);
    }
    for (let i = 0; i < satisfierCause.packages.length; i++) {
      const p = satisfierCause.packages[i]!;
      if (p === pkg) continue;
      const at = packages.indexOf(p);
      if (at === -1) {
        packages.push(p);
        terms.push(satisfierCause.terms[i]!);
      } else {
        terms[at] = terms[at]!.intersection(satisfierCause.terms[i]!);
      }
    }
    const own = incompat.get(pkg);
    const theirs = satisfierCause.get(pkg);
    if (own !== undefined && theirs !== undefined) {
      const term = own.union(theirs);
      if (!term.isAny()) {
        packages.push(pkg);
        terms.push(term);
      }
    }
    return new Incompatibility(packages, terms, {
      type: "derived",
      cause1: incompatId,
      cause2: satisfierCauseId,
    });
  }

  /**
   * Two dependency incompatibilities of the same dependent on the same dependency range, merged
   * into one over the union of the dependent's versions (`a 1 → b` and `a 2 → b` become
   * `a 1 | 2 → b`), or `undefined` when they do not have that shape.
   */
  static mergeDependents<V, R extends VersionSet<V, R>, M>(
    a: Incompatibility<V, R, M>,
    b: Incompatibility<V, R, M>,
  ): Incompatibility<V, R, M> | undefined {
    const x = a.kind;
    const y = b.kind;
    if (x.type !== "fromDependencyOf" || y.type !== "fromDependencyOf") return undefined;
    if (x.package !== y.package || x.dependency !== y.dependency || x.package === x.dependency) {
      return undefined;
    }
    if (!x.dependencyVersions.equals(y.dependencyVersions)) return undefined;
    return Incompatibility.fromDependency(
      x.package,
      x.versions.union(y.versions),
      x.dependency,
      x.dependencyVersions,
    );
  }

  /** The term about `pkg`, if the incompatibility has one. */
  get(pkg: PackageId): Term<V, R> | undefined {
    const i = this.packages.indexOf(pkg);
    return i === -1 ? undefined : this.terms[i];
  }

  /** Whether some term can never hold (an empty positive term), so the whole never can either. */
  isVacuous(): boolean {
    return this.terms.some((t) => t.positive && t.set.isEmpty());
  }

  /**
   * Whether the incompatibility ends the search: it has no term, or its only term is about the
   * root and holds for the root version.
   */
  isTerminal(root: PackageId, rootVersion: V): boolean {
    if (this.packages.length === 0) return true;
    if (this.packages.length > 1) return false;
    return this.packages[0] === root && this.terms[0]!.contains(rootVersion);
  }
}
