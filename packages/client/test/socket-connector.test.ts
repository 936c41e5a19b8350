// The client's own connector (undici's `buildConnector` behaviour without loading undici): TLS
// with ALPN and the server name, sessions resumed, plain TCP for `http:`, and undici's connect
// timeout error, which the retry policy knows.

import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createSecureContext, type TLSSocket } from "node:tls";
import { describe, expect, it } from "vitest";
import { isRetryableError, isTimeoutError } from "../src/retry.ts";
import { socketConnector } from "../src/socket-connector.ts";
import { useSelfSignedCertificate } from "./helpers.ts";
import { serveTls } from "./tls-server.ts";

const cert = useSelfSignedCertificate();

/** Connects with `connector` to `url`'s origin; the socket or the error. */
function connectTo(
  connector: ReturnType<typeof socketConnector>,
  url: URL,
): Promise<{ socket?: Socket; error?: Error }> {
  return new Promise((resolve) => {
    connector(
      { protocol: url.protocol, hostname: url.hostname, host: url.host, port: url.port },
      (error, socket) => resolve(error === null ? { socket: socket as Socket } : { error }),
    );
  });
}

describe("socketConnector", () => {
  it("negotiates_http2_by_alpn_and_resumes_tls_sessions", async () => {
    const server = await serveTls(cert, "h2", (_req, res) => res.end("ok"));
    const connector = socketConnector({
      allowH2: true,
      secureContext: createSecureContext({ ca: cert.cert }),
    });
    try {
      const first = (await connectTo(connector, server.url)).socket as TLSSocket;
      expect(first.alpnProtocol).toBe("h2");
      expect(first.isSessionReused()).toBe(false);
      // The session ticket arrives after the handshake.
      await new Promise((resolve) => setTimeout(resolve, 50));
      first.destroy();
      const second = (await connectTo(connector, server.url)).socket as TLSSocket;
      expect(second.isSessionReused()).toBe(true);
      second.destroy();

      const h1Only = socketConnector({ secureContext: createSecureContext({ ca: cert.cert }) });
      const plain = (await connectTo(h1Only, server.url)).socket as TLSSocket;
      expect(plain.alpnProtocol).toBe("http/1.1");
      plain.destroy();
    } finally {
      await server.close();
    }
  });

  it("an_untrusted_certificate_fails_the_connection", async () => {
    const server = await serveTls(cert, "h2", (_req, res) => res.end("ok"));
    try {
      const { error } = await connectTo(socketConnector({ allowH2: true }), server.url);
      expect((error as NodeJS.ErrnoException).code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(isRetryableError(error)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("a_handshake_that_never_comes_is_undicis_connect_timeout", async () => {
    // Accepts TCP connections and never speaks.
    const held: Socket[] = [];
    const silent: Server = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const { error } = await connectTo(
        socketConnector({ timeout: 100 }),
        new URL(`https://127.0.0.1:${port}/`),
      );
      expect((error as NodeJS.ErrnoException).code).toBe("UND_ERR_CONNECT_TIMEOUT");
      expect(error?.message).toBe(
        `Connect Timeout Error (attempted address: 127.0.0.1:${port}, timeout: 100ms)`,
      );
      expect(isTimeoutError(error)).toBe(true);
      expect(isRetryableError(error)).toBe(true);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("http_origins_get_a_plain_tcp_connection", async () => {
    const server: Server = createTcpServer((socket) => socket.end("hi"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { socket } = await connectTo(socketConnector({}), new URL(`http://127.0.0.1:${port}/`));
      const text = await new Promise<string>((resolve) => {
        let got = "";
        socket?.on("data", (chunk: Buffer) => {
          got += chunk.toString();
        });
        socket?.on("end", () => resolve(got));
      });
      expect(text).toBe("hi");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
