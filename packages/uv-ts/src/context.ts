import type { ParsedArgs } from "@uv-ts/cli";
import type { Printer, Styler } from "@uv-ts/console";
import type { Io } from "./main.ts";

/**
 * Everything a command needs from the run it belongs to. Commands receive it explicitly; there
 * is no global state. `args` holds the chosen command's arguments and the global ones.
 */
export interface CommandContext {
  readonly io: Io;
  readonly args: ParsedArgs;
  readonly printer: Printer;
  readonly style: Styler;
  /** The cache directory (`--cache-dir`, `UV_CACHE_DIR`, or the platform default). */
  readonly cacheDir: string;
  /** `--no-cache`: use a temporary cache that is removed at exit. */
  readonly noCache: boolean;
  /** `--offline`. */
  readonly offline: boolean;
  /** The directory the command works in (`--directory`, else the process cwd). */
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
}

/**
 * A command's implementation: resolves to the exit code. Thrown errors are rendered by main
 * (`error: ...`, causes, hints; never a stack trace unless `-v` and the error is unexpected) and
 * exit with 2, unless the error carries a numeric `exitCode` property (e.g. `1` for a failure
 * the user's inputs caused, such as no solution or a failed build).
 */
export type CommandRun = (ctx: CommandContext) => Promise<number>;
