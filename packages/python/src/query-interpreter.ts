import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { UvError } from "@uv-ts/error";
import { writeFileAtomic } from "@uv-ts/fs";
import { InterpreterQueryError, outputBlocks, queryScriptMessage } from "./errors.ts";
import { Interpreter } from "./interpreter.ts";
import type { InterpreterInfo } from "./interpreter-info.ts";
import { isInterpreterInfo } from "./interpreter-info.ts";
import { QUERY_SCRIPT } from "./query-script.ts";

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
interface CacheKey {
  readonly path: string;
  readonly canonical: string;
  readonly mtimeNs: string;
  readonly size: string;
  readonly ino: string;
}

interface CacheEntry {
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

/** The cache file of an executable path (absolute). */
export function interpreterCachePath(cacheDir: string, absolute: string): string {
  const digest = createHash("sha256").update(absolute).digest("hex").slice(0, 16);
  return join(cacheDir, INTERPRETER_CACHE_BUCKET, `${digest}.json`);
}

function isVenvExecutable(path: string): boolean {
  // `<venv>/bin/python`: a broken link there means the venv's base interpreter went away.
  const parts = path.split("/");
  return parts.length >= 3 && (parts.at(-2) === "bin" || parts.at(-2) === "Scripts");
}

/**
 * Queries the interpreter at `executable`, answering from the cache when the executable (its
 * canonical file's mtime, size and inode) has not changed since the answer was written. A cache
 * hit starts no process.
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
    throw await missingExecutableError(executable, absolute, error);
  }

  const cacheFile =
    options.cacheDir === undefined ? undefined : interpreterCachePath(options.cacheDir, absolute);
  if (cacheFile !== undefined) {
    const cached = await readCacheEntry(cacheFile);
    if (cached !== undefined && sameKey(cached.key, key)) {
      return new Interpreter(executable, cached.info);
    }
  }

  const info = await runQuery(executable, absolute, options.env);

  // A pyenv shim is a script that runs whichever Python is active; its answer depends on more
  // than the shim file, so it is only cached when the shim *is* the interpreter.
  if (cacheFile !== undefined && (await isSameFile(canonical, info.sys_executable))) {
    try {
      mkdirSync(join(options.cacheDir!, INTERPRETER_CACHE_BUCKET), { recursive: true });
      const entry: CacheEntry = { key, info };
      await writeFileAtomic(cacheFile, JSON.stringify(entry));
    } catch {
      // A read-only or full cache only costs the next run another query.
    }
  }
  return new Interpreter(executable, info);
}

async function readCacheEntry(path: string): Promise<CacheEntry | undefined> {
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

async function isSameFile(a: string, b: string): Promise<boolean> {
  try {
    const sa = statSync(a, { bigint: true });
    const sb = statSync(b, { bigint: true });
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

async function missingExecutableError(
  executable: string,
  absolute: string,
  error: unknown,
): Promise<InterpreterQueryError> {
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

interface ProcessOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError: NodeJS.ErrnoException | undefined;
}

function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv | undefined,
): Promise<ProcessOutput> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error === null) {
          done({ stdout, stderr, code: 0, signal: null, spawnError: undefined });
          return;
        }
        const e = error as NodeJS.ErrnoException & {
          code?: number | string;
          signal?: NodeJS.Signals | null;
        };
        if (typeof e.code === "string") {
          done({ stdout, stderr, code: null, signal: null, spawnError: e });
          return;
        }
        done({
          stdout,
          stderr,
          code: typeof e.code === "number" ? e.code : null,
          signal: e.signal ?? null,
          spawnError: undefined,
        });
      },
    );
  });
}

function exitStatusText(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) {
    const number = (constants.signals as Record<string, number>)[signal];
    return `signal: ${number ?? "?"} (${signal})`;
  }
  return `exit status: ${code ?? "?"}`;
}

async function runQuery(
  executable: string,
  absolute: string,
  env: NodeJS.ProcessEnv | undefined,
): Promise<InterpreterInfo> {
  const out = await run(absolute, ["-I", "-B", "-c", QUERY_SCRIPT], env);
  if (out.spawnError !== undefined) {
    const code = out.spawnError.code;
    if (code === "ENOENT") {
      throw new InterpreterQueryError(
        "not-found",
        executable,
        `Python interpreter not found at \`${executable}\``,
      );
    }
    const kind = code === "EACCES" ? "permission-denied" : "spawn-failed";
    throw new InterpreterQueryError(
      kind,
      executable,
      `Failed to query Python interpreter at \`${executable}\``,
      { cause: out.spawnError },
    );
  }
  const stdout = out.stdout.trim();
  const stderr = out.stderr.trim();
  if (stderr.includes("Unknown option: -I")) {
    throw new InterpreterQueryError(
      "query-script",
      executable,
      `Can't use Python at \`${executable}\``,
      {
        cause: new UvError("python.query-script", queryScriptMessage("unsupported_python", {})),
      },
    );
  }
  if (out.code !== 0) {
    throw new InterpreterQueryError(
      "status-code",
      executable,
      `Querying Python at \`${executable}\` failed with exit status ${exitStatusText(out.code, out.signal)}${outputBlocks(stdout, stderr)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new InterpreterQueryError(
      "unexpected-response",
      executable,
      `Querying Python at \`${executable}\` returned an invalid response: ${(error as Error).message}${outputBlocks(stdout, stderr)}`,
    );
  }
  const record = parsed as Record<string, unknown> | null;
  if (record !== null && typeof record === "object" && record.result === "error") {
    throw new InterpreterQueryError(
      "query-script",
      executable,
      `Can't use Python at \`${executable}\``,
      {
        cause: new UvError("python.query-script", queryScriptMessage(String(record.kind), record)),
      },
    );
  }
  if (!isInterpreterInfo(parsed)) {
    throw new InterpreterQueryError(
      "unexpected-response",
      executable,
      `Querying Python at \`${executable}\` returned an invalid response: missing or malformed fields${outputBlocks(stdout, stderr)}`,
    );
  }
  return parsed;
}
