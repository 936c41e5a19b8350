import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { causeChain, collectHints } from "@uv-ts/error";
import { type IndexServer, type PackageSpec, startIndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll } from "vitest";

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "uv-ts-client-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A self-signed certificate for 127.0.0.1 made in `dir`, also written there as `bundle.pem` so a
 * client can take it as its only trusted root.
 */
export function selfSignedCertificate(dir: string): { key: string; cert: string } {
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...["-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { cwd: dir, stdio: "ignore" },
  );
  const cert = {
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
  };
  writeFileSync(join(dir, "bundle.pem"), cert.cert);
  return cert;
}

/**
 * A self-signed certificate for one test file's tests: made in a temporary directory `dir` (its
 * `bundle.pem` trusting it) before they start, removed after them. The fields are set from then.
 */
export function useSelfSignedCertificate(): { key: string; cert: string; dir: string } {
  const made = { key: "", cert: "", dir: "" };
  let tmp: { path: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    tmp = await tempDir();
    Object.assign(made, selfSignedCertificate(tmp.path), { dir: tmp.path });
  }, 30_000);
  afterAll(async () => {
    await tmp?.cleanup();
  });
  return made;
}

/**
 * The test index's `basic` scenario and a temporary directory for one test file's tests: started
 * before they start, stopped and removed after them. The fields are set from then.
 */
export function useBasicIndex(): {
  server: IndexServer;
  tmp: { path: string; cleanup: () => Promise<void> };
} {
  const used = {} as {
    server: IndexServer;
    tmp: { path: string; cleanup: () => Promise<void> };
  };
  beforeAll(async () => {
    used.server = await startIndexServer({ scenarios: ["basic"] });
    used.tmp = await tempDir();
  });
  afterAll(async () => {
    await used.server?.close();
    await used.tmp?.cleanup();
  });
  return used;
}

/** A PEP 691 JSON page of `name` with one wheel, `name-1.0`. */
export function jsonPage(name: string): string {
  return JSON.stringify({
    meta: { "api-version": "1.1" },
    name,
    files: [
      {
        filename: `${name}-1.0-py3-none-any.whl`,
        url: `/files/${name}-1.0-py3-none-any.whl`,
        hashes: {},
      },
    ],
  });
}

/** Every message and hint along an error's chain, as the CLI would print them. */
export function renderError(error: unknown): string {
  const messages = [error, ...causeChain(error)].map((e) =>
    e instanceof Error ? e.message : String(e),
  );
  return [...messages, ...collectHints(error)].join("\n");
}

/** Deterministic text that deflate cannot shrink much, so a wheel really is `bytes` big. */
export function noise(bytes: number, seed = 1): string {
  let x = seed;
  let out = "";
  while (out.length < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += x.toString(36);
  }
  return out.slice(0, bytes);
}

/** A package whose wheel is well over the 16 KiB tail a range request asks for. */
export const BIG_PACKAGE: PackageSpec = {
  name: "big-package",
  versions: [
    {
      version: "1.0.0",
      requiresDist: ["dep-a>=1.0"],
      files: { "big_package/__init__.py": "", "big_package/blob.txt": noise(96 * 1024) },
    },
  ],
};

/** A bare HTTP server recording requests, answering with `handler`. */
export async function startServer(
  handler: (req: { url: string; headers: IncomingHttpHeaders }) => {
    status: number;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<{
  url: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close: () => Promise<void>;
}> {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    const entry = { url: req.url ?? "/", headers: req.headers };
    requests.push(entry);
    const reply = handler(entry);
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A proxy in front of `target` that rewrites `Accept` to `text/html`, so the client meets a
 * server that only speaks PEP 503 HTML whatever it asks for.
 */
export async function startHtmlOnlyProxy(
  target: string,
): Promise<{ url: string; accepts: (string | undefined)[]; close: () => Promise<void> }> {
  const accepts: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    accepts.push(req.headers.accept);
    const upstream = request(
      `${target}${req.url ?? "/"}`,
      { headers: { accept: "text/html" }, agent: false },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `done()` holds, failing after `ms`. */
export async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
