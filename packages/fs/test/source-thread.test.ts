import { describe, expect, it } from "vitest";
import {
  rebuildError,
  type SourceThread,
  type SpareThreads,
  startSourceThread,
  startSpareThread,
  type ThreadData,
} from "../src/index.ts";

/** Answers `n` with `n + 1` on its port, after storing `n * 2` in slot 1; slot 0 says it is up. */
function doubler(load: (id: string) => unknown, data: ThreadData): void {
  // A thread of its own: nothing from the test's scope reaches it.
  if (typeof load("node:fs") !== "object") throw new Error("no require");
  const { port, state } = data;
  port.on("message", (n: number) => {
    Atomics.store(state, 1, n * 2);
    port.postMessage(n + 1);
  });
  Atomics.store(state, 0, 1);
}

/** Checks that `thread` runs {@link doubler}, then stops it. */
async function expectDoubler(thread: SourceThread | undefined): Promise<void> {
  expect(thread).toBeDefined();
  if (thread === undefined) return;
  try {
    expect(thread.state).toHaveLength(2);
    const reply = new Promise<number>((resolve) => thread.port.once("message", resolve));
    thread.port.postMessage(20);
    expect(await reply).toBe(21);
    expect(Atomics.load(thread.state, 0)).toBe(1);
    expect(Atomics.load(thread.state, 1)).toBe(40);
  } finally {
    thread.port.close();
    await thread.worker.terminate();
  }
}

describe("startSourceThread", () => {
  it("runs the program from its source with a port and shared state", async () => {
    await expectDoubler(startSourceThread(doubler, 2));
  });

  it("leaves the thread's stdout and stderr apart from this thread's", async () => {
    const thread = startSourceThread(doubler, 2);
    // Piped to this thread's streams, they would be flowing (and have built them).
    expect(thread?.worker.stdout.readableFlowing).toBeNull();
    expect(thread?.worker.stderr.readableFlowing).toBeNull();
    await expectDoubler(thread);
  });

  it("runs the program on a spare thread while there is one, then on new threads", async () => {
    const spare = startSpareThread();
    const idle = [spare];
    let asked = 0;
    const spares: SpareThreads = {
      take: () => {
        asked++;
        return idle.shift();
      },
    };
    const first = startSourceThread(doubler, 2, spares);
    expect(first?.worker).toBe(spare);
    await expectDoubler(first);
    const second = startSourceThread(doubler, 2, spares);
    expect(asked).toBe(2);
    expect(second?.worker).toBeDefined();
    expect(second?.worker).not.toBe(spare);
    await expectDoubler(second);
  });
});

describe("rebuildError", () => {
  it("gives back the message and errno fields a thread sent", () => {
    const error = rebuildError({
      message: "EEXIST: file already exists, link 'a' -> 'b'",
      code: "EEXIST",
      errno: -17,
      syscall: "link",
      path: "a",
      dest: "b",
    }) as NodeJS.ErrnoException & { dest?: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe("EEXIST: file already exists, link 'a' -> 'b'");
    expect([error.code, error.errno, error.syscall, error.path, error.dest]).toEqual([
      "EEXIST",
      -17,
      "link",
      "a",
      "b",
    ]);
  });
});
