import { lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InterpreterQueryError } from "./errors.ts";
import { Interpreter } from "./interpreter.ts";
import type { InterpreterInfo } from "./interpreter-info.ts";
import { isInterpreterInfo } from "./interpreter-info.ts";

/** The cache bucket holding query answers; bump the suffix when the script's output changes. */
export const INTERPRETER_CACHE_BUCKET = "interpreter-v0";

/** How to query: where the cache lives (none: always run Python), and the environment. */
export interface QueryOptions {
  /** The cache root; answers go to `<cacheDir>/interpreter-v0/`. */
  readonly cacheDir?: string | undefined;
  /** Resolves relative executable paths. */
  readonly cwd: string;
  /** The environment for the Python process. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** What makes a cached answer fresh: the queried path and the interpreter file's identity. */
export interface CacheKey {
  readonly path: string;
  readonly canonical: string;
  readonly mtimeNs: string;
  readonly size: string;
  readonly ino: string;
}

/** What a cache file holds. */
export interface CacheEntry {
  readonly key: CacheKey;
  readonly info: InterpreterInfo;
}

function sameKey(a: CacheKey, b: CacheKey): boolean {
  return (
    a.path === b.path &&
    a.canonical === b.canonical &&
    a.mtimeNs === b.mtimeNs &&
    a.size === b.size &&
    a.ino === b.ino
  );
}

/**
 * 64 bits of FNV-1a over the path's UTF-16 code units, as 16 hex digits. Not a cryptographic
 * hash: the entry records its path and is checked against it, so a collision only costs a query;
 * in exchange a cache hit does not load `node:crypto`.
 */
function pathDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c ^ (a >>> 15), 0x01000193);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return hex(a) + hex(b);
}

/** The cache file of an executable path (absolute). */
export function interpreterCachePath(cacheDir: string, absolute: string): string {
  return join(cacheDir, INTERPRETER_CACHE_BUCKET, `${pathDigest(absolute)}.json`);
}

function isVenvExecutable(path: string): boolean {
  // `<venv>/bin/python`: a broken link there means the venv's base interpreter went away.
  const parts = path.split("/");
  return parts.length >= 3 && (parts.at(-2) === "bin" || parts.at(-2) === "Scripts");
}

/**
 * Queries the interpreter at `executable`, answering from the cache when the executable (its
 * canonical file's mtime, size and inode) has not changed since the answer was written. A cache
 * hit starts no process and loads none of the code that runs Python.
 */
export async function queryInterpreter(
  executable: string,
  options: QueryOptions,
): Promise<Interpreter> {
  const absolute = resolve(options.cwd, executable);
  let canonical: string;
  let key: CacheKey;
  try {
    canonical = realpathSync(absolute);
    const st = statSync(canonical, { bigint: true });
    key = {
      path: absolute,
      canonical,
      mtimeNs: st.mtimeNs.toString(),
      size: st.size.toString(),
      ino: st.ino.toString(),
    };
  } catch (error) {
    throw missingExecutableError(executable, absolute, error);
  }

  const cacheFile =
    options.cacheDir === undefined ? undefined : interpreterCachePath(options.cacheDir, absolute);
  if (cacheFile !== undefined) {
    const cached = readCacheEntry(cacheFile);
    if (cached !== undefined && sameKey(cached.key, key)) {
      return new Interpreter(executable, cached.info);
    }
  }

  const { runQuery, writeCacheEntry } = await import("./run-query.ts");
  const info = await runQuery(executable, absolute, options.env);

  // A pyenv shim is a script that runs whichever Python is active; its answer depends on more
  // than the shim file, so it is only cached when the shim *is* the interpreter.
  if (cacheFile !== undefined && isSameFile(canonical, info.sys_executable)) {
    await writeCacheEntry(cacheFile, { key, info });
  }
  return new Interpreter(executable, info);
}

function readCacheEntry(path: string): CacheEntry | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as { key?: CacheKey; info?: unknown };
    if (value.key === undefined || !isInterpreterInfo(value.info)) return undefined;
    return { key: value.key, info: value.info };
  } catch {
    return undefined;
  }
}

function isSameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a, { bigint: true });
    const sb = statSync(b, { bigint: true });
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

function missingExecutableError(
  executable: string,
  absolute: string,
  error: unknown,
): InterpreterQueryError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    let isLink = false;
    try {
      isLink = lstatSync(absolute).isSymbolicLink();
    } catch {
      // Nothing there at all: not found.
    }
    if (isLink) {
      const venv = isVenvExecutable(absolute);
      return new InterpreterQueryError(
        "broken-link",
        executable,
        `Broken symlink at \`${executable}\`, was the underlying Python interpreter removed?`,
        venv ? { hint: "Consider recreating the environment (e.g., with `uv venv`)" } : {},
      );
    }
    return new InterpreterQueryError(
      "not-found",
      executable,
      `Python interpreter not found at \`${executable}\``,
    );
  }
  return new InterpreterQueryError("io", executable, "Failed to query Python interpreter", {
    cause: error,
  });
}
