// Proves that `pnpm test:offline` really runs without a network (it starts vitest under
// `unshare -rn` with only loopback up and sets UV_TS_TEST_NETWORK_CUT=1), and that network-gated
// tests are skipped there rather than failing.
import { lookup } from "node:dns/promises";
import { connect, createServer, type Server } from "node:net";
import { enabledFeatures, hasFeature } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";

const networkCut = process.env.UV_TS_TEST_NETWORK_CUT === "1";

/** Resolves with `"connected"` or the error code of a TCP connection attempt. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

describe.skipIf(!networkCut)("offline run", () => {
  it("cannot resolve pypi.org", async () => {
    await expect(lookup("pypi.org")).rejects.toThrow();
  });

  it("cannot open a TCP connection to the outside", async () => {
    // A literal address, so that this checks routing and not only DNS (PyPI's Fastly address).
    expect(await tryConnect("151.101.0.223", 443)).not.toBe("connected");
  });

  it("still reaches a server on loopback", async () => {
    const server: Server = createServer((socket) => {
      // The client hangs up as soon as it is connected; a reset here is expected, not a failure.
      socket.on("error", () => {});
      socket.end("hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      expect(await tryConnect("127.0.0.1", address.port)).toBe("connected");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("has the network features turned off", () => {
    expect(hasFeature("pypi")).toBe(false);
    expect(hasFeature("crates-io")).toBe(false);
    expect(enabledFeatures().has("python")).toBe(true);
  });
});

// Would fail under the cut network: it passes in a full run and must be skipped offline.
describe.skipIf(!hasFeature("pypi"))("pypi-gated", () => {
  it("resolves pypi.org", async () => {
    expect(networkCut).toBe(false);
    const { address } = await lookup("pypi.org");
    expect(address).toMatch(/^[\d.:a-f]+$/);
  });
});
