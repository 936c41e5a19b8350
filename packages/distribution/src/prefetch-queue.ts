/** A task of a {@link PrefetchQueue}, as handed back to its caller. */
export interface QueuedTask<T> {
  /** Settles as the task does, once it ran. */
  readonly promise: Promise<T>;
  /** Runs the task now if it still waits for a slot (someone waits for its result). */
  promote(): void;
}

interface Waiting {
  started: boolean;
  readonly priority: number;
  readonly start: () => void;
}

/**
 * Runs speculative tasks (wheels fetched ahead of need) at most `limit` at a time, so that they
 * do not crowd out the requests the resolver waits on: the waiting task of highest priority
 * first (the biggest wheel, as uv starts its biggest downloads first), then in the order they
 * were added. A task someone needs right away skips the line.
 */
export class PrefetchQueue {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: Waiting[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /**
   * Queues `task`; it runs when a slot is free (higher `priority` first) or when promoted. The
   * task may hand its slot on before it settles by calling the `release` it is given (a wheel
   * whose bytes are in, still being unpacked); calling it again, or settling, does nothing more.
   */
  add<T>(task: (release: () => void) => Promise<T>, priority = 0): QueuedTask<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiting: Waiting = {
      started: false,
      priority,
      start: () => {
        waiting.started = true;
        this.#running += 1;
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          this.#running -= 1;
          this.#pump();
        };
        // A task that throws synchronously rejects like one that fails later.
        new Promise<T>((res) => res(task(release))).then(resolve, reject).finally(release);
      },
    };
    // After every task of at least its priority: the line stays sorted, first come first among
    // equals.
    const at = this.#waiting.findIndex((w) => w.priority < priority);
    if (at === -1) this.#waiting.push(waiting);
    else this.#waiting.splice(at, 0, waiting);
    this.#pump();
    return {
      promise,
      promote: () => {
        if (!waiting.started) waiting.start();
      },
    };
  }

  #pump(): void {
    while (this.#running < this.#limit && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      if (!next.started) next.start();
    }
  }
}
