import type { HashAlgorithm, HashDigest } from "./hash.ts";
import type { ExtractLimits } from "./limits.ts";
import { MemberThreads } from "./member-threads.ts";
import type { MemberWorker } from "./member-worker.ts";

/**
 * Where an archive comes from: a file path (read with random access), its bytes in memory (a
 * downloaded wheel, never written to disk; read in place, so they must not change meanwhile), or
 * a byte stream such as an HTTP body (any `Readable` or async iterable of chunks).
 */
export type ArchiveSource = string | Uint8Array | AsyncIterable<Uint8Array>;

/** Digests the archive must match before its contents are moved into place. */
export interface ExpectedHashes {
  /** How the artifact is named in the error, e.g. `anyio==4.0.0`. */
  readonly name: string;
  readonly digests: readonly HashDigest[];
  /** `any` (default): one digest must match; `all`: every digest must match (direct URLs). */
  readonly mode?: "any" | "all" | undefined;
}

/** Options shared by every extractor. */
export interface ExtractOptions {
  /** Overrides for {@link ExtractLimits}; unspecified caps keep their defaults. */
  readonly limits?: Partial<ExtractLimits> | undefined;
  /** Digests of the whole archive to compute while reading it. */
  readonly hashAlgorithms?: readonly HashAlgorithm[] | undefined;
  /**
   * Checked after reading and before the rename, so a mismatching archive never appears at the
   * destination. Its algorithms are computed even if not listed in `hashAlgorithms`.
   */
  readonly expectedHashes?: ExpectedHashes | undefined;
  /** Aborting removes the staging directory and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * A thread for the members of ZIP archives (inflate, check, write), used once it is ready; the
   * same checks apply either way. Shared by the extractions of a run.
   */
  readonly memberWorker?: MemberWorker | undefined;
  /**
   * Several such threads, used together: each batch of members goes to the least busy one that
   * is ready, so that one big archive keeps every thread busy. Joined with {@link memberWorker}.
   */
  readonly memberWorkers?: readonly MemberWorker[] | undefined;
  /**
   * A set of such threads that may grow while the extraction runs (a fetcher's, shared by the
   * extractions of a run). Takes the place of {@link memberWorker} and {@link memberWorkers}.
   */
  readonly memberThreads?: MemberThreads | undefined;
  /**
   * Unpack straight into `dest` (which must not exist, or be an empty directory) instead of a
   * staging directory renamed into place: for a caller whose `dest` lies in a private directory
   * it removes after a failure (a fetcher's temporary directory), the staging directory only
   * costs file-system round trips (create, rename, remove) on the thread that drives the
   * extraction. The same checks apply; a failed extraction may leave members at `dest` for the
   * caller to remove. ZIP archives from a path or memory only; a stream is still staged.
   */
  readonly unstaged?: boolean | undefined;
}

/** The member threads of `options`, without repeats; `undefined` when there are none. */
export function memberThreadsOf(options: ExtractOptions): MemberThreads | undefined {
  if (options.memberThreads !== undefined) return options.memberThreads;
  const all = [...(options.memberWorkers ?? [])];
  if (options.memberWorker !== undefined) all.unshift(options.memberWorker);
  return all.length === 0 ? undefined : MemberThreads.of(all);
}

/** One regular file written by an extraction. */
export interface ExtractedFile {
  /** Relative to the destination, `/`-separated, as spelled in the archive. */
  readonly path: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** Whether any executable bit was set in the archive (the file is then created `0o777 & ~umask`). */
  readonly executable: boolean;
}

/** What an extraction produced. */
export interface ExtractResult {
  /** Regular files (and tar hard links), in archive order; directories and symlinks are omitted. */
  readonly files: ExtractedFile[];
  /** Digests of the archive bytes, in the order requested (expected algorithms last). */
  readonly hashes: HashDigest[];
}

/** The algorithms to compute: the requested ones plus any needed for verification. */
export function algorithmsFor(options: ExtractOptions): HashAlgorithm[] {
  const algorithms = [...(options.hashAlgorithms ?? [])];
  for (const digest of options.expectedHashes?.digests ?? []) algorithms.push(digest.algorithm);
  return [...new Set(algorithms)];
}
