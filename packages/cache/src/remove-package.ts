import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { normalizeName, type PackageName } from "@uv-ts/normalize";
import { findArchiveReferences, pathExists } from "./archive-references.ts";
import { CACHE_BUCKETS } from "./bucket.ts";
import { Removal, removePath } from "./removal.ts";

/** Subdirectory names of `path` (symlinks excluded: they are never followed). */
function subdirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** Whether `dir/metadata.json` names `name` (the convention for URL, path and Git sources). */
function metadataNames(dir: string, name: PackageName): boolean {
  try {
    const value: unknown = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8"));
    const found = (value as { name?: unknown } | null)?.name;
    return typeof found === "string" && normalizeName(found) === name;
  } catch {
    return false;
  }
}

/**
 * Removes `<bucket>/<a>/<name>` and `<bucket>/<a>/<b>/<name>` for every `a`, `b`: packages are
 * keyed by name one level under a source kind or index digest (`pypi/anyio`, `<digest>/anyio`),
 * or two levels under a kind and a digest (`url/<digest>/anyio`, `index/<digest>/anyio`).
 */
function removeByName(bucket: string, name: PackageName, suffixes: readonly string[]): Removal {
  const removal = new Removal();
  const names = suffixes.map((suffix) => `${name}${suffix}`);
  for (const a of subdirs(bucket)) {
    const level1 = join(bucket, a);
    for (const n of names) removal.add(removePath(join(level1, n)));
    for (const b of subdirs(level1)) {
      const level2 = join(level1, b);
      for (const n of names) removal.add(removePath(join(level2, n)));
    }
  }
  return removal;
}

/**
 * Removes every cache entry of package `name`, then every archive left without a reference,
 * like uv's `Cache::remove`. The caller holds the exclusive lock (or was told `--force`).
 */
export function removePackage(root: string, name: PackageName): Removal {
  const references = findArchiveReferences(root);
  const removal = new Removal();

  removal.add(removeByName(join(root, CACHE_BUCKETS.wheels), name, [""]));

  const sdists = join(root, CACHE_BUCKETS.sdists);
  removal.add(removeByName(sdists, name, [""]));
  // URL, path and editable sources are keyed by a digest of their location: look inside.
  for (const kind of ["url", "path", "editable"]) {
    for (const source of subdirs(join(sdists, kind))) {
      const dir = join(sdists, kind, source);
      if (subdirs(dir).some((revision) => metadataNames(join(dir, revision), name))) {
        removal.add(removePath(dir));
      }
    }
  }
  for (const repository of subdirs(join(sdists, "git"))) {
    for (const sha of subdirs(join(sdists, "git", repository))) {
      const dir = join(sdists, "git", repository, sha);
      if (metadataNames(dir, name)) removal.add(removePath(dir));
    }
  }

  removal.add(removeByName(join(root, CACHE_BUCKETS.simple), name, [".json", ".rkyv", ".msgpack"]));
  // A flat index listing may mention any package; uv drops the whole bucket.
  removal.add(removePath(join(root, CACHE_BUCKETS.flatIndex)));

  if (references.size === 0) return removal;
  let archiveRoot: string;
  try {
    archiveRoot = realpathSync(join(root, CACHE_BUCKETS.archive));
  } catch {
    return removal;
  }
  for (const [id, paths] of references) {
    if (paths.every((path) => !pathExists(path))) removal.add(removePath(join(archiveRoot, id)));
  }
  return removal;
}
