import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "@uv-ts/fs";
import type { CachePolicy } from "./policy.ts";

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
  readonly payload: unknown;
}

/**
 * The storage behind the HTTP cache, kept small so it can move into `@uv-ts/cache`. `read`
 * returns `undefined` for a missing or unreadable entry (a broken entry is removed, never fatal).
 */
export interface HttpCacheStore {
  read(key: CacheEntryKey): Promise<StoredResponse | undefined>;
  write(key: CacheEntryKey, entry: StoredResponse): Promise<void>;
  remove(key: CacheEntryKey): Promise<void>;
}

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

/** JSON files under `<root>/<bucket>/...`, written atomically (temp file + rename). */
export class FileHttpCacheStore implements HttpCacheStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** The file that holds `key`. */
  pathOf(key: CacheEntryKey): string {
    return join(
      this.root,
      CACHE_BUCKETS[key.bucket],
      ...key.shard.map(safeSegment),
      safeSegment(key.file),
    );
  }

  async read(key: CacheEntryKey): Promise<StoredResponse | undefined> {
    const path = this.pathOf(key);
    let text: string;
    try {
      // One blocking read: entries are local and often megabytes (a big project's page), which
      // the promise API would read in many small chunks, each a round trip through the pool.
      text = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as StoredResponse;
      if (typeof entry.storedAt !== "number" || typeof entry.policy?.url !== "string") {
        throw new Error("not a cache entry");
      }
      return entry;
    } catch {
      await rm(path, { force: true });
      return undefined;
    }
  }

  async write(key: CacheEntryKey, entry: StoredResponse): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, JSON.stringify(entry));
  }

  async remove(key: CacheEntryKey): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
