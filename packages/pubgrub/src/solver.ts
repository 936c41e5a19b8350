import {
  CancelledError,
  ChooseVersionError,
  GetDependenciesError,
  InvalidVersionChoiceError,
  NoSolutionError,
} from "./errors.ts";
import { Incompatibility, type PackageId } from "./incompatibility.ts";
import {
  type Dependencies,
  type DependencyProvider,
  PackageResolutionStatistics,
} from "./provider.ts";
import { SolverState } from "./state.ts";
import type { VersionSet, VersionSetFactory } from "./version-set.ts";

/** Options of {@link resolve}. */
export interface ResolveOptions<P, V, R extends VersionSet<V, R>> {
  /** Builds the empty, full and singleton sets. `VersionRange` (the class) is one. */
  readonly sets: VersionSetFactory<V, R>;
  /** The identity of a package; packages with equal keys are the same. Default `String(p)`. */
  readonly key?: ((p: P) => string) | undefined;
  /** Stops the resolution with a `CancelledError` carrying the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Finds versions for `root` at `rootVersion` and everything it needs, transitively, such that
 * every dependency of every selected version is satisfied: PubGrub (Natalie Weizenbaum's
 * algorithm, as in Dart's pub and pubgrub-rs). Returns the selected versions, root included, in
 * decision order. Throws a {@link NoSolutionError} carrying the derivation tree when there is no
 * solution, and the provider's errors wrapped with context.
 */
export async function resolve<P, V, R extends VersionSet<V, R>>(
  provider: DependencyProvider<P, V, R>,
  root: P,
  rootVersion: V,
  options: ResolveOptions<P, V, R>,
): Promise<Map<P, V>> {
  const state = new SolverState<P, V, R>(root, rootVersion, options);
  const statistics: PackageResolutionStatistics[] = [];
  const statsOf = (pkg: PackageId): PackageResolutionStatistics =>
    (statistics[pkg] ??= new PackageResolutionStatistics());
  // Versions whose dependencies are already in the state, to decide them again after a backtrack
  // without asking the provider twice.
  const added = new Map<PackageId, Set<string>>();
  const { signal } = options;
  let next = state.root;
  let known = state.packageCount;

  for (;;) {
    if (signal?.aborted) throw new CancelledError(signal.reason);
    if (provider.shouldCancel?.() === true) throw new CancelledError();

    const propagated = state.unitPropagation(next);
    if (!propagated.ok) throw new NoSolutionError<P, V, R>(propagated.tree);
    for (const { package: affected, incompatibility } of propagated.satisfierCauses) {
      statsOf(affected).unitPropagationAffected++;
      for (const p of state.incompatibility(incompatibility).packages) {
        if (p !== affected) statsOf(p).unitPropagationCulprit++;
      }
    }

    if (provider.prefetch !== undefined) {
      const candidates: [P, R][] = [];
      for (const [pkg, range] of state.partialSolution.prioritizedPackages()) {
        candidates.push([state.package(pkg), range]);
      }
      if (candidates.length > 0) provider.prefetch(candidates);
    }

    const picked = state.pickHighestPriority((pkg, range) =>
      provider.prioritize(state.package(pkg), range, statsOf(pkg)),
    );
    if (picked === undefined) return state.solution();
    const [pkg, range] = picked;
    next = pkg;
    const package_ = state.package(pkg);

    let version: V | undefined;
    try {
      const chosen = provider.chooseVersion(package_, range);
      version = isPromise(chosen) ? await chosen : chosen;
    } catch (error) {
      throw new ChooseVersionError(String(package_), error);
    }
    if (version === undefined) {
      state.addIncompatibility(Incompatibility.noVersions(pkg, range));
      continue;
    }
    if (!range.contains(version)) {
      throw new InvalidVersionChoiceError(String(package_), String(version), String(range));
    }

    const versionKey = String(version);
    let versions = added.get(pkg);
    if (versions === undefined) {
      versions = new Set();
      added.set(pkg, versions);
    }
    if (versions.has(versionKey)) {
      // Its dependency incompatibilities are in the state already, none of them satisfied (or
      // propagation would have ruled the version out).
      state.addDecision(pkg, version);
      continue;
    }
    versions.add(versionKey);

    let dependencies: Dependencies<P, R>;
    try {
      const answer = provider.getDependencies(package_, version);
      dependencies = isPromise(answer) ? await answer : answer;
    } catch (error) {
      throw new GetDependenciesError(String(package_), String(version), error);
    }
    if (dependencies.kind === "unavailable") {
      state.addIncompatibility(
        Incompatibility.unavailable(pkg, options.sets.singleton(version), dependencies.reason),
      );
      continue;
    }

    const conflict = state.addPackageVersionDependencies(pkg, version, dependencies.dependencies);
    if (provider.onPackageDiscovered !== undefined) {
      for (; known < state.packageCount; known++)
        provider.onPackageDiscovered(state.package(known));
    }
    if (conflict !== undefined) {
      statsOf(pkg).dependenciesAffected++;
      for (const p of state.incompatibility(conflict).packages) {
        if (p !== pkg) statsOf(p).dependenciesCulprit++;
      }
    }
  }
}
