import {
  createLimiter,
  type Limiter,
  NoIndexError,
  OfflineError,
  PackageNotFoundError,
  type RegistryClient,
  type SimpleMetadata,
} from "@uv-ts/client";
import type { PackageName } from "@uv-ts/normalize";
import type { ResolutionMetadata } from "@uv-ts/pypi-types";
import { SourceBuildUnsupportedError } from "./errors.ts";
import type { UnavailablePackage } from "./unavailable.ts";
import { type CompatibleDist, type FileFilter, VersionMap } from "./version-map.ts";

/** The part of the registry client the resolver uses. */
export type ResolverClient = Pick<RegistryClient, "simple" | "findLinks" | "wheelMetadata">;

/**
 * Produces the metadata of a source distribution (by building it, or reading static metadata).
 * Building is not available yet; without a builder an sdist-only release fails clearly.
 */
export type SourceMetadataProvider = (
  dist: Extract<CompatibleDist, { kind: "source" }>,
) => Promise<ResolutionMetadata>;

/** The versions of a package across the indexes, or why there are none. */
export type VersionsResponse =
  | { readonly kind: "found"; readonly maps: readonly VersionMap[] }
  | { readonly kind: "unavailable"; readonly reason: UnavailablePackage };

/**
 * Everything the resolver learns from the network during one run, memoised: each package page
 * and each distribution's metadata is requested at most once, whoever asks first (the solver or
 * a prefetch), and later askers share the same promise. Backtracking therefore never refetches.
 * Fetches run through a limiter so prefetching cannot flood the index.
 */
export class MetadataIndex {
  readonly #client: ResolverClient;
  readonly #cachedClient: ResolverClient | undefined;
  readonly #filterFor: (name: PackageName) => FileFilter;
  readonly #sourceMetadata: SourceMetadataProvider | undefined;
  readonly #limit: Limiter;
  readonly #versions = new Map<PackageName, Promise<VersionsResponse>>();
  readonly #versionsDone = new Map<PackageName, VersionsResponse>();
  readonly #metadata = new Map<string, Promise<ResolutionMetadata>>();
  readonly #storedVersions = new Map<PackageName, Promise<VersionsResponse | undefined>>();
  /**
   * Version maps by the version list of the page they read: a fetched page found unchanged is
   * the stored page's very object, and its map (with what it has parsed) is shared too.
   */
  readonly #filters = new Map<PackageName, FileFilter>();
  readonly #maps = new WeakMap<
    readonly string[],
    { readonly name: PackageName; readonly filter: FileFilter; readonly map: VersionMap }
  >();

  constructor(options: {
    readonly client: ResolverClient;
    readonly filterFor: (name: PackageName) => FileFilter;
    readonly sourceMetadata?: SourceMetadataProvider | undefined;
    readonly concurrency?: number | undefined;
    /** Answers from the cache alone (see {@link storedMetadata}). */
    readonly cachedClient?: ResolverClient | undefined;
  }) {
    this.#client = options.client;
    this.#cachedClient = options.cachedClient;
    this.#filterFor = options.filterFor;
    this.#sourceMetadata = options.sourceMetadata;
    this.#limit = createLimiter(options.concurrency ?? 50);
  }

  /** The versions of `name` (fetched once per run). */
  versions(name: PackageName): Promise<VersionsResponse> {
    let pending = this.#versions.get(name);
    if (pending === undefined) {
      pending = this.#fetchVersions(name).then((response) => {
        this.#versionsDone.set(name, response);
        return response;
      });
      // Prefetches may never be awaited; their failure resurfaces when the solver asks.
      pending.catch(() => {});
      this.#versions.set(name, pending);
    }
    return pending;
  }

  /** The versions of `name` if they have arrived already. */
  versionsIfReady(name: PackageName): VersionsResponse | undefined {
    return this.#versionsDone.get(name);
  }

  /** Whether `name` was requested during this run. */
  requested(name: PackageName): boolean {
    return this.#versions.has(name);
  }

  async #fetchVersions(name: PackageName): Promise<VersionsResponse> {
    const filter = this.#filter(name);
    let pages: SimpleMetadata[] = [];
    let missing: UnavailablePackage | undefined;
    try {
      pages = await this.#limit(() => this.#client.simple(name));
    } catch (error) {
      if (error instanceof PackageNotFoundError) missing = "not-found";
      else if (error instanceof NoIndexError) missing = "no-index";
      else if (error instanceof OfflineError) missing = "offline";
      else throw error;
    }
    const flat = await this.#limit(() => this.#client.findLinks(name));
    const maps = [...pages, ...flat].map((page) => this.#mapOf(name, page, filter));
    if (maps.length === 0) return { kind: "unavailable", reason: missing ?? "not-found" };
    return { kind: "found", maps };
  }

  /**
   * The versions of `name` from its page as an earlier run stored it, read without the network
   * (once per run; `undefined` without a cache-only client, nor when nothing usable is stored).
   * The page may have changed since: this only tells which version is likely to be picked, to
   * fetch ahead by.
   */
  storedVersions(name: PackageName): Promise<VersionsResponse | undefined> | undefined {
    const client = this.#cachedClient;
    if (client === undefined) return undefined;
    let pending = this.#storedVersions.get(name);
    if (pending === undefined) {
      pending = client.simple(name).then(
        (pages): VersionsResponse | undefined => {
          if (pages.length === 0) return undefined;
          const filter = this.#filter(name);
          return {
            kind: "found",
            maps: pages.map((page) => this.#mapOf(name, page, filter)),
          };
        },
        () => undefined,
      );
      this.#storedVersions.set(name, pending);
    }
    return pending;
  }

  /** `name`'s file filter, made once per run (its maps are shared by identity). */
  #filter(name: PackageName): FileFilter {
    let filter = this.#filters.get(name);
    if (filter === undefined) {
      filter = this.#filterFor(name);
      this.#filters.set(name, filter);
    }
    return filter;
  }

  #mapOf(name: PackageName, page: SimpleMetadata, filter: FileFilter): VersionMap {
    const known = this.#maps.get(page.distVersions);
    if (known !== undefined && known.name === name && known.filter === filter) return known.map;
    const map = VersionMap.fromSimple(name, page, filter);
    this.#maps.set(page.distVersions, { name, filter, map });
    return map;
  }

  /** The metadata of a distribution (fetched once per run). */
  metadata(dist: CompatibleDist): Promise<ResolutionMetadata> {
    const key = dist.kind === "wheel" ? dist.wheel.file.url : dist.sdist.file.url;
    let pending = this.#metadata.get(key);
    if (pending === undefined) {
      pending = this.#fetchMetadata(dist);
      pending.catch(() => {});
      this.#metadata.set(key, pending);
    }
    return pending;
  }

  /**
   * A wheel's metadata as an earlier run stored it, read without the network (`undefined`
   * without a cache-only client). A wheel never changes, so this tells early what the fetched
   * metadata will say; what it gives is only a guess to fetch ahead by.
   */
  storedMetadata(
    dist: Extract<CompatibleDist, { kind: "wheel" }>,
  ): Promise<ResolutionMetadata> | undefined {
    const { wheel } = dist;
    return this.#cachedClient?.wheelMetadata(wheel.file, wheel.filename, { index: wheel.index });
  }

  /** Starts fetching a distribution's metadata in the background. */
  prefetchMetadata(dist: CompatibleDist): void {
    if (dist.kind === "source" && this.#sourceMetadata === undefined) return;
    void this.metadata(dist);
  }

  #fetchMetadata(dist: CompatibleDist): Promise<ResolutionMetadata> {
    if (dist.kind === "wheel") {
      const { wheel } = dist;
      return this.#limit(() =>
        this.#client.wheelMetadata(wheel.file, wheel.filename, { index: wheel.index }),
      );
    }
    const build = this.#sourceMetadata;
    if (build === undefined) {
      return Promise.reject(
        new SourceBuildUnsupportedError(
          dist.sdist.filename.name,
          String(dist.sdist.filename.version),
          dist.sdist.file.filename,
        ),
      );
    }
    return this.#limit(() => build(dist));
  }
}
