// Index pages are fetched a few at a time, over as many connections: undici would otherwise open
// a new connection (a TLS handshake, against a real index) for a request sent in the moment
// between one page ending and its connection taking the next request.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRegistryClient, IndexLocations } from "../src/index.ts";
import { jsonPage, tempDir } from "./helpers.ts";

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

it("index_pages_reuse_a_bounded_set_of_connections", async () => {
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const name = (req.url ?? "").split("/").filter(Boolean).pop() ?? "x";
    // A little later, so that requests overlap as they do against a real index.
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(200, { "content-type": "application/vnd.pypi.simple.v1+json" });
      res.end(jsonPage(name));
    }, 2);
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const run = async (): Promise<void> => {
    const client = createRegistryClient({
      indexes: IndexLocations.fromArgs({ indexUrl: `http://127.0.0.1:${port}/simple/` }),
      cacheDir: join(tmp.path, "cache"),
      retryDelayMs: () => 0,
      env: {},
    });
    try {
      // Each finished page at once asks for another, as the resolver's prefetching does.
      const queue = Array.from({ length: 60 }, (_, i) => `pkg${i}`);
      const worker = async (): Promise<void> => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          const [metadata] = await client.simple(name);
          expect(metadata?.distVersions).toEqual(["1.0"]);
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
    } finally {
      await client.close();
    }
  };
  try {
    await run();
    // Again with every page cached but stale (the server sends no cache headers): with nothing
    // to wait for between one page and the next request, that request comes in the same turn.
    connections = 0;
    await run();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  expect(maxInFlight).toBeGreaterThan(1);
  expect(connections).toBeLessThanOrEqual(8);
});
