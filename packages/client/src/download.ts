import { createHash, type Hash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { finished, type Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { HashAlgorithm, Hashes } from "@uv-ts/pypi-types";
import { HashMismatchError } from "./errors.ts";
import type { HttpClient } from "./http-client.ts";
import { failureOf } from "./stream-failure.ts";

/** Where downloaded bytes go when not to a file; `reset` discards a failed attempt's bytes. */
export interface DownloadSink {
  /** Takes the next bytes; a promise when it must be waited for (the body pauses meanwhile). */
  write(chunk: Uint8Array): void | Promise<void>;
  reset(): void | Promise<void>;
}

/** Options of a download. */
export interface DownloadOptions {
  /** Digests the file must match (any one of them): from `--hash`, `uv.lock` or the index. */
  readonly expectedHashes?: Hashes;
  /** The name shown in a hash mismatch (`anyio==4.0.0`); defaults to the filename. */
  readonly distribution?: string;
  /**
   * More digests to compute without checking them (sha256 and the expected ones always are), so
   * that a caller verifying later need not hash the file a second time.
   */
  readonly hashAlgorithms?: readonly HashAlgorithm[];
  readonly signal?: AbortSignal;
}

/** The size and digests of a completed download (sha256 always, plus any expected ones). */
export interface DownloadResult {
  readonly size: number;
  readonly hashes: Hashes;
}

const NODE_ALGORITHM: Record<HashAlgorithm, string> = {
  md5: "md5",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  blake2b: "blake2b512",
};

class Hashers {
  readonly #hashers: [HashAlgorithm, Hash][];
  size = 0;
  constructor(expected: Hashes | undefined, extra: readonly HashAlgorithm[]) {
    const algorithms = new Set<HashAlgorithm>(["sha256", ...extra]);
    for (const algorithm of Object.keys(expected ?? {}) as HashAlgorithm[])
      algorithms.add(algorithm);
    this.#hashers = [...algorithms].map((a) => [a, createHash(NODE_ALGORITHM[a])]);
  }
  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    for (const [, h] of this.#hashers) h.update(chunk);
  }
  digest(): Hashes {
    return Object.fromEntries(this.#hashers.map(([a, h]) => [a, h.digest("hex")]));
  }
}

function checkHashes(expected: Hashes | undefined, computed: Hashes, distribution: string): void {
  const algorithms = Object.keys(expected ?? {}) as HashAlgorithm[];
  if (expected === undefined || algorithms.length === 0) return;
  const ok = algorithms.some((a) => expected[a]?.toLowerCase() === computed[a]);
  if (ok) return;
  throw new HashMismatchError(
    distribution,
    algorithms.map((a) => `${a}:${expected[a]}`),
    algorithms.map((a) => `${a}:${computed[a]}`),
  );
}

interface Target {
  /** Starts an attempt from zero bytes. */
  begin(): Promise<void>;
  /** A promise when the bytes are not taken yet (the body pauses until it settles). */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Keeps the bytes (rename into place). */
  commit(): Promise<void>;
  /** Drops the bytes. */
  discard(): Promise<void>;
}

function fileTarget(dest: string): Target {
  const temp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString("hex")}.part`);
  let handle: FileHandle | undefined;
  const close = async () => {
    const h = handle;
    handle = undefined;
    await h?.close();
  };
  return {
    async begin() {
      await close();
      await mkdir(dirname(dest), { recursive: true });
      handle = await open(temp, "w");
    },
    async write(chunk) {
      await handle?.write(chunk);
    },
    async commit() {
      await close();
      await rename(temp, dest);
    },
    async discard() {
      await close().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}

function sinkTarget(sink: DownloadSink): Target {
  return {
    begin: async () => sink.reset(),
    write: (chunk) => sink.write(chunk),
    commit: async () => undefined,
    discard: async () => sink.reset(),
  };
}

/**
 * Hands each chunk of `body` to `take`, in order, from `data` events: a chunk taken at once costs
 * no promise. A body arrives in chunks of a TLS record or less (~8 KiB through PyPI's CDN, ~3,700
 * for a cold 37-wheel install), and an async iterator with an `await` per chunk cost ~4 us of the
 * main thread's time per chunk (a local HTTP/2 benchmark: 60 MB in 8 KiB chunks took 193 ms of
 * CPU that way, 159 ms this way). A `take` that returns a promise pauses the body until it
 * settles. Rejects with the body's failure (a premature end included) or `take`'s, and then
 * destroys the body.
 */
function pump(body: Readable, take: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const early = failureOf(body);
    if (early !== undefined) {
      reject(early);
      return;
    }
    let failed = false;
    let waiting: Promise<void> | undefined;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      body.destroy();
      reject(error);
    };
    body.on("data", (chunk: Uint8Array) => {
      if (failed) return;
      let taken: void | Promise<void>;
      try {
        taken = take(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (taken === undefined) return;
      body.pause();
      const settled: Promise<void> = taken.then(() => {
        if (waiting === settled) waiting = undefined;
        if (!failed) body.resume();
      }, fail);
      waiting = settled;
    });
    // The body alone: an HTTP/2 stream is a duplex whose (request) side is not ours to wait for.
    finished(body, { writable: false }, (error) => {
      if (error !== undefined && error !== null) {
        fail(error);
        return;
      }
      // The body may end while the last chunk is still being taken.
      const last = waiting ?? Promise.resolve();
      void last.then(() => {
        if (!failed) resolve();
      });
    });
  });
}

async function drain(
  body: Readable,
  target: Target,
  expected: Hashes | undefined,
  extra: readonly HashAlgorithm[],
  distribution: string,
): Promise<DownloadResult> {
  await target.begin();
  const hashers = new Hashers(expected, extra);
  await pump(body, (chunk) => {
    hashers.update(chunk);
    return target.write(chunk);
  });
  const hashes = hashers.digest();
  checkHashes(expected, hashes, distribution);
  return { size: hashers.size, hashes };
}

/**
 * Streams `url` into `dest` (a path, written to a temporary sibling and renamed into place only
 * once complete and verified, or a {@link DownloadSink}), computing digests as bytes arrive. A
 * digest mismatch throws uv's `Hash mismatch for ...` and leaves nothing behind. Transport
 * failures are retried from the first byte. `file://` URLs are copied the same way.
 */
export async function downloadFile(
  http: HttpClient,
  file: { readonly url: string; readonly filename: string },
  dest: string | DownloadSink,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const target = typeof dest === "string" ? fileTarget(dest) : sinkTarget(dest);
  const distribution = options.distribution ?? file.filename;
  const extra = options.hashAlgorithms ?? [];
  const url = new URL(file.url);
  url.hash = "";
  try {
    const result =
      url.protocol === "file:"
        ? await drain(
            createReadStream(fileURLToPath(url)),
            target,
            options.expectedHashes,
            extra,
            distribution,
          )
        : await http.fetch(
            { url, headers: { "accept-encoding": "identity" }, hedge: true },
            (res) => drain(res.body, target, options.expectedHashes, extra, distribution),
            options.signal,
          );
    await target.commit();
    return result;
  } catch (error) {
    await target.discard();
    throw error;
  }
}
