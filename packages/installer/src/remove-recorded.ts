import { readdirSync, realpathSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { Layout } from "./layout.ts";
import type { RecordEntry } from "./record.ts";

/** What an uninstall removed, as uv counts it. */
export interface UninstallSummary {
  readonly fileCount: number;
  readonly dirCount: number;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Checks whether RECORD paths stay inside the directories a wheel may write to. The check is
 * lexical first (uv's), then, stricter than uv, on the real path of the parent directory, so a
 * symlinked directory inside site-packages cannot lead a removal elsewhere.
 */
class SchemeGuard {
  readonly #roots: string[];
  readonly #realRoots: string[];
  readonly #realParents = new Map<string, string | undefined>();

  constructor(layout: Layout) {
    const { data, purelib, platlib, scripts, include } = layout.scheme;
    this.#roots = [data, purelib, platlib, scripts, include].map((p) => resolve(p));
    this.#realRoots = this.#roots.map((root) => {
      try {
        return realpathSync(root);
      } catch {
        return root;
      }
    });
  }

  allows(path: string): boolean {
    if (!this.#roots.some((root) => isWithin(path, root))) return false;
    const parent = dirname(path);
    let real = this.#realParents.get(parent);
    if (!this.#realParents.has(parent)) {
      try {
        real = realpathSync(parent);
      } catch {
        // A missing parent means nothing to remove below it.
        real = undefined;
      }
      this.#realParents.set(parent, real);
    }
    return real === undefined || this.#realRoots.some((root) => isWithin(real, root));
  }
}

/**
 * Removes `__pycache__/<module>.*.pyc` of a removed module, as pip does (uv only removes whole
 * `__pycache__` directories of directories it empties, which leaves top-level modules' caches).
 */
function removeBytecode(module: string): number {
  const pycache = join(dirname(module), "__pycache__");
  const stem = `${basename(module, ".py")}.`;
  let names: string[];
  try {
    names = readdirSync(pycache);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(stem) || !name.endsWith(".pyc")) continue;
    // The stem must be followed by the interpreter tag only (`foo.cpython-312.pyc`), so that
    // `foo.py` does not take `foo.bar.cpython-312.pyc` with it.
    if (!/^[\w-]+(\.opt-\d+)?$/.test(name.slice(stem.length, -".pyc".length))) continue;
    try {
      unlinkSync(join(pycache, name));
      removed++;
    } catch (error) {
      if (errnoOf(error) !== "ENOENT") throw error;
    }
  }
  try {
    rmdirSync(pycache);
  } catch {
    // Not empty: other modules' caches remain.
  }
  return removed;
}

/**
 * Removes the files a RECORD lists, then every directory (below site-packages) left empty,
 * including `__pycache__` directories nobody listed. Entries that escape the environment are
 * skipped with uv's warning, once per distribution.
 */
export function removeRecorded(
  sitePackages: string,
  entries: readonly RecordEntry[],
  layout: Layout,
  distribution: string,
  warn: (message: string) => void,
): UninstallSummary {
  const guard = new SchemeGuard(layout);
  const root = resolve(sitePackages);
  let fileCount = 0;
  let dirCount = 0;
  let warned = false;
  const visited = new Set<string>();

  for (const entry of entries) {
    const path = resolve(root, entry.path);
    if (!guard.allows(path)) {
      if (!warned) {
        warned = true;
        warn(
          `Invalid RECORD entry in ${distribution} that escapes the Python environment, skipping: ${entry.path}`,
        );
      }
      continue;
    }
    try {
      unlinkSync(path);
      fileCount++;
      visited.add(dirname(path));
      if (path.endsWith(".py")) fileCount += removeBytecode(path);
    } catch (error) {
      const code = errnoOf(error);
      if (code === "ENOENT") {
        // Removed by an earlier, interrupted attempt: its directory may still need sweeping.
        visited.add(dirname(path));
        continue;
      }
      if (code === "EISDIR" || code === "EPERM") {
        // A RECORD may list a directory; remove it whole, as uv does.
        rmSync(path, { recursive: true, force: true });
        dirCount++;
        continue;
      }
      throw error;
    }
  }

  // Deepest first, so a parent is looked at after its children are gone.
  for (const start of [...visited].sort().reverse()) {
    if (!isWithin(start, root)) continue;
    let dir = start;
    while (dir !== root && isWithin(dir, root)) {
      const pycache = join(dir, "__pycache__");
      try {
        rmSync(pycache, { recursive: true });
        dirCount++;
      } catch (error) {
        if (errnoOf(error) !== "ENOENT") throw error;
      }
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (error) {
        if (errnoOf(error) === "ENOENT") break;
        throw error;
      }
      if (names.length > 0) break;
      rmdirSync(dir);
      dirCount++;
      dir = dirname(dir);
    }
  }
  return { fileCount, dirCount };
}
