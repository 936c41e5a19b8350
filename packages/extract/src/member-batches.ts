import type { BatchResult, MemberFailure, MemberJob, MemberWorker } from "./member-worker.ts";

/** Stored bytes gathered before a batch goes to the worker. */
const BATCH_BYTES = 512 * 1024;
/** Members gathered before a batch goes to the worker, whatever their size. */
const BATCH_JOBS = 128;

interface OpenBatch {
  readonly dirs: string[];
  /** Where copied members go (allocated for the first one). */
  buffer: Buffer | undefined;
  used: number;
  /** The shared memory that members are read from in place, if any. */
  shared: SharedArrayBuffer | undefined;
  /** Stored bytes of the members, copied or not. */
  bytes: number;
  readonly jobs: MemberJob[];
  /** The walk's index of each job's member, for ordering failures. */
  readonly indexes: number[];
  readonly done: Promise<void>;
  readonly finish: () => void;
}

/**
 * One extraction's traffic with a {@link MemberWorker}: members are gathered into batches as the
 * walk reaches them and sent once the batch is full (or at {@link flush}). A member of an archive
 * in shared memory is passed by reference (the worker reads it in place); any other is copied
 * into the batch's own buffer, which is then transferred. Failures are
 * kept by walk index, so that the error reported is the one a member-by-member extraction would
 * have met first, whichever thread found it.
 */
export class MemberBatches {
  readonly #worker: MemberWorker;
  readonly #describe: (index: number, failure: MemberFailure) => unknown;
  readonly #inFlight = new Set<Promise<void>>();
  #open: OpenBatch | undefined;
  #failure: { readonly index: number; readonly error: unknown } | undefined;
  /** Settles once the batch carrying the directories is done (they then exist, or it failed). */
  #directories: Promise<void> = Promise.resolve();

  constructor(worker: MemberWorker, describe: (index: number, failure: MemberFailure) => unknown) {
    this.#worker = worker;
    this.#describe = describe;
  }

  /** The first failure reported so far, in walk order. */
  get failure(): { readonly index: number; readonly error: unknown } | undefined {
    return this.#failure;
  }

  /**
   * Has the worker create `dirs` (absolute; recursively) before any member it writes. Call
   * before the first {@link add}.
   */
  createDirectories(dirs: readonly string[]): void {
    const open = this.#start();
    open.dirs.push(...dirs);
    this.#directories = open.done;
  }

  /**
   * Waits until the directories exist, for a member this thread writes itself. If their creation
   * failed, the failure is reported by {@link drain} (or {@link failure}).
   */
  async directoriesCreated(): Promise<void> {
    if (this.#open !== undefined && this.#open.dirs.length > 0) await this.flush();
    await this.#directories;
  }

  #start(): OpenBatch {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const open: OpenBatch = {
      dirs: [],
      buffer: undefined,
      used: 0,
      shared: undefined,
      bytes: 0,
      jobs: [],
      indexes: [],
      done,
      finish,
    };
    this.#open = open;
    return open;
  }

  /**
   * Queues member `index` (its stored bytes `data`) for the worker. `written` settles once it is
   * written or its batch failed (never rejecting: see {@link drain}). May first wait for room
   * in the worker.
   */
  async add(
    index: number,
    data: Buffer,
    job: Omit<MemberJob, "offset" | "length" | "shared">,
  ): Promise<{ readonly written: Promise<void> }> {
    const backing = data.buffer;
    const inPlace = backing instanceof SharedArrayBuffer;
    let open = this.#open;
    if (
      open !== undefined &&
      (inPlace
        ? open.shared !== undefined && open.shared !== backing
        : open.buffer !== undefined && open.used + data.length > open.buffer.length)
    ) {
      await this.flush();
      open = undefined;
    }
    open ??= this.#start();
    if (inPlace) {
      open.shared = backing;
      open.jobs.push({ ...job, offset: data.byteOffset, length: data.length, shared: true });
    } else {
      // Its own memory: the buffer is transferred to the worker, never shared with a pool.
      open.buffer ??= Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, data.length));
      data.copy(open.buffer, open.used);
      open.jobs.push({ ...job, offset: open.used, length: data.length, shared: false });
      open.used += data.length;
    }
    open.indexes.push(index);
    open.bytes += data.length;
    const done = open.done;
    if (open.jobs.length >= BATCH_JOBS || open.bytes >= BATCH_BYTES) await this.flush();
    return { written: done };
  }

  /** Sends the batch being gathered, if any. */
  async flush(): Promise<void> {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    const { dirs, buffer, shared, jobs, indexes, finish } = open;
    const first = dirs.length > 0 ? -1 : (indexes[0] ?? 0);
    let result: Promise<BatchResult>;
    try {
      // The whole backing store goes (zero-copy); jobs carry their offsets into it.
      const copied = buffer?.buffer as ArrayBuffer | undefined;
      ({ outcome: result } = await this.#worker.submit({ copied, shared }, jobs, dirs));
    } catch (error) {
      this.#fail(first, error);
      finish();
      return;
    }
    const tracked: Promise<void> = result
      .then(
        (outcome) => {
          if (outcome === undefined) return;
          const index = outcome.index === -1 ? -1 : (indexes[outcome.index] ?? first);
          this.#fail(index, this.#describe(index, outcome.failure));
        },
        (error: unknown) => this.#fail(first, error),
      )
      .finally(() => {
        this.#inFlight.delete(tracked);
        finish();
      });
    this.#inFlight.add(tracked);
  }

  /** Waits for every batch sent; never throws. Call before removing what they write into. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** Sends what is gathered, waits for everything, then throws the first failure, if any. */
  async drain(): Promise<void> {
    await this.flush();
    await this.settle();
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #fail(index: number, error: unknown): void {
    if (this.#failure === undefined || index < this.#failure.index) {
      this.#failure = { index, error };
    }
  }
}
