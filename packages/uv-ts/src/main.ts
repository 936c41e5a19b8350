// Entry point of the bundle. Kept small: it imports only the argument parser and loads each
// command's module lazily, so that `uv-ts --version` pays for nothing else.
import { VERSION } from "./version.ts";

/** The streams and environment a run of the CLI works with (tests pass their own). */
export interface Io {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(io: Io): Promise<number> {
  const args = io.argv;
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    io.stdout.write(`uv-ts ${VERSION}\n`);
    return 0;
  }
  io.stderr.write("error: not implemented yet\n");
  return 2;
}

/** Runs the CLI against the real process and sets its exit code. */
export function runFromProcess(): void {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: internal error: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
