import { rmdir, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ArchiveDigest, Cache } from "@uv-ts/cache";
import { type RegistryClient, redactUrl } from "@uv-ts/client";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import {
  ExtractError,
  extractZip,
  type HashAlgorithm,
  type HashDigest,
  MemberWorker,
  verifyHashes,
} from "@uv-ts/extract";
import { removeAll } from "@uv-ts/fs";
import type { Hashes } from "@uv-ts/pypi-types";
import { DownloadBuffer } from "./download-buffer.ts";
import {
  DownloadWheelError,
  ExtractArchiveError,
  OfflineWheelError,
  ReadWheelError,
} from "./errors.ts";
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
   * to fetch, used once up), `0` to do it all on the main thread. Default: 2 to 4 where the
   * machine has a second core, else 0.
   */
  readonly extractThreads?: number;
}

function extractThreads(requested: number | undefined): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(4, Math.max(2, cores - 1));
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

/**
 * Wheels up to this size are downloaded into memory and unpacked from there. With the prepare
 * step's 16 fetches at once, that bounds the memory held by downloads to about 0.5 GiB in the
 * worst case; almost every wheel is far smaller.
 */
const IN_MEMORY_WHEEL_BYTES = 32 * 1024 * 1024;

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
 */
export class WheelFetcher {
  readonly #cache: Cache;
  readonly #client: RegistryClient | undefined;
  readonly #offline: boolean;
  readonly #signal: AbortSignal | undefined;
  #extractThreads: number;
  #memberWorkers: MemberWorker[] = [];

  constructor(options: WheelFetcherOptions) {
    this.#cache = options.cache;
    this.#client = options.client;
    this.#offline = options.offline ?? false;
    this.#signal = options.signal;
    this.#extractThreads = extractThreads(options.extractThreads);
  }

  /**
   * An unpacking thread for the next archive (the least busy one that is up), all of them
   * started on first use: before the download they serve, so that their start-up (tens of
   * milliseconds each, on other cores) overlaps the transfer. Two threads even on two cores: the
   * main thread spends much of a cold install waiting on the network, and a single thread
   * writing every file became the bottleneck.
   */
  #worker(): MemberWorker | undefined {
    if (this.#memberWorkers.length === 0 && this.#extractThreads > 0) {
      for (let i = 0; i < this.#extractThreads; i++) {
        const worker = MemberWorker.start();
        if (worker !== undefined) this.#memberWorkers.push(worker);
      }
      // Not available here: do not try again for every wheel.
      if (this.#memberWorkers.length === 0) this.#extractThreads = 0;
    }
    let best: MemberWorker | undefined;
    for (const worker of this.#memberWorkers) {
      if (worker.ready && (best === undefined || worker.backlog < best.backlog)) best = worker;
    }
    return best;
  }

  /**
   * Starts the unpacking threads now, for a caller that knows many wheels will be fetched (a
   * cold install): their start-up then overlaps resolution, which leaves the other cores idle.
   * Otherwise they start with the first download.
   */
  startThreads(): void {
    this.#worker();
  }

  /** Stops the unpacking threads, if started (they never keep the process alive by themselves). */
  close(): void {
    for (const worker of this.#memberWorkers) worker.close();
    this.#memberWorkers = [];
    this.#extractThreads = 0;
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
    const pointerPath = wheelPointerPath(this.#cache, source);
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

  /** The wheel's archive, from the cache or fetched and unpacked into it. */
  async fetch(source: WheelSource, options: FetchWheelOptions): Promise<LocalWheel> {
    const hit = await this.cached(source, options.expectedHashes);
    if (hit !== undefined) return hit;
    if (source.kind === "path") {
      try {
        return await this.#unpack(source, source.path, options);
      } catch (error) {
        throw this.#wrap(error, () => new ReadWheelError(options.distribution, error));
      }
    }
    try {
      if (this.#offline) throw new OfflineWheelError(redactUrl(wheelSourceUrl(source)));
      return await this.#download(source, options);
    } catch (error) {
      throw this.#wrap(error, () => new DownloadWheelError(options.distribution, error));
    }
  }

  #wrap(error: unknown, wrap: () => Error): unknown {
    // An interrupted run reports the interruption, not a download failure.
    if (this.#signal?.aborted === true) return this.#signal.reason;
    return error instanceof Error ? wrap() : error;
  }

  async #download(source: WheelSource, options: FetchWheelOptions): Promise<LocalWheel> {
    const client = this.#client;
    if (client === undefined) throw new Error("A registry client is needed to download wheels");
    this.#worker();
    const temp = await this.#cache.tempDir();
    const filename = source.filename.toString();
    // Most wheels are unpacked from memory; a big one spills to a file in the temp dir.
    const buffer = new DownloadBuffer(IN_MEMORY_WHEEL_BYTES, join(temp, filename));
    try {
      // The download hashes the bytes as they arrive, so the extractor need not hash them again.
      const downloaded = await client.download({ url: wheelSourceUrl(source), filename }, buffer, {
        distribution: options.distribution,
        hashAlgorithms: hashAlgorithms(expectedFor(source, options.expectedHashes)),
        ...(this.#signal === undefined ? {} : { signal: this.#signal }),
      });
      const archive = await buffer.finish();
      return await this.#unpack(source, archive, options, temp, downloaded.hashes);
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
        signal: this.#signal,
        memberWorker: this.#worker(),
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
      await this.#cache.writePointer(wheelPointerPath(this.#cache, source), {
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
