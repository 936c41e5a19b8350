import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { basicAuthorization, type CredentialStore } from "./credentials.ts";
import { memoizedLookup } from "./dns-lookup.ts";
import {
  ClientClosedError,
  ClientError,
  FetchError,
  HttpStatusError,
  NetworkError,
  NetworkTimeoutError,
  OfflineError,
  RetriesExhaustedError,
} from "./errors.ts";
import { DEFAULT_HEDGE_SETTINGS, HedgePolicy, type HedgeSettings, hedged } from "./hedge.ts";
import { Http2Sessions, type ResponseBody } from "./http2-sessions.ts";
import { Preconnector } from "./preconnect.ts";
import { redactUrl, stripCredentials } from "./redact.ts";
import {
  defaultRetryDelayMs,
  isRetryableError,
  isRetryableStatus,
  isTimeoutError,
  isTransportError,
} from "./retry.ts";
import { socketConnector } from "./socket-connector.ts";
import { TlsGate } from "./tls-gate.ts";
import { type SecureContextEvent, TrustConnector } from "./tls-trust-connector.ts";
import { Agent, undiciRequest } from "./undici-lazy.ts";

/** One HTTP request; `url` may carry credentials, which become an `Authorization` header. */
export interface HttpRequest {
  readonly url: URL;
  readonly method?: "GET" | "HEAD";
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A GET of a file that never changes (a wheel, its metadata, a range of it): when its answer
   * is late compared with the run's others, a second copy may be sent, and the first answer is
   * used (see `hedge.ts`).
   */
  readonly hedge?: boolean;
}

/** A response whose body has not been read yet. */
export interface HttpResponse {
  readonly status: number;
  /** The URL that answered, after redirects, without credentials. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: ResponseBody;
}

/** Transport settings. */
export interface HttpClientOptions {
  readonly credentials: CredentialStore;
  /** Retries after the first attempt (`UV_HTTP_RETRIES`, default 3). */
  readonly retries: number;
  /** Read timeout: headers and the gap between body chunks (`UV_HTTP_TIMEOUT`). */
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Backoff before retry number `retry` (from 1). */
  readonly retryDelayMs?: (retry: number) => number;
  readonly offline?: boolean;
  readonly signal?: AbortSignal;
  /** The trusted CA certificates (PEM) instead of Node's default roots. */
  readonly ca?: string;
  /**
   * A file of trusted CA certificates instead of Node's default roots (`SSL_CERT_FILE`), read on
   * the first TLS connection; when unreadable, the default roots stay.
   */
  readonly caFile?: string;
  /**
   * The cache root: with `caFile`, which of its certificates anchor each origin is remembered
   * there, so later runs build a small TLS context instead of parsing the whole bundle.
   */
  readonly tlsCacheDir?: string;
  /** Called for each TLS context built from `ca` or `caFile` (diagnostics and tests). */
  readonly onSecureContext?: (event: SecureContextEvent) => void;
  /**
   * Asked before the client's first TLS context is made: `undefined` to make it at once, or a
   * promise to wait for, while that connection's TCP part goes on. A context made while another
   * thread is building Node's root certificates (every context needs them; the CLI's launcher
   * has a thread make them at start) blocks this thread until they are done; the launcher's
   * promise resolves once they are.
   */
  readonly tlsReady?: () => Promise<void> | undefined;
  /** Connections kept per origin. */
  readonly connectionsPerOrigin?: number;
  /**
   * Connections for particular origins (`https://host[:port]`) instead of
   * `connectionsPerOrigin`: no more than the requests sent to them at once, since undici lets a
   * finished connection take a new request only one event loop turn later, and opens another
   * connection (a TLS handshake) for a request sent in between.
   */
  readonly originConnections?: ReadonlyMap<string, number>;
  /** When to send a second copy of a late `hedge` request; `false` never does. */
  readonly hedge?: HedgeSettings | false;
}

const HTTP2_STREAM_WINDOW = 2 * 1024 * 1024;
const HTTP2_CONNECTION_WINDOW = 5 * 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const SENSITIVE_HEADERS = ["authorization", "cookie", "proxy-authorization", "www-authenticate"];

/** The first value of a response header, or the values joined as HTTP folds them. */
export function headerValue(res: Pick<HttpResponse, "headers">, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The transport: one undici agent (connection reuse per origin), credentials from URLs and
 * `.netrc`, redirects followed by hand so `Authorization` never crosses origins, and uv's retry
 * policy. Every URL it puts in an error is redacted.
 */
export class HttpClient {
  readonly retries: number;
  readonly timeoutMs: number;
  readonly offline: boolean;
  readonly #agent: Agent;
  readonly #credentials: CredentialStore;
  readonly #retryDelayMs: (retry: number) => number;
  /** Aborted by the run's signal, or by {@link close}: nothing outlives the client. */
  readonly #lifetime = new AbortController();
  readonly #signal: AbortSignal;
  readonly #trust: TrustConnector | undefined;
  /** Holds the first TLS connections until their context can be made without waiting. */
  readonly #tlsGate: TlsGate | undefined;
  readonly #preconnector: Preconnector;
  readonly #http2: Http2Sessions;
  readonly #hedge: HedgePolicy | undefined;

  constructor(options: HttpClientOptions) {
    this.retries = options.retries;
    this.timeoutMs = options.timeoutMs;
    this.offline = options.offline ?? false;
    this.#credentials = options.credentials;
    this.#retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
    this.#signal = this.#lifetime.signal;
    this.#tlsGate = options.tlsReady === undefined ? undefined : new TlsGate(options.tlsReady);
    this.#hedge =
      options.hedge === false
        ? undefined
        : new HedgePolicy(options.hedge ?? DEFAULT_HEDGE_SETTINGS);
    // Every request in flight listens on this signal; dozens at once are expected, not a leak,
    // and Node's warning about more than 10 listeners would reach the user's terminal.
    setMaxListeners(0, this.#signal);
    const outer = options.signal;
    if (outer !== undefined) {
      if (outer.aborted) this.#lifetime.abort(outer.reason);
      else
        outer.addEventListener("abort", () => this.#lifetime.abort(outer.reason), { once: true });
    }
    const connect = {
      timeout: Math.min(options.connectTimeoutMs, options.timeoutMs),
      lookup: memoizedLookup(),
      // Offer HTTP/2 by ALPN, as uv does; a server without it answers HTTP/1.1.
      allowH2: true,
      gate: this.#tlsGate,
    };
    // With custom roots, connections share TLS contexts made on the first connect: given only
    // `ca`, TLS parses the whole bundle again for each socket (~25 ms for a system bundle), and
    // a run that never connects should not even read it.
    if (options.ca !== undefined || options.caFile !== undefined) {
      this.#trust = new TrustConnector({
        connect,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
        ...(options.tlsCacheDir === undefined ? {} : { cacheDir: options.tlsCacheDir }),
        ...(options.onSecureContext === undefined
          ? {}
          : { onSecureContext: options.onSecureContext }),
        gate: this.#tlsGate,
      });
    }
    this.#preconnector = new Preconnector(this.#trust?.connect ?? socketConnector(connect));
    const preconnector = this.#preconnector;
    // `https:` requests go to Node's HTTP/2 client when the origin takes it, to undici otherwise.
    this.#http2 = new Http2Sessions({
      connect: preconnector.connect,
      offer: (origin, socket) => preconnector.offer(origin, socket),
      streamWindow: HTTP2_STREAM_WINDOW,
      connectionWindow: HTTP2_CONNECTION_WINDOW,
    });
    this.#agent = new Agent({
      connections: options.connectionsPerOrigin ?? 16,
      ...(options.originConnections === undefined
        ? {}
        : { originConnections: options.originConnections }),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      allowH2: true,
      // hyper's windows (uv's client): Node's 64 KiB default would stall a download on every
      // window update.
      initialWindowSize: HTTP2_STREAM_WINDOW,
      connectionWindowSize: HTTP2_CONNECTION_WINDOW,
      // Only origins known to speak HTTP/1.1 (or plain `http:`) get here: the first connection to
      // an `https:` origin is made by the HTTP/2 sessions, which hand it over when it is not h2.
      connect: this.#preconnector.connect,
    });
  }

  /**
   * Starts connecting to `url`'s origin (TCP and TLS) without sending anything, for a run that
   * is about to send requests there: the first request takes the connection. Nothing happens
   * offline, and {@link close} closes a connection no request took.
   */
  preconnect(url: URL): void {
    if (this.offline || this.#lifetime.signal.aborted) return;
    this.#preconnector.preconnect(stripCredentials(url));
  }

  /**
   * Lets connections held for their TLS context go on if it can now be made without waiting
   * (see {@link HttpClientOptions.tlsReady}): cheap, and called for each request, so that the
   * first connection's handshake starts while the caller is still busy issuing requests.
   */
  pollTls(): void {
    this.#tlsGate?.poll();
  }

  /**
   * Sends one attempt, following redirects; any status is returned, errors are transport ones.
   * `onSent` is called when the first request goes out, once a connection is there for it.
   */
  send(request: HttpRequest, signal?: AbortSignal, onSent?: () => void): Promise<HttpResponse> {
    return this.#send(request, this.#combine(signal), onSent);
  }

  /** {@link send}, with `combined` aborted by the client's closing already. */
  async #send(
    request: HttpRequest,
    combined: AbortSignal,
    onSent?: () => void,
  ): Promise<HttpResponse> {
    if (this.offline) throw new OfflineError(redactUrl(request.url));
    this.#tlsGate?.poll();
    let url = new URL(request.url.href);
    let headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
    let method = request.method ?? "GET";
    for (let hop = 0; ; hop++) {
      // `url` is this call's own copy: without credentials it serves as the target as it is.
      const target = url.username === "" && url.password === "" ? url : stripCredentials(url);
      const sent = { ...headers };
      if (sent.authorization === undefined) {
        const credentials = await this.#credentials.credentialsFor(url);
        if (credentials !== undefined) sent.authorization = basicAuthorization(credentials);
      }
      const origin = target.origin;
      const path = `${target.pathname}${target.search}`;
      let res: { statusCode: number; headers: HttpResponse["headers"]; body: ResponseBody };
      const live = target.protocol === "https:" ? await this.#http2.session(target) : undefined;
      if (hop === 0) onSent?.();
      if (live !== undefined) {
        const answer = await this.#http2.request(
          live,
          target,
          { method, path, headers: sent },
          this.timeoutMs,
          combined,
        );
        res = { statusCode: answer.status, headers: answer.headers, body: answer.body };
      } else {
        res = await undiciRequest.call(this.#agent, {
          origin,
          path,
          method,
          headers: sent,
          signal: combined,
        });
      }
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.statusCode) || location === undefined) {
        return { status: res.statusCode, url: target, headers: res.headers, body: res.body };
      }
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) {
        throw new ClientError(
          "too-many-redirects",
          `Too many redirects for: \`${redactUrl(target)}\``,
        );
      }
      const next = this.#redirectTarget(
        Array.isArray(location) ? location[0] : location,
        url,
        res.statusCode,
      );
      if (res.statusCode === 303) method = "GET";
      if (next.host !== url.host || next.protocol !== url.protocol) {
        // Another origin never sees what was meant for this one; its own credentials (netrc, or
        // userinfo in the Location) are looked up afresh on the next hop.
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => !SENSITIVE_HEADERS.includes(k)),
        );
      } else if (next.username === "" && url.username !== "") {
        next.username = url.username;
        next.password = url.password;
      }
      url = next;
    }
  }

  #redirectTarget(location: string | undefined, from: URL, status: number): URL {
    if (location === undefined) {
      throw new ClientError(
        "bad-redirect",
        `Server returned redirect (HTTP ${status}) without destination URL. This may indicate a server configuration issue`,
      );
    }
    let next: URL;
    try {
      next = new URL(location, stripCredentials(from));
    } catch (error) {
      throw new ClientError(
        "bad-redirect",
        `Invalid HTTP ${status} 'Location' value \`${redactUrl(location)}\` relative to \`${redactUrl(from)}\``,
        { cause: error },
      );
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new ClientError(
        "bad-redirect",
        `Invalid HTTP ${status} 'Location' value \`${redactUrl(next)}\`: scheme needs to be https or http`,
      );
    }
    return next;
  }

  #combine(signal: AbortSignal | undefined): AbortSignal {
    return signal === undefined ? this.#signal : AbortSignal.any([this.#signal, signal]);
  }

  /**
   * Sends `request` and hands a successful (2xx or 304) response to `handle`, retrying on
   * retryable statuses and on transport errors (including ones `handle` hits while reading the
   * body). Error statuses become `Failed to fetch` with an {@link HttpStatusError} cause;
   * exhausted retries add `Request failed after N retries`.
   */
  async fetch<T>(
    request: HttpRequest,
    handle: (res: HttpResponse) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const started = performance.now();
    // Only errors show the URL: redacted when one needs it, not for every request.
    const shown = () => redactUrl(request.url);
    let retries = 0;
    const fail = (error: unknown): never => {
      const wrapped = new FetchError(shown(), error);
      if (retries === 0) throw wrapped;
      throw new RetriesExhaustedError(retries, performance.now() - started, wrapped);
    };
    for (;;) {
      let retryable = false;
      let failure: unknown;
      try {
        const hedge = request.hedge === true ? this.#hedge : undefined;
        const res =
          hedge === undefined
            ? await this.send(request, signal)
            : await hedged(
                // Each copy's signal follows this one, which the client's closing aborts.
                (copy, sent) => this.#send(request, copy, sent),
                hedge,
                this.#combine(signal),
                (late) => void late.body.dump().catch(() => undefined),
                // Each origin's answers set its own pace: an index's pages take far longer
                // than a file host's files.
                request.url.origin,
              );
        if (res.status >= 400 || res.status < 200) {
          await res.body.dump().catch(() => undefined);
          failure = new HttpStatusError(res.status, redactUrl(res.url));
          retryable = isRetryableStatus(res.status);
        } else {
          return await handle(res);
        }
      } catch (error) {
        if (this.#combine(signal)?.aborted === true) throw error;
        if (error instanceof ClientError || !isTransportError(error)) throw error;
        retryable = isRetryableError(error);
        failure = isTimeoutError(error)
          ? new NetworkTimeoutError(this.timeoutMs, error)
          : new NetworkError(shown(), error);
      }
      if (!retryable || retries >= this.retries) fail(failure);
      retries += 1;
      const delay = this.#retryDelayMs(retries);
      if (delay > 0) {
        const combined = this.#combine(signal);
        await sleep(delay, undefined, { signal: combined });
      }
    }
  }

  /**
   * Closes every pooled connection. Requests still in flight (prefetches nobody waits for any
   * more) are aborted rather than awaited or retried, so they cannot keep the process alive.
   */
  async close(): Promise<void> {
    if (!this.#lifetime.signal.aborted) this.#lifetime.abort(new ClientClosedError());
    this.#preconnector.close();
    this.#http2.close();
    await this.#agent.close();
    await this.#trust?.flush();
  }
}
