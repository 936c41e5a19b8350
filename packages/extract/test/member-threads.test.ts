import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { extractZip, MemberThreads, MemberWorker } from "../src/index.ts";
import { archiveFile } from "./helpers.ts";
import { buildZip, type RawEntry } from "./raw-zip.ts";

const opened: MemberThreads[] = [];

afterEach(() => {
  for (const threads of opened.splice(0)) threads.close();
});

/** A growing set whose thread starts are counted. */
function growing(initial: number, max: number, ahead: number) {
  const started = { count: 0 };
  const threads = MemberThreads.growing({
    initial,
    max,
    ahead,
    start: () => {
      started.count += 1;
      return MemberWorker.start();
    },
  }) as MemberThreads;
  opened.push(threads);
  return { threads, started };
}

/**
 * Gives `worker` a batch of one small member to write, so that its backlog is not empty, and
 * waits until it is handed over.
 */
async function busy(
  worker: MemberWorker,
  dir: string,
): Promise<{ readonly outcome: Promise<unknown> }> {
  const data = Buffer.from("x = 1\n");
  const copied = new ArrayBuffer(data.length);
  data.copy(Buffer.from(copied));
  const job = {
    offset: 0,
    length: data.length,
    shared: false,
    deflate: false,
    size: data.length,
    crc32: 0,
    path: join(dir, `m${Math.random()}.py`),
    mode: 0o644,
  };
  return worker.submit({ copied }, [job], [dir]);
}

describe("member threads that grow with the backlog", () => {
  it("starts_no_other_thread_while_the_first_has_room", async () => {
    const { threads, started } = growing(1, 2, 1024 * 1024);
    const [first] = threads.workers as MemberWorker[];
    expect(await first?.whenReady()).toBe(true);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const { outcome } = await busy(first as MemberWorker, dest);
    expect(first?.backlog).toBeGreaterThan(0);
    expect(await threads.pick((worker) => worker)).toBe(first);
    await outcome;
    expect(started.count).toBe(1);
    expect(threads.workers).toHaveLength(1);
  });

  it("holds_a_batch_back_and_starts_another_thread_when_the_first_is_full", async () => {
    const { threads, started } = growing(1, 2, 1);
    const [first] = threads.workers as MemberWorker[];
    expect(await first?.whenReady()).toBe(true);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const { outcome } = await busy(first as MemberWorker, dest);
    expect(first?.backlog).toBeGreaterThan(0);
    const picked = await threads.pick((worker) => worker);
    // Handed out only once it had room: not onto the first thread's queue.
    expect(picked.backlog).toBe(0);
    expect(picked.ready).toBe(true);
    expect(started.count).toBe(2);
    expect(threads.workers).toHaveLength(2);
    await outcome;
  });

  it("never_starts_more_than_its_maximum", async () => {
    const { threads, started } = growing(1, 1, 1);
    const [first] = threads.workers as MemberWorker[];
    expect(await first?.whenReady()).toBe(true);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const { outcome } = await busy(first as MemberWorker, dest);
    expect(await threads.pick((worker) => worker)).toBe(first);
    expect(started.count).toBe(1);
    await outcome;
  });

  it("hands_batches_woken_together_to_a_thread_one_at_a_time", async () => {
    const { threads } = growing(1, 1, 1);
    const [first] = threads.workers as MemberWorker[];
    expect(await first?.whenReady()).toBe(true);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const { outcome } = await busy(first as MemberWorker, dest);
    // Both wait for the same batch to finish; each must then see the work the other handed over.
    const seen: number[] = [];
    const handOver = (worker: MemberWorker) => {
      seen.push(worker.backlog);
      return busy(worker, dest);
    };
    const handed = await Promise.all([threads.pick(handOver), threads.pick(handOver)]);
    expect(seen).toEqual([0, 0]);
    await Promise.all([outcome, ...handed.map((h) => h.outcome)]);
  });

  it("writes_every_member_of_an_archive_while_growing", async () => {
    const { threads, started } = growing(1, 2, 1);
    expect(await threads.workers[0]?.whenReady()).toBe(true);
    const entries: RawEntry[] = Array.from({ length: 400 }, (_, i) => ({
      name: `pkg/d${i % 17}/m${i}.py`,
      data: `value = ${i}\n`.repeat((i % 7) + 1),
    }));
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const result = await extractZip(buildZip(entries), dest, { memberThreads: threads });
    expect(started.count).toBe(2);
    const [a, b] = threads.workers as MemberWorker[];
    expect((a?.written ?? 0) + (b?.written ?? 0)).toBe(entries.length);
    expect(result.files.map((f) => f.path)).toEqual(entries.map((e) => e.name));
    for (const entry of entries) {
      expect(await readFile(join(dest, entry.name), "utf8"), entry.name).toBe(entry.data);
    }
  });
});
