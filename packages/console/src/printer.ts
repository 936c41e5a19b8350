/** Where output goes. stdout carries only data meant for pipes; everything else is stderr. */
export interface Printer {
  /** Data for pipes (paths, lists, requirement files). Always printed, even with `--quiet`. */
  stdout(text: string): void;
  /** Human-facing status lines; silenced by `--quiet`. */
  stderr(text: string): void;
  /** Errors and warnings; printed even with `--quiet` (but not with `-qq`). */
  stderrImportant(text: string): void;
}

/** Verbosity levels as uv has them: `-qq` silent, `-q` quiet, default, `-v` verbose. */
export type Verbosity = "silent" | "quiet" | "default" | "verbose";

/** A printer over two writable streams, honouring the verbosity level. */
export function createPrinter(
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
  verbosity: Verbosity,
): Printer {
  return {
    stdout: (text) => {
      if (verbosity !== "silent") out.write(text);
    },
    stderr: (text) => {
      if (verbosity === "default" || verbosity === "verbose") err.write(text);
    },
    stderrImportant: (text) => {
      if (verbosity !== "silent") err.write(text);
    },
  };
}
