import { type AddressInfo, createServer, connect as netConnect, type Socket } from "node:net";

/** A TCP front for a local server, and what it has passed on. */
export interface TcpFront {
  readonly port: number;
  /** Connections accepted; bytes from the client (`bytes`) and to it (`down`). */
  readonly seen: { connections: number; bytes: number; down: number };
  /** Sends later connections to another port. */
  setUpstream(port: number): void;
  close(): Promise<void>;
}

/** A TCP front for `upstream` on 127.0.0.1: passes everything on both ways and counts it. */
export async function tcpFront(upstream: number): Promise<TcpFront> {
  const seen = { connections: 0, bytes: 0, down: 0 };
  const open = new Set<Socket>();
  let target = upstream;
  const server = createServer((client) => {
    seen.connections += 1;
    const up = netConnect({ host: "127.0.0.1", port: target });
    open.add(client).add(up);
    client.on("data", (chunk: Buffer) => {
      seen.bytes += chunk.length;
    });
    up.on("data", (chunk: Buffer) => {
      seen.down += chunk.length;
    });
    client.pipe(up).pipe(client);
    const end = () => {
      client.destroy();
      up.destroy();
    };
    client.on("error", end).on("close", end);
    up.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    seen,
    setUpstream(next) {
      target = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}
