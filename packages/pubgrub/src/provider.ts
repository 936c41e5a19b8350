import type { Priority } from "./priority.ts";

/** A value, or a promise of it: providers answer synchronously when they have it cached. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The dependencies of one package version. `available` with an empty iterable means "no
 * dependencies", a known fact; `unavailable` means they could not be obtained, and the version is
 * ruled out with `reason` (which reports print after "are unavailable").
 */
export type Dependencies<P, R> =
  | { readonly kind: "available"; readonly dependencies: Iterable<readonly [P, R]> }
  | { readonly kind: "unavailable"; readonly reason: string };

/**
 * How often a package took part in conflicts, for {@link DependencyProvider.prioritize}.
 *
 * When deciding A and then B finds B incompatible with A, B is "affected" and A the "culprit".
 * The counts are kept apart (through unit propagation, or through B's dependencies) though only
 * their sum is exposed, as in pubgrub-rs.
 */
export class PackageResolutionStatistics {
  /** Times the package was the one a propagated conflict ruled out. */
  unitPropagationAffected = 0;
  /** Times the package was another party to such a conflict. */
  unitPropagationCulprit = 0;
  /** Times the package's own dependencies conflicted with the partial solution. */
  dependenciesAffected = 0;
  /** Times the package was another party to such a conflict. */
  dependenciesCulprit = 0;

  /** The number of conflicts this package took part in; deciding those first usually helps. */
  conflictCount(): number {
    return (
      this.unitPropagationAffected +
      this.unitPropagationCulprit +
      this.dependenciesAffected +
      this.dependenciesCulprit
    );
  }
}

/**
 * Where {@link resolve} gets its facts. All methods may return promises (metadata comes from the
 * network) or plain values (cached answers keep the loop from yielding to the event loop).
 *
 * Throwing from a method aborts the resolution with that error as the cause.
 */
export interface DependencyProvider<P, V, R> {
  /**
   * How urgently to decide `package`, which must be selected within `range`: highest first; ties
   * go to the package seen first. Called when a package's range changes, and cached otherwise,
   * so it must depend only on its arguments. Deciding constrained packages (few versions,
   * many conflicts) first is usually fastest; the order also picks which solution is found.
   */
  prioritize(package_: P, range: R, statistics: PackageResolutionStatistics): Priority;

  /**
   * The version of `package` to try in `range` (usually the highest), or `undefined` when it has
   * none, which rules out the whole range. The version must be in `range`.
   */
  chooseVersion(package_: P, range: R): MaybePromise<V | undefined>;

  /** The dependencies of `package` at `version`. */
  getDependencies(package_: P, version: V): MaybePromise<Dependencies<P, R>>;

  /** Called once per iteration; return `true` to stop the resolution with a `CancelledError`. */
  shouldCancel?(): boolean;

  /**
   * Called once per package the first time a dependency names it, before it is ever chosen:
   * the place to start fetching its metadata in the background.
   */
  onPackageDiscovered?(package_: P): void;

  /**
   * Called after each round of unit propagation with the undecided packages whose range just
   * changed (the candidates for the next decisions), to prefetch their versions.
   */
  prefetch?(candidates: ReadonlyArray<readonly [P, R]>): void;
}
