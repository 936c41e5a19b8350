// A run that knows it will fetch pages opens the index connection early (TCP and TLS), so the
// handshake overlaps its own start-up; the first request takes that connection instead of
// opening one. A connection that failed or was dropped is never handed on, one nobody took is
// closed with the client, and a page fresh in the cache opens nothing.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CredentialStore, createRegistryClient, HttpClient, IndexLocations } from "../src/index.ts";
import { jsonPage, renderError, until, useSelfSignedCertificate } from "./helpers.ts";
import { serveTls } from "./tls-server.ts";

const cert = useSelfSignedCertificate();

function client(options: { offline?: boolean; retries?: number } = {}): HttpClient {
  return new HttpClient({
    credentials: new CredentialStore({ netrcPath: null, env: {} }),
    retries: options.retries ?? 0,
    timeoutMs: 10_000,
    connectTimeoutMs: 10_000,
    retryDelayMs: () => 0,
    caFile: join(cert.dir, "bundle.pem"),
    offline: options.offline ?? false,
  });
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("HttpClient.preconnect", () => {
  it.each(["h2", "h1"] as const)(
    "the_first_requests_take_the_connection_opened_early_%s",
    async (kind) => {
      const server = await serveTls(cert, kind, (req, res) => res.end(`page ${req.url}`));
      const c = client();
      try {
        c.preconnect(new URL("/simple/", server.url));
        // Connected before anything was sent.
        await until(() => server.connections() === 1);
        expect(server.versions).toEqual([]);
        const body = await c.fetch({ url: new URL("/simple/a/", server.url) }, (res) =>
          res.body.text(),
        );
        expect(body).toBe("page /simple/a/");
        expect(server.connections()).toBe(1);
        expect(server.versions).toEqual([kind === "h2" ? "2.0" : "1.1"]);
        // Asking again once the origin has its connection opens nothing more.
        c.preconnect(server.url);
        await settle(50);
        expect(server.connections()).toBe(1);
      } finally {
        await c.close();
        await server.close();
      }
    },
  );

  it("a_connection_dropped_before_any_request_costs_a_retry", async () => {
    // Nothing reads an idle connection (that would take an HTTP/2 server's first frames), so a
    // close by the server is seen when the first request is sent on it: the request fails as
    // on any reset connection, and its retry connects afresh.
    const server = await serveTls(cert, "h2", (req, res) => res.end(`page ${req.url}`));
    const c = client({ retries: 1 });
    try {
      c.preconnect(server.url);
      await until(() => server.connections() === 1);
      const dropped = server.sockets[0] as Socket;
      dropped.destroy();
      await settle(50);
      const body = await c.fetch({ url: new URL("/x", server.url) }, (res) => res.body.text());
      expect(body).toBe("page /x");
      expect(server.connections()).toBe(2);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("a_failed_early_connection_leaves_the_request_its_own_error", async () => {
    // A port nobody listens on.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = new URL(`https://127.0.0.1:${port}/simple/a/`);

    const fetchError = async (preconnect: boolean): Promise<string> => {
      const c = client();
      try {
        if (preconnect) {
          c.preconnect(url);
          await settle(50);
        }
        await c.fetch({ url }, (res) => res.body.text());
        return "no error";
      } catch (error) {
        return renderError(error);
      } finally {
        await c.close();
      }
    };
    const plain = await fetchError(false);
    expect(plain).toContain("ECONNREFUSED");
    expect(await fetchError(true)).toBe(plain);
  });

  it("close_closes_a_connection_no_request_took", async () => {
    const server = await serveTls(cert, "h2", (_req, res) => res.end("unused"));
    const c = client();
    try {
      c.preconnect(server.url);
      await until(() => server.connections() === 1);
      const socket = server.sockets[0] as Socket;
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      await c.close();
      await closed;
      expect(server.versions).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("an_offline_client_connects_nowhere", async () => {
    const server = await serveTls(cert, "h2", (_req, res) => res.end("unused"));
    const c = client({ offline: true });
    try {
      c.preconnect(server.url);
      await settle(100);
      expect(server.connections()).toBe(0);
    } finally {
      await c.close();
      await server.close();
    }
  });
});

describe("RegistryClient.preconnect", () => {
  /**
   * A plain-HTTP index whose pages carry `cacheControl`, counting TCP connections; its files are
   * on `files` when given.
   */
  async function index(cacheControl: string | undefined, files?: string) {
    let connections = 0;
    const server: Server = createServer((req, res) => {
      const name = (req.url ?? "").split("/").filter(Boolean).pop() ?? "x";
      res.writeHead(200, {
        "content-type": "application/vnd.pypi.simple.v1+json",
        ...(cacheControl === undefined ? {} : { "cache-control": cacheControl }),
      });
      const page = jsonPage(name);
      res.end(files === undefined ? page : page.replaceAll('"/files/', `"${files}/files/`));
    });
    server.on("connection", () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/simple/`,
      connections: () => connections,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  const registry = (url: string, cacheDir: string) =>
    createRegistryClient({
      indexes: IndexLocations.fromArgs({ indexUrl: url }),
      cacheDir,
      retryDelayMs: () => 0,
      env: {},
    });

  it.each([
    ["fresh", "max-age=600", 0],
    ["stale", undefined, 1],
  ] as const)("a_%s_cached_page_decides_whether_to_connect", async (_, cacheControl, expected) => {
    const server = await index(cacheControl);
    const cacheDir = join(cert.dir, `cache-${cacheControl ?? "none"}`);
    try {
      // Nothing cached yet: the page is due, so the client connects.
      const first = registry(server.url, cacheDir);
      first.preconnect(["pkg"]);
      await until(() => server.connections() === 1);
      expect((await first.simple("pkg"))[0]?.distVersions).toEqual(["1.0"]);
      await first.close();
      expect(server.connections()).toBe(1);

      const second = registry(server.url, cacheDir);
      second.preconnect(["pkg"]);
      await settle(100);
      expect(server.connections()).toBe(1 + expected);
      await second.close();
    } finally {
      await server.close();
    }
  });

  it.each([
    [true, 1],
    [false, 0],
  ] as const)(
    "files_%s_connects_to_where_the_stored_page_keeps_its_files",
    async (files, expected) => {
      const host = await index(undefined);
      const server = await index(undefined, host.url.replace("/simple/", ""));
      const cacheDir = join(cert.dir, `cache-files-${files}`);
      try {
        const first = registry(server.url, cacheDir);
        expect((await first.simple("pkg"))[0]?.files[0]?.url).toContain(host.url.slice(0, -8));
        await first.close();
        expect(host.connections()).toBe(0);

        const second = registry(server.url, cacheDir);
        second.preconnect(["pkg"], { files });
        await settle(100);
        expect(host.connections()).toBe(expected);
        // The index itself, as without `files`.
        expect(server.connections()).toBe(2);
        await second.close();
      } finally {
        await server.close();
        await host.close();
      }
    },
  );

  it.each([
    [true, 1],
    [false, 0],
  ] as const)(
    "files_%s_with_nothing_stored_connects_to_the_files_host_of_the_first_page_read",
    async (files, expected) => {
      const host = await index(undefined);
      const server = await index(undefined, host.url.replace("/simple/", ""));
      try {
        const client = registry(server.url, join(cert.dir, `cache-first-page-${files}`));
        client.preconnect(["pkg"], { files });
        expect((await client.simple("pkg"))[0]?.files[0]?.url).toContain(host.url.slice(0, -8));
        // Once: later pages do not connect again.
        await client.simple("other");
        if (expected === 1) await until(() => host.connections() === 1);
        await settle(100);
        expect(host.connections()).toBe(expected);
        await client.close();
      } finally {
        await server.close();
        await host.close();
      }
    },
  );
});
