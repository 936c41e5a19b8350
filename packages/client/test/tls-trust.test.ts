import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialStore, createRegistryClient, HttpClient, IndexLocations } from "../src/index.ts";
import { TLS_BUCKET } from "../src/tls-anchor-store.ts";
import { pemFingerprint, splitPemCertificates } from "../src/tls-bundle.ts";
import type { SecureContextEvent } from "../src/tls-trust-connector.ts";
import { renderError, tempDir } from "./helpers.ts";

interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

let tmp: { path: string; cleanup: () => Promise<void> };
let serial = 0;

function openssl(args: string[]): void {
  execFileSync("openssl", args, { cwd: tmp.path, stdio: "ignore" });
}

/** A key and certificate made by the `openssl` CLI; `issuer` absent means self-signed (a root). */
function makeCert(
  cn: string,
  options: { readonly issuer?: KeyPair; readonly ca?: boolean; readonly san?: string } = {},
): KeyPair {
  const n = serial++;
  const key = `k${n}.pem`;
  const cert = `c${n}.pem`;
  const ext = `e${n}.cnf`;
  const lines = options.ca
    ? ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"]
    : [`subjectAltName=${options.san ?? "IP:127.0.0.1"}`];
  writeFileSync(join(tmp.path, ext), `${lines.join("\n")}\n`);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key];
  if (options.issuer === undefined) {
    openssl(["req", "-x509", ...ec, "-out", cert, "-days", "2", "-subj", `/CN=${cn}`]);
    openssl(["x509", "-in", cert, "-out", cert]);
  } else {
    writeFileSync(join(tmp.path, `ik${n}.pem`), options.issuer.key);
    writeFileSync(join(tmp.path, `ic${n}.pem`), options.issuer.cert);
    openssl(["req", ...ec, "-out", `r${n}.csr`, "-subj", `/CN=${cn}`]);
    openssl([
      "x509",
      "-req",
      "-in",
      `r${n}.csr`,
      "-CA",
      `ic${n}.pem`,
      "-CAkey",
      `ik${n}.pem`,
      "-set_serial",
      String(1000 + n),
      "-days",
      "2",
      "-extfile",
      ext,
      "-out",
      cert,
    ]);
  }
  return {
    key: readFileSync(join(tmp.path, key), "utf8"),
    cert: readFileSync(join(tmp.path, cert), "utf8"),
  };
}

let rootA: KeyPair;
let rootB: KeyPair;
let rootC: KeyPair;
let decoy: KeyPair;
let intA: KeyPair;
let leafA: KeyPair;
let leafB: KeyPair;
let leafC: KeyPair;
let leafWrongName: KeyPair;
let caseNo = 0;

beforeAll(() => {
  return (async () => {
    tmp = await tempDir();
    rootA = makeCert("Root A", { ca: true });
    rootB = makeCert("Root B", { ca: true });
    rootC = makeCert("Root C (untrusted)", { ca: true });
    decoy = makeCert("Decoy", { ca: true });
    intA = makeCert("Intermediate A", { issuer: rootA, ca: true });
    leafA = makeCert("127.0.0.1", { issuer: intA });
    leafB = makeCert("127.0.0.1", { issuer: rootB });
    leafC = makeCert("127.0.0.1", { issuer: rootC });
    leafWrongName = makeCert("other.example", { issuer: intA, san: "DNS:other.example" });
  })();
}, 30_000);
afterAll(async () => {
  await tmp.cleanup();
});

/** The chain a server presents for `leaf`: the leaf, then `intermediates`. */
function identity(leaf: KeyPair, intermediates: KeyPair[] = []) {
  return { key: leaf.key, cert: [leaf.cert, ...intermediates.map((c) => c.cert)].join("") };
}

async function startTls(id: { key: string; cert: string }): Promise<{
  server: Server;
  url: URL;
  close: () => Promise<void>;
}> {
  const server = createServer(id, (req, res) => {
    if (req.url?.startsWith("/simple/") === true) {
      // An empty PEP 691 page, for the registry client.
      res.setHeader("content-type", "application/vnd.pypi.simple.v1+json");
      res.end(JSON.stringify({ meta: { "api-version": "1.1" }, name: "foo", files: [] }));
      return;
    }
    res.end("ok");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: new URL(`https://127.0.0.1:${port}/`),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

interface Run {
  readonly events: SecureContextEvent[];
  readonly body?: string;
  readonly error?: unknown;
}

/** One "run": a fresh client (as a new process would make) fetching `url` once. */
async function run(
  url: URL,
  options: { caFile?: string; ca?: string; cacheDir?: string } = {},
): Promise<Run> {
  const events: SecureContextEvent[] = [];
  const client = new HttpClient({
    credentials: new CredentialStore({ netrcPath: null, env: {} }),
    retries: 0,
    timeoutMs: 5000,
    connectTimeoutMs: 5000,
    retryDelayMs: () => 0,
    ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.cacheDir === undefined ? {} : { tlsCacheDir: options.cacheDir }),
    onSecureContext: (event) => events.push(event),
  });
  try {
    const body = await client.fetch({ url }, (res) => res.body.text());
    return { events, body };
  } catch (error) {
    return { events, error };
  } finally {
    await client.close();
  }
}

/** A case directory with a bundle file of `certs` and a cache root. */
function setup(certs: KeyPair[]): { bundle: string; cache: string } {
  const dir = join(tmp.path, `case-${caseNo++}`);
  // The cache root exists (the cache makes it); only the bucket is the client's to create.
  mkdirSync(join(dir, "cache"), { recursive: true });
  const bundle = join(dir, "bundle.crt");
  writeFileSync(bundle, certs.map((c) => `# ${c.cert.length}\n${c.cert}`).join("\n"));
  return { bundle, cache: join(dir, "cache") };
}

function anchorFiles(cache: string): string[] {
  const dir = join(cache, TLS_BUCKET);
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
}

describe("splitPemCertificates", () => {
  it("finds each certificate block, as written, and fingerprints its DER", () => {
    const text = `junk\r\n${rootA.cert.replaceAll("\n", "\r\n")}between\n${rootB.cert}-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n`;
    const blocks = splitPemCertificates(text);
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toBe(rootB.cert.trimEnd());
    const fromNode = (pem: string) =>
      new (process.getBuiltinModule("node:crypto").X509Certificate)(pem).fingerprint256
        .replaceAll(":", "")
        .toLowerCase();
    expect(pemFingerprint(blocks[0] ?? "")).toBe(fromNode(rootA.cert));
    expect(pemFingerprint(blocks[1] ?? "")).toBe(fromNode(rootB.cert));
  });
});

describe("tls_trust_anchor_cache", () => {
  it("learns_the_anchor_then_builds_a_context_of_only_it", async () => {
    const { bundle, cache } = setup([decoy, rootB, rootA, intA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      const first = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(first.body).toBe("ok");
      expect(first.events).toEqual([{ kind: "bundle", certificates: 4 }]);
      const files = anchorFiles(cache);
      expect(files).toHaveLength(1);
      const saved = JSON.parse(readFileSync(files[0] ?? "", "utf8"));
      // The root and the intermediate (the server sent it, but it is also in the bundle).
      expect(Object.keys(saved.origins)).toEqual([`127.0.0.1:${server.url.port}`]);
      expect(
        (saved.origins[`127.0.0.1:${server.url.port}`] as { index: number }[])
          .map((r) => r.index)
          .sort(),
      ).toEqual([2, 3]);

      const second = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(second.body).toBe("ok");
      expect(second.events).toEqual([{ kind: "anchors", certificates: 2 }]);
    } finally {
      await server.close();
    }
  });

  it("remembers_an_intermediate_the_server_leaves_out", async () => {
    const { bundle, cache } = setup([rootA, decoy, intA]);
    const server = await startTls(identity(leafA));
    try {
      expect((await run(server.url, { caFile: bundle, cacheDir: cache })).body).toBe("ok");
      const second = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(second.body).toBe("ok");
      expect(second.events).toEqual([{ kind: "anchors", certificates: 2 }]);
    } finally {
      await server.close();
    }
  });

  it("an_edited_bundle_is_used_whole_again", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      await run(server.url, { caFile: bundle, cacheDir: cache });
      writeFileSync(bundle, `${readFileSync(bundle, "utf8")}\n${rootB.cert}`);
      const edited = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(edited.body).toBe("ok");
      expect(edited.events).toEqual([{ kind: "bundle", certificates: 3 }]);
      const again = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(again.events).toEqual([{ kind: "anchors", certificates: 1 }]);
    } finally {
      await server.close();
    }
  });

  it("a_server_whose_anchor_changed_falls_back_to_the_bundle_and_is_relearnt", async () => {
    const { bundle, cache } = setup([decoy, rootA, rootB]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      await run(server.url, { caFile: bundle, cacheDir: cache });
      server.server.setSecureContext(identity(leafB));
      const rotated = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(rotated.body).toBe("ok");
      expect(rotated.events).toEqual([
        { kind: "anchors", certificates: 1 },
        { kind: "bundle", certificates: 3 },
      ]);
      const after = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(after.body).toBe("ok");
      expect(after.events).toEqual([{ kind: "anchors", certificates: 1 }]);
      const saved = JSON.parse(readFileSync(anchorFiles(cache)[0] ?? "", "utf8"));
      expect(saved.origins[`127.0.0.1:${server.url.port}`]).toEqual([
        { sha256: pemFingerprint(rootB.cert.trimEnd()), index: 2 },
      ]);
    } finally {
      await server.close();
    }
  });

  it("a_new_origin_under_a_remembered_anchor_needs_no_bundle", async () => {
    const { bundle, cache } = setup([decoy, rootA, rootB]);
    const one = await startTls(identity(leafA, [intA]));
    const two = await startTls(identity(leafA, [intA]));
    try {
      await run(one.url, { caFile: bundle, cacheDir: cache });
      const other = await run(two.url, { caFile: bundle, cacheDir: cache });
      expect(other.body).toBe("ok");
      expect(other.events).toEqual([{ kind: "anchors", certificates: 1 }]);
      const saved = JSON.parse(readFileSync(anchorFiles(cache)[0] ?? "", "utf8"));
      expect(Object.keys(saved.origins).sort()).toEqual(
        [`127.0.0.1:${one.url.port}`, `127.0.0.1:${two.url.port}`].sort(),
      );
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("an_untrusted_server_fails_with_the_same_error_as_without_the_cache", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      await run(server.url, { caFile: bundle, cacheDir: cache });
      server.server.setSecureContext(identity(leafC, [rootC]));
      const cached = await run(server.url, { caFile: bundle, cacheDir: cache });
      const plain = await run(server.url, { caFile: bundle });
      expect(cached.error).toBeDefined();
      expect(cached.events).toEqual([
        { kind: "anchors", certificates: 1 },
        { kind: "bundle", certificates: 2 },
      ]);
      expect(renderError(cached.error)).toBe(renderError(plain.error));
      expect(renderError(cached.error)).toContain("self-signed certificate in certificate chain");
      // What was learnt stays: the failure taught nothing.
      const after = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(after.events[0]).toEqual({ kind: "anchors", certificates: 1 });
    } finally {
      await server.close();
    }
  });

  it("a_hostname_mismatch_fails_as_before_without_retrying_the_bundle", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      await run(server.url, { caFile: bundle, cacheDir: cache });
      server.server.setSecureContext(identity(leafWrongName, [intA]));
      const cached = await run(server.url, { caFile: bundle, cacheDir: cache });
      const plain = await run(server.url, { caFile: bundle });
      expect(cached.events).toEqual([{ kind: "anchors", certificates: 1 }]);
      expect(renderError(cached.error)).toBe(renderError(plain.error));
      expect(renderError(cached.error)).toContain("IP: 127.0.0.1 is not in the cert's list");
    } finally {
      await server.close();
    }
  });

  it("a_corrupt_or_tampered_anchors_file_is_ignored", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      await run(server.url, { caFile: bundle, cacheDir: cache });
      const file = anchorFiles(cache)[0] ?? "";
      const valid = readFileSync(file, "utf8");

      writeFileSync(file, "{not json");
      const corrupt = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(corrupt.body).toBe("ok");
      expect(corrupt.events).toEqual([{ kind: "bundle", certificates: 2 }]);
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(valid));

      // A fingerprint that is in no block of the bundle selects nothing.
      const tampered = JSON.parse(valid);
      tampered.origins[`127.0.0.1:${server.url.port}`] = [
        { sha256: pemFingerprint(rootC.cert.trimEnd()), index: 1 },
      ];
      writeFileSync(file, JSON.stringify(tampered));
      const foreign = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(foreign.body).toBe("ok");
      expect(foreign.events).toEqual([{ kind: "bundle", certificates: 2 }]);

      // A wrong index is only a hint: the fingerprint decides.
      const moved = JSON.parse(valid);
      moved.origins[`127.0.0.1:${server.url.port}`][0].index = 0;
      writeFileSync(file, JSON.stringify(moved));
      const hinted = await run(server.url, { caFile: bundle, cacheDir: cache });
      expect(hinted.body).toBe("ok");
      expect(hinted.events).toEqual([{ kind: "anchors", certificates: 1 }]);
    } finally {
      await server.close();
    }
  });

  it("without_a_cache_dir_the_bundle_is_used_whole_every_time", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      for (let i = 0; i < 2; i++) {
        const r = await run(server.url, { caFile: bundle });
        expect(r.body).toBe("ok");
        expect(r.events).toEqual([{ kind: "bundle", certificates: 2 }]);
      }
      expect(anchorFiles(cache)).toEqual([]);
      // PEM text given directly has no file identity to key a cache on.
      const inline = await run(server.url, { ca: readFileSync(bundle, "utf8"), cacheDir: cache });
      expect(inline.events).toEqual([{ kind: "bundle", certificates: 2 }]);
      expect(anchorFiles(cache)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("the_bundle_is_read_on_the_first_connection_not_before", async () => {
    const { bundle, cache } = setup([decoy]);
    const server = await startTls(identity(leafA, [intA]));
    const events: SecureContextEvent[] = [];
    const client = new HttpClient({
      credentials: new CredentialStore({ netrcPath: null, env: {} }),
      retries: 0,
      timeoutMs: 5000,
      connectTimeoutMs: 5000,
      caFile: bundle,
      tlsCacheDir: cache,
      onSecureContext: (event) => events.push(event),
    });
    try {
      // Rewritten after the client exists: what it trusts is what the file holds at connect.
      writeFileSync(bundle, rootA.cert);
      expect(events).toEqual([]);
      expect(await client.fetch({ url: server.url }, (res) => res.body.text())).toBe("ok");
      expect(events).toEqual([{ kind: "bundle", certificates: 1 }]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("a_cache_root_that_is_gone_is_not_recreated", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const gone = join(cache, "gone");
    const server = await startTls(identity(leafA, [intA]));
    try {
      const r = await run(server.url, { caFile: bundle, cacheDir: gone });
      expect(r.body).toBe("ok");
      expect(existsSync(gone)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("the_registry_client_uses_ssl_cert_file_and_the_cache_dir", async () => {
    const { bundle, cache } = setup([decoy, rootA]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      const client = createRegistryClient({
        indexes: IndexLocations.fromArgs({ indexUrl: new URL("/simple/", server.url).href }),
        cacheDir: cache,
        retries: 0,
        netrcPath: null,
        env: { SSL_CERT_FILE: bundle },
      });
      try {
        await expect(client.simple("foo")).resolves.toHaveLength(1);
      } finally {
        await client.close();
      }
      const files = anchorFiles(cache);
      expect(files).toHaveLength(1);
      const saved = JSON.parse(readFileSync(files[0] ?? "", "utf8"));
      expect(saved.bundle.path).toBe(bundle);
      expect(Object.keys(saved.origins)).toEqual([`127.0.0.1:${server.url.port}`]);
    } finally {
      await server.close();
    }
  });

  it("an_unreadable_bundle_leaves_the_default_roots", async () => {
    const { cache } = setup([]);
    const server = await startTls(identity(leafA, [intA]));
    try {
      const r = await run(server.url, { caFile: join(cache, "missing.crt"), cacheDir: cache });
      expect(r.events).toEqual([]);
      // Node's default roots do not include the test root.
      expect(renderError(r.error)).toContain("unable to get local issuer certificate");
    } finally {
      await server.close();
    }
  });
});
