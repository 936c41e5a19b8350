import type { LookupAddress } from "node:dns";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRegistryClient,
  IndexLocations,
  memoizedLookup,
  type RegistryClientOptions,
} from "../src/index.ts";
import { startServer, tempDir } from "./helpers.ts";

const SHA = "a".repeat(64);

function page(versions: readonly string[]): string {
  const links = versions
    .map(
      (v) =>
        `<a href="/files/pkg-${v}-py3-none-any.whl#sha256=${SHA}">pkg-${v}-py3-none-any.whl</a>`,
    )
    .join("\n");
  return `<!DOCTYPE html><html><body>\n${links}\n</body></html>`;
}

let tmp: { path: string; cleanup: () => Promise<void> };
let caseNo = 0;

beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

describe("simple page cache", () => {
  it("pages_served_without_validators_are_refetched_but_an_identical_one_is_not_stored_again", async () => {
    // As some proxies do: every answer is a 200 with neither validators nor freshness.
    let body = page(["1.0.0"]);
    const server = await startServer(() => ({
      status: 200,
      headers: { "content-type": "text/html" },
      body,
    }));
    const cacheDir = join(tmp.path, `cache-${caseNo++}`);
    const client = (options: Partial<RegistryClientOptions> = {}) =>
      createRegistryClient({
        indexes: IndexLocations.fromArgs({ indexUrl: `${server.url}/simple/` }),
        cacheDir,
        retryDelayMs: () => 0,
        netrcPath: null,
        env: {},
        ...options,
      });
    try {
      const first = client();
      const [a] = await first.simple("pkg");
      await first.close();
      expect(a?.files.map((f) => f.filename)).toEqual(["pkg-1.0.0-py3-none-any.whl"]);
      const entry = join(cacheDir, "simple-v0");
      const [shard] = await readdir(entry);
      const file = join(entry, shard as string, "pkg.json");
      const before = await stat(file);

      // The same bytes again: answered from the parsed entry, which stays as it was.
      const second = client();
      const [b] = await second.simple("pkg");
      await second.close();
      expect(server.requests).toHaveLength(2);
      expect(b?.files).toEqual(a?.files);
      const after = await stat(file);
      expect(after.ino).toBe(before.ino);
      expect(after.mtimeMs).toBe(before.mtimeMs);

      // A changed page is parsed and stored.
      body = page(["1.0.0", "2.0.0"]);
      const third = client();
      const [c] = await third.simple("pkg");
      await third.close();
      expect(c?.files.map((f) => f.filename)).toEqual([
        "pkg-1.0.0-py3-none-any.whl",
        "pkg-2.0.0-py3-none-any.whl",
      ]);
      expect((await stat(file)).ino).not.toBe(before.ino);

      // Offline, the stored page is the changed one.
      const offline = client({ offline: true });
      const [d] = await offline.simple("pkg");
      expect(d?.files.map((f) => f.filename)).toEqual(c?.files.map((f) => f.filename));
    } finally {
      await server.close();
    }
  });
  it("a_truncated_page_entry_is_dropped_and_fetched_again", async () => {
    const server = await startServer(() => ({
      status: 200,
      headers: { "content-type": "text/html" },
      body: page(["1.0.0", "2.0.0"]),
    }));
    const cacheDir = join(tmp.path, `cache-${caseNo++}`);
    const client = (options: Partial<RegistryClientOptions> = {}) =>
      createRegistryClient({
        indexes: IndexLocations.fromArgs({ indexUrl: `${server.url}/simple/` }),
        cacheDir,
        retryDelayMs: () => 0,
        netrcPath: null,
        env: {},
        ...options,
      });
    try {
      await client().simple("pkg");
      const bucket = join(cacheDir, "simple-v0");
      const [shard] = await readdir(bucket);
      const file = join(bucket, shard as string, "pkg.json");
      const whole = await readFile(file);
      await writeFile(file, whole.subarray(0, whole.length - 5));

      // Offline, a broken entry is no entry.
      const offline = await client({ offline: true })
        .simple("pkg")
        .catch((e: unknown) => e);
      expect(String(offline)).toContain("Network connectivity is disabled");

      await writeFile(file, whole.subarray(0, whole.length - 5));
      const [again] = await client().simple("pkg");
      expect(server.requests).toHaveLength(2);
      expect(again?.distVersions).toEqual(["1.0.0", "2.0.0"]);
      expect((await readFile(file)).equals(whole)).toBe(false);
      const [cached] = await client({ offline: true }).simple("pkg");
      expect(cached?.distsOf("2.0.0").map((d) => d.file.filename)).toEqual([
        "pkg-2.0.0-py3-none-any.whl",
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("connections", () => {
  it("closing_the_client_abandons_requests_waiting_to_be_retried", async () => {
    const server = await startServer(() => ({ status: 503 }));
    try {
      const c = createRegistryClient({
        indexes: IndexLocations.fromArgs({ indexUrl: `${server.url}/simple/` }),
        cacheDir: undefined,
        // Far longer than the test's timeout: only the close can end the wait.
        retryDelayMs: () => 600_000,
        netrcPath: null,
        env: {},
      });
      const pending = c.simple("pkg").catch((e: unknown) => e);
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      await c.close();
      const error = await pending;
      expect(error).toBeInstanceOf(Error);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("each_host_is_resolved_once_per_client", async () => {
    const calls: string[] = [];
    const lookup = memoizedLookup(async (hostname) => {
      calls.push(hostname);
      return [{ address: "127.0.0.1", family: 4 }];
    });
    const ask = (host: string, all: boolean) =>
      new Promise<string | LookupAddress[]>((resolve, reject) =>
        lookup(host, { all }, (error, address) => (error ? reject(error) : resolve(address))),
      );
    const answers = await Promise.all([
      ask("index.example", true),
      ask("index.example", false),
      ask("index.example", true),
      ask("files.example", false),
    ]);
    expect(calls).toEqual(["index.example", "files.example"]);
    expect(answers).toEqual([
      [{ address: "127.0.0.1", family: 4 }],
      "127.0.0.1",
      [{ address: "127.0.0.1", family: 4 }],
      "127.0.0.1",
    ]);
  });

  it("a_failed_lookup_is_tried_again", async () => {
    let attempts = 0;
    const lookup = memoizedLookup(async () => {
      attempts += 1;
      if (attempts === 1) throw Object.assign(new Error("EAI_AGAIN"), { code: "EAI_AGAIN" });
      return [{ address: "127.0.0.1", family: 4 }];
    });
    const ask = () =>
      new Promise<string | LookupAddress[]>((resolve, reject) =>
        lookup("index.example", {}, (error, address) => (error ? reject(error) : resolve(address))),
      );
    await expect(ask()).rejects.toThrow("EAI_AGAIN");
    await expect(ask()).resolves.toBe("127.0.0.1");
    expect(attempts).toBe(2);
  });
});
