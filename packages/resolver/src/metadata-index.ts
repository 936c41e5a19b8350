import type { IndexUrl } from "@uv-ts/client";
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
import type { PlannedWheel, PrefetchPlan } from "./prefetch-plan.ts";
import type { UnavailablePackage } from "./unavailable.ts";
import { type CompatibleDist, type FileFilter, VersionMap } from "./version-map.ts";

/**
 * The part of the registry client the resolver uses; its plan store, when it has one, keeps what
 * a resolution requested for the next run with the same inputs.
 */
export type ResolverClient = Pick<RegistryClient, "simple" | "findLinks" | "wheelMetadata"> &
  Partial<Pick<RegistryClient, "prefetchPlans">>;

/** A wheel metadata request a plan sent ahead, for the resolver to take over. */
interface PlannedRequest {
  readonly wheel: PlannedWheel;
  readonly index: IndexUrl;
  readonly metadata: Promise<ResolutionMetadata>;
}

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
  /** Wheel metadata requested ahead by a plan, by URL, until the resolver asks for it. */
  readonly #planned = new Map<string, PlannedRequest>();
  /** The packages whose versions the resolver asked for (not a plan), in order. */
  readonly #askedNames = new Set<PackageName>();
  /** The registry wheels whose metadata the resolver asked for (not a plan), by URL. */
  readonly #askedWheels = new Map<string, Extract<CompatibleDist, { kind: "wheel" }>>();
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
    this.#askedNames.add(name);
    return this.#startVersions(name, true);
  }

  #startVersions(name: PackageName, limited: boolean): Promise<VersionsResponse> {
    let pending = this.#versions.get(name);
    if (pending === undefined) {
      pending = this.#fetchVersions(name, limited).then((response) => {
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

  async #fetchVersions(name: PackageName, limited: boolean): Promise<VersionsResponse> {
    const filter = this.#filter(name);
    let pages: SimpleMetadata[] = [];
    let missing: UnavailablePackage | undefined;
    try {
      pages = await (limited
        ? this.#limit(() => this.#client.simple(name))
        : this.#client.simple(name));
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
    if (dist.kind === "wheel") this.#askedWheels.set(key, dist);
    let pending = this.#metadata.get(key);
    if (pending === undefined) {
      pending = this.#plannedMetadata(dist) ?? this.#fetchMetadata(dist);
      pending.catch(() => {});
      this.#metadata.set(key, pending);
    }
    return pending;
  }

  /**
   * Sends a plan's requests at once: the wheel metadata (whose cache entries are small, quick to
   * read before sending), then the pages, each through the client's own limits (pages and files
   * have one each) rather than this index's, which would hold most of them back behind the
   * first. The resolver takes the answers over when it asks for the same page, or for the
   * metadata of the same file from the same index; anything else a plan requested is only lost
   * time on the network. `indexFor` finds the index a planned wheel was listed by.
   */
  async prefetchPlan(
    plan: PrefetchPlan,
    indexFor: (href: string) => IndexUrl | undefined,
  ): Promise<void> {
    // All in one go: a turn of the event loop between them would let the answers of the first
    // ones be read before the last ones are sent.
    for (const wheel of plan.wheels) {
      if (this.#metadata.has(wheel.url) || this.#planned.has(wheel.url)) continue;
      const index = indexFor(wheel.index);
      if (index === undefined) continue;
      let metadata: Promise<ResolutionMetadata>;
      try {
        metadata = this.#client.wheelMetadata(
          { url: wheel.url, coreMetadata: wheel.coreMetadata },
          wheel.filename,
          { index },
        );
      } catch {
        // A name that does not parse as a wheel's: nothing to send.
        continue;
      }
      // Never awaited unless the resolver takes it over: its failure then resurfaces there.
      metadata.catch(() => {});
      this.#planned.set(wheel.url, { wheel, index, metadata });
    }
    for (const name of plan.pages) void this.#startVersions(name as PackageName, false);
    // Then one turn, in which the connections' handshakes can go on, before the solver starts.
    await new Promise((r) => setImmediate(r));
  }

  /**
   * The planned request for `dist`, when the plan asked for exactly what this request would
   * (the same file, flag and index): its answer is then this request's.
   */
  #plannedMetadata(dist: CompatibleDist): Promise<ResolutionMetadata> | undefined {
    if (dist.kind !== "wheel") return undefined;
    const { wheel } = dist;
    const planned = this.#planned.get(wheel.file.url);
    if (planned === undefined) return undefined;
    this.#planned.delete(wheel.file.url);
    const coreMetadata = wheel.file.coreMetadata !== undefined && wheel.file.coreMetadata !== false;
    if (
      planned.wheel.filename !== wheel.file.filename ||
      planned.wheel.coreMetadata !== coreMetadata ||
      !planned.index.equals(wheel.index)
    ) {
      return undefined;
    }
    return planned.metadata;
  }

  /** What the resolver itself requested so far, as a plan for the next run. */
  plan(): PrefetchPlan {
    const wheels: PlannedWheel[] = [];
    for (const [url, { wheel }] of this.#askedWheels) {
      // Credentials are never written down; such files are left to the resolver's own requests.
      if (url.includes("@") && hasCredentials(url)) continue;
      wheels.push({
        url,
        filename: wheel.file.filename,
        index: wheel.index.bareHref(),
        coreMetadata: wheel.file.coreMetadata !== undefined && wheel.file.coreMetadata !== false,
      });
    }
    return { pages: [...this.#askedNames], wheels };
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

/** Whether a URL carries a user name or password. */
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return true;
  }
}
