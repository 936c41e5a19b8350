import type { PackageName } from "@uv-ts/normalize";
import { type Version, VersionRange } from "@uv-ts/pep440";
import { Term } from "@uv-ts/pubgrub";
import type { PrereleaseSelection } from "../candidate-selector.ts";
import { isProxy, type PythonPackage, packageName } from "../package.ts";
import { sameReason } from "../unavailable.ts";
import { narrowToKnown, rangeOf } from "../version-gaps.ts";
import { isLocalVersionComplement, stripSentinels } from "./range-display.ts";
import {
  derived,
  type ErrorDerived,
  type ErrorTerms,
  type ErrorTree,
  mapTerms,
  mapTree,
  samePackage,
  termOf,
  transformTree,
} from "./tree.ts";

/**
 * The rewrites uv applies to a derivation tree before reporting it, in uv's order. Each makes
 * the report shorter or truer to what the user can act on; none changes what it concludes.
 */
export interface SimplifyContext {
  /** Versions that survived `--exclude-newer`, ascending, per package (visited packages only). */
  readonly includedVersions: ReadonlyMap<PackageName, readonly Version[]>;
  /** The versions the resolver widened sets across, per package. */
  readonly knownVersions: ReadonlyMap<PackageName, readonly Version[]>;
  /** Packages whose pre-releases are never considered. */
  readonly prereleaseSelection: (name: PackageName) => PrereleaseSelection;
}

/** Runs every simplification uv runs, in order. */
export function simplifyTree(tree: ErrorTree, context: SimplifyContext): ErrorTree {
  let t = collapseProxies(tree);
  t = collapseLocalVersionSegments(t);
  t = narrowWidenedSets(t, context.knownVersions);
  t = collapseUnavailableVersions(t);
  t = collapseRedundantDependsOnNoVersions(t);
  t = simplifyRanges(t, context);
  t = restateAvailableVersions(t, context.includedVersions);
  t = collapseRedundantNoVersions(t);
  for (;;) {
    const [next, changed] = collapseRedundantNoVersionsTree(t);
    t = next;
    if (!changed) return t;
  }
}

function isProxyDependency(tree: ErrorTree | undefined): boolean {
  return tree?.type === "fromDependencyOf" && isProxy(tree.package);
}

/** Drops the facts "`foo[bar]` depends on `foo`": proxies are an implementation detail. */
export function collapseProxies(tree: ErrorTree): ErrorTree {
  const out = transformTree(
    tree,
    (e) => e,
    (meta, c1, c2) => {
      if (isProxyDependency(c1) && isProxyDependency(c2)) return undefined;
      if (isProxyDependency(c1)) return c2;
      if (isProxyDependency(c2)) return c1;
      if (c1 !== undefined && c2 !== undefined) return derived(meta, c1, c2);
      return c1 ?? c2;
    },
  );
  if (out === undefined) throw new Error("resolver: the derivation tree has no facts left");
  return out;
}

/** Reports `==1.0` rather than its local-version encoding; drops "no local version of 1.0". */
export function collapseLocalVersionSegments(tree: ErrorTree): ErrorTree {
  const out = transformTree(
    tree,
    (e) => {
      switch (e.type) {
        case "notRoot":
          return e;
        case "noVersions":
          if (isLocalVersionComplement(e.set)) return undefined;
          return { ...e, set: stripSentinels(e.set) };
        case "fromDependencyOf":
          return {
            ...e,
            versions: stripSentinels(e.versions),
            dependencyVersions: stripSentinels(e.dependencyVersions),
          };
        case "unavailable":
        case "custom":
          return { ...e, set: stripSentinels(e.set) };
      }
    },
    (meta, c1, c2) => {
      const terms = mapTerms(meta.terms, (_, t) =>
        t.positive ? Term.positive(stripSentinels(t.set)) : Term.negative(stripSentinels(t.set)),
      );
      if (c1 !== undefined && c2 !== undefined) return derived({ ...meta, terms }, c1, c2);
      return c1 ?? c2;
    },
  );
  if (out === undefined) throw new Error("resolver: the derivation tree has no facts left");
  return out;
}

/** The versions of `pkg` a cause is reported as establishing something about. */
function reportedVersions(pkg: PythonPackage, cause: ErrorTree): VersionRange {
  if (cause.type === "derived") {
    const term = termOf(cause.terms, pkg);
    return term?.positive === true ? term.set : VersionRange.empty();
  }
  if (cause.type === "custom" || cause.type === "noVersions" || cause.type === "unavailable") {
    return samePackage(cause.package, pkg) ? cause.set : VersionRange.empty();
  }
  if (cause.type === "fromDependencyOf" && samePackage(cause.package, pkg)) return cause.versions;
  return VersionRange.empty();
}

/**
 * Shrinks the sets the resolver widened over gaps between known versions back onto those
 * versions: `a>1.5.2,<2.0.0` becomes `a==1.5.3` when that is the only version in between; a set
 * with every known version becomes "all versions". Requested ranges are left as written.
 */
export function narrowWidenedSets(
  tree: ErrorTree,
  known: ReadonlyMap<PackageName, readonly Version[]>,
): ErrorTree {
  const listed = (pkg: PythonPackage): readonly Version[] | undefined => {
    const name = packageName(pkg);
    const versions = name === undefined ? undefined : known.get(name);
    return versions === undefined || versions.length === 0 ? undefined : versions;
  };
  const narrow = (pkg: PythonPackage, set: VersionRange): VersionRange => {
    const versions = listed(pkg);
    return versions === undefined ? set : narrowToKnown(set, versions);
  };
  const narrowUnavailable = (pkg: PythonPackage, set: VersionRange): VersionRange => {
    const versions = listed(pkg);
    if (versions === undefined) return set;
    if (versions.length === 1 && set.contains(versions[0]!))
      return VersionRange.singleton(versions[0]!);
    const narrowed = narrowToKnown(set, versions);
    if (narrowed.isFull()) return narrowed;
    const envelope = rangeOf(
      { version: versions[0]!, inclusive: true },
      { version: versions[versions.length - 1]!, inclusive: true },
    );
    const clamped = narrowed.intersection(envelope);
    return clamped.isEmpty() ? narrowed : clamped;
  };
  const narrowConclusion = (
    pkg: PythonPackage,
    set: VersionRange,
    c1: ErrorTree,
    c2: ErrorTree,
  ): VersionRange => {
    const versions = listed(pkg);
    if (versions?.length === 1) {
      const single = VersionRange.singleton(versions[0]!);
      if (
        set.contains(versions[0]!) &&
        reportedVersions(pkg, c1).union(reportedVersions(pkg, c2)).equals(single)
      ) {
        return single;
      }
    }
    return narrow(pkg, set);
  };
  return mapTree(
    tree,
    (e) => {
      if (e.type === "fromDependencyOf") {
        const versions =
          e.dependency.kind === "python"
            ? narrowUnavailable(e.package, e.versions)
            : narrow(e.package, e.versions);
        return { ...e, versions };
      }
      if (e.type === "custom") {
        const set =
          e.reason.type === "version"
            ? narrowUnavailable(e.package, e.set)
            : narrow(e.package, e.set);
        return { ...e, set };
      }
      return e;
    },
    (meta, c1, c2) => {
      const terms = mapTerms(meta.terms, (pkg, t) =>
        t.positive ? Term.positive(narrowConclusion(pkg, t.set, c1, c2)) : t,
      );
      return derived({ ...meta, terms }, c1, c2);
    },
  );
}

/** Merges "`a 1` is unavailable" and "`a 2` is unavailable" (same reason) into one statement. */
export function collapseUnavailableVersions(tree: ErrorTree): ErrorTree {
  const mergeNested = (e: ErrorTree, other: ErrorTree): ErrorTree | undefined => {
    if (e.type !== "custom" || other.type !== "derived") return undefined;
    const merge = (cause: ErrorTree): VersionRange | undefined =>
      cause.type === "custom" &&
      samePackage(cause.package, e.package) &&
      sameReason(cause.reason, e.reason)
        ? cause.set.union(e.set)
        : undefined;
    let merged = merge(other.cause2);
    let mergedIsCause2 = true;
    if (merged === undefined) {
      merged = merge(other.cause1);
      mergedIsCause2 = false;
    }
    if (merged === undefined) return undefined;
    const mergedCause: ErrorTree = { ...e, set: merged };
    const terms = mapTerms(other.terms, (pkg, t) =>
      samePackage(pkg, e.package) && t.positive ? Term.positive(merged) : t,
    );
    const meta = { terms, sharedId: other.sharedId };
    return mergedIsCause2
      ? derived(meta, other.cause1, mergedCause)
      : derived(meta, mergedCause, other.cause2);
  };
  return mapTree(
    tree,
    (e) => e,
    (meta, c1, c2) => {
      const tree2 = mergeNested(c1, c2) ?? mergeNested(c2, c1) ?? derived(meta, c1, c2);
      if (tree2.type === "derived") {
        const merged = mergeSiblings(tree2);
        if (merged !== undefined) return merged;
      }
      return tree2;
    },
  );
}

function mergeSiblings(node: ErrorDerived): ErrorTree | undefined {
  const a = node.cause1;
  const b = node.cause2;
  if (a.type !== "custom" || b.type !== "custom" || !samePackage(a.package, b.package)) {
    return undefined;
  }
  const entries = [...node.terms];
  if (entries.length !== 1) return undefined;
  const [termPackage, term] = entries[0]!;
  if (!term.positive || !samePackage(termPackage, a.package)) return undefined;
  const versions = a.set.union(b.set);
  if (sameReason(a.reason, b.reason)) return { ...a, set: versions };
  if (versions.subsetOf(term.set)) return undefined;
  return derived(
    {
      terms: new Map([[termPackage, Term.positive(term.set.union(versions))]]),
      sharedId: node.sharedId,
    },
    a,
    b,
  );
}

/**
 * "C depends on A>=1,<2" with "A>=1,<2 depends on B" explained through "A has no other
 * versions": the no-versions step is redundant when A's range is inside what C requires.
 */
export function collapseRedundantDependsOnNoVersions(tree: ErrorTree): ErrorTree {
  const collapseChild = (
    child: ErrorTree,
    pkg: PythonPackage,
    versions: VersionRange,
  ): ErrorTree => {
    if (child.type !== "derived") return child;
    const { cause1, cause2 } = child;
    const pair =
      cause1.type === "noVersions" && cause2.type === "fromDependencyOf"
        ? ([cause1, cause2] as const)
        : cause2.type === "noVersions" && cause1.type === "fromDependencyOf"
          ? ([cause2, cause1] as const)
          : undefined;
    if (pair === undefined) return child;
    const [noVersions, dependency] = pair;
    if (
      samePackage(noVersions.package, dependency.dependency) &&
      samePackage(pkg, noVersions.package) &&
      versions.subsetOf(dependency.dependencyVersions)
    ) {
      return dependency;
    }
    return child;
  };
  return mapTree(
    tree,
    (e) => e,
    (meta, c1, c2) => {
      if (c1.type === "fromDependencyOf") {
        return derived(meta, c1, collapseChild(c2, c1.package, c1.versions));
      }
      if (c2.type === "fromDependencyOf") {
        return derived(meta, collapseChild(c1, c2.package, c2.versions), c2);
      }
      return derived(meta, c1, c2);
    },
  );
}

/** Whether a version set has a pre-release bound. */
function hasPrereleaseBound(range: VersionRange): boolean {
  return range.intervals.some(
    ({ lower, upper }) =>
      lower?.version.isPrerelease() === true || upper?.version.isPrerelease() === true,
  );
}

/**
 * pubgrub's `Ranges::simplify`: the simplest set holding the same `versions` of this one.
 * Intervals holding none of them are dropped, neighbours with none in between are joined, and
 * the ends are opened past the first and last version.
 */
export function simplifyRangeOver(range: VersionRange, versions: readonly Version[]): VersionRange {
  if (range.asSingleton() !== undefined) return range;
  const segments = range.intervals;
  const locations: (number | undefined)[] = [];
  let i = 0;
  for (const v of versions) {
    let location: number | undefined;
    while (i < segments.length) {
      const { lower, upper } = segments[i]!;
      const below =
        lower !== undefined &&
        (lower.inclusive ? v.compare(lower.version) < 0 : v.compare(lower.version) <= 0);
      if (below) break;
      const above =
        upper !== undefined &&
        (upper.inclusive ? v.compare(upper.version) > 0 : v.compare(upper.version) >= 0);
      if (!above) {
        location = i;
        break;
      }
      i++;
    }
    locations.push(location);
  }
  const kept: [number | undefined, number | undefined][] = [];
  let current: [number | undefined, number | undefined] | undefined;
  locations.forEach((location, index) => {
    if (index === 0) {
      current = location === undefined ? undefined : [undefined, location];
      return;
    }
    if (location !== undefined) {
      current = [current === undefined ? location : current[0], location];
    } else if (current !== undefined) {
      kept.push(current);
      current = undefined;
    }
  });
  if (current !== undefined) kept.push([current[0], undefined]);
  // pubgrub never simplifies a set to nothing.
  if (kept.length === 0) return range;
  let out = VersionRange.empty();
  for (const [s, e] of kept) {
    out = out.union(
      rangeOf(
        s === undefined ? undefined : segments[s]!.lower,
        e === undefined ? undefined : segments[e]!.upper,
      ),
    );
  }
  return out;
}

/** uv's `simplify_range`: ranges restated over the versions the index has. */
function simplifyRange(
  range: VersionRange,
  pkg: PythonPackage,
  context: SimplifyContext,
): VersionRange | undefined {
  const name = packageName(pkg);
  if (name === undefined) return undefined;
  const versions = context.includedVersions.get(name);
  if (versions === undefined) return undefined;
  if (range.isFull()) return undefined;
  if (versions.length === 1 && range.contains(versions[0]!)) {
    return VersionRange.singleton(versions[0]!);
  }
  const noPrereleases = context.prereleaseSelection(name) === "disallow";
  const anyPrerelease = hasPrereleaseBound(range);
  const filtered = versions.filter((v) => anyPrerelease || !(noPrereleases && v.isPrerelease()));
  return simplifyRangeOver(range, filtered);
}

/** Restates every range over the versions the index has (`>=1.0,<1.7` → `<1.7`, say). */
export function simplifyRanges(tree: ErrorTree, context: SimplifyContext): ErrorTree {
  const s = (range: VersionRange, pkg: PythonPackage): VersionRange =>
    simplifyRange(range, pkg, context) ?? range;
  return mapTree(
    tree,
    (e) => {
      switch (e.type) {
        case "fromDependencyOf":
          return {
            ...e,
            versions: s(e.versions, e.package),
            dependencyVersions: s(e.dependencyVersions, e.dependency),
          };
        case "noVersions":
        case "custom":
        case "unavailable":
          return { ...e, set: s(e.set, e.package) };
        case "notRoot":
          return e;
      }
    },
    (meta, c1, c2) => {
      const terms = mapTerms(meta.terms, (pkg, t) =>
        t.positive ? Term.positive(s(t.set, pkg)) : Term.negative(s(t.set, pkg)),
      );
      return derived({ ...meta, terms }, c1, c2);
    },
  );
}

/** The one package a derivation concludes about (a single positive term), if any. */
function concludedPackage(terms: ErrorTerms): [PythonPackage, VersionRange] | undefined {
  const entries = [...terms];
  if (entries.length !== 1) return undefined;
  const [pkg, term] = entries[0]!;
  return term.positive ? [pkg, term.set] : undefined;
}

function causePackages(cause: ErrorTree): PythonPackage[] {
  if (cause.type === "derived") return [...cause.terms.keys()];
  if (cause.type === "fromDependencyOf") return [cause.package, cause.dependency];
  return [cause.package];
}

function requiredVersions(pkg: PythonPackage, cause: ErrorTree): VersionRange {
  if (cause.type === "derived") {
    const term = termOf(cause.terms, pkg);
    return term !== undefined && !term.positive ? term.set : VersionRange.empty();
  }
  if (cause.type === "fromDependencyOf" && samePackage(cause.dependency, pkg)) {
    return cause.dependencyVersions;
  }
  return VersionRange.empty();
}

function ruledOutVersions(pkg: PythonPackage, cause: ErrorTree): VersionRange {
  if (cause.type === "derived") {
    const concluded = concludedPackage(cause.terms);
    return concluded !== undefined && samePackage(concluded[0], pkg)
      ? concluded[1]
      : VersionRange.empty();
  }
  if (cause.type === "custom" && samePackage(cause.package, pkg)) return cause.set;
  return VersionRange.empty();
}

function unlistedVersions(
  terms: ErrorTerms,
  c1: ErrorTree,
  c2: ErrorTree,
  included: ReadonlyMap<PackageName, readonly Version[]>,
): [PythonPackage, VersionRange] | undefined {
  const candidates: [PythonPackage, VersionRange, VersionRange][] = [];
  const concluded = concludedPackage(terms);
  if (concluded !== undefined) {
    const [pkg, set] = concluded;
    candidates.push([pkg, set, reportedVersions(pkg, c1).union(reportedVersions(pkg, c2))]);
  }
  for (const pkg of [...causePackages(c1), ...causePackages(c2)]) {
    if (termOf(terms, pkg) !== undefined) continue;
    candidates.push([
      pkg,
      requiredVersions(pkg, c1).union(requiredVersions(pkg, c2)),
      ruledOutVersions(pkg, c1).union(ruledOutVersions(pkg, c2)),
    ]);
  }
  for (const [pkg, covered, reported] of candidates) {
    if (reported.isEmpty()) continue;
    const unlisted = covered.intersection(reported.complement());
    if (unlisted.isEmpty()) continue;
    const name = packageName(pkg);
    const versions = name === undefined ? undefined : included.get(name);
    if (versions === undefined) continue;
    if (versions.some((v) => unlisted.contains(v))) continue;
    return [pkg, unlisted];
  }
  return undefined;
}

/** Whether `first` starts below `second`; an empty set starts above everything. */
function startsLower(first: VersionRange, second: VersionRange): boolean {
  const a = first.intervals[0];
  const b = second.intervals[0];
  if (a === undefined) return false;
  if (b === undefined) return true;
  // An unbounded start sorts below every version.
  if (a.lower === undefined) return true;
  if (b.lower === undefined) return false;
  return a.lower.version.compare(b.lower.version) <= 0;
}

/**
 * Where a derivation reaches past its causes over versions the package does not have (the ranges
 * were restated over the existing versions), says so: "only foo<=2.0.0 is available".
 */
export function restateAvailableVersions(
  tree: ErrorTree,
  included: ReadonlyMap<PackageName, readonly Version[]>,
): ErrorTree {
  return mapTree(
    tree,
    (e) => e,
    (meta, c1, c2) => {
      const found = unlistedVersions(meta.terms, c1, c2, included);
      if (found === undefined) return derived(meta, c1, c2);
      const [pkg, unlisted] = found;
      const statement = (): ErrorTree => ({ type: "noVersions", package: pkg, set: unlisted });
      const carry = (cause: ErrorTree): ErrorTree => ({
        type: "derived",
        terms: new Map([[pkg, Term.positive(ruledOutVersions(pkg, cause).union(unlisted))]]),
        sharedId: undefined,
        cause1: cause,
        cause2: statement(),
      });
      const first = ruledOutVersions(pkg, c1);
      const second = ruledOutVersions(pkg, c2);
      if (first.isEmpty() && second.isEmpty()) {
        const concluded = termOf(meta.terms, pkg) ?? Term.positive(unlisted);
        const inner = derived(
          {
            terms: new Map([
              [pkg, Term.positive(reportedVersions(pkg, c1).union(reportedVersions(pkg, c2)))],
            ]),
            sharedId: undefined,
          },
          c1,
          c2,
        );
        return {
          type: "derived",
          terms: new Map([[pkg, concluded]]),
          sharedId: meta.sharedId,
          cause1: inner,
          cause2: statement(),
        };
      }
      return startsLower(first, second)
        ? derived(meta, carry(c1), c2)
        : derived(meta, c1, carry(c2));
    },
  );
}

function canDropNoVersions(
  pkg: PythonPackage,
  versions: VersionRange,
  other: ErrorTree,
  parentTerms: ErrorTerms,
): boolean {
  const term = other.type === "derived" ? termOf(other.terms, pkg) : termOf(parentTerms, pkg);
  if (term === undefined || !term.positive) return false;
  const complement = versions.complement();
  return (
    complement.asSingleton() === undefined && (term.set.isFull() || term.set.equals(complement))
  );
}

/** Drops "there is no version of foo in X" where the conclusion already covers it. */
export function collapseRedundantNoVersions(tree: ErrorTree): ErrorTree {
  return mapTree(
    tree,
    (e) => e,
    (meta, c1, c2) => {
      if (c1.type === "noVersions" && canDropNoVersions(c1.package, c1.set, c2, meta.terms))
        return c2;
      if (c2.type === "noVersions" && canDropNoVersions(c2.package, c2.set, c1, meta.terms))
        return c1;
      return derived(meta, c1, c2);
    },
  );
}

/** Two "no versions" facts about one package, joined into one. Returns whether anything changed. */
export function collapseRedundantNoVersionsTree(tree: ErrorTree): [ErrorTree, boolean] {
  let changed = false;
  const out = mapTree(
    tree,
    (e) => e,
    (meta, c1, c2) => {
      if (
        c1.type === "noVersions" &&
        c2.type === "noVersions" &&
        samePackage(c1.package, c2.package)
      ) {
        const term = termOf(meta.terms, c1.package);
        if (term?.positive === true && c1.set.subsetOf(term.set) && c2.set.subsetOf(term.set)) {
          changed = true;
          return { type: "noVersions", package: c1.package, set: term.set };
        }
      }
      return derived(meta, c1, c2);
    },
  );
  return [out, changed];
}
