import { createHash, type Hash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HashAlgorithm, Hashes } from "@uv-ts/pypi-types";
import { HashMismatchError } from "./errors.ts";
import type { HttpClient } from "./http-client.ts";

/** Where downloaded bytes go when not to a file; `reset` discards a failed attempt's bytes. */
export interface DownloadSink {
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
  write(chunk: Uint8Array): Promise<void>;
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
    write: async (chunk) => sink.write(chunk),
    commit: async () => undefined,
    discard: async () => sink.reset(),
  };
}

async function drain(
  chunks: AsyncIterable<Uint8Array>,
  target: Target,
  expected: Hashes | undefined,
  extra: readonly HashAlgorithm[],
  distribution: string,
): Promise<DownloadResult> {
  await target.begin();
  const hashers = new Hashers(expected, extra);
  for await (const chunk of chunks) {
    hashers.update(chunk);
    await target.write(chunk);
  }
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
