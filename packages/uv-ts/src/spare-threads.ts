import type { Worker } from "node:worker_threads";
import type { SpareThreads } from "@uv-ts/fs";

/**
 * The threads the launcher (bin/uv-ts.js) started ahead for the run to take (see `SpareThreads`
 * in packages/fs for what such a thread runs). Kept apart from `@uv-ts/fs` so that the bundle's
 * entry, which makes it, loads none of that package.
 */
export class LauncherThreads implements SpareThreads {
  #idle: Worker[];

  constructor(workers: Iterable<Worker> = []) {
    this.#idle = [...workers];
  }

  /** Threads lent by their first users ({@link lend}), asked in turn once none is idle. */
  readonly #lent: (() => Worker | undefined)[] = [];

  take(): Worker | undefined {
    for (;;) {
      const worker = this.#idle.shift();
      // Node sets the id to -1 once the thread has stopped (before its `exit` event).
      if (worker === undefined) break;
      if (worker.threadId !== -1) return worker;
    }
    for (let i = 0; i < this.#lent.length; i++) {
      const worker = (this.#lent[i] as () => Worker | undefined)();
      if (worker === undefined) continue;
      this.#lent.splice(i, 1);
      if (worker.threadId !== -1) return worker;
      i--;
    }
    return undefined;
  }

  lend(handOver: () => Worker | undefined): void {
    this.#lent.push(handOver);
  }

  /** Lets each thread never taken end (once done with what it was started for). */
  release(): void {
    for (const worker of this.#idle.splice(0)) worker.postMessage(null);
  }
}
