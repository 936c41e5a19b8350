import {
  chmodSync,
  lstatSync,
  readdirSync,
  rmdirSync,
  rmSync,
  type Stats,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";

/** What a removal took away: counts, and the storage reclaimed in bytes. */
export class Removal {
  numFiles = 0;
  numDirs = 0;
  /**
   * Storage reclaimed, as uv 0.13 reports it: allocated blocks of each removed file that no other
   * hard link keeps alive. uv measures extents (`FIEMAP`) and so also skips reflinked blocks;
   * Node cannot, so a cloned file counts in full here.
   */
  bytes = 0;

  /** Adds `other` into this one. */
  add(other: Removal): this {
    this.numFiles += other.numFiles;
    this.numDirs += other.numDirs;
    this.bytes += other.bytes;
    return this;
  }

  /** Whether nothing was removed. */
  get empty(): boolean {
    return this.numFiles === 0 && this.numDirs === 0;
  }
}

function reclaimed(stat: Stats): number {
  // Another link keeps the data alive; that one is counted when its last name goes.
  if (stat.isFile() && stat.nlink > 1) return 0;
  // `blocks` is undefined on Windows.
  return stat.blocks === undefined ? stat.size : stat.blocks * 512;
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    // A directory without read or search permission: make it ours again, then retry once.
    if (codeOf(error) !== "EACCES" && codeOf(error) !== "EPERM") throw error;
    chmodSync(path, 0o700);
    return readdirSync(path);
  }
}

function removeInto(path: string, removal: Removal, keep: ReadonlySet<string> | undefined): void {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return;
    throw error;
  }
  // Symlinks are removed themselves, never followed: a link may point outside the cache.
  if (!stat.isDirectory()) {
    removal.bytes += reclaimed(stat);
    try {
      unlinkSync(path);
    } catch (error) {
      if (codeOf(error) === "ENOENT") return;
      throw error;
    }
    removal.numFiles += 1;
    return;
  }
  for (const name of listDir(path)) {
    if (keep?.has(name)) continue;
    removeInto(join(path, name), removal, undefined);
  }
  if (keep !== undefined) return;
  try {
    rmdirSync(path);
  } catch (error) {
    const code = codeOf(error);
    if (code === "ENOENT") return;
    // Something appeared meanwhile (a racing writer); remove it without accounting.
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  }
  removal.numDirs += 1;
}

/**
 * Removes `path` and everything below it (synchronously: this is a tight loop of small calls),
 * counting files (symlinks included), directories and reclaimed bytes. A missing path removes
 * nothing.
 */
export function removePath(path: string): Removal {
  const removal = new Removal();
  removeInto(path, removal, undefined);
  return removal;
}

/** Removes the contents of directory `path` except the entries named in `keep`; `path` stays. */
export function removeContents(path: string, keep: readonly string[] = []): Removal {
  const removal = new Removal();
  removeInto(path, removal, new Set(keep));
  return removal;
}
