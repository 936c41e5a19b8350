import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Cache } from "@uv-ts/cache";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WheelFetcher, wheelPointerPath } from "../src/index.ts";
import { PrefetchQueue } from "../src/prefetch-queue.ts";
import { type FetcherHarness, registrySource, startFetcherHarness } from "./fetcher-harness.ts";

let harness: FetcherHarness;
let server: IndexServer;

beforeAll(async () => {
  harness = await startFetcherHarness("uv-ts-prefetch-");
  server = harness.server;
});

afterAll(() => harness.close());

const setup = (label: string) => harness.setup(label);

/** Full downloads (not range requests) of a served file so far. */
const downloads = (filename: string) =>
  server.requests.filter(
    (r) => r.method === "GET" && r.pathname === `/files/${filename}` && r.range === undefined,
  ).length;

const tempDirs = (cache: Cache) => readdirSync(cache.root).filter((n) => n.startsWith(".tmp"));

describe("WheelFetcher.prefetch", () => {
  it("a_fetch_takes_the_prefetch_over_and_the_wheel_is_downloaded_once", async () => {
    const { cache, client } = await setup("adopt");
    const fetcher = new WheelFetcher({ cache, client });
    const source = await registrySource(client, "dep-b");
    const file = "dep_b-1.0.0-py3-none-any.whl";
    const before = downloads(file);
    fetcher.prefetch(source, { distribution: "dep-b==1.0.0" });
    fetcher.prefetch(source, { distribution: "dep-b==1.0.0" });
    const wheel = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" });
    expect(existsSync(join(wheel.path, "dep_b", "__init__.py"))).toBe(true);
    expect(downloads(file) - before).toBe(1);
    // The plan sees the cache as it was before the prefetch: the wheel is reported as downloaded.
    expect(await fetcher.cached(source)).toBeUndefined();
    // A fetcher of a later run finds it in the cache.
    const later = new WheelFetcher({ cache, client });
    expect((await later.cached(source))?.path).toBe(wheel.path);
    await fetcher.settle();
    fetcher.close();
    await cache.dispose();
    await client.close();
  });

  it("a_cached_wheel_is_not_downloaded_and_counts_as_cached", async () => {
    const { cache, client } = await setup("cached");
    const source = await registrySource(client, "dep-a");
    const first = await new WheelFetcher({ cache, client }).fetch(source, {
      distribution: "dep-a==1.0.0",
    });
    const before = downloads("dep_a-1.0.0-py3-none-any.whl");
    const fetcher = new WheelFetcher({ cache, client });
    fetcher.prefetch(source, { distribution: "dep-a==1.0.0" });
    expect((await fetcher.cached(source))?.path).toBe(first.path);
    expect((await fetcher.fetch(source, { distribution: "dep-a==1.0.0" })).path).toBe(first.path);
    expect(downloads("dep_a-1.0.0-py3-none-any.whl")).toBe(before);
    await fetcher.settle();
    await cache.dispose();
    await client.close();
  });

  it("a_cached_wheels_pointer_path_is_worked_out_once_per_source", async () => {
    const { cache, client } = await setup("pointer-path");
    const source = await registrySource(client, "dep-a");
    const first = await new WheelFetcher({ cache, client }).fetch(source, {
      distribution: "dep-a==1.0.0",
    });
    const fetcher = new WheelFetcher({ cache, client });
    // Each pointer path costs a digest of the index URL: a warm install asks for it four times
    // a wheel, on a busy main thread.
    const entry = vi.spyOn(cache, "entry");
    try {
      fetcher.prefetch(source, { distribution: "dep-a==1.0.0" });
      expect((await fetcher.prefetched(source))?.path).toBe(first.path);
      expect((await fetcher.cached(source))?.path).toBe(first.path);
      expect((await fetcher.fetch(source, { distribution: "dep-a==1.0.0" })).path).toBe(first.path);
      expect(entry).toHaveBeenCalledTimes(1);
      // The index's directory of wheels, below which the pointer lies.
      expect(join(wheelPointerPath(cache, source), "..", "..")).toBe(entry.mock.results[0]?.value);
    } finally {
      entry.mockRestore();
    }
    await fetcher.settle();
    await cache.dispose();
    await client.close();
  });

  it("other_expected_hashes_are_not_served_by_the_prefetch", async () => {
    const { cache, client } = await setup("hashes");
    const fetcher = new WheelFetcher({ cache, client });
    const source = await registrySource(client, "dep-b");
    fetcher.prefetch(source, { distribution: "dep-b==1.0.0" });
    // `--hash` with a digest the file does not have: the install's own check fails, as before.
    const error = await fetcher
      .fetch(source, {
        distribution: "dep-b==1.0.0",
        expectedHashes: [{ algorithm: "sha256", digest: "0".repeat(64) }],
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("Failed to download `dep-b==1.0.0`");
    await fetcher.settle();
    await cache.dispose();
    await client.close();
  });

  it("a_failed_prefetch_is_reported_only_by_the_fetch_that_takes_it_over", async () => {
    const { cache, client } = await setup("failure");
    const source = await registrySource(client, "dep-a");
    const file = "dep_a-1.0.0-py3-none-any.whl";
    const fault = server.setFault({ kind: "status", status: 404, path: `/files/${file}` });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      // Nobody needs it: the failure goes unreported.
      const unused = new WheelFetcher({ cache, client });
      unused.prefetch(source, { distribution: "dep-a==1.0.0" });
      await unused.settle();
      // What a fetch without a prefetch reports, and how many requests it makes.
      let before = downloads(file);
      const plain = (await new WheelFetcher({ cache, client })
        .fetch(source, { distribution: "dep-a==1.0.0" })
        .catch((e: unknown) => e)) as Error;
      const plainRequests = downloads(file) - before;
      // A fetch that takes a failed prefetch over reports the same, after as many requests.
      before = downloads(file);
      const fetcher = new WheelFetcher({ cache, client });
      fetcher.prefetch(source, { distribution: "dep-a==1.0.0" });
      const adopted = (await fetcher
        .fetch(source, { distribution: "dep-a==1.0.0" })
        .catch((e: unknown) => e)) as Error;
      expect(downloads(file) - before).toBe(plainRequests);
      expect(adopted).toBeInstanceOf(Error);
      expect(adopted.message).toBe("Failed to download `dep-a==1.0.0`");
      expect(adopted.message).toBe(plain.message);
      expect(String((adopted.cause as Error).message)).toBe(String((plain.cause as Error).message));
      await fetcher.settle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      fault.remove();
    }
    await cache.dispose();
    await client.close();
  });

  it("settle_stops_a_stalled_prefetch_nobody_took_and_leaves_nothing_behind", async () => {
    const { cache, client } = await setup("settle");
    const fetcher = new WheelFetcher({ cache, client });
    const source = await registrySource(client, "dep-b");
    const file = "dep_b-1.0.0-py3-none-any.whl";
    // Longer than the test's timeout: only an abort ends the download in time.
    const fault = server.setFault({ kind: "slow", bodyDelayMs: 30_000, path: `/files/${file}` });
    try {
      const before = downloads(file);
      fetcher.prefetch(source, { distribution: "dep-b==1.0.0" });
      while (downloads(file) === before) await new Promise((resolve) => setTimeout(resolve, 5));
      await fetcher.settle();
      fetcher.close();
      expect(existsSync(wheelPointerPath(cache, source))).toBe(false);
      expect(tempDirs(cache)).toEqual([]);
      expect(downloads(file) - before).toBe(1);
    } finally {
      fault.remove();
    }
    await cache.dispose();
    await client.close();
  }, 15_000);
});

describe("PrefetchQueue", () => {
  it("runs_at_most_the_limit_at_once_and_a_promoted_task_skips_the_line", async () => {
    const queue = new PrefetchQueue(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const task = (id: number) => () => {
      started.push(id);
      running += 1;
      most = Math.max(most, running);
      return new Promise<number>((resolve) => {
        gates[id] = () => {
          running -= 1;
          resolve(id);
        };
      });
    };
    const tasks = [0, 1, 2, 3].map((id) => queue.add(task(id)));
    expect(started).toEqual([0, 1]);
    tasks[3]!.promote();
    expect(started).toEqual([0, 1, 3]);
    gates[0]!();
    expect(await tasks[0]!.promise).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    // Task 3 ran out of turn; task 2 waits for the running count to drop under the limit.
    expect(started).toEqual([0, 1, 3]);
    gates[1]!();
    await tasks[1]!.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 3, 2]);
    gates[3]!();
    gates[2]!();
    expect(await Promise.all(tasks.map((t) => t.promise))).toEqual([0, 1, 2, 3]);
    expect(most).toBe(3);
    const failing = queue.add(() => {
      throw new Error("boom");
    });
    await expect(failing.promise).rejects.toThrow("boom");
  });

  it("waiting_tasks_run_by_priority_then_in_order", async () => {
    const queue = new PrefetchQueue(1);
    const started: string[] = [];
    const run = (id: string) => async () => {
      started.push(id);
    };
    const first = queue.add(run("first"), 0);
    const tasks = [
      queue.add(run("small"), 1),
      queue.add(run("big"), 5),
      queue.add(run("big-too"), 5),
      queue.add(run("unsized"), 0),
    ];
    await first.promise;
    await Promise.all(tasks.map((t) => t.promise));
    expect(started).toEqual(["first", "big", "big-too", "small", "unsized"]);
  });

  it("a_task_that_releases_its_slot_lets_the_next_start_before_it_settles", async () => {
    // A wheel hands its slot on once its bytes are in, while it is still being unpacked.
    const queue = new PrefetchQueue(1);
    const started: string[] = [];
    let finishFirst: () => void = () => {};
    let releaseFirst: () => void = () => {};
    const first = queue.add(
      (release) =>
        new Promise<string>((resolve) => {
          started.push("first");
          releaseFirst = release;
          finishFirst = () => resolve("first");
        }),
    );
    const second = queue.add(async () => {
      started.push("second");
      return "second";
    });
    const third = queue.add(async () => {
      started.push("third");
      return "third";
    });
    expect(started).toEqual(["first"]);
    releaseFirst();
    // Released twice (and again when it settles): still one slot, not three.
    releaseFirst();
    expect(await second.promise).toBe("second");
    expect(await third.promise).toBe("third");
    expect(started).toEqual(["first", "second", "third"]);
    finishFirst();
    expect(await first.promise).toBe("first");
    // One slot again: of two new tasks, the second waits for the first.
    let finishFourth: () => void = () => {};
    const fourth = queue.add(
      () =>
        new Promise<void>((resolve) => {
          started.push("fourth");
          finishFourth = resolve;
        }),
    );
    const fifth = queue.add(async () => {
      started.push("fifth");
    });
    expect(started.slice(3)).toEqual(["fourth"]);
    finishFourth();
    await Promise.all([fourth.promise, fifth.promise]);
    expect(started.slice(3)).toEqual(["fourth", "fifth"]);
  });
});
