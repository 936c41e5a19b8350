import type { Term } from "./term.ts";
import type { VersionSet } from "./version-set.ts";

/** A fact the solver was given rather than learned: a leaf of the derivation tree. */
export type External<P, V, R, M = string> =
  /** The root package must be selected at its version. */
  | { readonly type: "notRoot"; readonly package: P; readonly version: V }
  /** There is no version of `package` in `set`. */
  | { readonly type: "noVersions"; readonly package: P; readonly set: R }
  /** `package` at `versions` depends on `dependency` at `dependencyVersions`. */
  | {
      readonly type: "fromDependencyOf";
      readonly package: P;
      readonly versions: R;
      readonly dependency: P;
      readonly dependencyVersions: R;
    }
  /** The provider could not give the dependencies of `package` at `set`. */
  | { readonly type: "unavailable"; readonly package: P; readonly set: R; readonly reason: string }
  /** A reason of the resolver's own. */
  | { readonly type: "custom"; readonly package: P; readonly set: R; readonly reason: M };

/** An incompatibility learned from two others: an inner node of the derivation tree. */
export interface Derived<P, V, R extends VersionSet<V, R>, M = string> {
  readonly type: "derived";
  /** The terms of the incompatibility, by package. */
  readonly terms: ReadonlyMap<P, Term<V, R>>;
  /**
   * Set when this node appears more than once in the tree (the same object is reused): a unique
   * number, so a report can explain it once and refer back to it.
   */
  readonly sharedId: number | undefined;
  /** The incompatibility that was resolved... */
  readonly cause1: DerivationTree<P, V, R, M>;
  /** ...against the cause of its satisfier. */
  readonly cause2: DerivationTree<P, V, R, M>;
}

/**
 * Why there is no solution: the root incompatibility ("version solving failed") and how it was
 * derived, down to external facts. Plain data, so resolvers can render their own reports.
 */
export type DerivationTree<P, V, R extends VersionSet<V, R>, M = string> =
  | External<P, V, R, M>
  | Derived<P, V, R, M>;

/** Every package the tree mentions, in first-seen order. */
export function treePackages<P, V, R extends VersionSet<V, R>, M>(
  tree: DerivationTree<P, V, R, M>,
): Set<P> {
  const out = new Set<P>();
  const seen = new Set<Derived<P, V, R, M>>();
  const visit = (node: DerivationTree<P, V, R, M>): void => {
    if (node.type !== "derived") {
      out.add(node.package);
      if (node.type === "fromDependencyOf") out.add(node.dependency);
      return;
    }
    if (seen.has(node)) return;
    seen.add(node);
    for (const p of node.terms.keys()) out.add(p);
    visit(node.cause1);
    visit(node.cause2);
  };
  visit(tree);
  return out;
}

/**
 * Folds each "there is no version of X in S" leaf into the fact it was resolved with, as
 * pubgrub-rs's `collapse_no_versions` does: `a 1 depends on b >=2` and "no b in <1" become
 * `a 1 depends on b <1 | >=2` (or the derived sibling replaces the pair). Reports read much
 * better, but only do it when the provider saw every version (not offline, say): the collapsed
 * report no longer says which versions were missing. Returns a new tree; `samePackage` says
 * whether two packages are the same (default `===`).
 */
export function collapseNoVersions<P, V, R extends VersionSet<V, R>, M>(
  tree: DerivationTree<P, V, R, M>,
  samePackage: (a: P, b: P) => boolean = Object.is,
): DerivationTree<P, V, R, M> {
  // Shared nodes collapse the same way wherever they appear; memoising keeps the walk linear.
  const memo = new Map<Derived<P, V, R, M>, DerivationTree<P, V, R, M>>();
  const collapse = (node: DerivationTree<P, V, R, M>): DerivationTree<P, V, R, M> => {
    if (node.type !== "derived") return node;
    const cached = memo.get(node);
    if (cached !== undefined) return cached;
    let result: DerivationTree<P, V, R, M>;
    const { cause1, cause2 } = node;
    if (cause1.type === "noVersions") {
      const collapsed = collapse(cause2);
      result = mergeNoVersions(collapsed, cause1.package, cause1.set, samePackage) ?? {
        ...node,
        cause2: collapsed,
      };
    } else if (cause2.type === "noVersions") {
      const collapsed = collapse(cause1);
      result = mergeNoVersions(collapsed, cause2.package, cause2.set, samePackage) ?? {
        ...node,
        cause1: collapsed,
      };
    } else {
      result = { ...node, cause1: collapse(cause1), cause2: collapse(cause2) };
    }
    memo.set(node, result);
    return result;
  };
  return collapse(tree);
}

function mergeNoVersions<P, V, R extends VersionSet<V, R>, M>(
  tree: DerivationTree<P, V, R, M>,
  pkg: P,
  set: R,
  samePackage: (a: P, b: P) => boolean,
): DerivationTree<P, V, R, M> | undefined {
  switch (tree.type) {
    // A derived sibling stands in for the pair (pubgrub-rs does not merge into it either).
    case "derived":
      return tree;
    case "notRoot":
      throw new Error("pubgrub: a no-versions fact was resolved against the root fact");
    // Two missing-version facts may have different reasons.
    case "noVersions":
      return undefined;
    case "unavailable":
    case "custom":
      return { ...tree, package: pkg, set: set.union(tree.set) };
    case "fromDependencyOf":
      return samePackage(tree.package, pkg)
        ? { ...tree, versions: tree.versions.union(set) }
        : { ...tree, dependencyVersions: tree.dependencyVersions.union(set) };
  }
}
