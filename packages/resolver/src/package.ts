import type { ExtraName, PackageName } from "@uv-ts/normalize";
import { type MarkerNode, MarkerTree } from "@uv-ts/pep508";

/**
 * A package as the solver sees it. Besides real distributions (`package`, optionally the
 * variant of one extra), the resolution has a `root` (the user's requirements), the target
 * `python` (so that `Requires-Python` conflicts read as dependencies on Python), and two kinds of
 * proxy: `extra` (`name[extra]` as a requirement names it, pinning the base package and its extra
 * variant to one version) and `marker` (a requirement guarded by an environment marker).
 *
 * Proxies keep the solver from fetching metadata for versions that the base package already rules
 * out, and make reports name the requirement as it was written.
 */
export type PythonPackage =
  | { readonly kind: "root" }
  | { readonly kind: "python"; readonly python: "installed" | "target" }
  | {
      readonly kind: "package";
      readonly name: PackageName;
      readonly extra: ExtraName | undefined;
      readonly marker: MarkerTree;
    }
  | {
      readonly kind: "extra";
      readonly name: PackageName;
      readonly extra: ExtraName;
      readonly marker: MarkerTree;
    }
  | { readonly kind: "marker"; readonly name: PackageName; readonly marker: MarkerTree };

/** The root of every resolution. */
export const ROOT_PACKAGE: PythonPackage = { kind: "root" };

/** The target Python, which `Requires-Python` conflicts depend on. */
export const TARGET_PYTHON: PythonPackage = { kind: "python", python: "target" };

/** The installed Python (when resolving for the interpreter itself). */
export const INSTALLED_PYTHON: PythonPackage = { kind: "python", python: "installed" };

/** A plain package, no extra, no marker. */
export function basePackage(name: PackageName): PythonPackage {
  return { kind: "package", name, extra: undefined, marker: MarkerTree.TRUE };
}

/**
 * The package a requirement of `name` (with an optional extra) under `marker` stands for. Extra
 * expressions are dropped from the marker first: extras are tracked by the package itself.
 */
export function packageFor(
  name: PackageName,
  extra: ExtraName | undefined,
  marker: MarkerTree,
): PythonPackage {
  const stripped = withoutExtras(marker);
  if (extra !== undefined) return { kind: "extra", name, extra, marker: stripped };
  if (!stripped.isTrue()) return { kind: "marker", name, marker: stripped };
  return basePackage(name);
}

/** The distribution name of a package (`undefined` for the root and Python). */
export function packageName(p: PythonPackage): PackageName | undefined {
  return p.kind === "root" || p.kind === "python" ? undefined : p.name;
}

/** Whether `p` is a proxy (its only dependencies pin real packages to its own version). */
export function isProxy(p: PythonPackage): boolean {
  return p.kind === "extra" || p.kind === "marker";
}

/** The base package of a proxy. */
export function proxyBase(p: PythonPackage): PythonPackage | undefined {
  return p.kind === "extra" || p.kind === "marker" ? basePackage(p.name) : undefined;
}

/** A unique key per package (two packages with the same key are the same package). */
export function packageKey(p: PythonPackage): string {
  switch (p.kind) {
    case "root":
      return "root";
    case "python":
      return `python:${p.python}`;
    case "package":
      return `p:${p.name}[${p.extra ?? ""}]{${p.marker}}`;
    case "extra":
      return `e:${p.name}[${p.extra}]{${p.marker}}`;
    case "marker":
      return `m:${p.name}{${p.marker}}`;
  }
}

/** How uv prints a package: `foo`, `foo[bar]`, `foo{sys_platform == 'linux'}`, `Python`. */
export function formatPackage(p: PythonPackage): string {
  switch (p.kind) {
    case "root":
      return "root";
    case "python":
      return "Python";
    case "package": {
      const base = p.extra === undefined ? p.name : `${p.name}[${p.extra}]`;
      return p.marker.isTrue() ? base : `${base}{${p.marker}}`;
    }
    case "extra":
      return `${p.name}[${p.extra}]`;
    case "marker":
      return p.marker.isTrue() ? p.name : `${p.name}{${p.marker}}`;
  }
}

const KIND_RANK: Readonly<Record<PythonPackage["kind"], number>> = {
  root: 0,
  python: 1,
  package: 2,
  extra: 3,
  marker: 4,
};

/**
 * uv's order of packages (variant first, then name, extra and marker), which reports use to list
 * the terms of an incompatibility deterministically.
 */
export function comparePackages(a: PythonPackage, b: PythonPackage): number {
  const rank = KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (rank !== 0) return rank;
  if (a.kind === "python" && b.kind === "python") {
    return a.python === b.python ? 0 : a.python === "installed" ? -1 : 1;
  }
  const an = packageName(a) ?? "";
  const bn = packageName(b) ?? "";
  if (an !== bn) return an < bn ? -1 : 1;
  const ae = a.kind === "package" || a.kind === "extra" ? (a.extra ?? "") : "";
  const be = b.kind === "package" || b.kind === "extra" ? (b.extra ?? "") : "";
  if (ae !== be) return ae < be ? -1 : 1;
  const am = a.kind === "root" || a.kind === "python" ? "" : String(a.marker);
  const bm = b.kind === "root" || b.kind === "python" ? "" : String(b.marker);
  return am === bm ? 0 : am < bm ? -1 : 1;
}

/** `marker` with every `extra == '...'` comparison treated as true. */
export function withoutExtras(marker: MarkerTree): MarkerTree {
  const strip = (node: MarkerNode): MarkerNode => {
    switch (node.kind) {
      case "true":
      case "false":
        return node;
      case "expression":
        return node.expression.kind === "extra" ? { kind: "true" } : node;
      case "and":
      case "or": {
        let result = MarkerTree.fromNode(
          node.kind === "and" ? { kind: "true" } : { kind: "false" },
        );
        for (const child of node.children) {
          const stripped = MarkerTree.fromNode(strip(child));
          result = node.kind === "and" ? result.and(stripped) : result.or(stripped);
        }
        return result.node;
      }
    }
  };
  return MarkerTree.fromNode(strip(marker.node));
}
