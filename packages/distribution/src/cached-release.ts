import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ArchivePointer, type Cache, parsePointer } from "@uv-ts/cache";
import type { IndexUrl } from "@uv-ts/client";
import { WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import type { Tags } from "@uv-ts/platform-tags";
import { registryWheelsDir } from "./wheel-source.ts";

const POINTER = ".pointer";

/** A wheel's pointer as {@link findCachedRelease} read it, and the archive it designates. */
export interface CachedRelease {
  readonly pointerPath: string;
  readonly filename: WheelFilename;
  readonly pointer: ArchivePointer;
  /** The archive directory (it existed when the pointer was read). */
  readonly path: string;
}

/**
 * The wheel of release `version` of `name` from `index` that the cache holds and that suits
 * `tags` best, read synchronously (see `WheelFetcher.cachedRelease`); `undefined` when the cache
 * holds none.
 */
export function findCachedRelease(
  cache: Cache,
  index: IndexUrl,
  name: PackageName,
  version: WheelFilename["version"],
  tags: Tags,
): CachedRelease | undefined {
  const dir = registryWheelsDir(cache, index, name);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  let best: { filename: WheelFilename; priority: number; entry: string } | undefined;
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
    if (filename.name !== name || !filename.version.equals(version)) continue;
    const compatibility = filename.compatibility(tags);
    if (!compatibility.compatible) continue;
    if (best === undefined || compatibility.priority > best.priority) {
      best = { filename, priority: compatibility.priority, entry };
    }
  }
  if (best === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(join(dir, best.entry), "utf8");
  } catch {
    return undefined;
  }
  const pointer = parsePointer(text);
  if (pointer === undefined || pointer.filename !== best.filename.toString()) return undefined;
  const path = cache.archivePath(pointer.archiveId);
  try {
    if (!lstatSync(path).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return { pointerPath: join(dir, best.entry), filename: best.filename, pointer, path };
}
