import type { Readable } from "node:stream";

/** A body whose stream closed before its end without saying why. */
class PrematureCloseError extends Error {
  readonly code = "ERR_STREAM_PREMATURE_CLOSE";
  constructor() {
    super("Premature close");
    this.name = "PrematureCloseError";
  }
}

/**
 * Why `stream` can no longer be read, when it failed or closed before its end already: a reader
 * that starts then would otherwise wait for events that were emitted before it listened.
 */
export function failureOf(stream: Readable): Error | undefined {
  if (stream.errored !== null && stream.errored !== undefined) return stream.errored;
  if (stream.destroyed && !stream.readableEnded) return new PrematureCloseError();
  return undefined;
}
