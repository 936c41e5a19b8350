import { UvError } from "@uv-ts/error";

/** Something uv would do that uv-ts cannot yet (building source distributions, editables). */
export class NotSupportedYetError extends UvError {
  constructor(message: string, hint?: string) {
    super("pip.not-supported-yet", message, hint === undefined ? {} : { hint });
  }
}

/** A failure installing or fetching that the user's inputs caused (exit code 1), with context. */
export class OperationError extends UvError {
  readonly exitCode = 1;
}

/** uv's wrapper around a wheel that could not be linked into the environment (exit code 2). */
export class InstallWheelError extends UvError {
  constructor(filename: string, distribution: string, cause: unknown) {
    super("pip.install-wheel", `Failed to install: ${filename} (${distribution})`, { cause });
  }
}
