import { parseDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import type { ProjectStatus, ResolutionMetadata, SimpleFile } from "@uv-ts/pypi-types";
import { CachedClient } from "./cached-client.ts";
import { CredentialStore } from "./credentials.ts";
import {
  type DownloadOptions,
  type DownloadResult,
  type DownloadSink,
  downloadFile,
} from "./download.ts";
import { clientSettingsFromEnv } from "./env.ts";
import {
  FetchError,
  HttpStatusError,
  NoIndexError,
  OfflineError,
  PackageNotFoundError,
} from "./errors.ts";
import { readFlatIndex } from "./flat-index.ts";
import type { HedgeSettings } from "./hedge.ts";
import {
  type CacheEntryKey,
  FileHttpCacheStore,
  type HttpCacheStore,
  urlDigest,
} from "./http-cache/store.ts";
import { HttpClient } from "./http-client.ts";
import type { Index, IndexFormat } from "./index-locations.ts";
import { IndexLocations } from "./index-locations.ts";
import type { IndexUrl } from "./index-url.ts";
import { createLimiter } from "./limiter.ts";
import { PageThread, type PageThreadOptions } from "./page-thread.ts";
import { filePrefetchPlanStore, type PrefetchPlanStore } from "./prefetch-plans.ts";
import { stripCredentials } from "./redact.ts";
import {
  decodeSimplePage,
  type PageThreads,
  projectPageUrl,
  readLocalSimplePage,
  readSimplePage,
  SIMPLE_ACCEPT,
  type SimplePage,
} from "./simple.ts";
import { GroupedDists, type RegistryDist, type VersionUploads } from "./simple-dists.ts";
import { fetchWheelMetadata } from "./wheel-metadata.ts";

/**
 * How candidates are gathered across indexes. `first-index` (uv's default) takes a package only
 * from the first index that has it, which blocks dependency confusion; the `unsafe-*`
 * strategies query every index (the resolver then picks the first match or the best version).
 */
export type IndexStrategy = "first-index" | "unsafe-first-match" | "unsafe-best-match";

/** Options of {@link createRegistryClient}. */
export interface RegistryClientOptions {
  /** Defaults to PyPI only. */
  readonly indexes?: IndexLocations;
  readonly indexStrategy?: IndexStrategy;
  /** The cache root; `undefined` (`--no-cache`) disables the HTTP cache. */
  readonly cacheDir?: string | undefined;
  /** Storage for the HTTP cache instead of files under `cacheDir` (for `@uv-ts/cache`). */
  readonly cacheStore?: HttpCacheStore;
  /** `--offline`: only the cache and local files. */
  readonly offline?: boolean;
  /** `--refresh` (`true`) or `--refresh-package` (the set): revalidate cached entries once. */
  readonly refresh?: boolean | ReadonlySet<PackageName>;
  /** Retries after the first attempt; default `UV_HTTP_RETRIES`, else 3. */
  readonly retries?: number;
  /** Read timeout; default `UV_HTTP_TIMEOUT` seconds, else 30 s. */
  readonly timeoutMs?: number;
  /** Connect timeout; default `UV_HTTP_CONNECT_TIMEOUT` seconds, else 10 s. */
  readonly connectTimeoutMs?: number;
  /** Backoff before retry `n` (from 1); default exponential from 2 s to 30 s with jitter. */
  readonly retryDelayMs?: (retry: number) => number;
  /**
   * When to send a second copy of a late file request (`false`: never); default the client's
   * settings, or never with `UV_TS_HEDGE=0`.
   */
  readonly hedge?: HedgeSettings | false;
  /** The `.netrc` file; `null` disables it; default `NETRC`, else `~/.netrc`. */
  readonly netrcPath?: string | null | undefined;
  /** Environment to read settings from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Parallel downloads and metadata fetches (`UV_CONCURRENT_DOWNLOADS`); default 50. */
  readonly concurrency?: number;
  /** The clock the HTTP cache uses (epoch ms); tests move it forward. */
  readonly now?: () => number;
  /**
   * Hand responses on before their cache entries are written, which {@link
   * RegistryClient.flush} and `close` wait for (a CLI run, busy reading many pages at once);
   * default: each answer once its entry is written.
   */
  readonly writeBehind?: boolean;
  /**
   * Read JSON pages on a thread running this module ({@link PageThread}), started once pages
   * need reading; without it, pages are read on the calling thread.
   */
  readonly pageThread?: PageThreadOptions;
  /** Asked before the first TLS context is made (see {@link HttpClientOptions.tlsReady}). */
  readonly tlsReady?: () => Promise<void> | undefined;
}

/**
 * One index's answer for a package. Its distributions are grouped by version and decoded one
 * version at a time, on demand ({@link SimpleMetadata.distsOf}): a resolution looks at a few
 * versions of each package, and a big project lists thousands of files.
 */
export interface SimpleMetadata {
  readonly index: IndexUrl;
  readonly format: IndexFormat;
  readonly projectStatus: ProjectStatus;
  /** PEP 700 `versions`, when the page is JSON and lists them. */
  readonly versions?: readonly string[];
  /**
   * The distinct versions of the package's distributions on the page (files that are not wheels
   * or sdists of this package are skipped, as uv does), ascending, as normalised text.
   */
  readonly distVersions: readonly string[];
  /** The distributions of one of {@link distVersions}, in the page's order. */
  distsOf(version: string): readonly RegistryDist[];
  /**
   * When the files of one of {@link distVersions} were uploaded, without decoding them
   * (`--exclude-newer`); `undefined` when the page cannot say.
   */
  uploadsOf(version: string): VersionUploads | undefined;
  /** Every distribution, version by version; decodes the whole page (tests, small pages). */
  readonly dists: readonly RegistryDist[];
  /** The files of {@link dists}. */
  readonly files: readonly SimpleFile[];
}

/** What the client learnt about indexes during this run (for the resolver's hints). */
export interface IndexCapabilities {
  /** Indexes (URL without credentials) that answered 401. */
  readonly unauthorized: ReadonlySet<string>;
  /** Indexes that answered 403. */
  readonly forbidden: ReadonlySet<string>;
  /** Indexes whose servers could not serve usable range requests. */
  readonly noRangeRequests: ReadonlySet<string>;
}

/** A file to fetch metadata for: an index file or anything with a URL. */
export interface WheelFileRef {
  readonly url: string;
  /** PEP 658/714: whether `<url>.metadata` exists. */
  readonly coreMetadata?: SimpleFile["coreMetadata"];
}

/** The registry client; see {@link createRegistryClient}. */
export interface RegistryClient {
  readonly indexes: IndexLocations;
  readonly capabilities: IndexCapabilities;
  /**
   * Where resolutions leave the requests they made for the next run with the same inputs
   * (absent without a cache directory).
   */
  readonly prefetchPlans?: PrefetchPlanStore;
  /**
   * The package's pages from the indexes, following the index strategy: under `first-index`
   * at most one entry. `index` restricts the search to one index (a pinned source). Throws
   * `Package ... was not found in the registry`, or the offline error.
   */
  simple(
    name: PackageName | string,
    options?: { readonly index?: IndexUrl },
  ): Promise<SimpleMetadata[]>;
  /** The package's files from each `--find-links` location that has any. */
  findLinks(name: PackageName | string): Promise<SimpleMetadata[]>;
  /** A wheel's metadata via PEP 658, range requests, or the whole wheel (cached). */
  wheelMetadata(
    file: WheelFileRef,
    filename: WheelFilename | string,
    options?: { readonly index?: IndexUrl },
  ): Promise<ResolutionMetadata>;
  /** Downloads a file with streaming hash checks; see {@link downloadFile}. */
  download(
    file: { readonly url: string; readonly filename: string },
    dest: string | DownloadSink,
    options?: DownloadOptions,
  ): Promise<DownloadResult>;
  /**
   * Starts connecting to the first index searched when a page of `names` would be fetched now
   * (not cached, or stale): the connection is then up by the time a resolution asks for pages.
   * Offline, with no remote index, or when the first names' pages are fresh, nothing happens.
   * With `files`, for a run that will also read files (wheel metadata, downloads), the host the
   * stored page of that name serves its files from is connected to as well, when it is another.
   * With nothing stored, the host the first page read names is connected to instead, once read.
   */
  preconnect(names: Iterable<PackageName | string>, options?: { readonly files?: boolean }): void;
  /**
   * Waits until the cache entries of the responses read so far are written; throws the cache's
   * write error when one failed and no later request has reported it.
   */
  flush(): Promise<void>;
  /**
   * Writes what the cache still has to ({@link flush}, whose error it throws) and closes pooled
   * connections.
   */
  close(): Promise<void>;
}

type SearchOutcome =
  | { readonly kind: "found"; readonly metadata: SimpleMetadata }
  | { readonly kind: "not-found" }
  | { readonly kind: "status-failure"; readonly status: number };

const AUTH_STATUSES = [401, 403, 407, 511];
const DEFAULT_READ_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 3;
/** How many names' cached pages {@link RegistryClient.preconnect} looks at. */
const PRECONNECT_PROBES = 3;
/** Connections to an index's origin over HTTP/1 (HTTP/2 multiplexes every page over one). */
const INDEX_CONNECTIONS = 8;

/**
 * The origins of the indexes whose pages are fetched, each limited to a few connections: more
 * would only cost TLS handshakes (see `originConnections`); requests beyond them queue.
 */
function indexOrigins(locations: IndexLocations): Map<string, number> {
  const origins = new Map<string, number>();
  for (const index of locations.knownIndexes()) {
    if (index.format === "flat" || index.url.kind === "path") continue;
    origins.set(index.url.secretUrl.origin, INDEX_CONNECTIONS);
  }
  return origins;
}

function statusOf(error: unknown): number | undefined {
  return error instanceof FetchError && error.cause instanceof HttpStatusError
    ? error.cause.status
    : undefined;
}

function toMetadata(index: IndexUrl, format: IndexFormat, page: SimplePage): SimpleMetadata {
  const dists = page.dists;
  let all: readonly RegistryDist[] | undefined;
  const everyDist = (): readonly RegistryDist[] => {
    all ??= dists.versions.flatMap((version) => dists.distsOf(version));
    return all;
  };
  return {
    index,
    format,
    projectStatus: page.projectStatus,
    ...(page.versions === undefined ? {} : { versions: page.versions }),
    distVersions: dists.versions,
    distsOf: (version) => dists.distsOf(version),
    uploadsOf: (version) => dists.uploadsOf(version),
    get dists() {
      return everyDist();
    },
    get files() {
      return everyDist().map((d) => d.file);
    },
  };
}

/**
 * A {@link SimpleMetadata} made from files in memory (a page that is not an index's, such as
 * the installed distributions' stand-ins): files that are not distributions of `name` are
 * skipped.
 */
export function simpleMetadataFromFiles(options: {
  readonly index: IndexUrl;
  readonly format: IndexFormat;
  readonly name: PackageName;
  readonly files: Iterable<SimpleFile>;
  readonly projectStatus?: ProjectStatus;
}): SimpleMetadata {
  return toMetadata(options.index, options.format, {
    projectStatus: options.projectStatus ?? { status: "active" },
    dists: GroupedDists.fromFiles(options.files, options.name),
  });
}

/**
 * Creates the registry client: Simple API (PEP 691 JSON preferred, PEP 503 HTML fallback) over
 * undici with connection reuse, `--find-links`, wheel metadata without downloading wheels, an
 * HTTP cache under `cacheDir` (`simple-v0/`, `wheels-v0/`, `flat-index-v0/`), retries with
 * backoff, timeouts, credentials from URLs and `.netrc` (never displayed), and `--offline`.
 */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const env = options.env ?? process.env;
  const fromEnv = clientSettingsFromEnv(env);
  const locations = options.indexes ?? new IndexLocations();
  const strategy = options.indexStrategy ?? "first-index";
  const credentials = new CredentialStore({
    ...(options.netrcPath === undefined ? {} : { netrcPath: options.netrcPath }),
    env,
    seedUrls: locations.knownIndexes().map((i) => i.url.secretUrl),
  });
  const http = new HttpClient({
    credentials,
    retries: options.retries ?? fromEnv.retries ?? DEFAULT_RETRIES,
    timeoutMs: options.timeoutMs ?? fromEnv.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    connectTimeoutMs:
      options.connectTimeoutMs ?? fromEnv.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(options.retryDelayMs !== undefined
      ? { retryDelayMs: options.retryDelayMs }
      : fromEnv.noRetryDelay
        ? { retryDelayMs: () => 0 }
        : {}),
    offline: options.offline ?? false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    // Read on the first TLS connection; the cache remembers which of its roots each origin needs.
    ...(fromEnv.sslCertFile === undefined ? {} : { caFile: fromEnv.sslCertFile }),
    ...(options.cacheDir === undefined ? {} : { tlsCacheDir: options.cacheDir }),
    ...(options.tlsReady === undefined ? {} : { tlsReady: options.tlsReady }),
    originConnections: indexOrigins(locations),
    ...(options.hedge !== undefined
      ? { hedge: options.hedge }
      : fromEnv.noHedge
        ? { hedge: false as const }
        : {}),
  });
  const store =
    options.cacheStore ??
    (options.cacheDir === undefined ? undefined : new FileHttpCacheStore(options.cacheDir));
  const cached = new CachedClient(http, store, {
    ...(options.now === undefined ? {} : { now: options.now }),
    writeBehind: options.writeBehind ?? false,
  });
  const limit = createLimiter(options.concurrency ?? 50);
  // Pages are requested as uv requests them, under the download concurrency, so that every
  // known name's page is asked for at once; a page hands its slot on once its body is in, as
  // parsing it is main-thread work that no slot makes faster.
  const indexLimit = createLimiter(options.concurrency ?? 50);
  // Started at most once: as soon as a stored page is found missing (see `preconnect`), or
  // once a page had to be read after all.
  let pageThread: PageThread | undefined;
  let pageThreadTried = false;
  const pageThreads: PageThreads = {
    current: () => pageThread,
    want() {
      if (pageThreadTried || options.pageThread === undefined) return;
      pageThreadTried = true;
      pageThread = PageThread.start(options.pageThread);
      if (pageThread === undefined) return;
      // Done with the pages by the time the install needs a thread, it becomes that thread.
      options.pageThread.spares?.lend?.(() => {
        const worker = pageThread?.handOver();
        if (worker !== undefined) pageThread = undefined;
        return worker;
      });
    },
  };
  const unauthorized = new Set<string>();
  const forbidden = new Set<string>();
  const noRangeRequests = new Set<string>();
  const flatMemo = new Map<string, Promise<SimpleFile[]>>();
  // Every page and wheel of an index shares its cache shard: one digest per index and run.
  const indexDigests = new Map<IndexUrl, string>();
  const indexDigest = (url: IndexUrl): string => {
    let digest = indexDigests.get(url);
    if (digest === undefined) {
      digest = urlDigest(url.bareHref());
      indexDigests.set(url, digest);
    }
    return digest;
  };

  const refreshFor = (name: PackageName | undefined): boolean => {
    const refresh = options.refresh;
    if (refresh === undefined || refresh === false) return false;
    if (refresh === true) return true;
    return name !== undefined && refresh.has(name);
  };

  const flatFiles = (index: IndexUrl): Promise<SimpleFile[]> => {
    const key = index.bareHref();
    let files = flatMemo.get(key);
    if (files === undefined) {
      files = readFlatIndex(index, cached, { refresh: refreshFor(undefined) });
      flatMemo.set(key, files);
    }
    return files;
  };

  const flatMetadata = async (index: IndexUrl, name: PackageName): Promise<SimpleMetadata> => {
    const files = (await flatFiles(index)).filter(
      (f) => parseDistFilename(f.filename)?.name === name,
    );
    return simpleMetadataFromFiles({ index, format: "flat", name, files });
  };

  /** A project page's request and cache entry. */
  const pageRequest = (index: Index, name: PackageName) => ({
    request: {
      url: projectPageUrl(index.url, name),
      headers: { accept: SIMPLE_ACCEPT, "accept-encoding": "gzip, deflate" },
      // A page may change between two copies, but either answer is a page the index served.
      hedge: true,
    },
    key: {
      bucket: "simple",
      shard: [indexDigest(index.url)],
      file: `${name}.json`,
    } satisfies CacheEntryKey,
    refresh: refreshFor(name),
  });

  /**
   * Looks at `name`'s stored page ahead of its request. Missing, it says the pages will have to
   * be read (a cold cache), so the page thread starts now, to be ready when the first body
   * arrives. With `files`, connects to where the stored page says the index keeps its files,
   * unless that is the index's own origin. The entry is read through the store, which keeps it
   * for the page request that follows.
   */
  const probeStoredPage = (
    index: Index,
    name: PackageName,
    key: CacheEntryKey,
    files: boolean,
  ): void => {
    if (store === undefined) {
      pageThreads.want();
      return;
    }
    store
      .read(key)
      .then((entry) => {
        if (entry === undefined) {
          pageThreads.want();
          if (files) filesFromFirstPage.add(index.url);
          return;
        }
        if (files) connectFilesOf(index.url, decodeSimplePage(entry.payload, name));
      })
      // Only a head start: a page that cannot say where its files are gives none.
      .catch(() => {});
  };

  /**
   * Indexes whose files host is connected to as soon as a page of theirs is read: nothing stored
   * could tell it (a cold cache). Measured on the trio set, that is ~130 ms after the start
   * instead of ~200-230 ms, when the first download would otherwise open it.
   */
  const filesFromFirstPage = new Set<IndexUrl>();

  /** Connects to where `page` keeps its newest files, unless that is `index`'s own origin. */
  const connectFilesOf = (index: IndexUrl, page: SimplePage): void => {
    const dists = page.dists;
    const newest = dists.versions[dists.versions.length - 1];
    const file = newest === undefined ? undefined : dists.distsOf(newest)[0]?.file;
    if (file === undefined) return;
    const url = new URL(file.url, index.secretUrl);
    if (url.origin !== index.secretUrl.origin) http.preconnect(url);
  };

  const searchIndex = async (
    index: Index,
    name: PackageName,
    ignoreAuth: boolean,
    release: () => void,
  ): Promise<SearchOutcome> => {
    if (index.format === "flat") {
      const metadata = await flatMetadata(index.url, name);
      return metadata.distVersions.length === 0
        ? { kind: "not-found" }
        : { kind: "found", metadata };
    }
    if (index.url.kind === "path") {
      const page = await readLocalSimplePage(index.url, name);
      if (page === undefined) return { kind: "not-found" };
      return { kind: "found", metadata: toMetadata(index.url, "simple", page) };
    }
    try {
      const page = await cached.get(
        {
          ...pageRequest(index, name),
          cacheControlOverride: index.cacheControl?.api,
          read: (res, previous) => readSimplePage(res, previous, name, release, pageThreads),
        },
        (payload) => decodeSimplePage(payload, name),
      );
      if (filesFromFirstPage.delete(index.url)) {
        try {
          connectFilesOf(index.url, page);
        } catch {
          // Only a head start, as above.
        }
      }
      return { kind: "found", metadata: toMetadata(index.url, "simple", page) };
    } catch (error) {
      if (error instanceof OfflineError) return { kind: "not-found" };
      const status = statusOf(error);
      if (status === undefined) throw error;
      if (status === 404) return { kind: "not-found" };
      if (index.ignoreErrorCodes?.includes(status) === true) return { kind: "not-found" };
      if (ignoreAuth && AUTH_STATUSES.includes(status)) return { kind: "not-found" };
      if (status === 401) unauthorized.add(index.url.bareHref());
      if (status === 403) forbidden.add(index.url.bareHref());
      if (status === 401 || status === 403) return { kind: "status-failure", status };
      throw error;
    }
  };

  const notFound = (name: PackageName, searched: readonly Index[]): Error => {
    if (http.offline) return new OfflineError(name);
    const hints: string[] = [];
    for (const index of searched) {
      const key = index.url.bareHref();
      if (unauthorized.has(key)) {
        hints.push(
          `An index URL (${redactedBare(index.url)}) could not be queried due to a lack of valid authentication credentials (401 Unauthorized)`,
        );
      } else if (forbidden.has(key)) {
        hints.push(
          `An index (${redactedBare(index.url)}) returned a 403 Forbidden error. Check that the index URL is correct and the credentials are valid.`,
        );
      }
    }
    return new PackageNotFoundError(name, hints.length === 0 ? {} : { hint: hints.join("\n") });
  };

  return {
    indexes: locations,
    capabilities: { unauthorized, forbidden, noRangeRequests },
    ...(options.cacheDir === undefined
      ? {}
      : { prefetchPlans: filePrefetchPlanStore(options.cacheDir, locations, strategy) }),

    async simple(rawName, simpleOptions = {}) {
      const name = parsePackageName(rawName);
      if (locations.noIndex) throw new NoIndexError(name);
      const pinned = simpleOptions.index;
      const indexes: Index[] =
        pinned === undefined
          ? locations.fetchIndexes()
          : [locations.indexFor(pinned) ?? { url: pinned }];
      const results: SimpleMetadata[] = [];
      if (strategy === "first-index") {
        for (const index of indexes) {
          const outcome = await indexLimit((release) => searchIndex(index, name, false, release));
          if (outcome.kind === "found") {
            results.push(outcome.metadata);
            break;
          }
          if (outcome.kind === "status-failure") break;
        }
      } else {
        const outcomes = await Promise.all(
          indexes.map((index) => indexLimit((release) => searchIndex(index, name, true, release))),
        );
        for (const outcome of outcomes)
          if (outcome.kind === "found") results.push(outcome.metadata);
      }
      if (results.length === 0) throw notFound(name, indexes);
      return results;
    },

    async findLinks(rawName) {
      const name = parsePackageName(rawName);
      const all = await Promise.all(
        locations.flatIndexes().map((index) => indexLimit(() => flatMetadata(index.url, name))),
      );
      return all.filter((m) => m.distVersions.length > 0);
    },

    wheelMetadata(file, rawFilename, metadataOptions = {}) {
      const filename =
        typeof rawFilename === "string" ? WheelFilename.parse(rawFilename) : rawFilename;
      const index = metadataOptions.index;
      const fileUrl = stripCredentials(file.url);
      fileUrl.hash = "";
      const capabilityKey = index === undefined ? fileUrl.origin : index.bareHref();
      const shard = index === undefined ? ["url", urlDigest(fileUrl.href)] : [indexDigest(index)];
      const config = index === undefined ? undefined : locations.indexFor(index);
      return limit(() =>
        fetchWheelMetadata(
          {
            client: cached,
            key: {
              bucket: "wheels",
              shard: [...shard, filename.name],
              file: `${filename.stem()}.json`,
            },
            refresh: refreshFor(filename.name),
            cacheControlOverride: config?.cacheControl?.files,
            rangeRequests: !noRangeRequests.has(capabilityKey),
            onRangeUnsupported: () => noRangeRequests.add(capabilityKey),
            store,
          },
          file,
          filename,
        ),
      );
    },

    download(file, dest, downloadOptions = {}) {
      return limit(() => downloadFile(http, file, dest, downloadOptions));
    },

    preconnect(names, preconnectOptions = {}) {
      if (http.offline || locations.noIndex) return;
      const index = locations.fetchIndexes()[0];
      if (index === undefined || index.format === "flat" || index.url.kind === "path") return;
      let checked = 0;
      for (const raw of names) {
        if (checked++ === PRECONNECT_PROBES) return;
        const name = typeof raw === "string" ? parsePackageName(raw) : raw;
        const request = pageRequest(index, name);
        if (cached.wouldSend(request)) {
          http.preconnect(index.url.secretUrl);
          if (preconnectOptions.files === true || options.pageThread !== undefined) {
            probeStoredPage(index, name, request.key, preconnectOptions.files === true);
          }
          return;
        }
      }
    },

    flush() {
      return cached.flush();
    },

    async close() {
      pageThread?.close();
      try {
        await cached.flush();
      } finally {
        await http.close();
      }
    },
  };
}

function redactedBare(url: IndexUrl): string {
  return url.withoutCredentials().href;
}
