import {
  isIP,
  type LookupFunction,
  type NetConnectOpts,
  connect as netConnect,
  type Socket,
} from "node:net";
import {
  type ConnectionOptions,
  type SecureContext,
  type TLSSocket,
  connect as tlsConnect,
} from "node:tls";
import type { buildConnector as BuildConnector } from "undici";
import type { TlsGate } from "./tls-gate.ts";

/** What {@link socketConnector} needs: undici's connector options that the client sets. */
export interface SocketConnectorOptions {
  /** Connect (and TLS handshake) timeout in ms. */
  readonly timeout?: number | null | undefined;
  readonly lookup?: LookupFunction | undefined;
  /** Offer HTTP/2 by ALPN. */
  readonly allowH2?: boolean | undefined;
  /** The trusted roots, when not Node's own. */
  readonly secureContext?: SecureContext | undefined;
  /**
   * Holds a connection without `secureContext` (for which `tls.connect` makes a context) until
   * making a context no longer waits (see {@link TlsGate}).
   */
  readonly gate?: TlsGate | undefined;
}

/** Connecting took longer than the connect timeout (undici's code, which retries know). */
class ConnectTimeoutError extends Error {
  readonly code = "UND_ERR_CONNECT_TIMEOUT";
  constructor(hostname: string, port: number, timeout: number) {
    super(`Connect Timeout Error (attempted address: ${hostname}:${port}, timeout: ${timeout}ms)`);
    this.name = "ConnectTimeoutError";
  }
}

const MAX_CACHED_SESSIONS = 100;

/**
 * Starts the TCP connection (its DNS lookup first) to the origin of `opts`, for a TLS handshake
 * to run over once its context is made: the first TLS context of a process costs tens of
 * milliseconds of CPU, which the lookup and the connect then overlap instead of following. Its
 * errors reach the TLS socket made over it, as those of a socket `tls.connect` opens itself.
 */
export function connectTcp(
  opts: Pick<BuildConnector.Options, "hostname" | "port">,
  options: Pick<SocketConnectorOptions, "lookup">,
): Socket {
  return netConnect({
    host: opts.hostname,
    port: Number(opts.port) || 443,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
}

/**
 * A connector with undici's signature and behaviour (its `buildConnector`): TCP for `http:`, TLS
 * for `https:` with the server name from the host, TLS sessions kept per server for resumption,
 * ALPN, keep-alive, no Nagle, and a connect timeout. Written here so that a run whose index
 * speaks HTTP/2 (served by Node's own client) never loads undici at all. A TLS connection starts
 * with its TCP connection (see {@link connectTcp}); `httpSocket`, a socket connected or
 * connecting already, is used instead.
 */
export function socketConnector(options: SocketConnectorOptions): BuildConnector.connector {
  const timeout = options.timeout ?? 10_000;
  const sessions = new Map<string, Buffer>();

  /** The TLS socket over `tcp` (throws as `tls.connect` does, `tcp` then destroyed if owned). */
  function tlsOver(opts: BuildConnector.Options, port: number, tcp: Socket, ownsTcp: boolean) {
    const host = opts.hostname;
    const servername =
      opts.servername || (isIP(host) === 0 && host !== "" ? host : undefined) || undefined;
    const sessionKey = servername ?? host;
    // Node takes a stream's buffer size too, which its option types leave out. `host` is what
    // the certificate is checked against when there is no server name (an IP address).
    const tlsOptions: ConnectionOptions & { highWaterMark: number } = {
      host,
      port,
      socket: tcp,
      ...(servername === undefined ? {} : { servername }),
      ...(options.secureContext === undefined ? {} : { secureContext: options.secureContext }),
      session: sessions.get(sessionKey),
      ALPNProtocols: options.allowH2 === true ? ["http/1.1", "h2"] : ["http/1.1"],
      highWaterMark: 16_384,
    };
    let tls: TLSSocket;
    try {
      tls = tlsConnect(tlsOptions);
    } catch (error) {
      if (ownsTcp) tcp.destroy();
      throw error;
    }
    tls.on("session", (session: Buffer) => {
      sessions.delete(sessionKey);
      if (sessions.size >= MAX_CACHED_SESSIONS) {
        const oldest = sessions.keys().next();
        if (oldest.done !== true) sessions.delete(oldest.value);
      }
      sessions.set(sessionKey, session);
    });
    return tls;
  }

  /** Hands `socket` to `callback` once connected (or failed), with undici's socket settings. */
  function settle(
    socket: Socket | TLSSocket,
    opts: BuildConnector.Options,
    port: number,
    callback: BuildConnector.Callback,
  ): void {
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    let pending: typeof callback | null = callback;
    const timer = setTimeout(() => {
      socket.destroy(new ConnectTimeoutError(opts.hostname, port, timeout));
    }, timeout);
    timer.unref();
    socket.once(opts.protocol === "https:" ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      const done = pending;
      pending = null;
      done?.(null, socket);
    });
    // Kept for the socket's life, as undici does: a later error is its user's to see, never an
    // uncaught one.
    socket.on("error", (error: Error) => {
      clearTimeout(timer);
      const done = pending;
      pending = null;
      done?.(error, null);
    });
  }

  return (opts, callback) => {
    const { hostname, protocol, httpSocket } = opts;
    if (protocol === "https:") {
      const port = Number(opts.port) || 443;
      // Before the context: `tls.connect` makes one when none is given.
      const tcp = httpSocket ?? connectTcp(opts, options);
      const go = () =>
        settle(tlsOver(opts, port, tcp, httpSocket === undefined), opts, port, callback);
      if (options.secureContext !== undefined || options.gate === undefined) go();
      else options.gate.through(tcp, callback, go);
      return;
    }
    const port = Number(opts.port) || 80;
    const netOptions: NetConnectOpts & { highWaterMark: number } = {
      host: hostname,
      port,
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      highWaterMark: 64 * 1024,
    };
    settle(netConnect(netOptions), opts, port, callback);
  };
}
