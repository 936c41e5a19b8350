import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { buildConnector as BuildConnector } from "undici";

type Connector = BuildConnector.connector;
type ConnectOptions = BuildConnector.Options;
type ConnectCallback = Parameters<Connector>[1];
/** What a connector hands back: a TCP or TLS socket. */
type ConnectedSocket = Socket | TLSSocket;

/** A connection opened ahead of time: its outcome, or the callbacks waiting for it. */
interface Early {
  outcome?: { readonly error: Error | null; readonly socket: ConnectedSocket | null };
  readonly waiting: Array<(error: Error | null, socket: ConnectedSocket | null) => void>;
  /** Listeners put on the socket while it waits, taken off when a request takes it. */
  detach?: () => void;
}

/**
 * The origin undici's connect options are for. Its clients pass no server name (the connector
 * derives it from the host), so a connection is matched by origin alone.
 */
function keyOf(opts: Pick<ConnectOptions, "protocol" | "hostname" | "port">): string {
  return `${opts.protocol}//${opts.hostname}:${opts.port || ""}`;
}

/** The options undici's client passes to its connector for requests to `url`'s origin. */
export function connectOptionsFor(url: URL): ConnectOptions {
  // undici strips an IPv6 literal's brackets.
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { protocol: url.protocol, hostname, host: url.host, port: url.port };
}

function usable(socket: ConnectedSocket | null): socket is ConnectedSocket {
  return socket !== null && !socket.destroyed && socket.writable && !socket.readableEnded;
}

/**
 * A connector that can open a connection before any request needs it: a run that knows it will
 * fetch from an index starts the TCP and TLS handshakes while it still reads its environment and
 * cache, and the first request to that origin takes the connection instead of opening one.
 *
 * A connection opened early that failed, or that the server closed meanwhile, is not handed on:
 * the request connects as it would have, so errors are reported from a connection of its own.
 * Connections nobody took are closed by {@link close}; while they wait they keep no process
 * alive.
 */
export class Preconnector {
  readonly #inner: Connector;
  readonly #early = new Map<string, Early>();
  /** Origins connected to already, early or not: a request has a connection there or makes one. */
  readonly #known = new Set<string>();
  #closed = false;

  constructor(inner: Connector) {
    this.#inner = inner;
  }

  readonly connect: Connector = (opts, callback: ConnectCallback) => {
    const key = keyOf(opts);
    this.#known.add(key);
    const early = opts.httpSocket === undefined ? this.#early.get(key) : undefined;
    if (early === undefined) {
      this.#inner(opts, callback);
      return;
    }
    this.#early.delete(key);
    const take = (error: Error | null, socket: ConnectedSocket | null): void => {
      early.detach?.();
      if (error === null && usable(socket)) {
        socket.ref();
        callback(null, socket);
        return;
      }
      socket?.destroy();
      this.#inner(opts, callback);
    };
    const outcome = early.outcome;
    if (outcome === undefined) early.waiting.push(take);
    // Never within the call: undici's client ignores a connection handed over synchronously
    // (it is still inside the loop that asked for one).
    else process.nextTick(take, outcome.error, outcome.socket);
  };

  /** Starts connecting to `url`'s origin, unless a connection to it was made or is waiting. */
  preconnect(url: URL): void {
    if (this.#closed || (url.protocol !== "https:" && url.protocol !== "http:")) return;
    const opts = connectOptionsFor(url);
    const key = keyOf(opts);
    if (this.#known.has(key)) return;
    this.#known.add(key);
    const early: Early = { waiting: [] };
    this.#early.set(key, early);
    try {
      this.#inner(opts, (error, connected) => {
        this.#settle(key, early, error, connected as ConnectedSocket | null);
      });
    } catch {
      // A connector that throws instead of calling back: the request will connect itself.
      this.#early.delete(key);
    }
  }

  /**
   * Keeps `socket`, connected to `url`'s origin already (by a caller that will not use it), for
   * the next connection asked for there.
   */
  offer(url: URL, socket: ConnectedSocket): void {
    const key = keyOf(connectOptionsFor(url));
    if (this.#closed || this.#early.has(key)) {
      socket.destroy();
      return;
    }
    const early: Early = { waiting: [] };
    this.#early.set(key, early);
    this.#settle(key, early, null, socket);
  }

  #settle(key: string, early: Early, error: Error | null, socket: ConnectedSocket | null): void {
    early.outcome = { error, socket };
    if (socket !== null && early.waiting.length === 0) {
      socket.unref();
      // Dropped by the server before a request took it: nothing to hand on.
      const onClose = (): void => {
        if (this.#early.get(key) === early) this.#early.delete(key);
      };
      const onError = (): void => {};
      socket.once("close", onClose);
      socket.on("error", onError);
      early.detach = () => {
        socket.off("close", onClose);
        socket.off("error", onError);
      };
    }
    if (this.#closed && early.waiting.length === 0) socket?.destroy();
    for (const waiter of early.waiting.splice(0)) waiter(error, socket);
  }

  /** Closes the connections opened early that no request took. */
  close(): void {
    this.#closed = true;
    for (const early of this.#early.values()) {
      if (early.waiting.length === 0) early.outcome?.socket?.destroy();
    }
    this.#early.clear();
  }
}
