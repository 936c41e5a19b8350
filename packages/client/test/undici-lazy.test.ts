import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { socketConnector } from "../src/socket-connector.ts";
import { Agent, undiciRequest } from "../src/undici-lazy.ts";
import { startServer } from "./helpers.ts";

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer((req) => ({ status: 200, body: `hello ${req.url}` }));
});
afterAll(() => server.close());

describe("lazy_undici", () => {
  it("an_agent_that_never_sent_closes_without_loading_anything", async () => {
    const agent = new Agent({ connections: 1 });
    await expect(agent.close()).resolves.toBeUndefined();
  });

  it("requests_go_through_one_real_agent_made_on_first_use", async () => {
    const agent = new Agent({ connections: 2 });
    const first = agent.dispatcher();
    expect(agent.dispatcher()).toBe(first);
    for (const path of ["/a", "/b"]) {
      const res = await undiciRequest.call(agent, {
        origin: server.url,
        path,
        method: "GET",
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe(`hello ${path}`);
    }
    expect(agent.dispatcher()).toBe(first);
    await agent.close();
  });

  it("the_agent_takes_the_clients_own_connector_for_every_connection", async () => {
    let connections = 0;
    const connector = socketConnector({ timeout: 5_000 });
    const agent = new Agent({
      // A fresh connection per request, so that the connector is used more than once.
      pipelining: 0,
      connect: (opts, callback) => {
        connections++;
        connector(opts, callback);
      },
    });
    for (const path of ["/x", "/y"]) {
      const res = await undiciRequest.call(agent, {
        origin: server.url,
        path,
        method: "GET",
        headers: { connection: "close" },
      });
      expect(await res.body.text()).toBe(`hello ${path}`);
    }
    expect(connections).toBe(2);
    await agent.close();
  });

  it("connection_errors_reach_the_caller", async () => {
    const agent = new Agent({ connect: socketConnector({ timeout: 5_000 }) });
    const error = await undiciRequest
      .call(agent, { origin: "http://127.0.0.1:1", path: "/", method: "GET" })
      .catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    await agent.close();
  });
});
