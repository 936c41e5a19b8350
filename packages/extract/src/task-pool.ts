/** A task's failure, with the walk index of the member it was for. */
export interface TaskFailure {
  readonly index: number;
  readonly error: unknown;
}

/**
 * Bounded concurrency for the per-member work (inflate, CRC, write) of one extraction: at most
 * `maxTasks` tasks and about `maxBytes` of buffered data in flight. Each task carries its member's
 * index in the walk, and the failure kept is the one of the earliest member, whichever finished
 * first; after a failure, no new task starts and {@link TaskPool.drain} rethrows it.
 */
export class TaskPool {
  readonly #maxTasks: number;
  readonly #maxBytes: number;
  readonly #pending = new Set<Promise<void>>();
  #waiters: (() => void)[] = [];
  #active = 0;
  #bytes = 0;
  #failure: TaskFailure | undefined;

  constructor(maxTasks: number, maxBytes: number) {
    this.#maxTasks = maxTasks;
    this.#maxBytes = maxBytes;
  }

  /** The failure of the earliest member among the tasks that failed so far. */
  get failure(): TaskFailure | undefined {
    return this.#failure;
  }

  /**
   * Waits for room, then starts `task` (for member `index`) without waiting for it. Throws an
   * earlier failure.
   */
  async submit(bytes: number, task: () => Promise<void>, index = 0): Promise<void> {
    while (
      this.#failure === undefined &&
      this.#active > 0 &&
      (this.#active >= this.#maxTasks || this.#bytes + bytes > this.#maxBytes)
    ) {
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
    if (this.#failure !== undefined) throw this.#failure.error;
    this.#active += 1;
    this.#bytes += bytes;
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        if (this.#failure === undefined || index < this.#failure.index) {
          this.#failure = { index, error };
        }
      })
      .finally(() => {
        this.#active -= 1;
        this.#bytes -= bytes;
        this.#pending.delete(running);
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const wake of waiters) wake();
      });
    this.#pending.add(running);
  }

  /** Waits for every started task; never throws. Call before deleting what the tasks write to. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Waits for every started task, then rethrows the first failure, if any. */
  async drain(): Promise<void> {
    await this.settle();
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
