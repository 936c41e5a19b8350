import { rmdir, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ArchiveDigest, Cache } from "@uv-ts/cache";
import { type IndexUrl, type RegistryClient, redactUrl } from "@uv-ts/client";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import {
  ExtractError,
  extractZip,
  type HashAlgorithm,
  type HashDigest,
  MemberThreads,
  MemberWorker,
  verifyHashes,
} from "@uv-ts/extract";
import { removeAll, type SpareThreads } from "@uv-ts/fs";
import type { PackageName } from "@uv-ts/normalize";
import type { Tags } from "@uv-ts/platform-tags";
import type { Hashes } from "@uv-ts/pypi-types";
import { type CachedReleasePointer, findCachedRelease } from "./cached-release.ts";
import { DownloadBuffer } from "./download-buffer.ts";
import {
  DownloadWheelError,
  ExtractArchiveError,
  OfflineWheelError,
  ReadWheelError,
} from "./errors.ts";
import { MemoryBudget } from "./memory-budget.ts";
import { PrefetchQueue } from "./prefetch-queue.ts";
import { type WheelSource, wheelPointerPath, wheelSourceUrl } from "./wheel-source.ts";

/** An unpacked wheel in the archive store, ready to be linked into an environment. */
export interface LocalWheel {
  /** The archive directory (never modify it: it may be shared by many environments). */
  readonly path: string;
  readonly filename: WheelFilename;
  /** Digests of the `.whl` file, verified when it was unpacked. */
  readonly hashes: readonly ArchiveDigest[];
  /** The archive's files, as listed when it was unpacked (absent for older cache entries). */
  readonly files?: readonly string[];
}

/** Options of {@link WheelFetcher}. */
export interface WheelFetcherOptions {
  readonly cache: Cache;
  /** Only needed for registry and URL wheels. */
  readonly client?: RegistryClient;
  readonly offline?: boolean;
  readonly signal?: AbortSignal;
  /**
   * Threads that inflate and write the members of unpacked wheels (started with the first wheel
   * to fetch, used once up), `0` to do it all on the main thread. Default: one per core beyond
   * the first, at most 4 ({@link defaultExtractThreads}), and one more once a backlog builds up
   * ({@link maxExtractThreads}). A number given here is exact: no thread is added.
   */
  readonly extractThreads?: number;
  /** Prefetches ({@link WheelFetcher.prefetch}) downloading at once. Default 16. */
  readonly prefetchConcurrency?: number;
  /** Threads started ahead that the unpacking threads take before starting new ones. */
  readonly spareThreads?: SpareThreads | undefined;
}

/**
 * The unpacking threads for a machine with `cores` cores: one per core beyond the first (which
 * the main thread keeps busy with the network, the archive walks and the link thread's share),
 * at most 4. On 2 cores a second unpacking thread cost more than it gave: its start-up (~50 ms
 * of CPU) and the contention of four busy threads made a cold 37-wheel install use ~250 ms more
 * CPU for the same wall time, and a cold 100-wheel one ~290 ms more.
 */
export function defaultExtractThreads(cores: number): number {
  return cores < 2 ? 0 : Math.min(4, cores - 1);
}

/**
 * The most unpacking threads for a machine with `cores` cores, counting those started only once
 * the backlog is deep ({@link AHEAD}): one per core, at most 4, when there is a first one. In
 * the tail of a cold install the main thread only waits for the unpacking, so its core is free.
 */
export function maxExtractThreads(cores: number): number {
  const initial = defaultExtractThreads(cores);
  return initial === 0 ? 0 : Math.max(initial, Math.min(4, cores));
}

/**
 * The work (in the extractor's units, about bytes written) handed to an unpacking thread ahead,
 * the rest waiting for the first thread with room; another thread starts when work waits. About
 * 70 ms of work for one thread (it clears ~230 KB/ms; a cold 37-wheel install queues ~90 MB at
 * once as its downloads end).
 */
const AHEAD = 16 * 1024 * 1024;

function extractThreads(requested: number | undefined): { initial: number; max: number } {
  if (requested !== undefined) {
    const threads = Math.max(0, Math.floor(requested));
    return { initial: threads, max: threads };
  }
  const cores = availableParallelism();
  return { initial: defaultExtractThreads(cores), max: maxExtractThreads(cores) };
}

/** Per-wheel options of {@link WheelFetcher.fetch}. */
export interface FetchWheelOptions {
  /**
   * Digests from `--hash` (or a lockfile): the wheel must match one of them. Without any, the
   * index's digests for the file are checked instead.
   */
  readonly expectedHashes?: readonly ArchiveDigest[];
  /** How the wheel is named in messages, `anyio==4.0.0`. */
  readonly distribution: string;
}

/** A fetch started ahead of need by {@link WheelFetcher.prefetch}. */
interface Prefetch {
  readonly distribution: string;
  /** The cache as this run first found it: the archive it held, else `undefined`. */
  readonly firstLook: Promise<LocalWheel | undefined>;
  /** The wheel; a rejection is observed, so an unused failure goes unreported. */
  readonly result: Promise<LocalWheel>;
  readonly controller: AbortController;
  /** Starts the download now if it still waits for a slot. */
  readonly promote: () => void;
}

/**
 * Wheels up to this size are downloaded into memory and unpacked from there, as long as the
 * downloads of the run hold at most {@link IN_MEMORY_TOTAL_BYTES} together; the rest are written
 * to a temporary file. Almost every wheel is far smaller.
 */
const IN_MEMORY_WHEEL_BYTES = 32 * 1024 * 1024;

/**
 * What the downloads of one fetcher may hold in memory at once (until their wheel is unpacked):
 * with many downloads at once (`UV_CONCURRENT_DOWNLOADS=50`, as uv's default), a per-wheel cap
 * alone would allow 1.6 GiB.
 */
const IN_MEMORY_TOTAL_BYTES = 256 * 1024 * 1024;

/**
 * Prefetches downloading (and unpacking) at once. uv downloads up to 50 at once, but it unpacks
 * as the bytes arrive; here a wheel is unpacked once downloaded, and 50 at once shared the
 * bandwidth so evenly that the unpacking threads idled until all of them ended together (a
 * slower cold install on a loaded 2-core machine, no faster on a quiet one).
 */
const PREFETCH_CONCURRENCY = 16;

/** A wheel's size as its index gives it; unknown sizes count as the biggest, as in uv. */
function wheelSize(source: WheelSource): number {
  return source.kind === "registry" && source.file.size !== undefined
    ? source.file.size
    : Number.MAX_SAFE_INTEGER;
}

const COMPUTABLE = new Set<string>(["md5", "sha256", "sha384", "sha512"]);

function toDigests(hashes: readonly ArchiveDigest[]): HashDigest[] {
  return hashes
    .filter((h) => COMPUTABLE.has(h.algorithm))
    .map((h) => ({ algorithm: h.algorithm as HashAlgorithm, digest: h.digest.toLowerCase() }));
}

/** The digests to verify: the caller's, else the index's (BLAKE2b cannot be computed here). */
function expectedFor(
  source: WheelSource,
  given: readonly ArchiveDigest[] | undefined,
): HashDigest[] {
  if (given !== undefined && given.length > 0) return toDigests(given);
  if (source.kind !== "registry") return [];
  return toDigests(
    Object.entries(source.file.hashes).map(([algorithm, digest]) => ({
      algorithm,
      digest: digest as string,
    })),
  );
}

/** The digests to compute for a wheel: sha256 (recorded in the cache) and the expected ones. */
function hashAlgorithms(expected: readonly HashDigest[]): HashAlgorithm[] {
  return [...new Set<HashAlgorithm>(["sha256", ...expected.map((e) => e.algorithm)])];
}

/** Whether a persisted archive's digests prove it is one of the expected files. */
function pointerMatches(
  hashes: readonly ArchiveDigest[],
  expected: readonly HashDigest[],
): boolean {
  if (expected.length === 0) return true;
  return expected.some((e) =>
    hashes.some((h) => h.algorithm === e.algorithm && h.digest.toLowerCase() === e.digest),
  );
}

/**
 * Fetches wheels into the cache's archive store and hands back their unpacked directories (uv's
 * `DistributionDatabase::get_or_build_wheel` for built distributions). Each wheel is downloaded
 * once (with the client's retries), its digests checked, unpacked by the strict extractor into a
 * temporary directory inside the cache, moved into `archive-v0/` by one rename and published by
 * an atomic pointer write. A later run finds the pointer and needs no network; an interrupted
 * run leaves at most a temporary directory for `cache prune`.
 *
 * A wheel that will likely be needed can be fetched ahead ({@link prefetch}): the later
 * {@link fetch} of the same wheel (same expected digests) takes that fetch over instead of
 * starting another, and {@link cached} answers as the cache stood before it.
 */
export class WheelFetcher {
  readonly #cache: Cache;
  readonly #client: RegistryClient | undefined;
  readonly #offline: boolean;
  readonly #signal: AbortSignal | undefined;
  #extractThreads: { initial: number; max: number };
  readonly #spareThreads: SpareThreads | undefined;
  #memberThreads: MemberThreads | undefined;
  readonly #prefetches = new Map<string, Prefetch>();
  readonly #prefetchQueue: PrefetchQueue;
  readonly #memory = new MemoryBudget(IN_MEMORY_TOTAL_BYTES);
  /** Set by {@link settle}: nothing new is started after it. */
  #settled = false;
  /**
   * Each source's pointer file, worked out once: a warm install asks for it four times a wheel
   * (prefetch, its outcome, the plan, the install), and each time hashed the index URL again
   * (~5 ms of a busy main thread on a warm 37-wheel run, profiled).
   */
  readonly #pointerPaths = new WeakMap<WheelSource, string>();

  constructor(options: WheelFetcherOptions) {
    this.#cache = options.cache;
    this.#client = options.client;
    this.#offline = options.offline ?? false;
    this.#signal = options.signal;
    this.#extractThreads = extractThreads(options.extractThreads);
    this.#spareThreads = options.spareThreads;
    this.#prefetchQueue = new PrefetchQueue(options.prefetchConcurrency ?? PREFETCH_CONCURRENCY);
  }

  /** One wheel with one set of expected digests: what a prefetch can stand in for. */
  #key(source: WheelSource, expectedHashes: readonly ArchiveDigest[] | undefined): string {
    const expected = expectedFor(source, expectedHashes)
      .map((h) => `${h.algorithm}:${h.digest}`)
      .sort();
    return `${this.#pointerPath(source)}\n${wheelSourceUrl(source)}\n${expected.join(",")}`;
  }

  /** {@link wheelPointerPath}, remembered for each source object. */
  #pointerPath(source: WheelSource): string {
    let path = this.#pointerPaths.get(source);
    if (path === undefined) {
      path = wheelPointerPath(this.#cache, source);
      this.#pointerPaths.set(source, path);
    }
    return path;
  }

  /**
   * The unpacking threads, the default ones started on first use: before the download they
   * serve, so that their start-up (tens of milliseconds each, on other cores) overlaps the
   * transfer. Every archive uses all of them (each batch of members goes to the least busy), so
   * that one big wheel at the end keeps them all busy. One more starts once work waits for them
   * ({@link maxExtractThreads}): on two cores, a cold 37-wheel install (which queues ~90 MB of
   * work as its downloads end) then took ~50 ms less wall time for ~60 ms more CPU, and a
   * 97-wheel one ~250 ms less, while a small install never starts it.
   */
  #workers(): MemberThreads | undefined {
    if (this.#memberThreads === undefined && this.#extractThreads.initial > 0) {
      const spares = this.#spareThreads;
      this.#memberThreads = MemberThreads.growing({
        ...this.#extractThreads,
        ahead: AHEAD,
        start: () => MemberWorker.start(undefined, spares),
      });
      // Not available here: do not try again for every wheel.
      if (this.#memberThreads === undefined) this.#extractThreads = { initial: 0, max: 0 };
    }
    return this.#memberThreads;
  }

  /**
   * Starts the unpacking threads now, for a caller that knows many wheels will be fetched (a
   * cold install): their start-up then overlaps resolution, which leaves the other cores idle.
   * Otherwise they start with the first download.
   */
  startThreads(): void {
    this.#workers();
  }

  /**
   * Starts fetching a wheel the caller will likely ask for soon (a pinned requirement while the
   * resolution still runs), unless the cache holds it: a cache fill that nobody waits for, at
   * most a few at a time. Its failure is never reported by itself: only a {@link fetch} of the
   * same wheel, which takes it over, reports it, as its own. Registry and URL wheels only, and
   * nothing when offline or after {@link settle}.
   */
  prefetch(source: WheelSource, options: FetchWheelOptions): void {
    if (this.#settled || this.#offline || source.kind === "path" || this.#client === undefined) {
      return;
    }
    if (this.#signal?.aborted === true) return;
    const key = this.#key(source, options.expectedHashes);
    if (this.#prefetches.has(key)) return;
    const controller = new AbortController();
    const signal =
      this.#signal === undefined
        ? controller.signal
        : AbortSignal.any([this.#signal, controller.signal]);
    const firstLook = this.#lookup(source, options.expectedHashes);
    let promote: () => void = () => {};
    const result = this.#fetch(source, options, firstLook, (download) => {
      // The slot is handed on once the bytes are in: the unpacking that follows runs on the
      // unpacking threads, and a wheel waiting for a slot (the biggest first) should not also
      // wait for it. Cold trio sync, 2 cores: with slots held until unpacked, the three biggest
      // wheels (25 MB of the 30) started 40-80 ms after their guesses, queued behind small ones.
      const task = this.#prefetchQueue.add(
        (release) => download(signal, release),
        wheelSize(source),
      );
      promote = task.promote;
      return task.promise;
    });
    result.catch(() => {});
    this.#prefetches.set(key, {
      distribution: options.distribution,
      firstLook,
      result,
      controller,
      promote: () => promote(),
    });
  }

  /**
   * The outcome of the {@link prefetch} of this wheel (with these expected digests), without
   * taking it over: the archive once it is in the cache (at once when it was there already).
   * `undefined` when none was started; a failed one is reported by {@link fetch}, not here.
   */
  prefetched(
    source: WheelSource,
    expectedHashes?: readonly ArchiveDigest[],
  ): Promise<LocalWheel | undefined> | undefined {
    const prefetch = this.#prefetches.get(this.#key(source, expectedHashes));
    return prefetch?.result.catch(() => undefined);
  }

  /**
   * Aborts the prefetches that still run (by now, nobody waits for them: the install took what
   * it needed, or the command failed) and waits until every one has ended, so that no work
   * outlives the command; nothing is prefetched after it. Call it before {@link close} (an
   * unpacking prefetch may still use the threads).
   */
  async settle(): Promise<void> {
    this.#settled = true;
    const prefetches = [...this.#prefetches.values()];
    for (const p of prefetches) p.controller.abort();
    await Promise.allSettled(prefetches.map((p) => p.result));
  }

  /** Stops the unpacking threads, if started (they never keep the process alive by themselves). */
  close(): void {
    this.#settled = true;
    for (const p of this.#prefetches.values()) p.controller.abort();
    this.#memberThreads?.close();
    this.#memberThreads = undefined;
    this.#extractThreads = { initial: 0, max: 0 };
  }

  /**
   * The wheel's archive when the cache already holds a fresh, matching one; `undefined` when it
   * must be fetched (missing, refreshed by `--refresh`, a local file changed since, or digests
   * that do not prove it is the expected file).
   */
  async cached(
    source: WheelSource,
    expectedHashes?: readonly ArchiveDigest[],
  ): Promise<LocalWheel | undefined> {
    // A prefetched wheel counts as it was found before the prefetch: the caller plans (and
    // reports) a download, which the prefetch has done or is doing.
    const prefetched = this.#prefetches.get(this.#key(source, expectedHashes));
    if (prefetched !== undefined) return prefetched.firstLook;
    return this.#lookup(source, expectedHashes);
  }

  /**
   * The cache pointer of the wheel of release `version` of `name` from the registry `index`
   * that suits `tags` best: what a requirement pinned to that release most likely installs,
   * known before the index's page is read, from the cache's directory alone. Only a guess to
   * work ahead by: the page decides which wheel is installed, and {@link cached} checks it then.
   * `undefined` when the cache holds none, or `--refresh` covers the package. Synchronous (one
   * directory read), for a caller that cannot wait for turns of a busy event loop.
   */
  cachedReleasePointer(
    index: IndexUrl,
    name: PackageName,
    version: WheelFilename["version"],
    tags: Tags,
  ): CachedReleasePointer | undefined {
    if (this.#cache.mustRevalidatePackage(name)) return undefined;
    return findCachedRelease(this.#cache, index, name, version, tags);
  }

  async #lookup(
    source: WheelSource,
    expectedHashes: readonly ArchiveDigest[] | undefined,
  ): Promise<LocalWheel | undefined> {
    const pointerPath = this.#pointerPath(source);
    const resolved = await this.#cache.resolvePointer(pointerPath);
    if (resolved === undefined) return undefined;
    if (resolved.pointer.filename !== source.filename.toString()) return undefined;
    if (!pointerMatches(resolved.pointer.hashes, expectedFor(source, expectedHashes))) {
      return undefined;
    }
    // `--refresh` (and `--reinstall`) re-fetch entries older than the run; without them the
    // pointer just read is fresh, and needs no `stat`.
    if (
      this.#cache.mustRevalidatePackage(source.filename.name) &&
      (await this.#cache.freshness(pointerPath, source.filename.name)) === "stale" &&
      !(this.#offline && source.kind !== "path")
    ) {
      return undefined;
    }
    if (source.kind === "path") {
      // A local file replaced in place must be unpacked again.
      const [file, pointer] = await Promise.all([
        stat(source.path).catch(() => undefined),
        stat(pointerPath).catch(() => undefined),
      ]);
      if (file === undefined || pointer === undefined || file.mtimeMs > pointer.mtimeMs) {
        return undefined;
      }
    }
    const { hashes, files } = resolved.pointer;
    return {
      path: resolved.path,
      filename: source.filename,
      hashes,
      ...(files === undefined ? {} : { files }),
    };
  }

  /**
   * The wheel's archive, from the cache or fetched and unpacked into it. A prefetch of the same
   * wheel is taken over: it ran exactly what this call would run (one download, the client's
   * retries), so its outcome, a failure included, is this call's.
   */
  async fetch(source: WheelSource, options: FetchWheelOptions): Promise<LocalWheel> {
    const prefetched = this.#prefetches.get(this.#key(source, options.expectedHashes));
    if (prefetched !== undefined && prefetched.distribution === options.distribution) {
      prefetched.promote();
      return prefetched.result;
    }
    return this.#fetch(source, options, this.#lookup(source, options.expectedHashes), (download) =>
      download(this.#signal),
    );
  }

  /**
   * {@link fetch} from the cache's answer `lookup` on: `schedule` runs the download (now, or
   * when the prefetch queue has room) with the signal that may stop it.
   */
  async #fetch(
    source: WheelSource,
    options: FetchWheelOptions,
    lookup: Promise<LocalWheel | undefined>,
    schedule: (
      download: (signal: AbortSignal | undefined, onDownloaded?: () => void) => Promise<LocalWheel>,
    ) => Promise<LocalWheel>,
  ): Promise<LocalWheel> {
    const hit = await lookup;
    if (hit !== undefined) return hit;
    if (source.kind === "path") {
      try {
        return await this.#unpack(source, source.path, options, this.#signal);
      } catch (error) {
        throw this.#wrap(error, () => new ReadWheelError(options.distribution, error));
      }
    }
    try {
      if (this.#offline) throw new OfflineWheelError(redactUrl(wheelSourceUrl(source)));
      return await schedule((signal, onDownloaded) =>
        this.#download(source, options, signal, onDownloaded),
      );
    } catch (error) {
      throw this.#wrap(error, () => new DownloadWheelError(options.distribution, error));
    }
  }

  #wrap(error: unknown, wrap: () => Error): unknown {
    // An interrupted run reports the interruption, not a download failure.
    if (this.#signal?.aborted === true) return this.#signal.reason;
    return error instanceof Error ? wrap() : error;
  }

  /** Downloads and unpacks a wheel; `onDownloaded` is called once its bytes are all in. */
  async #download(
    source: WheelSource,
    options: FetchWheelOptions,
    signal: AbortSignal | undefined,
    onDownloaded?: () => void,
  ): Promise<LocalWheel> {
    const client = this.#client;
    if (client === undefined) throw new Error("A registry client is needed to download wheels");
    this.#workers();
    const temp = await this.#cache.tempDir();
    const filename = source.filename.toString();
    // Most wheels are unpacked from memory; a big one spills to a file in the temp dir.
    const buffer = new DownloadBuffer(IN_MEMORY_WHEEL_BYTES, join(temp, filename), {
      expectedSize: source.kind === "registry" ? source.file.size : undefined,
      budget: this.#memory,
    });
    try {
      // The download hashes the bytes as they arrive, so the extractor need not hash them again.
      const downloaded = await client.download({ url: wheelSourceUrl(source), filename }, buffer, {
        distribution: options.distribution,
        hashAlgorithms: hashAlgorithms(expectedFor(source, options.expectedHashes)),
        ...(signal === undefined ? {} : { signal }),
      });
      const archive = await buffer.finish();
      onDownloaded?.();
      return await this.#unpack(source, archive, options, signal, temp, downloaded.hashes);
    } finally {
      await buffer.discard();
      // Usually empty by now (the download stayed in memory): one `rmdir` instead of a walk.
      await rmdir(temp).catch(() => removeAll(temp));
    }
  }

  /** Unpacks (and verifies) `archive` into the store and points the source's entry at it. */
  async #unpack(
    source: WheelSource,
    archive: string | Uint8Array,
    options: FetchWheelOptions,
    signal: AbortSignal | undefined,
    tempDir?: string,
    known?: Hashes,
  ): Promise<LocalWheel> {
    const expected = expectedFor(source, options.expectedHashes);
    const temp = tempDir ?? (await this.#cache.tempDir());
    try {
      const unpacked = join(temp, "unpacked");
      const algorithms = hashAlgorithms(expected);
      const result = await extractZip(archive, unpacked, {
        hashAlgorithms: known === undefined ? algorithms : [],
        ...(expected.length === 0 || known !== undefined
          ? {}
          : { expectedHashes: { name: options.distribution, digests: expected, mode: "any" } }),
        signal,
        memberThreads: this.#workers(),
        // `temp` is this fetch's own, removed below (or by the caller) after a failure.
        unstaged: true,
      }).catch((error: unknown) => {
        // As uv: a refused archive names the file (a digest mismatch is no `ExtractError`).
        if (error instanceof ExtractError) {
          throw new ExtractArchiveError(source.filename.toString(), error);
        }
        throw error;
      });
      let computed: readonly HashDigest[] = result.hashes;
      if (known !== undefined) {
        // Checked after unpacking, as the extractor would: a refused archive is reported first.
        computed = algorithms.map((algorithm) => ({ algorithm, digest: known[algorithm] ?? "" }));
        verifyHashes(options.distribution, expected, computed, "any");
      }
      // The extractor's own list: every regular file it wrote, without walking the tree again.
      const files = result.files.map((file) => file.path);
      const id = await this.#cache.persistArchive(unpacked);
      const hashes = computed.map((h) => ({ algorithm: h.algorithm, digest: h.digest }));
      await this.#cache.writePointer(this.#pointerPath(source), {
        archiveId: id,
        filename: source.filename.toString(),
        hashes,
        files,
      });
      return { path: this.#cache.archivePath(id), filename: source.filename, hashes, files };
    } finally {
      if (tempDir === undefined) await removeAll(temp);
    }
  }
}
