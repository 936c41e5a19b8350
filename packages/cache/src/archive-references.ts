import { type Dirent, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CACHE_BUCKETS } from "./bucket.ts";
import { POINTER_SUFFIX, parsePointer } from "./pointer.ts";

// Entries that never hold references; skipping them keeps the walk off unpacked source trees.
const SKIP_NAMES = new Set(["src", ".lock", ".gitignore", ".git"]);
const SKIP_SUFFIXES = [".lock", ".whl", ".json", ".http", ".rev", ".msgpack", ".tar.gz", ".zip"];

function readEntries(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}

/**
 * Every archive id referenced from the wheel and source-distribution buckets, with the paths
 * that reference it: pointer files (`*.pointer`) and, as uv makes them on Unix, symlinks into
 * `archive-v0/`.
 */
export function findArchiveReferences(root: string): Map<string, string[]> {
  const references = new Map<string, string[]>();
  const archiveRoot = join(root, CACHE_BUCKETS.archive);
  let canonicalArchiveRoot: string | undefined;
  try {
    canonicalArchiveRoot = realpathSync(archiveRoot);
  } catch {
    canonicalArchiveRoot = undefined;
  }
  const add = (id: string, path: string) => {
    const list = references.get(id);
    if (list) list.push(path);
    else references.set(id, [path]);
  };
  const walk = (dir: string): void => {
    for (const entry of readEntries(dir)) {
      const name = entry.name;
      if (SKIP_NAMES.has(name) || SKIP_SUFFIXES.some((suffix) => name.endsWith(suffix))) continue;
      const path = join(dir, name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isSymbolicLink()) {
        if (canonicalArchiveRoot === undefined) continue;
        let target: string;
        try {
          target = realpathSync(path);
        } catch {
          continue;
        }
        if (dirname(target) === canonicalArchiveRoot) add(basename(target), path);
      } else if (name.endsWith(POINTER_SUFFIX)) {
        let text: string;
        try {
          text = readFileSync(path, "utf8");
        } catch {
          continue;
        }
        const pointer = parsePointer(text);
        if (pointer) add(pointer.archiveId, path);
      }
    }
  };
  for (const bucket of [CACHE_BUCKETS.sdists, CACHE_BUCKETS.wheels]) walk(join(root, bucket));
  return references;
}

/** Whether anything (file, directory or dangling symlink) exists at `path`. */
export function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
