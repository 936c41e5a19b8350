import type { Version, VersionRange } from "@uv-ts/pep440";
import type { DerivationTree, Derived, External, Term } from "@uv-ts/pubgrub";
import { type PythonPackage, packageKey } from "../package.ts";
import type { UnavailableReason } from "../unavailable.ts";

/** The derivation tree of a failed resolution. */
export type ErrorTree = DerivationTree<PythonPackage, Version, VersionRange, UnavailableReason>;
/** A leaf of {@link ErrorTree}. */
export type ErrorExternal = External<PythonPackage, Version, VersionRange, UnavailableReason>;
/** An inner node of {@link ErrorTree}. */
export type ErrorDerived = Derived<PythonPackage, Version, VersionRange, UnavailableReason>;
/** The terms of a derived node. */
export type ErrorTerms = ReadonlyMap<PythonPackage, Term<Version, VersionRange>>;

/** The parts of a derived node that a transformation may rebuild it from. */
export interface DerivedMeta {
  terms: ErrorTerms;
  sharedId: number | undefined;
}

/** A derived node from its parts. */
export function derived(meta: DerivedMeta, cause1: ErrorTree, cause2: ErrorTree): ErrorTree {
  return { type: "derived", terms: meta.terms, sharedId: meta.sharedId, cause1, cause2 };
}

/**
 * Rebuilds a tree bottom-up: leaves through `external`, inner nodes through `inner` with their
 * already rebuilt causes. Either may drop a node (`undefined`). A node reached twice (a shared
 * derivation) is rebuilt once.
 */
export function transformTree(
  tree: ErrorTree,
  external: (e: ErrorExternal) => ErrorTree | undefined,
  inner: (
    meta: DerivedMeta,
    cause1: ErrorTree | undefined,
    cause2: ErrorTree | undefined,
  ) => ErrorTree | undefined,
): ErrorTree | undefined {
  const memo = new Map<ErrorTree, ErrorTree | undefined>();
  const visit = (node: ErrorTree): ErrorTree | undefined => {
    if (memo.has(node)) return memo.get(node);
    let result: ErrorTree | undefined;
    if (node.type === "derived") {
      const cause1 = visit(node.cause1);
      const cause2 = visit(node.cause2);
      result = inner({ terms: node.terms, sharedId: node.sharedId }, cause1, cause2);
    } else {
      result = external(node);
    }
    memo.set(node, result);
    return result;
  };
  return visit(tree);
}

/** {@link transformTree} where nothing is dropped. */
export function mapTree(
  tree: ErrorTree,
  external: (e: ErrorExternal) => ErrorTree,
  inner: (meta: DerivedMeta, cause1: ErrorTree, cause2: ErrorTree) => ErrorTree,
): ErrorTree {
  return transformTree(tree, external, (meta, c1, c2) => inner(meta, c1!, c2!))!;
}

/** Whether two packages are the same. */
export function samePackage(a: PythonPackage, b: PythonPackage): boolean {
  return a === b || packageKey(a) === packageKey(b);
}

/** The term about `pkg` in `terms`. */
export function termOf(
  terms: ErrorTerms,
  pkg: PythonPackage,
): Term<Version, VersionRange> | undefined {
  const direct = terms.get(pkg);
  if (direct !== undefined) return direct;
  const key = packageKey(pkg);
  for (const [p, t] of terms) if (packageKey(p) === key) return t;
  return undefined;
}

/** `terms` with each term mapped. */
export function mapTerms(
  terms: ErrorTerms,
  f: (pkg: PythonPackage, term: Term<Version, VersionRange>) => Term<Version, VersionRange>,
): ErrorTerms {
  const out = new Map<PythonPackage, Term<Version, VersionRange>>();
  for (const [p, t] of terms) out.set(p, f(p, t));
  return out;
}

/** Every package a tree mentions. */
export function treePackages(tree: ErrorTree): PythonPackage[] {
  const out = new Map<string, PythonPackage>();
  const seen = new Set<ErrorTree>();
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.type === "derived") {
      for (const p of node.terms.keys()) out.set(packageKey(p), p);
      stack.push(node.cause1, node.cause2);
    } else {
      out.set(packageKey(node.package), node.package);
      if (node.type === "fromDependencyOf") out.set(packageKey(node.dependency), node.dependency);
    }
  }
  return [...out.values()];
}
