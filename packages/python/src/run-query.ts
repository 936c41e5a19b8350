import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { constants } from "node:os";
import { dirname } from "node:path";
import { UvError } from "@uv-ts/error";
import { writeFileAtomic } from "@uv-ts/fs";
import { InterpreterQueryError, outputBlocks, queryScriptMessage } from "./errors.ts";
import type { InterpreterInfo } from "./interpreter-info.ts";
import { isInterpreterInfo } from "./interpreter-info.ts";
import type { CacheEntry } from "./query-interpreter.ts";
import { QUERY_SCRIPT } from "./query-script.ts";

// Loaded only on a cache miss: running Python needs `child_process` (and the query script), which
// a cached lookup never does.

/** Stores a query answer; a read-only or full cache only costs the next run another query. */
export async function writeCacheEntry(path: string, entry: CacheEntry): Promise<void> {
  try {
    mkdirSync(dirname(path), { recursive: true });
    await writeFileAtomic(path, JSON.stringify(entry));
  } catch {
    // Nothing to do: the answer is still returned.
  }
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

/** Runs the query script with `executable` and checks its answer. */
export async function runQuery(
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
