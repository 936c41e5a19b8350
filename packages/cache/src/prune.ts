import { type Dirent, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findArchiveReferences } from "./archive-references.ts";
import { BUCKET_NAMES, CACHE_BUCKETS, ROOT_MARKERS } from "./bucket.ts";
import { Removal, removePath } from "./removal.ts";

function readEntries(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Removes everything inside a built-wheel revision except its metadata and `.whl` files. */
function pruneBuiltWheels(dir: string, removal: Removal): void {
  for (const entry of readEntries(dir)) {
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) continue;
    let isRevision = false;
    try {
      isRevision = lstatSync(join(path, "metadata.json")).isFile();
    } catch {
      isRevision = false;
    }
    if (isRevision) {
      for (const child of readEntries(path)) {
        if (child.name === "metadata.json" || child.name.toLowerCase().endsWith(".whl")) continue;
        removal.add(removePath(join(path, child.name)));
      }
    } else {
      pruneBuiltWheels(path, removal);
    }
  }
}

/**
 * Removes what no current uv-ts will read, like uv's `Cache::prune`: top-level entries that are
 * neither a current bucket nor a scaffold file (old bucket versions, temp directories of killed
 * processes), every cached environment, and every archive that no pointer references. With `ci`,
 * also unpacked pre-built wheels and everything but the wheels and metadata of built ones. The
 * caller holds the exclusive lock.
 */
export function pruneCache(root: string, options: { readonly ci?: boolean } = {}): Removal {
  const removal = new Removal();

  for (const entry of readEntries(root)) {
    if (ROOT_MARKERS.includes(entry.name)) continue;
    // Dirent types come from lstat: a symlink to a directory is removed as a link.
    if (entry.isDirectory() && BUCKET_NAMES.includes(entry.name)) continue;
    removal.add(removePath(join(root, entry.name)));
  }

  const environments = join(root, CACHE_BUCKETS.environments);
  for (const entry of readEntries(environments)) {
    removal.add(removePath(join(environments, entry.name)));
  }

  if (options.ci === true) {
    const wheels = join(root, CACHE_BUCKETS.wheels);
    for (const entry of readEntries(wheels)) {
      if (entry.isDirectory()) removal.add(removePath(join(wheels, entry.name)));
    }
    pruneBuiltWheels(join(root, CACHE_BUCKETS.sdists), removal);
  }

  const references = findArchiveReferences(root);
  const archives = join(root, CACHE_BUCKETS.archive);
  for (const entry of readEntries(archives)) {
    if (!references.has(entry.name)) removal.add(removePath(join(archives, entry.name)));
  }
  return removal;
}
