import { readdirSync } from "node:fs";
import { sep } from "node:path";
import { type Cache, POINTER_VERSION } from "@uv-ts/cache";
import type { IndexUrl } from "@uv-ts/client";
import { WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import type { Tags } from "@uv-ts/platform-tags";
import { bestWheel } from "./best-wheel.ts";
import { registryWheelsDir } from "./wheel-source.ts";

const POINTER = ".pointer";

/** The cache pointer of a wheel (see `WheelFetcher.cachedReleasePointer`). */
export interface CachedReleasePointer {
  /** The pointer file. */
  readonly pointer: string;
  /** The wheel's filename, which the pointer must name. */
  readonly filename: string;
  /** The pointer format this version reads. */
  readonly version: number;
  /** The directory of the archives pointers designate. */
  readonly archiveRoot: string;
}

/**
 * The pointer of the wheel of release `version` of `name` from `index` that the cache holds and
 * that suits `tags` best, from the names in its directory alone (the pointer is not read);
 * `undefined` when the cache holds none.
 */
export function findCachedRelease(
  cache: Cache,
  index: IndexUrl,
  name: PackageName,
  version: WheelFilename["version"],
  tags: Tags,
): CachedReleasePointer | undefined {
  const dir = registryWheelsDir(cache, index, name);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  const candidates: { filename: WheelFilename; entry: string }[] = [];
  // Most entries are other releases: a wheel's name has its version between dashes (a version
  // spelt otherwise in the name is only a miss, as this is a guess).
  const versionPart = `-${version.toString()}-`;
  for (const entry of entries) {
    if (!entry.endsWith(POINTER) || !entry.includes(versionPart)) continue;
    let filename: WheelFilename;
    try {
      filename = WheelFilename.fromStem(entry.slice(0, -POINTER.length));
    } catch {
      continue;
    }
    if (filename.name === name && filename.version.equals(version)) {
      candidates.push({ filename, entry });
    }
  }
  // The resolver's own choice among a release's wheels.
  const choice = bestWheel(candidates, (c) => c.filename, tags);
  if (choice.kind !== "compatible") return undefined;
  const best = choice.item;
  return {
    // A name read from the directory: no separator to normalise.
    pointer: `${dir}${sep}${best.entry}`,
    filename: best.filename.toString(),
    version: POINTER_VERSION,
    archiveRoot: cache.bucket("archive"),
  };
}
