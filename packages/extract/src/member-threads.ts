import { MemberWorker } from "./member-worker.ts";

/** Options of {@link MemberThreads.growing}. */
export interface GrowingThreadsOptions {
  /** Threads started at once (at least one). */
  readonly initial: number;
  /** The most threads ever running; more than {@link initial} lets the set grow. */
  readonly max: number;
  /**
   * The work (in {@link memberWork} units) a thread is handed ahead: a batch beyond it waits
   * until a thread has room, so that a thread started later, or freed earlier, takes it. Another
   * thread is started when a batch has to wait.
   */
  readonly ahead: number;
  /** Starts a thread; `undefined` when threads are unavailable. Default: {@link MemberWorker.start}. */
  readonly start?: () => MemberWorker | undefined;
}

/**
 * The member threads an extraction hands its batches to: each batch goes to the least busy one
 * that is ready. A set made by {@link growing} hands a thread only so much work ahead; a batch
 * beyond it waits on this side (the extraction's walk waits with it), and another thread is
 * started (up to the maximum). A short install never pays for a thread it would not use, while
 * the tail of a big one, where the main thread has nothing left but to wait for the unpacking,
 * uses every core: the batches still waiting go to whichever thread has room first, instead of
 * all sitting in the first thread's queue.
 */
export class MemberThreads {
  readonly #workers: MemberWorker[];
  readonly #max: number;
  readonly #ahead: number;
  readonly #start: (() => MemberWorker | undefined) | undefined;

  private constructor(
    workers: MemberWorker[],
    max: number,
    ahead: number,
    start: (() => MemberWorker | undefined) | undefined,
  ) {
    this.#workers = workers;
    this.#max = max;
    this.#ahead = ahead;
    this.#start = start;
  }

  /** A set of exactly these threads (without repeats), each handed all the work it is given. */
  static of(workers: readonly MemberWorker[]): MemberThreads {
    return new MemberThreads([...new Set(workers)], 0, Number.POSITIVE_INFINITY, undefined);
  }

  /**
   * Starts `initial` threads now and up to `max` in all later, as backlogs deepen; `undefined`
   * when no thread could start.
   */
  static growing(options: GrowingThreadsOptions): MemberThreads | undefined {
    const start = options.start ?? (() => MemberWorker.start());
    const workers: MemberWorker[] = [];
    for (let i = 0; i < Math.max(1, options.initial); i++) {
      const worker = start();
      if (worker !== undefined) workers.push(worker);
    }
    if (workers.length === 0) return undefined;
    return new MemberThreads(workers, options.max, options.ahead, start);
  }

  /** The threads started so far. */
  get workers(): readonly MemberWorker[] {
    return this.#workers;
  }

  /** Whether any thread takes work. */
  get anyReady(): boolean {
    return this.#workers.some((w) => w.ready);
  }

  /**
   * Hands the next batch to a thread: calls `use` with the least busy of those ready, once it has
   * less than the work handed ahead, and returns what `use` returns. Meanwhile, another thread is
   * started (up to the maximum, one start-up at a time). When no thread is up or starting, `use`
   * gets the first (whose refusal then fails the batch). `use` runs in the same turn as the
   * choice, so it must hand the work over at once ({@link MemberWorker.submit} counts it before
   * its first wait): batches woken by the same finished batch then see each other's work.
   */
  async pick<T>(use: (worker: MemberWorker) => T): Promise<T> {
    for (;;) {
      let best: MemberWorker | undefined;
      let starting = false;
      for (const worker of this.#workers) {
        if (worker.starting) starting = true;
        else if (worker.ready && (best === undefined || worker.backlog < best.backlog)) {
          best = worker;
        }
      }
      if (best !== undefined && best.backlog < this.#ahead) return use(best);
      if (best === undefined && !starting) return use(this.#workers[0] as MemberWorker);
      if (!starting && this.#workers.length < this.#max && this.#start !== undefined) {
        const worker = this.#start();
        if (worker !== undefined) this.#workers.push(worker);
      }
      // A thread's start-up alone keeps the process alive while a batch waits for it.
      await Promise.race(this.#workers.map((w) => (w.starting ? w.whenReady() : w.changed())));
    }
  }

  /** Stops every thread. */
  close(): void {
    for (const worker of this.#workers) worker.close();
  }
}
