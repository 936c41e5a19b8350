import type { SimpleMetadata } from "@uv-ts/client";
import type { SourceDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import type { ExtraName, PackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";
import type { Hashes, SimpleFile } from "@uv-ts/pypi-types";

/** Where a resolved package comes from, and the files that can install it. */
export type ResolvedDist =
  | {
      readonly kind: "registry";
      readonly index: SimpleMetadata["index"];
      /** The file the resolver read metadata from (the best wheel, else the sdist). */
      readonly file: SimpleFile;
      readonly filename: WheelFilename | SourceDistFilename;
      /** Every file of the version on that index that could be installed, best first. */
      readonly files: readonly SimpleFile[];
    }
  | {
      readonly kind: "url";
      /** The URL as the requirement wrote it. */
      readonly given: string;
      readonly url: string;
      readonly filename: WheelFilename;
    };

/** One package of a resolution. */
export interface ResolvedPackage {
  readonly name: PackageName;
  readonly version: Version;
  /** Extras of the package that something required (sorted). */
  readonly extras: readonly ExtraName[];
  readonly dist: ResolvedDist;
  /** The hashes of every installable file of the version (`--generate-hashes`). */
  readonly hashes: readonly Hashes[];
  /** `true` or the reason when the chosen version is yanked (allowed because it was pinned). */
  readonly yanked: boolean | string;
}

/**
 * The result of a resolution: one version per package and the dependency edges between them,
 * from which `# via` annotations and install order are derived. Marker and extra proxies are
 * folded away: edges connect distribution names.
 */
export class Resolution {
  /** The packages, sorted by name. */
  readonly packages: readonly ResolvedPackage[];
  readonly #byName: ReadonlyMap<PackageName, ResolvedPackage>;
  readonly #dependents: ReadonlyMap<PackageName, ReadonlySet<PackageName>>;
  readonly #dependencies: ReadonlyMap<PackageName, ReadonlySet<PackageName>>;
  readonly #direct: ReadonlySet<PackageName>;

  constructor(
    packages: readonly ResolvedPackage[],
    edges: Iterable<readonly [from: PackageName | undefined, to: PackageName]>,
  ) {
    this.packages = [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#byName = new Map(this.packages.map((p) => [p.name, p]));
    const dependents = new Map<PackageName, Set<PackageName>>();
    const dependencies = new Map<PackageName, Set<PackageName>>();
    const direct = new Set<PackageName>();
    for (const [from, to] of edges) {
      if (!this.#byName.has(to)) continue;
      if (from === undefined) {
        direct.add(to);
        continue;
      }
      if (from === to || !this.#byName.has(from)) continue;
      getSet(dependents, to).add(from);
      getSet(dependencies, from).add(to);
    }
    this.#dependents = dependents;
    this.#dependencies = dependencies;
    this.#direct = direct;
  }

  /** The resolved package named `name`. */
  get(name: PackageName): ResolvedPackage | undefined {
    return this.#byName.get(name);
  }

  /** How many packages were resolved. */
  get size(): number {
    return this.packages.length;
  }

  /** The packages that depend on `name` (for `# via`), sorted. */
  dependents(name: PackageName): PackageName[] {
    return [...(this.#dependents.get(name) ?? [])].sort();
  }

  /** The packages `name` depends on, sorted. */
  dependencies(name: PackageName): PackageName[] {
    return [...(this.#dependencies.get(name) ?? [])].sort();
  }

  /** Whether the user's requirements named `name` directly. */
  isDirect(name: PackageName): boolean {
    return this.#direct.has(name);
  }

  /** `name==version` lines, sorted: the plain form of the resolution. */
  toPins(): string[] {
    return this.packages.map((p) => `${p.name}==${p.version}`);
  }
}

function getSet<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
