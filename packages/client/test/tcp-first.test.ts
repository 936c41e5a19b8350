// A TLS connection's TCP connection (and its DNS lookup) starts before the TLS context is made,
// so that they overlap making it; the handshake then runs over that socket. What a connection
// does and how it fails must be as when `tls.connect` opened the socket itself.

import { execFileSync } from "node:child_process";
import { lookup as dnsLookup } from "node:dns";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer as createTcpServer, type LookupFunction } from "node:net";
import { join } from "node:path";
import { createSecureContext, type TLSSocket, connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRetryableError } from "../src/retry.ts";
import { socketConnector } from "../src/socket-connector.ts";
import { TlsGate } from "../src/tls-gate.ts";
import { TrustConnector } from "../src/tls-trust-connector.ts";
import { tempDir, until } from "./helpers.ts";
import { tcpFront } from "./tcp-front.ts";
import { serveTls } from "./tls-server.ts";

const HOST = "uv-ts.test";

/** Certificates for {@link HOST} and another, unrelated one; made once for the file. */
const certs = { key: "", cert: "", other: "" };
let tmp: { path: string; cleanup: () => Promise<void> } | undefined;
beforeAll(async () => {
  tmp = await tempDir();
  const make = (name: string, san: string): void => {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
        ...["-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=${name}`],
        ...["-addext", `subjectAltName=${san}`],
      ],
      { cwd: tmp?.path, stdio: "ignore" },
    );
  };
  make("host", `DNS:${HOST},IP:127.0.0.1`);
  make("other", `DNS:${HOST},IP:127.0.0.1`);
  const read = (file: string): string => readFileSync(join(tmp?.path ?? "", file), "utf8");
  Object.assign(certs, { key: read("host.key"), cert: read("host.pem"), other: read("other.pem") });
}, 30_000);
afterAll(async () => {
  await tmp?.cleanup();
});

/** A lookup that answers 127.0.0.1 for {@link HOST} (and the system's for others), noting each. */
function recordingLookup(events: string[]): LookupFunction {
  return (hostname, options, callback) => {
    events.push(`lookup ${hostname}`);
    if (hostname !== HOST) return dnsLookup(hostname, options, callback);
    if (options.all === true) {
      callback(null, [{ address: "127.0.0.1", family: 4 }]);
    } else {
      callback(null, "127.0.0.1", 4);
    }
  };
}

type Connector = ReturnType<typeof socketConnector>;

/** Connects with `connector` to `https://host:port`; the socket or the error. */
function connectTo(
  connector: Connector,
  host: string,
  port: number,
): Promise<{ socket?: TLSSocket; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    connector(
      { protocol: "https:", hostname: host, host: `${host}:${port}`, port: String(port) },
      (error, socket) =>
        resolve(error === null ? { socket: socket as TLSSocket } : { error: error as Error }),
    );
  });
}

/** How `tls.connect` fails when it opens the socket itself (the behaviour before). */
function directError(
  host: string,
  port: number,
  options: { readonly ca?: string; readonly lookup?: LookupFunction },
): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port,
      servername: host === "127.0.0.1" ? "" : host,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    });
    socket.once("secureConnect", () => {
      socket.destroy();
      reject(new Error("connected"));
    });
    socket.once("error", resolve);
  });
}

/** A port nothing listens on (one just closed). */
async function refusedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("tcp_before_tls_context", () => {
  it("the_lookup_starts_before_the_context_and_the_handshake_runs_over_that_socket", async () => {
    const server = await serveTls({ key: certs.key, cert: certs.cert }, "h2", (_req, res) =>
      res.end("ok"),
    );
    const events: string[] = [];
    const trust = new TrustConnector({
      connect: { allowH2: true, lookup: recordingLookup(events) },
      ca: certs.cert,
      onSecureContext: (event) => events.push(`context ${event.kind}`),
    });
    try {
      const { socket, error } = await connectTo(trust.connect, HOST, Number(server.url.port));
      expect(error).toBeUndefined();
      expect(socket?.authorized).toBe(true);
      expect(socket?.alpnProtocol).toBe("h2");
      expect(events).toEqual([`lookup ${HOST}`, "context bundle"]);
      socket?.destroy();
      // The next connection makes no context: it has one.
      const again = await connectTo(trust.connect, HOST, Number(server.url.port));
      expect(again.socket?.authorized).toBe(true);
      expect(events).toEqual([`lookup ${HOST}`, "context bundle", `lookup ${HOST}`]);
      again.socket?.destroy();
    } finally {
      await server.close();
    }
  });

  it("the_default_roots_connector_verifies_the_name_over_its_own_socket", async () => {
    const server = await serveTls({ key: certs.key, cert: certs.cert }, "h2", (_req, res) =>
      res.end("ok"),
    );
    const events: string[] = [];
    try {
      // Node's own roots do not trust the test's certificate: the same failure as before.
      const connector = socketConnector({ allowH2: true, lookup: recordingLookup(events) });
      const { error } = await connectTo(connector, HOST, Number(server.url.port));
      const before = await directError(HOST, Number(server.url.port), {
        lookup: recordingLookup([]),
      });
      expect(error?.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(error?.code).toBe(before.code);
      expect(error?.message).toBe(before.message);
      expect(events).toEqual([`lookup ${HOST}`]);
    } finally {
      await server.close();
    }
  });

  it("a_refused_connection_fails_as_before", async () => {
    const port = await refusedPort();
    const trust = new TrustConnector({ connect: { allowH2: true }, ca: certs.cert });
    const viaTrust = await connectTo(trust.connect, "127.0.0.1", port);
    const viaPlain = await connectTo(socketConnector({ allowH2: true }), "127.0.0.1", port);
    const before = await directError("127.0.0.1", port, {});
    for (const { error } of [viaTrust, viaPlain]) {
      expect(error?.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(error?.message).toBe(before.message);
      expect(error?.code).toBe("ECONNREFUSED");
      expect(error?.syscall).toBe(before.syscall);
      expect(isRetryableError(error)).toBe(isRetryableError(before));
    }
  });

  it("an_unknown_host_fails_as_before", async () => {
    const failing: LookupFunction = (hostname, _options, callback) => {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      error.code = "ENOTFOUND";
      setImmediate(() => callback(error, ""));
    };
    const trust = new TrustConnector({ connect: { lookup: failing }, ca: certs.cert });
    const viaTrust = await connectTo(trust.connect, "nowhere.invalid", 443);
    const viaPlain = await connectTo(socketConnector({ lookup: failing }), "nowhere.invalid", 443);
    const before = await directError("nowhere.invalid", 443, { lookup: failing });
    for (const { error } of [viaTrust, viaPlain]) {
      expect(error?.message).toBe("getaddrinfo ENOTFOUND nowhere.invalid");
      expect(error?.message).toBe(before.message);
      expect(error?.code).toBe(before.code);
    }
  });

  it("an_untrusted_certificate_fails_as_before", async () => {
    const server = await serveTls({ key: certs.key, cert: certs.cert }, "h2", (_req, res) =>
      res.end("ok"),
    );
    try {
      const port = Number(server.url.port);
      const lookup = recordingLookup([]);
      const trust = new TrustConnector({ connect: { allowH2: true, lookup }, ca: certs.other });
      const { error } = await connectTo(trust.connect, HOST, port);
      const before = await directError(HOST, port, { ca: certs.other, lookup });
      expect(error?.code).toBe(before.code);
      expect(error?.message).toBe(before.message);
      expect(error?.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    } finally {
      await server.close();
    }
  });

  it("a_handshake_that_never_comes_times_out_and_closes_the_tcp_connection", async () => {
    const closed: Promise<void>[] = [];
    // Reads (so that it sees the client's end) and never answers.
    const silent = createTcpServer((socket) => {
      closed.push(new Promise((resolve) => socket.once("close", () => resolve())));
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const trust = new TrustConnector({ connect: { timeout: 100 }, ca: certs.cert });
      const { error } = await connectTo(trust.connect, "127.0.0.1", port);
      expect(error?.code).toBe("UND_ERR_CONNECT_TIMEOUT");
      expect(error?.message).toBe(
        `Connect Timeout Error (attempted address: 127.0.0.1:${port}, timeout: 100ms)`,
      );
      // The server sees the connection closed: the socket started early is not left open.
      expect(closed).toHaveLength(1);
      await closed[0];
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

/** A promise and what settles it, for a `ready` the test releases. */
function gate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("tls_context_waits_for_ready", () => {
  it("the_tcp_connection_is_made_while_the_context_waits_and_the_handshake_follows", async () => {
    const server = await serveTls({ key: certs.key, cert: certs.cert }, "h2", (_req, res) =>
      res.end("ok"),
    );
    const proxy = await tcpFront(Number(server.url.port));
    const events: string[] = [];
    const ready = gate();
    let asked = 0;
    const trust = new TrustConnector({
      connect: { allowH2: true, lookup: recordingLookup(events) },
      ca: certs.cert,
      onSecureContext: (event) => events.push(`context ${event.kind}`),
      gate: new TlsGate(() => {
        asked += 1;
        return ready.promise;
      }),
    });
    try {
      const connecting = connectTo(trust.connect, HOST, proxy.port);
      await until(() => proxy.seen.connections === 1);
      // Connected, but no context and no hello while `ready` is pending.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(events).toEqual([`lookup ${HOST}`]);
      expect(proxy.seen.bytes).toBe(0);
      ready.open();
      const { socket, error } = await connecting;
      expect(error).toBeUndefined();
      expect(socket?.authorized).toBe(true);
      expect(events).toEqual([`lookup ${HOST}`, "context bundle"]);
      expect(proxy.seen.bytes).toBeGreaterThan(0);
      socket?.destroy();
      // A context is made: later connections do not ask.
      const askedBefore = asked;
      expect(askedBefore).toBeGreaterThan(0);
      const again = await connectTo(trust.connect, HOST, proxy.port);
      expect(again.socket?.authorized).toBe(true);
      expect(asked).toBe(askedBefore);
      again.socket?.destroy();
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it("the_default_roots_connector_sends_its_hello_once_ready_and_fails_as_before", async () => {
    const server = await serveTls({ key: certs.key, cert: certs.cert }, "h2", (_req, res) =>
      res.end("ok"),
    );
    const proxy = await tcpFront(Number(server.url.port));
    const ready = gate();
    try {
      const connector = socketConnector({
        allowH2: true,
        lookup: recordingLookup([]),
        gate: new TlsGate(() => ready.promise),
      });
      const connecting = connectTo(connector, HOST, proxy.port);
      await until(() => proxy.seen.connections === 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(proxy.seen.bytes).toBe(0);
      ready.open();
      const { error } = await connecting;
      const before = await directError(HOST, proxy.port, { lookup: recordingLookup([]) });
      expect(error?.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(error?.message).toBe(before.message);
      // Given its own roots, a connector makes no context of the process's: it never waits.
      const own = socketConnector({
        allowH2: true,
        lookup: recordingLookup([]),
        secureContext: createSecureContext({ ca: certs.cert }),
        gate: new TlsGate(() => new Promise<void>(() => undefined)),
      });
      const { socket } = await connectTo(own, HOST, proxy.port);
      expect(socket?.authorized).toBe(true);
      socket?.destroy();
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it("a_refused_connection_fails_without_waiting_for_ready", async () => {
    const port = await refusedPort();
    const never = new TlsGate(() => new Promise<void>(() => undefined));
    const trust = new TrustConnector({ connect: { allowH2: true }, ca: certs.cert, gate: never });
    const viaTrust = await connectTo(trust.connect, "127.0.0.1", port);
    const viaPlain = await connectTo(
      socketConnector({ allowH2: true, gate: never }),
      "127.0.0.1",
      port,
    );
    const before = await directError("127.0.0.1", port, {});
    for (const { error } of [viaTrust, viaPlain]) {
      expect(error?.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(error?.message).toBe(before.message);
      expect(error?.code).toBe("ECONNREFUSED");
    }
  });

  it("a_refused_connection_is_reported_once_even_when_ready_comes_after", async () => {
    const port = await refusedPort();
    const ready = gate();
    const trust = new TrustConnector({
      connect: { allowH2: true },
      ca: certs.cert,
      gate: new TlsGate(() => ready.promise),
    });
    const calls: (Error | null)[] = [];
    trust.connect(
      { protocol: "https:", hostname: "127.0.0.1", host: `127.0.0.1:${port}`, port: String(port) },
      (...[error]) => {
        calls.push(error);
      },
    );
    await until(() => calls.length === 1);
    ready.open();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(1);
    expect((calls[0] as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });
});

describe("tls_gate_poll", () => {
  it("a_poll_lets_a_held_connection_go_on_once_ready_says_so_before_its_promise_resolves", async () => {
    const server = await serveTls({ key: certs.key, cert: certs.cert }, "h2", (_req, res) =>
      res.end("ok"),
    );
    const proxy = await tcpFront(Number(server.url.port));
    // A flag another thread would set; the promise is never resolved.
    let open = false;
    const gate = new TlsGate(() => (open ? undefined : new Promise<void>(() => undefined)));
    const events: string[] = [];
    const trust = new TrustConnector({
      connect: { allowH2: true, lookup: recordingLookup([]) },
      ca: certs.cert,
      onSecureContext: (event) => events.push(event.kind),
      gate,
    });
    try {
      const connecting = connectTo(trust.connect, HOST, proxy.port);
      await until(() => proxy.seen.connections === 1);
      gate.poll();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(events).toEqual([]);
      open = true;
      // Made at once, in the call.
      gate.poll();
      expect(events).toEqual(["bundle"]);
      const { socket } = await connecting;
      expect(socket?.authorized).toBe(true);
      socket?.destroy();
      gate.poll();
      expect(events).toEqual(["bundle"]);
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});
