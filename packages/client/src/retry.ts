const RETRYABLE_STATUS = new Set([
  100, 102, 103, 408, 429, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** Whether uv retries a response with this status (1xx informational, 408, 429, most 5xx). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

// Transport failures worth another attempt: resets, refusals, truncation, timeouts, DNS hiccups.
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
  "ERR_STREAM_PREMATURE_CLOSE",
  // Node's HTTP/2 client: a reset stream, a session gone (GOAWAY, protocol error, closed socket).
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_HTTP2_ERROR",
]);

// Certificate problems never heal by retrying, and retrying them hides the real error.
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = current instanceof Error ? current.cause : undefined;
  }
  return codes;
}

/** Whether a transport error is transient (looking through the cause chain). */
export function isRetryableError(error: unknown): boolean {
  const codes = codesOf(error);
  if (codes.some((c) => TLS_CODE.test(c))) return false;
  return codes.some((c) => RETRYABLE_CODES.has(c));
}

/** Whether the error is a connect, header or body timeout. */
export function isTimeoutError(error: unknown): boolean {
  return codesOf(error).some((c) => TIMEOUT_CODES.has(c));
}

/** Whether the error comes from the transport (undici or the socket) rather than from us. */
export function isTransportError(error: unknown): boolean {
  return codesOf(error).some(
    (c) =>
      c.startsWith("UND_ERR_") ||
      c.startsWith("ERR_HTTP2_") ||
      c === "ERR_STREAM_PREMATURE_CLOSE" ||
      /^E[A-Z]+$/.test(c) ||
      TLS_CODE.test(c),
  );
}

/**
 * uv's backoff: exponential from 2 s, capped at 30 s, with jitter; `retry` counts from 1.
 */
export function defaultRetryDelayMs(retry: number): number {
  const base = Math.min(30_000, 2_000 * 2 ** Math.max(0, retry - 1));
  return base / 2 + Math.random() * (base / 2);
}
