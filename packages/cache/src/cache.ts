import { cpSync, lstatSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, open, rename, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { UvError } from "@uv-ts/error";
import { LockedFile, removeAll, userDisplay, writeFileAtomic } from "@uv-ts/fs";
import type { PackageName } from "@uv-ts/normalize";
import { newArchiveId } from "./archive-id.ts";
import { CACHE_BUCKETS, type CacheBucket } from "./bucket.ts";
import { ownedTempPrefix, removeOrphanedTempDirs } from "./owned-temp.ts";
import {
  type ArchivePointer,
  isArchiveId,
  POINTER_SUFFIX,
  PointerPathError,
  parsePointer,
  serializePointer,
} from "./pointer.ts";
import { pruneCache } from "./prune.ts";
import { mustRevalidatePackage, type Refresh, refreshCutoff } from "./refresh.ts";
import { Removal, removeContents } from "./removal.ts";
import { removePackage } from "./remove-package.ts";

/** The `CACHEDIR.TAG` header (https://bford.info/cachedir/), written without a newline as uv does. */
const CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55";

/** Whether a cache entry can be used as is under the run's {@link Refresh} policy. */
export type Freshness = "fresh" | "stale" | "missing";

/** How a {@link Cache} is opened. */
export interface CacheOptions {
  /** Which entries to revalidate (default: none, as of now). */
  readonly refresh?: Refresh;
  /** How long to wait for the cache lock (`UV_LOCK_TIMEOUT`; default 300 s). */
  readonly lockTimeoutMs?: number;
  /** Receives uv's `Waiting to acquire ... lock` line when the cache lock is contended. */
  readonly onLockWait?: (message: string) => void;
  /** The directory paths in messages are relative to (default: the process cwd). */
  readonly cwd?: string;
}

/** The cache could not be set up (`Failed to initialize cache at ...`). */
export class CacheInitError extends UvError {
  constructor(root: string, cause: unknown) {
    super("cache.init", `Failed to initialize cache at \`${root}\``, { cause });
  }
}

/** An archive could not be moved into the archive store. */
export class PersistArchiveError extends UvError {
  constructor(from: string, cause: unknown) {
    super("cache.persist", `Failed to persist \`${from}\` to the cache`, { cause });
  }
}

async function createNew(path: string, data: string): Promise<void> {
  try {
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/**
 * The uv-ts cache: a root directory of versioned buckets ({@link CACHE_BUCKETS}) and an archive
 * store of unpacked wheels that entries reference through pointers, as uv lays it out.
 *
 * Concurrency: every command that reads or writes the cache holds the root lock (`.lock`) shared
 * from {@link init} until exit; `cache clean` and `cache prune` hold it exclusively. Writers never
 * modify what another process could be reading: new content is built in a temp directory inside
 * the root, moved into `archive-v0/<fresh id>` by one rename, and published by an atomic pointer
 * write, so two processes filling the same entry both succeed and the loser's archive is
 * left for `cache prune`.
 */
export class Cache {
  /** The root, as given (relative paths stay relative, as uv prints them). */
  readonly root: string;
  readonly refresh: Refresh;
  /** Whether this is a `--no-cache` cache in a temporary directory. */
  readonly temporary: boolean;
  readonly #options: CacheOptions;
  #lock: LockedFile | undefined;
  #exitHandler: (() => void) | undefined;
  #tempPrefix: string | undefined;
  /** Each bucket's directory (see {@link bucket}). */
  readonly #buckets = new Map<CacheBucket, string>();

  private constructor(root: string, temporary: boolean, options: CacheOptions) {
    this.root = root;
    this.temporary = temporary;
    this.refresh = options.refresh ?? { kind: "none", timestamp: Date.now() };
    this.#options = options;
  }

  /** A persistent cache at `root` (`--cache-dir`, `UV_CACHE_DIR`, or the CLI's default). */
  static fromPath(root: string, options: CacheOptions = {}): Cache {
    return new Cache(root, false, options);
  }

  /**
   * A cache in a fresh temporary directory (`--no-cache`), removed when {@link dispose} runs or,
   * failing that, when the process exits.
   */
  static temp(options: CacheOptions = {}): Cache {
    const root = mkdtempSync(join(tmpdir(), ".tmp"));
    const cache = new Cache(root, true, options);
    cache.#exitHandler = () => {
      cache.#lock?.releaseSync();
      rmSync(root, { recursive: true, force: true });
    };
    process.once("exit", cache.#exitHandler);
    return cache;
  }

  /** The root lock's directory. */
  get lockPath(): string {
    return join(this.root, ".lock");
  }

  /** The root as messages show it (relative to the cwd when below it). */
  get display(): string {
    return userDisplay(this.root, this.#options.cwd ?? process.cwd());
  }

  /** The lock this cache holds on its root, if any. */
  get lockMode(): "shared" | "exclusive" | undefined {
    return this.#lock === undefined || this.#lock.released ? undefined : this.#lock.mode;
  }

  /**
   * Creates the scaffold (the root, `CACHEDIR.TAG`, a `.gitignore` of `*`, and in the sdists
   * bucket an empty `.gitignore` and a phony `.git` so that build backends walking up from an
   * unpacked source tree stop there) and takes the shared lock.
   */
  async init(): Promise<this> {
    try {
      await mkdir(this.root, { recursive: true });
      await createNew(join(this.root, "CACHEDIR.TAG"), CACHEDIR_TAG);
      await createNew(join(this.root, ".gitignore"), "*");
      const sdists = this.bucket("sdists");
      await mkdir(sdists, { recursive: true });
      await createNew(join(sdists, ".gitignore"), "");
      await createNew(join(sdists, ".git"), "");
    } catch (error) {
      throw new CacheInitError(this.display, error);
    }
    if (this.#lock === undefined || this.#lock.released) {
      this.#lock = await this.#acquire("shared");
    }
    // Temp dirs of killed runs would otherwise survive until `cache prune`.
    if (!this.temporary) await removeOrphanedTempDirs(this.root);
    return this;
  }

  #acquire(mode: "shared" | "exclusive"): Promise<LockedFile> {
    const options = this.#options;
    // uv names the resource by the root as given, and shows the lock file relative to the cwd.
    return LockedFile.acquire(this.lockPath, mode, this.root, {
      ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }),
      ...(options.onLockWait === undefined ? {} : { onWait: options.onLockWait }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
  }

  /** Trades any shared lock for the exclusive one, waiting as long as the lock timeout allows. */
  async lockExclusive(): Promise<void> {
    if (this.lockMode === "exclusive") return;
    await this.#lock?.release();
    this.#lock = await this.#acquire("exclusive");
  }

  /** Trades any shared lock for the exclusive one if nobody else holds the lock; else `false`. */
  async tryLockExclusive(): Promise<boolean> {
    if (this.lockMode === "exclusive") return true;
    await this.#lock?.release();
    this.#lock = undefined;
    const lock = await LockedFile.tryAcquire(this.lockPath, "exclusive", this.root, {
      ...(this.#options.cwd === undefined ? {} : { cwd: this.#options.cwd }),
    });
    this.#lock = lock;
    return lock !== undefined;
  }

  /** Releases the root lock and, for a temporary cache, removes it. Idempotent. */
  async dispose(): Promise<void> {
    await this.#lock?.release();
    if (this.#exitHandler !== undefined) {
      process.removeListener("exit", this.#exitHandler);
      this.#exitHandler = undefined;
      await removeAll(this.root);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** The directory of a bucket. */
  bucket(bucket: CacheBucket): string {
    let path = this.#buckets.get(bucket);
    if (path === undefined) {
      path = join(this.root, CACHE_BUCKETS[bucket]);
      this.#buckets.set(bucket, path);
    }
    return path;
  }

  /** A path inside a bucket: `entry("wheels", "pypi", "anyio", "anyio-4.0.0.pointer")`. */
  entry(bucket: CacheBucket, ...parts: string[]): string {
    // The bucket's path is normalised already: only the parts are (a run asks for hundreds of
    // entries, and normalising the whole path each time showed in its profile). Parts that
    // climb out of the bucket get the whole path normalised, as before.
    const root = this.bucket(bucket);
    if (parts.length === 0) return root;
    const below = join(...parts);
    if (below === "." || below === ".." || below.startsWith(`..${sep}`)) return join(root, below);
    return `${root}${sep}${below}`;
  }

  /** The directory of archive `id`. */
  archivePath(id: string): string {
    if (!isArchiveId(id)) throw new UvError("cache.archive-id", `Invalid archive id \`${id}\``);
    return join(this.bucket("archive"), id);
  }

  /**
   * A new empty directory inside the root, on the cache's filesystem so that
   * {@link persistArchive} can rename it into place. Its name records the owning process: left
   * behind by a killed process, it is removed by the next {@link init} (or `cache prune`).
   */
  async tempDir(): Promise<string> {
    await mkdir(this.root, { recursive: true });
    this.#tempPrefix ??= ownedTempPrefix();
    return mkdtemp(join(this.root, this.#tempPrefix));
  }

  /**
   * Moves a fully written directory (typically an unpacked, hash-verified wheel from
   * {@link tempDir}) into the archive store under a fresh id, with one rename, and returns the id.
   * Verify before calling: once persisted, an archive is immutable and may be shared.
   */
  async persistArchive(from: string): Promise<string> {
    const id = newArchiveId();
    const target = this.archivePath(id);
    try {
      await mkdir(this.bucket("archive"), { recursive: true });
      try {
        await rename(from, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
        // Another filesystem: copy next to the store first, so the final step is still a rename.
        const staging = await this.tempDir();
        await removeAll(staging);
        cpSync(from, staging, { recursive: true, verbatimSymlinks: true });
        await rename(staging, target);
        await removeAll(from);
      }
    } catch (error) {
      throw new PersistArchiveError(from, error);
    }
    return id;
  }

  /**
   * Points the entry at `path` (which must end with `.pointer`) to an archive, replacing any
   * previous pointer atomically: readers see the old archive or the new one, never neither.
   */
  async writePointer(path: string, pointer: ArchivePointer): Promise<void> {
    if (!path.endsWith(POINTER_SUFFIX)) throw new PointerPathError(path);
    const text = serializePointer(pointer);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  }

  /** The pointer at `path`, or `undefined` when it is missing or unreadable (a cache miss). */
  async readPointer(path: string): Promise<ArchivePointer | undefined> {
    let text: string;
    try {
      // One blocking read: a pointer is small, and the promise API makes four trips through the
      // thread pool (open, stat, read, close), each waiting for a turn of the main thread, which
      // a warm install keeps busy with its pages while it looks up every wheel.
      text = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    return parsePointer(text);
  }

  /**
   * The archive directory the pointer at `path` designates, with the pointer; `undefined` when
   * either is missing, so that the caller fetches the distribution again.
   */
  async resolvePointer(
    path: string,
  ): Promise<{ readonly pointer: ArchivePointer; readonly path: string } | undefined> {
    const pointer = await this.readPointer(path);
    if (pointer === undefined) return undefined;
    const archive = this.archivePath(pointer.archiveId);
    try {
      // Blocking too, for the same reason.
      if (!lstatSync(archive).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    return { pointer, path: archive };
  }

  /** Whether entries of `name` must be revalidated whatever their age. */
  mustRevalidatePackage(name: PackageName): boolean {
    return mustRevalidatePackage(this.refresh, name);
  }

  /**
   * Whether the entry at `path` (belonging to package `name` or local source `source`, when
   * known) may be used: `stale` when the refresh policy covers it and it predates the run.
   * Age is the change time on Unix (it also moves on rename and chmod), as in uv.
   */
  async freshness(path: string, name?: PackageName, source?: string): Promise<Freshness> {
    const cutoff = refreshCutoff(this.refresh, name, source);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
      throw error;
    }
    if (cutoff === undefined) return "fresh";
    const time = process.platform === "win32" ? info.mtimeMs : info.ctimeMs;
    return time >= cutoff ? "fresh" : "stale";
  }

  /**
   * Removes the whole cache, or only the entries of `packages` (and archives no longer
   * referenced), under the exclusive lock unless `force`. The root and its lock stay, as in
   * uv 0.13.
   */
  async clean(
    packages: readonly PackageName[] = [],
    options: { readonly force?: boolean } = {},
  ): Promise<Removal> {
    if (options.force !== true) await this.lockExclusive();
    if (packages.length === 0) return removeContents(this.root, [".lock"]);
    const removal = new Removal();
    for (const name of packages) removal.add(removePackage(this.root, name));
    return removal;
  }

  /** Removes unused entries (see {@link pruneCache}), under the exclusive lock unless `force`. */
  async prune(options: { readonly ci?: boolean; readonly force?: boolean } = {}): Promise<Removal> {
    if (options.force !== true) await this.lockExclusive();
    return pruneCache(this.root, { ci: options.ci === true });
  }

  /** Writes `data` to a bucket file atomically, creating its directory. */
  async writeEntry(path: string, data: string | Uint8Array): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, data);
  }
}
