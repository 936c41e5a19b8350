import { UvError } from "@uv-ts/error";

/** A version request that cannot be parsed or is unsupported (`2.7`, `@3.12`). */
export class InvalidVersionRequestError extends UvError {
  constructor(detail: string) {
    super("python.invalid-version-request", `Invalid version request: ${detail}`);
  }
}

/** `python@latest`, which uv reserves but does not support yet. */
export class LatestVersionRequestError extends UvError {
  constructor() {
    super(
      "python.latest-version-request",
      "Requesting the 'latest' Python version is not yet supported",
    );
  }
}

/**
 * Why querying one interpreter failed. `critical` errors stop discovery (something is broken in a
 * way that searching further would hide); the others are skipped, and the first of them is
 * reported only when nothing else matches.
 */
export class InterpreterQueryError extends UvError {
  readonly path: string;
  readonly kind:
    | "not-found"
    | "broken-link"
    | "spawn-failed"
    | "permission-denied"
    | "status-code"
    | "unexpected-response"
    | "query-script"
    | "io";

  constructor(
    kind: InterpreterQueryError["kind"],
    path: string,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(`python.query.${kind}`, message, options);
    this.kind = kind;
    this.path = path;
  }
}

/** The `[stdout]` / `[stderr]` blocks uv appends to a failed query's message. */
export function outputBlocks(stdout: string, stderr: string): string {
  let text = "";
  if (stdout.trim() !== "") text += `\n\n[stdout]\n${stdout.trim()}`;
  if (stderr.trim() !== "") text += `\n\n[stderr]\n${stderr.trim()}`;
  return text === "" ? "" : `${text}\n`;
}

/** The message of each failure the query script reports on purpose. */
export function queryScriptMessage(kind: string, detail: Record<string, unknown>): string {
  switch (kind) {
    case "libc_not_found":
      return "Could not detect a glibc or a musl libc (while running on Linux)";
    case "broken_mac_ver":
      return "Broken Python installation, `platform.mac_ver()` returned an empty value, please reinstall Python";
    case "unknown_operating_system":
      return `Unknown operating system: \`${String(detail.operating_system)}\``;
    case "unsupported_python_version":
      return `Python ${String(detail.python_version)} is not supported. Please use Python 3.6 or newer.`;
    case "unsupported_python":
      return "Python executable does not support `-I` flag. Please use Python 3.6 or newer.";
    default:
      return `Unknown interpreter query failure \`${kind}\``;
  }
}
