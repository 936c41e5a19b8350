import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

/** The bin script of the bundled CLI (`packages/uv-ts/bin/uv-ts.js`). */
export const UV_TS_BIN = fileURLToPath(new URL("../../uv-ts/bin/uv-ts.js", import.meta.url));

/** A fully specified process to run: what {@link runCommand} needs. */
export interface CommandSpec {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Written to the child's stdin, which is closed afterwards; without it stdin is `/dev/null`. */
  readonly stdin?: string | undefined;
  /** Kills the child with `SIGKILL` after this many milliseconds. */
  readonly timeoutMs?: number | undefined;
}

/** What a finished process left behind. */
export interface CommandOutput {
  /** The exit code, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process (`SIGKILL`), or `null`. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `spec` to completion, capturing stdout and stderr as UTF-8 (invalid bytes replaced). */
export function runCommand(spec: CommandSpec): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.program, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: [spec.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    let timer: NodeJS.Timeout | undefined;
    if (spec.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill("SIGKILL"), spec.timeoutMs);
    }
    child.on("error", (error) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`Failed to spawn \`${spec.program}\`: ${error.message}`, { cause: error }));
    });
    child.on("close", (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    if (spec.stdin !== undefined && child.stdin) {
      // A child that exits without reading stdin makes the write fail with EPIPE; its output is
      // what the test is about, so that error is not the test's business.
      child.stdin.on("error", () => {});
      child.stdin.end(spec.stdin);
    }
  });
}

/**
 * Renders a process's outcome in the format of uv's `run_and_format` (before filters):
 *
 * ```text
 * exit_code: 0 (success)
 * ----- stdout -----
 * <stdout>
 *
 * ----- stderr -----
 * <stderr>
 * ```
 *
 * Each section appears only when its stream is non-empty. The streams are inserted verbatim, so
 * the blank line before `----- stderr -----` is there only when stdout ended with a newline. A
 * process killed by a signal reads `exit_code: -1 (failure)` plus `exit_status: signal: 9 (SIGKILL)`.
 */
export function formatOutput(output: CommandOutput): string {
  const code = output.exitCode ?? -1;
  let text = `exit_code: ${code} (${output.exitCode === 0 ? "success" : "failure"})\n`;
  if (output.exitCode === null) {
    const number = output.signal === null ? undefined : constants.signals[output.signal];
    text += `exit_status: signal: ${number ?? "?"} (${output.signal ?? "unknown"})\n`;
  }
  if (output.stdout !== "") text += `----- stdout -----\n${output.stdout}`;
  if (output.stderr !== "") {
    if (output.stdout !== "") text += "\n";
    text += `----- stderr -----\n${output.stderr}`;
  }
  return text;
}

/**
 * The first positional argument of a uv command line (its subcommand), skipping global flags;
 * a flag's value is not recognised as such, which is good enough for choosing defaults.
 */
export function subcommandOf(args: readonly string[]): readonly string[] {
  const positional = args.filter((a) => !a.startsWith("-"));
  return positional.slice(0, 2);
}

/**
 * Commands for which uv's harness does not set `VIRTUAL_ENV` to the context's venv
 * (`add_shared_options(.., false)`): project commands discover their environment themselves.
 */
const UNACTIVATED_COMMANDS = new Set([
  "venv",
  "init",
  "sync",
  "lock",
  "upgrade",
  "audit",
  "workspace",
  "export",
  "format",
  "check",
  "build",
  "version",
  "self",
  "publish",
  "tool",
  "add",
  "remove",
  "tree",
  "cache",
  "build-backend",
  "auth",
]);

/**
 * Whether uv's harness would run `args` with the context's venv activated: `pip ...`, `run`,
 * most `python ...` commands and bare invocations (`--version`), but not project commands.
 */
export function activatesVenvByDefault(args: readonly string[]): boolean {
  const [first, second] = subcommandOf(args);
  if (first === undefined) return true;
  if (first === "python") return second !== "find" && second !== "list";
  return !UNACTIVATED_COMMANDS.has(first);
}
