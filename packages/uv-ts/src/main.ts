// Entry point of the bundle. Kept small: it imports the argument parser and the command list;
// each command's spec and implementation are loaded lazily, so that `uv-ts --version` pays for
// nothing else.
import { type Stats, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { type ParsedArgs, parseArgs, ROOT, renderHelpCommand } from "@uv-ts/cli";
import { createPrinter, createStyler, renderError, type Styler } from "@uv-ts/console";
import { UvError } from "@uv-ts/error";
import type { SpareThreads } from "@uv-ts/fs";
import { COMMANDS } from "./commands/registry.ts";
import type { CommandContext, CommandRun } from "./context.ts";
import { resolveGlobalSettings } from "./settings.ts";
import { LauncherThreads } from "./spare-threads.ts";
import { type OutputStream, processOutput } from "./stdio.ts";
import { type ProcessTuning, v8Tuning } from "./tuning.ts";
import { VERSION } from "./version.ts";

/** The streams and environment a run of the CLI works with (tests pass their own). */
export interface Io {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Aborted when the run should stop (SIGINT/SIGTERM); never aborted when absent. */
  readonly signal?: AbortSignal;
  /** Process-wide settings commands may change for their work (none when absent). */
  readonly tuning?: ProcessTuning;
  /** Threads the launcher started ahead, for the run's first threads to take (see the bin). */
  readonly spareThreads?: SpareThreads;
  /** The bundle's page thread module (see the bin), for the registry client's `pageThread`. */
  readonly pageThreadModule?: string;
  /** When the client may make its first TLS context without waiting (see the bin). */
  readonly tlsReady?: () => Promise<void> | undefined;
}

/** The binary's name as help and errors show it. */
const BIN = "uv-ts";

/** Help wraps at the terminal's width (stdout), else `COLUMNS`, else 100, as clap does. */
function helpWidth(io: Io): number {
  if (io.stdout.isTTY === true && typeof io.stdout.columns === "number" && io.stdout.columns > 0) {
    return io.stdout.columns;
  }
  const columns = io.env.COLUMNS;
  if (columns !== undefined && /^\d+$/u.test(columns)) return Number(columns);
  return 100;
}

/**
 * An error may carry the exit code it stands for (`exitCode: 1` for a failure the user's inputs
 * caused, such as no solution); otherwise errors exit with 2.
 */
function exitCodeOf(error: unknown): number {
  if (typeof error === "object" && error !== null && "exitCode" in error) {
    const code = (error as { exitCode: unknown }).exitCode;
    if (typeof code === "number" && Number.isInteger(code) && code >= 0) return code;
  }
  return 2;
}

function writeError(io: Io, error: unknown, style: Styler, verbose: boolean): number {
  let text = renderError(error, style);
  if (
    verbose &&
    !(error instanceof UvError) &&
    error instanceof Error &&
    error.stack !== undefined
  ) {
    text += `\n${error.stack}\n`;
  }
  io.stderr.write(text);
  return exitCodeOf(error);
}

/** The command table `main` dispatches through (tests pass their own). */
export type CommandTable = Readonly<Record<string, () => Promise<{ run: CommandRun }>>>;

/** Runs the CLI and resolves to the process exit code. */
export async function main(io: Io, commands: CommandTable = COMMANDS): Promise<number> {
  // Only help text needs the width, and asking for it builds `io.stdout` (see runFromProcess).
  let width: number | undefined;
  const helpColumns = (): number => {
    width ??= helpWidth(io);
    return width;
  };
  const outcome = await parseArgs(io.argv, {
    root: ROOT,
    bin: BIN,
    version: `${BIN} ${VERSION}`,
    env: io.env,
    get width() {
      return helpColumns();
    },
  });
  switch (outcome.kind) {
    case "help":
      (outcome.stream === "stdout" ? io.stdout : io.stderr).write(outcome.text);
      return outcome.exitCode;
    case "version":
      io.stdout.write(outcome.text);
      return 0;
    case "error":
      io.stderr.write(outcome.text);
      return outcome.exitCode;
    case "parsed":
      return await dispatch(io, outcome.args, helpColumns, commands);
  }
}

async function dispatch(
  io: Io,
  args: ParsedArgs,
  width: () => number,
  commands: CommandTable,
): Promise<number> {
  let settings: ReturnType<typeof resolveGlobalSettings>;
  try {
    settings = resolveGlobalSettings(args, io.env, io.cwd, homedir());
  } catch (error) {
    return writeError(io, error, createStyler("never", io.stderr, io.env), false);
  }
  const style = createStyler(settings.color, io.stderr, io.env);
  const verbose = settings.verbosity === "verbose";
  const key = args.command.join(" ");

  if (key === "help") {
    const result = await renderHelpCommand(args.strings("command"), {
      root: ROOT,
      bin: BIN,
      width: width(),
      env: io.env,
    });
    if (result.kind === "help") {
      io.stdout.write(result.text);
      return 0;
    }
    return writeError(io, new UvError("cli.unknown-help-topic", result.message), style, false);
  }
  if (key === "self version") return selfVersion(io, args);

  const load = commands[key];
  if (load === undefined) {
    io.stderr.write(
      `${style.bold(style.red("error"))}: The \`${BIN} ${key}\` command is not implemented yet\n`,
    );
    return 2;
  }

  try {
    // Synchronous: a thread-pool round trip costs more than the stat itself on every run.
    let info: Stats | undefined;
    try {
      info = statSync(settings.cwd, { throwIfNoEntry: false });
    } catch {
      info = undefined;
    }
    if (info === undefined)
      throw new UvError("cli.directory-missing", "No such file or directory (os error 2)");
    if (!info.isDirectory())
      throw new UvError("cli.directory-not-dir", "Not a directory (os error 20)");
  } catch (error) {
    return writeError(io, error, style, verbose);
  }

  let tempCache: string | undefined;
  try {
    // `node:fs/promises` is loaded here, not imported: `--version` and `--help` need none of it.
    if (settings.noCache) {
      const { mkdtemp } = await import("node:fs/promises");
      tempCache = await mkdtemp(join(tmpdir(), "uv-ts-cache-"));
    }
    const ctx: CommandContext = {
      io,
      args,
      printer: createPrinter(io.stdout, io.stderr, settings.verbosity),
      style,
      cacheDir: tempCache ?? settings.cacheDir,
      noCache: settings.noCache,
      offline: settings.offline,
      cwd: settings.cwd,
      signal: io.signal ?? new AbortController().signal,
    };
    const module = await load();
    return await module.run(ctx);
  } catch (error) {
    return writeError(io, error, style, verbose);
  } finally {
    if (tempCache !== undefined) {
      const { rm } = await import("node:fs/promises");
      await rm(tempCache, { recursive: true, force: true });
    }
  }
}

/** `uv-ts self version`: this program's version (`--short` for the number alone). */
function selfVersion(io: Io, args: ParsedArgs): number {
  if (args.string("output-format") === "json") {
    const info = { package_name: BIN, version: VERSION, commit_info: null };
    io.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  } else if (args.flag("short")) {
    io.stdout.write(`${VERSION}\n`);
  } else {
    io.stdout.write(`${BIN} ${VERSION}\n`);
  }
  return 0;
}

/** What the launcher (bin/uv-ts.js) hands {@link runFromProcess}. */
export interface LauncherOptions {
  /**
   * Threads it started that wait for a program (see `SpareThreads` in packages/fs): the first
   * threads the run needs are taken from these; those left over are let go when the run is over.
   */
  readonly spareThreads?: readonly Worker[];
  /**
   * The page thread's module in the bundle (`dist/page-thread.cjs`): the registry client reads
   * JSON pages on a thread running it (see `PageThread` in packages/client).
   */
  readonly pageThreadModule?: string;
  /**
   * `undefined` once a TLS context can be made without waiting for Node's root certificates
   * (which a thread it started is parsing), else a promise of that moment (see the client's
   * `tlsReady`).
   */
  readonly tlsReady?: () => Promise<void> | undefined;
}

/** Runs the CLI against the real process and sets its exit code. */
export function runFromProcess(options: LauncherOptions = {}): void {
  const spareThreads = new LauncherThreads(options.spareThreads);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second signal: stop now, as a shell would expect.
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    controller.abort(new UvError("cli.interrupted", `Interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const tuning = v8Tuning({ env: process.env });
  main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    // Node builds a stdio stream on first use, which costs start-up time (loading `stream`, and
    // `net` for a pipe): pipes and files are written directly (see `processOutput`).
    stdout: processOutput(1, () => process.stdout),
    stderr: processOutput(2, () => process.stderr),
    signal: controller.signal,
    tuning,
    spareThreads,
    ...(options.pageThreadModule === undefined
      ? {}
      : { pageThreadModule: options.pageThreadModule }),
    ...(options.tlsReady === undefined ? {} : { tlsReady: options.tlsReady }),
  }).then(
    (code) => {
      tuning.restore();
      spareThreads.release();
      process.exitCode = code;
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
    (error: unknown) => {
      tuning.restore();
      spareThreads.release();
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
