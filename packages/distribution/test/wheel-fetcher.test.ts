import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { startSpareThread } from "@uv-ts/fs";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WheelFetcher, type WheelSource, wheelPointerPath } from "../src/index.ts";
import { type FetcherHarness, registrySource, startFetcherHarness } from "./fetcher-harness.ts";

let harness: FetcherHarness;
let server: IndexServer;
let root: string;

beforeAll(async () => {
  harness = await startFetcherHarness("uv-ts-distribution-");
  server = harness.server;
  root = harness.root;
});

afterAll(() => harness.close());

const setup = (label: string, offline = false) => harness.setup(label, offline);

describe("WheelFetcher", () => {
  it("fetches_once_then_serves_from_the_cache", async () => {
    const { cache, client } = await setup("once");
    const fetcher = new WheelFetcher({ cache, client });
    const source = await registrySource(client, "dep-b");
    expect(await fetcher.cached(source)).toBeUndefined();
    const wheel = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" });
    expect(readFileSync(join(wheel.path, "dep_b", "__init__.py"), "utf8")).toContain("1.0.0");
    expect(wheel.hashes).toContainEqual({
      algorithm: "sha256",
      digest: server.file("dep_b-1.0.0-py3-none-any.whl").sha256,
    });
    expect(existsSync(wheelPointerPath(cache, source))).toBe(true);
    const downloads = () => server.requests.filter((r) => r.path.startsWith("/files/dep_b")).length;
    const before = downloads();
    const again = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" });
    expect(again.path).toBe(wheel.path);
    expect(downloads()).toBe(before);
    // No temporary directories are left behind.
    expect(readdirSync(cache.root).filter((n) => n.startsWith(".tmp"))).toEqual([]);
    await cache.dispose();
    await client.close();
  });

  it("unpacks_on_a_spare_thread_when_given_one", async () => {
    const { cache, client } = await setup("spare");
    // Waits for a program as the launcher's spare thread does (see `SpareThreads`).
    const spare = startSpareThread();
    const idle = [spare];
    const fetcher = new WheelFetcher({
      cache,
      client,
      extractThreads: 1,
      spareThreads: { take: () => idle.shift() },
    });
    const wheel = await fetcher.fetch(await registrySource(client, "dep-b"), {
      distribution: "dep-b==1.0.0",
    });
    expect(idle).toEqual([]);
    expect(readFileSync(join(wheel.path, "dep_b", "__init__.py"), "utf8")).toContain("1.0.0");
    // Closing the fetcher ends that very thread.
    const exited = new Promise((resolve) => spare.once("exit", resolve));
    fetcher.close();
    await exited;
    await cache.dispose();
    await client.close();
  });

  it("rejects_a_hash_mismatch_and_persists_nothing", async () => {
    const { cache, client } = await setup("mismatch");
    const fetcher = new WheelFetcher({ cache, client });
    const source = await registrySource(client, "dep-b");
    await expect(
      fetcher.fetch(source, {
        distribution: "dep-b==1.0.0",
        expectedHashes: [{ algorithm: "sha256", digest: "0".repeat(64) }],
      }),
    ).rejects.toThrow(/Failed to download `dep-b==1.0.0`/);
    expect(existsSync(cache.bucket("archive"))).toBe(false);
    expect(existsSync(wheelPointerPath(cache, source))).toBe(false);
    // The members unpacked (straight into the fetch's temporary directory) before the digest was
    // found wrong are gone with it.
    expect(readdirSync(cache.root).filter((n) => n.startsWith(".tmp"))).toEqual([]);
    await cache.dispose();
    await client.close();
  });

  it("checks_the_index_hash_when_none_is_given", async () => {
    const { cache, client } = await setup("index-hash");
    const fault = server.setFault({
      kind: "wrongHash",
      path: "/files/dep_a-1.0.0-py3-none-any.whl",
    });
    try {
      const fetcher = new WheelFetcher({ cache, client });
      const source = await registrySource(client, "dep-a");
      const error = await fetcher.fetch(source, { distribution: "dep-a==1.0.0" }).catch((e) => e);
      expect(String(error.cause?.message)).toContain("Hash mismatch for `dep-a==1.0.0`");
    } finally {
      fault.remove();
    }
    await cache.dispose();
    await client.close();
  });

  it("offline_miss_is_uv_s_error", async () => {
    const online = await setup("offline");
    const source = await registrySource(online.client, "dep-b");
    await online.client.close();
    const fetcher = new WheelFetcher({ cache: online.cache, offline: true });
    const error = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" }).catch((e) => e);
    expect(error.message).toBe("Failed to download `dep-b==1.0.0`");
    expect(error.cause.message).toMatch(
      /^Network connectivity is disabled, but the requested data wasn't found in the cache: http:\/\/127\.0\.0\.1:\d+\/files\/dep_b-1\.0\.0-py3-none-any\.whl$/,
    );
    await online.cache.dispose();
  });

  it("local_wheels_are_unpacked_again_when_the_file_changes", async () => {
    const { cache } = await setup("path");
    const filename = WheelFilename.parse("dep_b-1.0.0-py3-none-any.whl");
    const path = join(root, filename.toString());
    writeFileSync(path, server.file(filename.toString()).bytes);
    const fetcher = new WheelFetcher({ cache });
    const source: WheelSource = { kind: "path", path, filename };
    const first = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" });
    expect((await fetcher.cached(source))?.path).toBe(first.path);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path, later, later);
    expect(await fetcher.cached(source)).toBeUndefined();
    const second = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" });
    expect(second.path).not.toBe(first.path);
    await cache.dispose();
  });
});
