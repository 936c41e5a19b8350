import { describe, expect, it } from "vitest";
import { rebuildError, startSourceThread } from "../src/index.ts";

describe("startSourceThread", () => {
  it("runs the program from its source with a port and shared state", async () => {
    const thread = startSourceThread((load) => {
      const threads = load("node:worker_threads") as typeof import("node:worker_threads");
      const { port, state } = threads.workerData as {
        port: import("node:worker_threads").MessagePort;
        state: Int32Array;
      };
      port.on("message", (n: number) => {
        Atomics.store(state, 1, n * 2);
        port.postMessage(n + 1);
      });
      Atomics.store(state, 0, 1);
    }, 2);
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
