// HTTPS connections offer HTTP/2 by ALPN, as uv's client does: an origin that takes it gets ONE
// connection for all the requests of a run (one TLS handshake), an HTTP/1.1-only origin still
// gets a pool of connections, and everything else the transport promises (bodies, statuses,
// retries, the read timeout) holds on either.
import { createHash } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import { constants, type Http2ServerRequest } from "node:http2";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBody } from "../src/body.ts";
import { CredentialStore, HttpClient, type HttpResponse } from "../src/index.ts";
import { noise, renderError, useSelfSignedCertificate } from "./helpers.ts";
import { serveTls } from "./tls-server.ts";

const cert = useSelfSignedCertificate();

function client(options: { retries?: number; timeoutMs?: number } = {}): HttpClient {
  return new HttpClient({
    credentials: new CredentialStore({ netrcPath: null, env: {} }),
    retries: options.retries ?? 0,
    timeoutMs: options.timeoutMs ?? 10_000,
    connectTimeoutMs: 10_000,
    retryDelayMs: () => 0,
    caFile: join(cert.dir, "bundle.pem"),
  });
}

/** Fetches every path at once, each body as text. */
async function fetchAll(c: HttpClient, base: URL, paths: string[]): Promise<string[]> {
  return Promise.all(
    paths.map((path) => c.fetch({ url: new URL(path, base) }, (res) => res.body.text())),
  );
}

describe("http2", () => {
  it("an_http2_origin_takes_every_request_on_one_connection", async () => {
    const server = await serveTls(cert, "h2", (req, res) => {
      // Answered a little later, so that the requests overlap.
      setTimeout(() => res.end(`page ${req.url}`), 5);
    });
    const c = client();
    try {
      const paths = Array.from({ length: 40 }, (_, i) => `/simple/pkg${i}/`);
      expect(await fetchAll(c, server.url, paths)).toEqual(paths.map((p) => `page ${p}`));
      // And later requests reuse it too.
      expect(await fetchAll(c, server.url, paths.slice(0, 10))).toHaveLength(10);
      expect(server.connections()).toBe(1);
      expect(new Set(server.versions)).toEqual(new Set(["2.0"]));
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("an_http1_only_origin_still_gets_parallel_connections", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = await serveTls(cert, "h1", (req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.end(`page ${req.url}`);
      }, 30);
    });
    const c = client();
    try {
      const paths = Array.from({ length: 12 }, (_, i) => `/p${i}`);
      expect(await fetchAll(c, server.url, paths)).toEqual(paths.map((p) => `page ${p}`));
      expect(new Set(server.versions)).toEqual(new Set(["1.1"]));
      // Held back only until the first connection was up, then sent side by side.
      expect(server.connections()).toBeGreaterThan(1);
      expect(maxInFlight).toBeGreaterThan(1);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("large_bodies_stream_whole_over_one_connection", async () => {
    // Several bodies far over Node's 64 KiB default window, at once on one connection.
    const bodies = [1, 2, 3].map((seed) => noise(3 * 1024 * 1024, seed));
    const server = await serveTls(cert, "h2", (req, res) => {
      res.end(bodies[Number(req.url?.slice(1))] ?? "");
    });
    const c = client();
    const digest = (text: string) => createHash("sha256").update(text).digest("hex");
    try {
      const got = await fetchAll(c, server.url, ["/0", "/1", "/2"]);
      expect(got.map(digest)).toEqual(bodies.map(digest));
      expect(server.connections()).toBe(1);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("an_http2_origin_may_send_a_body_in_frames_of_128_kib", async () => {
    // The client allows frames of up to 128 KiB, so that a big page reaches the main thread in
    // fewer, larger chunks (see `MAX_FRAME_SIZE`); the body is whole either way.
    const body = noise(256 * 1024, 7);
    const allowed: number[] = [];
    const server = await serveTls(cert, "h2", (req, res) => {
      const settings = (req as Http2ServerRequest).stream.session?.remoteSettings;
      allowed.push(settings?.maxFrameSize ?? 0);
      res.end(body);
    });
    const c = client();
    try {
      expect(await c.fetch({ url: server.url }, (res) => res.body.text())).toBe(body);
      expect(allowed).toEqual([128 * 1024]);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("server_errors_are_retried_on_the_same_connection", async () => {
    let calls = 0;
    const server = await serveTls(cert, "h2", (_req, res) => {
      calls += 1;
      res.statusCode = calls <= 2 ? 503 : 200;
      res.end(calls <= 2 ? "busy" : "ok");
    });
    const c = client({ retries: 3 });
    try {
      expect(await c.fetch({ url: server.url }, (res) => res.body.text())).toBe("ok");
      expect(calls).toBe(3);
      expect(server.connections()).toBe(1);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("a_stalled_http2_body_hits_the_read_timeout", async () => {
    const server = await serveTls(cert, "h2", (_req, res) => {
      res.writeHead(200);
      (res as ServerResponse).write("partial");
      // ...and nothing more.
    });
    const c = client({ timeoutMs: 300 });
    try {
      const error = await c.fetch({ url: server.url }, (res) => res.body.text()).catch((e) => e);
      expect(renderError(error)).toContain(
        "Failed to download distribution due to network timeout",
      );
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("aborting_a_run_cancels_its_http2_requests_and_their_streams", async () => {
    const held: ServerResponse[] = [];
    const reset: number[] = [];
    const server = await serveTls(cert, "h2", (req, res) => {
      if (req.url === "/quick") {
        res.end("quick");
        return;
      }
      // Held until the client gives up on it.
      held.push(res as ServerResponse);
      (req as Http2ServerRequest).stream.on("close", () =>
        reset.push((req as Http2ServerRequest).stream.rstCode),
      );
    });
    const controller = new AbortController();
    const c = new HttpClient({
      credentials: new CredentialStore({ netrcPath: null, env: {} }),
      retries: 2,
      timeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      retryDelayMs: () => 0,
      caFile: join(cert.dir, "bundle.pem"),
      signal: controller.signal,
    });
    try {
      // A finished request leaves nothing behind for the abort to touch.
      expect(await fetchAll(c, server.url, ["/quick"])).toEqual(["quick"]);
      const pending = ["/a", "/b", "/c"].map((path) =>
        c.fetch({ url: new URL(path, server.url) }, (res) => res.body.text()).catch((e) => e),
      );
      await expect.poll(() => held.length).toBe(3);
      controller.abort(new Error("interrupted"));
      for (const error of await Promise.all(pending)) {
        expect(error).toMatchObject({ name: "AbortError", code: "ABORT_ERR" });
        expect((error as Error).cause).toEqual(new Error("interrupted"));
      }
      // Not retried: the server saw each request once, and each stream was reset.
      await expect.poll(() => reset.length).toBe(3);
      expect(held).toHaveLength(3);
      expect(reset.every((code) => code !== constants.NGHTTP2_NO_ERROR)).toBe(true);
      // And nothing new is sent once aborted.
      await expect(
        c.fetch({ url: new URL("/quick", server.url) }, (res) => res.body.text()),
      ).rejects.toMatchObject({ name: "AbortError" });
      expect(server.versions).toHaveLength(4);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("http2_requests_go_to_nodes_client_and_http1_ones_to_undici", async () => {
    // undici's HTTP/2 layers cost ~0.6 ms of CPU per request; an origin that takes HTTP/2 is
    // served by Node's own client instead.
    const seen: string[] = [];
    const onCreate = (message: unknown) => {
      seen.push((message as { request: { path: string } }).request.path);
    };
    subscribe("undici:request:create", onCreate);
    const h2 = await serveTls(cert, "h2", (req, res) => res.end(`h2 ${req.url}`));
    const h1 = await serveTls(cert, "h1", (req, res) => res.end(`h1 ${req.url}`));
    const c = client();
    try {
      expect(await fetchAll(c, h2.url, ["/a", "/b"])).toEqual(["h2 /a", "h2 /b"]);
      expect(await fetchAll(c, h1.url, ["/c"])).toEqual(["h1 /c"]);
      expect(seen).toEqual(["/c"]);
      // The HTTP/1.1 origin's first connection, made to learn its protocol, served the request.
      expect(h1.connections()).toBe(1);
    } finally {
      unsubscribe("undici:request:create", onCreate);
      await c.close();
      await h2.close();
      await h1.close();
    }
  });

  it("a_session_the_server_ends_is_replaced_and_reset_streams_are_retried", async () => {
    let calls = 0;
    const server = await serveTls(cert, "h2", (req, res) => {
      calls += 1;
      const stream = (req as Http2ServerRequest).stream;
      if (calls === 1) {
        // Answered, then the session is told to go away.
        res.end("first");
        stream.session?.goaway();
        return;
      }
      if (calls === 2) {
        stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      res.end(`again ${req.url}`);
    });
    const c = client({ retries: 1 });
    try {
      expect(await c.fetch({ url: new URL("/1", server.url) }, (res) => res.body.text())).toBe(
        "first",
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await c.fetch({ url: new URL("/2", server.url) }, (res) => res.body.text())).toBe(
        "again /2",
      );
      expect(calls).toBe(3);
      expect(server.connections()).toBe(2);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it.each([
    ["text", (res: HttpResponse) => res.body.text()],
    ["readBody", async (res: HttpResponse) => (await readBody(res)).toString("utf8")],
  ] as const)(
    "a_stream_reset_in_the_middle_of_its_body_is_retried_and_never_uncaught_%s",
    async (_, read) => {
      let calls = 0;
      const server = await serveTls(cert, "h2", (req, res) => {
        calls += 1;
        if (calls === 1) {
          res.writeHead(200);
          (res as ServerResponse).write("partial");
          const stream = (req as Http2ServerRequest).stream;
          setTimeout(() => stream.close(constants.NGHTTP2_INTERNAL_ERROR), 20);
          return;
        }
        res.end("whole");
      });
      const c = client({ retries: 1 });
      try {
        // The body is read only after the reset happened.
        const body = await c.fetch({ url: server.url }, async (res) => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return read(res);
        });
        expect(body).toBe("whole");
        expect(calls).toBe(2);
      } finally {
        await c.close();
        await server.close();
      }
    },
  );
});
