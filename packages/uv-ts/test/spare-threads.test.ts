import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { LauncherThreads } from "../src/spare-threads.ts";

/** A thread that waits for one message as the launcher's spare thread does; `null` ends it. */
function idleThread(): Worker {
  return new Worker(`require("node:worker_threads").parentPort.once("message", () => {});`, {
    eval: true,
  });
}

const exitOf = (worker: Worker) => new Promise<number>((resolve) => worker.once("exit", resolve));

describe("LauncherThreads", () => {
  it("gives each thread once, in order, and then none", async () => {
    const [a, b] = [idleThread(), idleThread()];
    const threads = new LauncherThreads([a, b]);
    expect(threads.take()).toBe(a);
    expect(threads.take()).toBe(b);
    expect(threads.take()).toBeUndefined();
    await Promise.all([a.terminate(), b.terminate()]);
  });

  it("skips a thread that has stopped", async () => {
    const [a, b] = [idleThread(), idleThread()];
    await a.terminate();
    const threads = new LauncherThreads([a, b]);
    expect(threads.take()).toBe(b);
    await b.terminate();
  });

  it("gives a lent thread once none is idle, when its first user hands it over", async () => {
    const [a, b] = [idleThread(), idleThread()];
    const threads = new LauncherThreads([a]);
    let busy = true;
    let asked = 0;
    threads.lend(() => {
      asked++;
      return busy ? undefined : b;
    });
    expect(threads.take()).toBe(a);
    expect(asked).toBe(0);
    // Still busy: asked again later.
    expect(threads.take()).toBeUndefined();
    busy = false;
    expect(threads.take()).toBe(b);
    expect(threads.take()).toBeUndefined();
    expect(asked).toBe(2);
    await Promise.all([a.terminate(), b.terminate()]);
  });

  it("skips a lent thread that has stopped", async () => {
    const [a, b] = [idleThread(), idleThread()];
    await a.terminate();
    const threads = new LauncherThreads();
    threads.lend(() => a);
    threads.lend(() => b);
    expect(threads.take()).toBe(b);
    expect(threads.take()).toBeUndefined();
    await b.terminate();
  });

  it("lets the threads never taken end, and gives none after", async () => {
    const [a, b] = [idleThread(), idleThread()];
    const threads = new LauncherThreads([a, b]);
    expect(threads.take()).toBe(a);
    const ended = exitOf(b);
    threads.release();
    expect(await ended).toBe(0);
    expect(threads.take()).toBeUndefined();
    await a.terminate();
  });
});
