import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { UvError } from "@uv-ts/error";

/**
 * Digest algorithms uv-ts can compute. uv also accepts `blake2b` (BLAKE2b-256); Node 20 only
 * ships BLAKE2b-512, so that one is not offered here.
 */
export type HashAlgorithm = "md5" | "sha256" | "sha384" | "sha512";

/** Every {@link HashAlgorithm}, strongest last. */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["md5", "sha256", "sha384", "sha512"];

/** One digest, printed as `sha256:<hex>` like uv and pip. */
export interface HashDigest {
  readonly algorithm: HashAlgorithm;
  /** Lowercase hex. */
  readonly digest: string;
}

/** Renders a digest as `algorithm:hex`. */
export function formatDigest(digest: HashDigest): string {
  return `${digest.algorithm}:${digest.digest}`;
}

/**
 * Several hashes fed from one pass over the bytes. Used by the archive readers (which see every
 * byte exactly once, in order) and by {@link HashingStream} for downloads.
 */
export class MultiHasher {
  readonly #hashes: [HashAlgorithm, Hash][];
  #size = 0;

  constructor(algorithms: readonly HashAlgorithm[]) {
    const unique = [...new Set(algorithms)];
    this.#hashes = unique.map((algorithm) => [algorithm, createHash(algorithm)]);
  }

  /** Whether any algorithm was requested; lets callers skip work when none was. */
  get active(): boolean {
    return this.#hashes.length > 0;
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  update(chunk: Uint8Array): void {
    this.#size += chunk.length;
    for (const [, hash] of this.#hashes) hash.update(chunk);
  }

  /** The digests, in the order the algorithms were first requested. Call once. */
  digests(): HashDigest[] {
    return this.#hashes.map(([algorithm, hash]) => ({ algorithm, digest: hash.digest("hex") }));
  }
}

/**
 * A pass-through stream that hashes what flows through it, for hashing a download while it is
 * being written or unpacked. Read the result with {@link HashingStream.digests} after `end`.
 */
export class HashingStream extends Transform {
  readonly #hasher: MultiHasher;
  #result: HashDigest[] | undefined;

  constructor(algorithms: readonly HashAlgorithm[]) {
    super();
    this.#hasher = new MultiHasher(algorithms);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hasher.update(chunk);
    callback(null, chunk);
  }

  /** Bytes that have passed through so far. */
  get size(): number {
    return this.#hasher.size;
  }

  /** The digests of everything that passed through; valid once the stream has ended. */
  digests(): HashDigest[] {
    this.#result ??= this.#hasher.digests();
    return this.#result;
  }
}

/** Hashes a whole stream (for example a file read stream) without keeping it in memory. */
export async function hashStream(
  source: AsyncIterable<Uint8Array>,
  algorithms: readonly HashAlgorithm[],
): Promise<{ digests: HashDigest[]; size: number }> {
  const hasher = new MultiHasher(algorithms);
  for await (const chunk of source) hasher.update(chunk);
  return { digests: hasher.digests(), size: hasher.size };
}

/**
 * A downloaded or cached artifact whose digest is not one of the expected ones. The message is
 * uv's (`Hash mismatch for `name``, then the expected and computed digests, indented).
 */
export class HashMismatchError extends UvError {
  readonly expected: readonly HashDigest[];
  readonly computed: readonly HashDigest[];

  constructor(name: string, expected: readonly HashDigest[], computed: readonly HashDigest[]) {
    const list = (digests: readonly HashDigest[]) =>
      digests.map((digest) => `  ${formatDigest(digest)}`).join("\n");
    super(
      "hash.mismatch",
      `Hash mismatch for \`${name}\`\n\nExpected:\n${list(expected)}\n\nComputed:\n${list(computed)}`,
    );
    this.expected = expected;
    this.computed = computed;
  }
}

/**
 * Checks computed digests against expected ones and throws {@link HashMismatchError} on failure.
 *
 * `mode: "any"` (the default, uv's rule for registry hashes and `--hash` lists) passes when one
 * expected digest equals the computed digest of the same algorithm; `mode: "all"` (uv's rule for
 * direct URLs with several fragments) requires every expected digest to match. An expected
 * algorithm that was not computed counts as a mismatch, never as a pass.
 */
export function verifyHashes(
  name: string,
  expected: readonly HashDigest[],
  computed: readonly HashDigest[],
  mode: "any" | "all" = "any",
): void {
  if (expected.length === 0) return;
  const byAlgorithm = new Map(computed.map((digest) => [digest.algorithm, digest.digest]));
  const matches = (digest: HashDigest) =>
    byAlgorithm.get(digest.algorithm) === digest.digest.toLowerCase();
  const ok = mode === "all" ? expected.every(matches) : expected.some(matches);
  if (!ok) {
    const wanted = new Set(expected.map((digest) => digest.algorithm));
    throw new HashMismatchError(
      name,
      expected,
      computed.filter((digest) => wanted.has(digest.algorithm)),
    );
  }
}
