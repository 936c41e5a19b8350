import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from "node:http2";
import { createServer as createH1Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";

/** A request handler for either kind of {@link serveTls} server. */
export type TlsHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

/** A local HTTPS server and what it has seen. */
export interface TlsTestServer {
  readonly url: URL;
  /** TLS connections accepted so far. */
  readonly connections: () => number;
  /** The server's end of each accepted connection, in order. */
  readonly sockets: TLSSocket[];
  /** The HTTP version of each request served, in order. */
  readonly versions: string[];
  readonly close: () => Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1 with `cert`: HTTP/2 (with HTTP/1.1 for clients without it) or
 * HTTP/1.1 only.
 */
export async function serveTls(
  cert: { readonly key: string; readonly cert: string },
  kind: "h2" | "h1",
  handler: TlsHandler,
): Promise<TlsTestServer> {
  const versions: string[] = [];
  const sockets: TLSSocket[] = [];
  const handle: TlsHandler = (req, res) => {
    versions.push(req.httpVersion);
    handler(req, res);
  };
  const server =
    kind === "h2"
      ? createSecureServer({ ...cert, allowHTTP1: true }, handle)
      : createH1Server(cert, handle);
  server.on("secureConnection", (socket: TLSSocket) => {
    sockets.push(socket);
  });
  const sessions = new Set<{ destroy: () => void }>();
  if (kind === "h2") (server as Http2SecureServer).on("session", (s) => sessions.add(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`https://127.0.0.1:${port}/`),
    connections: () => sockets.length,
    sockets,
    versions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        for (const s of sockets) s.destroy();
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
