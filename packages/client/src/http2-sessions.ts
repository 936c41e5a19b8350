import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as connectHttp2,
  constants,
  type IncomingHttpHeaders,
} from "node:http2";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { buildConnector as BuildConnector } from "undici";
import { connectOptionsFor } from "./preconnect.ts";
import { failureOf } from "./stream-failure.ts";

/**
 * A response body: a readable stream of its bytes, with the helpers callers use to drop it or
 * take it whole. undici's bodies are these, and so are this module's HTTP/2 streams.
 */
export type ResponseBody = Readable & {
  /** Discards the rest of the body. */
  dump(): Promise<void>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
};

/** One response over HTTP/2, its body not read yet. */
export interface Http2Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: ResponseBody;
}

/** Settings of {@link Http2Sessions}. */
export interface Http2SessionsOptions {
  /** Opens a TLS connection as undici's connectors do (offering `h2` by ALPN). */
  readonly connect: BuildConnector.connector;
  /** Takes a connection that negotiated HTTP/1.1, for the HTTP/1.1 transport to use. */
  readonly offer: (origin: URL, socket: Socket) => void;
  /** Called with each origin's negotiated protocol once its first connection is up. */
  readonly onProtocol?: (origin: string, protocol: "h2" | "http/1.1") => void;
  readonly streamWindow: number;
  readonly connectionWindow: number;
}

/**
 * The largest DATA frame the server may send (the default is 16 KiB). Node reads TLS in 16 KiB
 * pieces, and a frame that straddles two of them reaches JavaScript as two chunks: with 16 KiB
 * frames nearly every piece holds parts of two, so a body arrives in ~8 KiB chunks, each a round
 * of stream callbacks (and a hash update) on the main thread. Measured through PyPI's proxy on
 * the 9 biggest pages of the trio set (4.6 MB): 590 chunks with 16 KiB, 380 with 64 KiB, 351
 * with 128 KiB and as many with the maximum (2^24-1); a warm trio sync went from 670 chunks to
 * 412, 1-6 ms less main-thread CPU (medians of four interleaved batches). No more than 128 KiB:
 * a frame is never interleaved with another stream's, and the pages of a resolution share one
 * connection.
 */
const MAX_FRAME_SIZE = 128 * 1024;

/** A stream that went quiet for longer than the read timeout. */
class StreamTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`no data for ${ms} ms`);
    this.name = "StreamTimeoutError";
  }
}

/** A stream closed before its response arrived, without an error of its own. */
class StreamClosedError extends Error {
  readonly code = "ERR_HTTP2_STREAM_ERROR";
  constructor(rstCode: number | undefined) {
    super(`the HTTP/2 stream closed before a response (code ${rstCode ?? "none"})`);
    this.name = "StreamClosedError";
  }
}

/** A stream cancelled by its request's signal (Node's own wording and code for it). */
class StreamAbortedError extends Error {
  readonly code = "ABORT_ERR";
  constructor(reason: unknown) {
    super("The operation was aborted", { cause: reason });
    this.name = "AbortError";
  }
}

/** A session, with how many of its streams are open (it keeps the process alive only then). */
interface Live {
  readonly session: ClientHttp2Session;
  open: number;
}

/**
 * HTTP/2 sessions to `https:` origins, one per origin, over connections from the client's
 * connector, and requests as streams of them.
 *
 * undici speaks HTTP/2 too, but through layers (its request handlers, a second stream per
 * body, async scopes) that cost ~0.6 ms of CPU per request here, three times Node's own
 * client: for a resolution that sends a hundred requests, that is the main thread's largest
 * cost after start-up. An origin whose connection negotiates HTTP/1.1 instead is answered
 * `undefined`, its connection handed over (`offer`) to the HTTP/1.1 transport.
 */
export class Http2Sessions {
  readonly #options: Http2SessionsOptions;
  readonly #sessions = new Map<string, Promise<Live | undefined>>();
  /**
   * The open streams of each signal, which one listener cancels. Node's `signal` option adds a
   * listener per stream; nearly every request of a run shares the client's signal.
   */
  readonly #cancellable = new WeakMap<AbortSignal, Set<ClientHttp2Stream>>();
  #closed = false;

  constructor(options: Http2SessionsOptions) {
    this.#options = options;
  }

  /**
   * The live session to `origin` (`https://host[:port]`), connecting when there is none;
   * `undefined` when the origin speaks HTTP/1.1. Rejects with the connection's error.
   */
  session(origin: URL): Promise<Live | undefined> {
    const key = origin.origin;
    let pending = this.#sessions.get(key);
    if (pending === undefined) {
      pending = this.#open(origin);
      this.#sessions.set(key, pending);
      // A failed connection is forgotten, so that a retry connects again.
      pending.then(
        (live) => {
          if (live === undefined) return;
          const forget = () => {
            if (this.#sessions.get(key) === pending) this.#sessions.delete(key);
          };
          live.session.once("close", forget);
          live.session.once("goaway", forget);
          live.session.on("error", forget);
        },
        () => {
          if (this.#sessions.get(key) === pending) this.#sessions.delete(key);
        },
      );
    }
    return pending;
  }

  #open(origin: URL): Promise<Live | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error("The HTTP client was closed"));
        return;
      }
      this.#options.connect(connectOptionsFor(origin), (error, connected) => {
        if (error !== null) {
          reject(error);
          return;
        }
        const socket = connected as TLSSocket;
        if (socket.alpnProtocol !== "h2") {
          this.#options.onProtocol?.(origin.origin, "http/1.1");
          this.#options.offer(origin, socket);
          resolve(undefined);
          return;
        }
        this.#options.onProtocol?.(origin.origin, "h2");
        if (this.#closed) {
          socket.destroy();
          reject(new Error("The HTTP client was closed"));
          return;
        }
        const session = connectHttp2(origin.origin, {
          createConnection: () => socket,
          settings: {
            initialWindowSize: this.#options.streamWindow,
            enablePush: false,
            maxFrameSize: MAX_FRAME_SIZE,
          },
        });
        // Streams report their own failures; the session's would otherwise be unhandled.
        session.on("error", () => {});
        session.once("connect", () => {
          try {
            session.setLocalWindowSize(this.#options.connectionWindow);
          } catch {
            // A session closing already: its streams fail on their own.
          }
        });
        session.unref();
        resolve({ session, open: 0 });
      });
    });
  }

  /**
   * Sends one request on `live` and resolves with the response's status and headers once
   * they arrive; the body then streams. A stream quiet for `timeoutMs` fails with `ETIMEDOUT`;
   * `signal` cancels it.
   */
  request(
    live: Live,
    origin: URL,
    request: {
      readonly method: string;
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
    },
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<Http2Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        ":method": request.method,
        ":path": request.path,
        ":scheme": "https",
        ":authority": origin.host,
      };
      for (const [name, value] of Object.entries(request.headers)) {
        // Connection-specific headers are not HTTP/2's (RFC 9113 §8.2.2).
        if (name === "host" || name === "connection" || name === "keep-alive") continue;
        headers[name] = value;
      }
      if (signal.aborted) {
        reject(new StreamAbortedError(signal.reason));
        return;
      }
      let stream: ClientHttp2Stream;
      try {
        stream = live.session.request(headers, {
          endStream: request.method === "GET" || request.method === "HEAD",
        });
      } catch (error) {
        reject(error);
        return;
      }
      const cancellable = this.#cancellableOn(signal);
      cancellable.add(stream);
      if (live.open++ === 0) live.session.ref();
      let answered = false;
      stream.once("close", () => {
        cancellable.delete(stream);
        if (--live.open === 0) live.session.unref();
        // Closed with neither headers nor an error: the session went away under it.
        if (!answered) reject(new StreamClosedError(stream.rstCode));
      });
      stream.setTimeout(timeoutMs, () => stream.destroy(new StreamTimeoutError(timeoutMs)));
      const onError = (error: Error) => reject(error);
      stream.once("error", onError);
      stream.once("response", (raw: IncomingHttpHeaders) => {
        answered = true;
        stream.off("error", onError);
        // Errors after this point are the body's, for its reader, who listens for them; until a
        // reader does (or for a body nobody reads), one must not be an uncaught exception.
        stream.on("error", () => {});
        const status = Number(raw[":status"]);
        const out: Record<string, string | string[] | undefined> = {};
        for (const [name, value] of Object.entries(raw)) {
          if (!name.startsWith(":")) out[name] = value;
        }
        resolve({ status, headers: out, body: bodyOf(stream) });
      });
    });
  }

  /** The streams `signal` cancels, listening to it the first time. */
  #cancellableOn(signal: AbortSignal): Set<ClientHttp2Stream> {
    let streams = this.#cancellable.get(signal);
    if (streams === undefined) {
      const open = new Set<ClientHttp2Stream>();
      signal.addEventListener(
        "abort",
        () => {
          for (const stream of [...open]) stream.destroy(new StreamAbortedError(signal.reason));
        },
        { once: true },
      );
      this.#cancellable.set(signal, open);
      streams = open;
    }
    return streams;
  }

  /** Closes every session (streams in flight fail). */
  close(): void {
    this.#closed = true;
    for (const pending of this.#sessions.values()) {
      pending.then(
        (live) => live?.session.destroy(),
        () => {},
      );
    }
    this.#sessions.clear();
  }
}

/** `stream` with the helpers of a {@link ResponseBody}. */
function bodyOf(stream: ClientHttp2Stream): ResponseBody {
  const whole = (): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const failure = failureOf(stream);
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.once("end", () => resolve(Buffer.concat(chunks)));
      stream.once("error", reject);
    });
  return Object.assign(stream, {
    dump(): Promise<void> {
      if (!stream.destroyed && !stream.readableEnded) stream.close(constants.NGHTTP2_CANCEL);
      return Promise.resolve();
    },
    async text(): Promise<string> {
      return (await whole()).toString("utf8");
    },
    async arrayBuffer(): Promise<ArrayBuffer> {
      const bytes = await whole();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    },
  });
}
