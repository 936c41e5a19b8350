import { dirname } from "node:path";
import type { MemberThreads } from "./member-threads.ts";
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
  readonly #threads: MemberThreads;
  /** The thread creating the directories, while they may not exist yet. */
  #directoryWorker: MemberWorker | undefined;
  /** Whether the directories batch is done (the directories exist, or it failed). */
  #directoriesDone = true;
  readonly #describe: (index: number, failure: MemberFailure) => unknown;
  readonly #inFlight = new Set<Promise<void>>();
  #open: OpenBatch | undefined;
  #failure: { readonly index: number; readonly error: unknown } | undefined;
  /** Settles once the batch carrying the directories is done (they then exist, or it failed). */
  #directories: Promise<void> = Promise.resolve();

  /** `threads`: at least one; each batch goes to the one {@link MemberThreads.pick} gives then. */
  constructor(
    threads: MemberThreads,
    describe: (index: number, failure: MemberFailure) => unknown,
  ) {
    if (threads.workers.length === 0) throw new Error("Member batches need a thread");
    this.#threads = threads;
    this.#describe = describe;
  }

  /** The first failure reported so far, in walk order. */
  get failure(): { readonly index: number; readonly error: unknown } | undefined {
    return this.#failure;
  }

  /**
   * Has the worker create `dirs` (absolute; recursively) before any member it writes. Call
   * before the first {@link push}: they go with the first batch of members, so that they cost
   * no message (and reply) of their own.
   */
  createDirectories(dirs: readonly string[]): void {
    const open = this.#start();
    open.dirs.push(...dirs);
    this.#directoriesDone = false;
    const done = open.done;
    this.#directories = done;
    void done.then(() => {
      if (this.#directories === done) {
        this.#directoriesDone = true;
        this.#directoryWorker = undefined;
      }
    });
  }

  /**
   * Waits until the directories exist, for a member this thread writes itself. If their creation
   * failed, the failure is kept in {@link failure}.
   */
  async directoriesCreated(): Promise<void> {
    // They go with the batch being gathered (see `createDirectories`): send it.
    if (this.#open !== undefined && this.#open.done === this.#directories) await this.flush();
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
   * Whether the batch being gathered must be sent ({@link flush}) before member bytes `data` can
   * join one: they live in other memory than it reads from, or do not fit its buffer.
   */
  mustFlushBefore(data: Buffer): boolean {
    const open = this.#open;
    if (open === undefined) return false;
    const backing = data.buffer;
    return backing instanceof SharedArrayBuffer
      ? open.shared !== undefined && open.shared !== backing
      : open.buffer !== undefined && open.used + data.length > open.buffer.length;
  }

  /** Whether the batch being gathered is big enough to be sent ({@link flush}). */
  get full(): boolean {
    const open = this.#open;
    return open !== undefined && (open.jobs.length >= BATCH_JOBS || open.bytes >= BATCH_BYTES);
  }

  /**
   * Queues member `index` (its stored bytes `data`) for the worker, without waiting: the caller
   * first sends the open batch if {@link mustFlushBefore} says so, and sends it afterwards once
   * {@link full}. Returns a promise that settles once the member is written or its batch failed
   * (never rejecting: failures are kept in {@link failure}).
   */
  push(
    index: number,
    data: Buffer,
    job: Omit<MemberJob, "offset" | "length" | "shared">,
  ): Promise<void> {
    // A job's offset would point into the wrong memory.
    if (this.mustFlushBefore(data)) throw new Error("The open batch must be sent first");
    const open = this.#open ?? this.#start();
    const { deflate, size, crc32, path, mode } = job;
    const backing = data.buffer;
    if (backing instanceof SharedArrayBuffer) {
      open.shared = backing;
      const offset = data.byteOffset;
      open.jobs.push({
        offset,
        length: data.length,
        shared: true,
        deflate,
        size,
        crc32,
        path,
        mode,
      });
    } else {
      // Its own memory: the buffer is transferred to the worker, never shared with a pool.
      open.buffer ??= Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, data.length));
      data.copy(open.buffer, open.used);
      const offset = open.used;
      open.jobs.push({
        offset,
        length: data.length,
        shared: false,
        deflate,
        size,
        crc32,
        path,
        mode,
      });
      open.used += data.length;
    }
    open.indexes.push(index);
    open.bytes += data.length;
    return open.done;
  }

  /** Sends the batch being gathered, if any. */
  async flush(): Promise<void> {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    const { buffer, shared, jobs, indexes, finish } = open;
    const first = open.dirs.length > 0 ? -1 : (indexes[0] ?? 0);
    let result: Promise<BatchResult>;
    try {
      ({ outcome: result } = await this.#threads.pick((worker) => {
        let dirs: readonly string[] = open.dirs;
        if (dirs.length > 0) {
          this.#directoryWorker = worker;
        } else if (!this.#directoriesDone && worker !== this.#directoryWorker) {
          // Another thread runs this batch, maybe before the directories batch is done (a thread
          // runs its own batches in order, others in parallel): it creates the members'
          // directories itself. Worked out here, for such a batch only.
          dirs = [...new Set(jobs.map((job) => dirname(job.path)))];
        }
        // The whole backing store goes (zero-copy); jobs carry their offsets into it.
        const copied = buffer?.buffer as ArrayBuffer | undefined;
        return worker.submit({ copied, shared }, jobs, dirs);
      }));
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

  #fail(index: number, error: unknown): void {
    if (this.#failure === undefined || index < this.#failure.index) {
      this.#failure = { index, error };
    }
  }
}
