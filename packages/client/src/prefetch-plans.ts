import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@uv-ts/fs";
import { CACHE_BUCKETS } from "./http-cache/store.ts";
import type { IndexLocations } from "./index-locations.ts";
import type { IndexUrl } from "./index-url.ts";
import type { IndexStrategy } from "./registry-client.ts";

/**
 * Small documents a resolution leaves for the next one with the same inputs (which requests it
 * made), kept per set of indexes: what a run prefetches by. A document is only ever a hint;
 * anything missing or unreadable reads as nothing.
 */
export interface PrefetchPlanStore {
  /** The document stored under `key` for these indexes, or `undefined`. Read synchronously. */
  read(key: string): unknown;
  /** Stores `document` (JSON-serialisable) under `key`, atomically. */
  write(key: string, document: unknown): Promise<void>;
  /** The index (of these locations) whose URL, credentials left out, is `href`. */
  indexFor(href: string): IndexUrl | undefined;
}

/** Where the plans live inside the cache: with the pages they list, so cleaning drops them. */
const PLAN_DIR = "plans";

/**
 * What the index configuration contributes to a plan's identity: the same inputs against other
 * indexes (or another strategy) make other requests.
 */
function locationsScope(locations: IndexLocations, strategy: IndexStrategy): string {
  const describe = (index: ReturnType<IndexLocations["knownIndexes"]>[number]) =>
    JSON.stringify([
      index.url.bareHref(),
      index.format ?? "simple",
      index.default === true,
      index.explicit === true,
      index.ignoreErrorCodes ?? [],
    ]);
  return [
    strategy,
    `no-index ${locations.noIndex}`,
    ...locations.fetchIndexes().map((i) => `index ${describe(i)}`),
    ...locations.flatIndexes().map((i) => `flat ${describe(i)}`),
  ].join("\n");
}

/**
 * The plans of a cache at `root` for the indexes `locations` searched with `strategy`: one file
 * per key under `simple-v0/plans/`, named by a digest of the key and the indexes.
 */
export function filePrefetchPlanStore(
  root: string,
  locations: IndexLocations,
  strategy: IndexStrategy,
): PrefetchPlanStore {
  const dir = join(root, CACHE_BUCKETS.simple, PLAN_DIR);
  let scope: string | undefined;
  const pathOf = (key: string) => {
    scope ??= locationsScope(locations, strategy);
    const digest = createHash("sha256").update(scope).update("\0").update(key).digest("hex");
    return join(dir, `${digest}.json`);
  };
  return {
    read(key) {
      try {
        return JSON.parse(readFileSync(pathOf(key), "utf8")) as unknown;
      } catch {
        return undefined;
      }
    },
    async write(key, document) {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(pathOf(key), JSON.stringify(document));
    },
    indexFor(href) {
      for (const index of [...locations.fetchIndexes(), ...locations.flatIndexes()]) {
        if (index.url.bareHref() === href) return index.url;
      }
      return undefined;
    },
  };
}
