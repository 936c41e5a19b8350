import { STATUS_CODES } from "node:http";
import { UvError, type UvErrorOptions } from "@uv-ts/error";

/** The base of every error the registry client raises; `code` is `client.<kind>`. */
export class ClientError extends UvError {
  constructor(kind: string, message: string, options: UvErrorOptions = {}) {
    super(`client.${kind}`, message, options);
  }
}

/** A request made, or still in flight, after the client was closed (a bug in the caller). */
export class ClientClosedError extends ClientError {
  constructor() {
    super("closed", "The HTTP client was closed while a request was in flight");
  }
}

/** `Failed to fetch: <url>`: the request for `url` (shown redacted) failed; the cause says why. */
export class FetchError extends ClientError {
  /** The redacted URL. */
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super("fetch", `Failed to fetch: \`${url}\``, { cause });
    this.url = url;
  }
}

/** The server answered with an error status, worded as reqwest words it (uv shows that text). */
export class HttpStatusError extends ClientError {
  readonly status: number;
  readonly url: string;
  constructor(status: number, url: string) {
    const reason = STATUS_CODES[status] ?? "Unknown";
    const side = status >= 500 ? "server" : "client";
    super("http-status", `HTTP status ${side} error (${status} ${reason}) for url (${url})`);
    this.status = status;
    this.url = url;
  }
}

/** A transport failure (connection refused or reset, truncated body, TLS) for `url`. */
export class NetworkError extends ClientError {
  constructor(url: string, cause: unknown) {
    super("network", `error sending request for url (${url})`, { cause });
  }
}

/** A read or connect timeout, with uv's advice to raise `UV_HTTP_TIMEOUT`. */
export class NetworkTimeoutError extends ClientError {
  constructor(timeoutMs: number, cause: unknown) {
    super(
      "timeout",
      `Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT (current value: ${Math.floor(timeoutMs / 1000)}s).`,
      { cause },
    );
  }
}

/** The request kept failing with retryable errors: `Request failed after 3 retries in 1.2s`. */
export class RetriesExhaustedError extends ClientError {
  readonly retries: number;
  constructor(retries: number, durationMs: number, cause: unknown) {
    super(
      "retries-exhausted",
      `Request failed after ${retries} ${retries === 1 ? "retry" : "retries"} in ${(durationMs / 1000).toFixed(1)}s`,
      { cause },
    );
    this.retries = retries;
  }
}

/** `--offline` and the cache does not hold what was asked for. */
export class OfflineError extends ClientError {
  /** The redacted URL or the package name that was missing. */
  readonly subject: string;
  constructor(subject: string) {
    super(
      "offline",
      `Network connectivity is disabled, but the requested data wasn't found in the cache for: \`${subject}\``,
    );
    this.subject = subject;
  }
}

/** No index had the package. */
export class PackageNotFoundError extends ClientError {
  readonly packageName: string;
  constructor(packageName: string, options: UvErrorOptions = {}) {
    super("package-not-found", `Package \`${packageName}\` was not found in the registry`, options);
    this.packageName = packageName;
  }
}

/** `--no-index` and the package is not available from `--find-links`. */
export class NoIndexError extends ClientError {
  constructor(packageName: string) {
    super(
      "no-index",
      `${packageName} isn't available locally, but making network requests to registries was banned`,
    );
  }
}

/** A downloaded file's digest is not one the caller expected. */
export class HashMismatchError extends ClientError {
  readonly distribution: string;
  readonly expected: readonly string[];
  readonly computed: readonly string[];
  constructor(distribution: string, expected: readonly string[], computed: readonly string[]) {
    const lines = (hashes: readonly string[]) => hashes.map((h) => `  ${h}`).join("\n");
    super(
      "hash-mismatch",
      `Hash mismatch for \`${distribution}\`\n\nExpected:\n${lines(expected)}\n\nComputed:\n${lines(computed)}`,
    );
    this.distribution = distribution;
    this.expected = expected;
    this.computed = computed;
  }
}

/** A Simple API or find-links page that could not be understood. */
export class BadResponseError extends ClientError {}

/** Reading a wheel's `METADATA` failed (missing or ambiguous `.dist-info`, bad zip, bad CRC). */
export class WheelMetadataError extends ClientError {}

/** A `--find-links` location could not be read. */
export class FindLinksError extends ClientError {}

/** The client cache could not be written. */
export class CacheWriteError extends ClientError {
  constructor(cause: unknown) {
    super("cache-write", "Failed to write to the client cache", { cause });
  }
}

/** An environment variable the client reads holds a value it cannot parse. */
export class EnvVarError extends ClientError {
  constructor(name: string, value: string, reason: string) {
    super(
      "invalid-env",
      `Failed to parse environment variable \`${name}\` with invalid value \`${value}\`: ${reason}`,
    );
  }
}
