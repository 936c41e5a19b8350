import type { Priority } from "./priority.ts";
import type { Dependencies, DependencyProvider, PackageResolutionStatistics } from "./provider.ts";
import type { VersionSet } from "./version-set.ts";

interface Entry<P, V, R> {
  readonly package: P;
  /** Sorted ascending, with the dependencies of each. */
  readonly versions: { readonly version: V; dependencies: readonly (readonly [P, R])[] }[];
}

/**
 * A provider that holds every package, version and dependency in memory, like pubgrub-rs's
 * `OfflineDependencyProvider`: it picks the highest version in range, and decides first the
 * packages with the most conflicts, then the fewest versions left. For tests, examples and
 * small in-memory problems.
 */
export class OfflineDependencyProvider<P, V, R extends VersionSet<V, R>>
  implements DependencyProvider<P, V, R>
{
  readonly #compare: (a: V, b: V) => number;
  readonly #key: (p: P) => string;
  readonly #packages = new Map<string, Entry<P, V, R>>();

  /** `compare` orders versions; `key` identifies packages (default `String`). */
  constructor(options: {
    readonly compare: (a: V, b: V) => number;
    readonly key?: ((p: P) => string) | undefined;
  }) {
    this.#compare = options.compare;
    this.#key = options.key ?? String;
  }

  /** Registers `package` at `version` with its dependencies, replacing earlier ones. */
  add(package_: P, version: V, dependencies: Iterable<readonly [P, R]> = []): this {
    const key = this.#key(package_);
    let entry = this.#packages.get(key);
    if (entry === undefined) {
      entry = { package: package_, versions: [] };
      this.#packages.set(key, entry);
    }
    const deps = [...dependencies];
    const versions = entry.versions;
    let i = versions.length;
    while (i > 0 && this.#compare(versions[i - 1]!.version, version) > 0) i--;
    const existing = versions[i - 1];
    if (existing !== undefined && this.#compare(existing.version, version) === 0) {
      existing.dependencies = deps;
    } else {
      versions.splice(i, 0, { version, dependencies: deps });
    }
    return this;
  }

  /** The registered packages. */
  packages(): P[] {
    return [...this.#packages.values()].map((e) => e.package);
  }

  /** The registered versions of `package`, ascending, or `undefined` if it is unknown. */
  versions(package_: P): V[] | undefined {
    return this.#packages.get(this.#key(package_))?.versions.map((v) => v.version);
  }

  /** The registered dependencies of `package` at `version`. */
  dependencies(package_: P, version: V): readonly (readonly [P, R])[] | undefined {
    return this.#find(package_, version)?.dependencies;
  }

  #find(package_: P, version: V) {
    return this.#packages
      .get(this.#key(package_))
      ?.versions.find((v) => this.#compare(v.version, version) === 0);
  }

  prioritize(package_: P, range: R, statistics: PackageResolutionStatistics): Priority {
    const versions = this.#packages.get(this.#key(package_))?.versions ?? [];
    let count = 0;
    for (const v of versions) if (range.contains(v.version)) count++;
    // A package with no version left fails fastest, so it goes first.
    if (count === 0) return [Number.MAX_SAFE_INTEGER, 0];
    return [statistics.conflictCount(), -count];
  }

  chooseVersion(package_: P, range: R): V | undefined {
    const versions = this.#packages.get(this.#key(package_))?.versions ?? [];
    for (let i = versions.length - 1; i >= 0; i--) {
      if (range.contains(versions[i]!.version)) return versions[i]!.version;
    }
    return undefined;
  }

  getDependencies(package_: P, version: V): Dependencies<P, R> {
    const found = this.#find(package_, version);
    if (found === undefined) {
      return { kind: "unavailable", reason: "its dependencies could not be determined" };
    }
    return { kind: "available", dependencies: found.dependencies };
  }
}
