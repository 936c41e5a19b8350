import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { crc32 } from "node:zlib";
import { writeFileAtomic } from "@uv-ts/fs";
import type { CachePolicy } from "./policy.ts";
import { SplitPayload } from "./split-payload.ts";

/** The buckets the client owns, each versioned so a format change never reads old entries. */
export const CACHE_BUCKETS = {
  simple: "simple-v0",
  wheels: "wheels-v0",
  "flat-index": "flat-index-v0",
} as const;

/** A bucket name. */
export type CacheBucket = keyof typeof CACHE_BUCKETS;

/** Where one cached response lives: `<bucket>/<shard...>/<file>`. */
export interface CacheEntryKey {
  readonly bucket: CacheBucket;
  readonly shard: readonly string[];
  readonly file: string;
}

/** A cached response: when it was stored, its cache policy, and the decoded payload. */
export interface StoredResponse {
  /** Epoch milliseconds; `--refresh` revalidates entries stored before the run started. */
  readonly storedAt: number;
  readonly policy: CachePolicy;
  /** JSON-serialisable, or a {@link SplitPayload} (which a store gives back as one). */
  readonly payload: unknown;
}

/** What the first line of a file with a split payload says about the bytes after it. */
interface TailInfo {
  readonly size: number;
  readonly crc32: number;
}

/**
 * The storage behind the HTTP cache, kept small so it can move into `@uv-ts/cache`. `read`
 * returns `undefined` for a missing or unreadable entry (a broken entry is removed, never fatal).
 */
export interface HttpCacheStore {
  read(key: CacheEntryKey): Promise<StoredResponse | undefined>;
  /**
   * When the entry was stored and its policy, read without its payload where the format allows
   * (unchecked: {@link read} still decides whether the entry is whole).
   */
  readPolicy?(key: CacheEntryKey): Pick<StoredResponse, "storedAt" | "policy"> | undefined;
  write(key: CacheEntryKey, entry: StoredResponse): Promise<void>;
  remove(key: CacheEntryKey): Promise<void>;
}

/** How much of an entry file {@link FileHttpCacheStore.readPolicy} reads first. */
const POLICY_PROBE_BYTES = 64 * 1024;

/** A short stable digest of a URL (credentials must already be stripped). */
export function urlDigest(url: string): string {
  return createHash("sha256").update(url.replace(/\/+$/, "")).digest("hex").slice(0, 16);
}

// Names come from servers; anything that could step outside the bucket is replaced by a digest.
function safeSegment(segment: string): string {
  if (segment === "" || segment === "." || segment === ".." || /[/\\\0]/.test(segment)) {
    return createHash("sha256").update(segment).digest("hex").slice(0, 16);
  }
  return segment;
}

/**
 * Files under `<root>/<bucket>/...`, written atomically (temp file + rename). An entry is one
 * JSON document; with a {@link SplitPayload} it is a JSON line (the entry with the payload's head,
 * and the size and CRC-32 of the tail) followed by the tail's bytes, so that reading it parses
 * only the line. A file whose tail does not match its line (truncated, damaged) is broken.
 */
export class FileHttpCacheStore implements HttpCacheStore {
  readonly root: string;
  /**
   * Entries read through this store, by path, until it writes or removes them: a run that asks
   * for the same entry twice (the cache-only look-ahead, then the fetch that revalidates it)
   * reads and checks the file once, and both get the same payload.
   */
  readonly #entries = new Map<string, StoredResponse>();

  constructor(root: string) {
    this.root = root;
  }

  /** Each bucket's directory, normalised once: a run asks for a path per request, twice. */
  readonly #bucketDirs = new Map<CacheBucket, string>();

  /** The file that holds `key`. */
  pathOf(key: CacheEntryKey): string {
    let dir = this.#bucketDirs.get(key.bucket);
    if (dir === undefined) {
      dir = join(this.root, CACHE_BUCKETS[key.bucket]);
      this.#bucketDirs.set(key.bucket, dir);
    }
    // Safe segments hold no separator and are never `.` or `..`: appending them is what
    // `join` would make of them.
    let path = dir.endsWith(sep) ? dir.slice(0, -1) : dir;
    for (const segment of key.shard) path += `${sep}${safeSegment(segment)}`;
    return `${path}${sep}${safeSegment(key.file)}`;
  }

  async read(key: CacheEntryKey): Promise<StoredResponse | undefined> {
    const path = this.pathOf(key);
    const known = this.#entries.get(path);
    if (known !== undefined) return known;
    let bytes: Buffer;
    try {
      // One blocking read: entries are local and often megabytes (a big project's page), which
      // the promise API would read in many small chunks, each a round trip through the pool.
      bytes = readFileSync(path);
    } catch {
      return undefined;
    }
    const entry = parseEntry(bytes);
    if (entry === undefined) await rm(path, { force: true });
    else this.#entries.set(path, entry);
    return entry;
  }

  readPolicy(key: CacheEntryKey): Pick<StoredResponse, "storedAt" | "policy"> | undefined {
    const known = this.#entries.get(this.pathOf(key));
    if (known !== undefined) return known;
    let head: Buffer;
    try {
      const fd = openSync(this.pathOf(key), "r");
      try {
        const buffer = Buffer.allocUnsafe(POLICY_PROBE_BYTES);
        head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
      } finally {
        closeSync(fd);
      }
    } catch {
      return undefined;
    }
    // The policy comes first in the entry's first line; a longer line is read whole.
    const newline = head.indexOf(0x0a);
    if (newline < 0 && head.length === POLICY_PROBE_BYTES) {
      const entry = parseEntry(readFileSync(this.pathOf(key)));
      return entry === undefined ? undefined : { storedAt: entry.storedAt, policy: entry.policy };
    }
    let entry: Partial<StoredResponse>;
    try {
      entry = JSON.parse(head.toString("utf8", 0, newline < 0 ? head.length : newline));
    } catch {
      return undefined;
    }
    if (typeof entry?.storedAt !== "number" || typeof entry.policy?.url !== "string") {
      return undefined;
    }
    return { storedAt: entry.storedAt, policy: entry.policy };
  }

  async write(key: CacheEntryKey, entry: StoredResponse): Promise<void> {
    const path = this.pathOf(key);
    this.#entries.delete(path);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, entryParts(entry));
  }

  async remove(key: CacheEntryKey): Promise<void> {
    const path = this.pathOf(key);
    this.#entries.delete(path);
    await rm(path, { force: true });
  }
}

/** The bytes of an entry file (see {@link FileHttpCacheStore}). */
export function serializeEntry(entry: StoredResponse): string | Buffer {
  const parts = entryParts(entry);
  return typeof parts === "string" ? parts : Buffer.concat(parts);
}

/**
 * {@link serializeEntry}'s bytes, a split payload's in pieces: its head line, then the tail's
 * pieces as they are, which are written without being joined first.
 */
function entryParts(entry: StoredResponse): string | Uint8Array[] {
  const payload = entry.payload;
  if (!(payload instanceof SplitPayload)) return JSON.stringify(entry);
  const pieces = payload.tailParts;
  let size = 0;
  let checksum = 0;
  for (const piece of pieces) {
    size += piece.length;
    checksum = crc32(piece, checksum);
  }
  const tail: TailInfo = { size, crc32: checksum };
  // `JSON.stringify` escapes every line break, so the first one in the file ends the head.
  const head = JSON.stringify({ ...entry, payload: payload.head, tail });
  return [Buffer.from(`${head}\n`, "utf8"), ...pieces];
}

/** Reads an entry file's bytes; `undefined` when they are not a whole, intact entry. */
export function parseEntry(bytes: Buffer): StoredResponse | undefined {
  const newline = bytes.indexOf(0x0a);
  let entry: StoredResponse & { readonly tail?: TailInfo };
  try {
    entry = JSON.parse(bytes.toString("utf8", 0, newline < 0 ? bytes.length : newline));
  } catch {
    return undefined;
  }
  if (
    typeof entry !== "object" ||
    entry === null ||
    typeof entry.storedAt !== "number" ||
    typeof entry.policy?.url !== "string"
  ) {
    return undefined;
  }
  const info = entry.tail;
  if (info === undefined) return newline < 0 ? entry : undefined;
  if (newline < 0 || typeof info.size !== "number" || typeof info.crc32 !== "number") {
    return undefined;
  }
  const tail = bytes.subarray(newline + 1);
  if (tail.length !== info.size || crc32(tail) !== info.crc32) return undefined;
  return {
    storedAt: entry.storedAt,
    policy: entry.policy,
    payload: new SplitPayload(entry.payload, tail),
  };
}
