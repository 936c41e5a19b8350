import type { MessagePort, Worker } from "node:worker_threads";
import {
  rebuildError,
  type SerializedError,
  type SpareThreads,
  startSourceThread,
  type ThreadData,
} from "@uv-ts/fs";

/** One member for the worker: where its stored bytes are in the batch, and what they must be. */
export interface MemberJob {
  /** Offset and length of the member's stored (compressed) bytes in the batch's memory. */
  readonly offset: number;
  readonly length: number;
  /** Whether they are in the batch's shared memory (else in its transferred buffer). */
  readonly shared: boolean;
  /** Whether the bytes are DEFLATE (else stored). */
  readonly deflate: boolean;
  /** The declared uncompressed size and CRC-32 (from the central directory). */
  readonly size: number;
  readonly crc32: number;
  /** Absolute path of the file to create (exclusively: it must not exist). */
  readonly path: string;
  readonly mode: number;
}

/** Why a member failed in the worker; the caller turns it into the extractor's error. */
export type MemberFailure =
  | { readonly kind: "inflate"; readonly message: string }
  | { readonly kind: "overrun" }
  | { readonly kind: "size"; readonly got: number }
  | { readonly kind: "compressed-size"; readonly got: number }
  | { readonly kind: "crc"; readonly got: number }
  | { readonly kind: "io"; readonly error: Error };

type WireFailure =
  | Exclude<MemberFailure, { kind: "io" }>
  | { readonly kind: "io"; readonly error: SerializedError };

/** The memory a batch's members are read from. */
export interface BatchMemory {
  /** Members copied for the batch; transferred to the worker, unusable here afterwards. */
  readonly copied?: ArrayBuffer | undefined;
  /** An archive in shared memory, read in place; it must not change until the batch is done. */
  readonly shared?: SharedArrayBuffer | undefined;
}

interface Batch {
  readonly id: number;
  readonly copied: ArrayBuffer | undefined;
  readonly shared: SharedArrayBuffer | undefined;
  /** Directories (absolute) to create, recursively, before the first job. */
  readonly dirs: readonly string[];
  /**
   * The jobs, packed: {@link JOB_FIELDS} numbers each (offset, length, size, CRC-32, mode, bit 0
   * shared, bit 1 deflate), and their paths joined by NUL (which no path contains). Cloning a
   * hundred small objects for each message cost the main thread more than the rest of it.
   */
  readonly table: Float64Array;
  readonly paths: string;
}

/** Numbers per job in {@link Batch.table}. */
const JOB_FIELDS = 6;

interface Reply {
  readonly id: number;
  /** The first job that failed (-1: a directory; the rest of the batch was skipped), if any. */
  readonly failed?: { readonly index: number; readonly failure: WireFailure };
  /** Members of the batch inflated by the worker's `fastInflater` (a diagnostic for tests). */
  readonly fast?: number;
}

/** The native side of a zlib stream, as Node's own synchronous path drives it (Node internals). */
interface ZlibHandle {
  onerror: unknown;
  reset(): void;
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
}

/**
 * The worker's whole program, run from its source text (`eval`) in the bundle and under the test
 * runner alike, so it must be self-contained: no imports, only what `load` gives. For each job
 * it does what the extractor does inline for a small member: inflate with the declared size as
 * a cap, require the exact size, the exact compressed length consumed and the CRC-32, then
 * create the file exclusively. The first failure ends the batch.
 */
function workerMain(load: (id: string) => unknown, data: ThreadData): void {
  const fs = load("node:fs") as typeof import("node:fs");
  const zlib = load("node:zlib") as typeof import("node:zlib");
  const { port, state } = data;
  // The module's constants are out of reach here; the extractor's inline path uses the same.
  const slack = 1024 * 1024;
  const serialize = (error: unknown): SerializedError => {
    const e = error as NodeJS.ErrnoException;
    return {
      message: String(e?.message ?? error),
      ...(e?.code === undefined ? {} : { code: e.code }),
      ...(e?.errno === undefined ? {} : { errno: e.errno }),
      ...(e?.syscall === undefined ? {} : { syscall: e.syscall }),
      ...(e?.path === undefined ? {} : { path: e.path }),
    };
  };
  /**
   * One raw-inflate engine for a whole thread: `inflateRawSync` builds a stream object (Transform,
   * Duplex, their states, a native handle) per call and tears it down, which was most of the
   * unpacking threads' JS time over a cold install's ~3,500 members. This drives one native handle
   * directly, as Node's `processChunkSync` does: reset, one `writeSync` with `Z_FINISH`, then the
   * output and input left (`_writeState`). The result is `true` only when the stream ended with
   * exactly `outputLength - 1` bytes out and all of `input` consumed; the caller redoes anything
   * else the usual way. `undefined` when this Node lacks those internals or they misbehave on a
   * probe. Measured (Node 20, 2 cores): inflating the trio wheels' 3,495 deflated members in one
   * thread took ~40 ms less user CPU; cold installs, trio 30-165 ms less CPU (4 batches), jupyter
   * 130-180 ms less wall and 310-420 ms less CPU (2 batches).
   */
  const fastInflater = ():
    | ((input: Uint8Array, output: Uint8Array, outputLength: number) => boolean)
    | undefined => {
    try {
      const engine = zlib.createInflateRaw() as unknown as {
        _handle?: Partial<ZlibHandle>;
        _writeState?: unknown;
      };
      const handle = engine._handle;
      const state = engine._writeState;
      if (
        handle === undefined ||
        typeof handle.writeSync !== "function" ||
        typeof handle.reset !== "function" ||
        !(state instanceof Uint32Array) ||
        state.length < 2
      ) {
        return undefined;
      }
      const native = handle as ZlibHandle;
      const finish = zlib.constants.Z_FINISH;
      let failed = false;
      // Ours instead of the stream's: that one destroys the stream (closing the handle) on the
      // first corrupt member, and then the engine could not be reused.
      native.onerror = () => {
        failed = true;
      };
      const inflate = (input: Uint8Array, output: Uint8Array, outputLength: number): boolean => {
        failed = false;
        native.reset();
        if (failed) return false;
        // Without Z_STREAM_END, Z_FINISH makes zlib report Z_BUF_ERROR, which the handle turns
        // into an error ("unexpected end of file") unless the output is full: so no error and
        // output left means the stream ended.
        native.writeSync(finish, input, 0, input.length, output, 0, outputLength);
        return !failed && state[0] === 1 && state[1] === 0;
      };
      // "uv-ts", deflated; then a truncated copy, which must fail and leave the engine usable.
      const probe = Uint8Array.of(0x2b, 0x2d, 0xd3, 0x2d, 0x29, 0x06, 0x00);
      const out = new Uint8Array(6);
      if (inflate(probe.subarray(0, 3), out, 6)) return undefined;
      if (!inflate(probe, out, 6) || Buffer.from(out.subarray(0, 5)).toString() !== "uv-ts") {
        return undefined;
      }
      return inflate;
    } catch {
      return undefined;
    }
  };
  const fast = fastInflater();
  let fastCount = 0;
  // Output of the fast path, reused from member to member: a fresh buffer per member cost page
  // faults (about as much user CPU, more system time in a micro-benchmark). Members above the
  // cap get their own buffer, so the thread keeps little memory.
  const scratchCap = 4 * 1024 * 1024;
  let scratch = Buffer.allocUnsafe(64 * 1024);
  const run = (copied: Buffer, shared: Buffer, job: MemberJob): WireFailure | undefined => {
    const input = (job.shared ? shared : copied).subarray(job.offset, job.offset + job.length);
    let output = input;
    let consumed = input.length;
    let inflated = false;
    if (job.deflate && fast !== undefined) {
      if (job.size + 1 > scratch.length && job.size + 1 <= scratchCap) {
        scratch = Buffer.allocUnsafe(
          Math.min(scratchCap, Math.max(job.size + 1, scratch.length * 2)),
        );
      }
      const out = job.size + 1 <= scratch.length ? scratch : Buffer.allocUnsafe(job.size + 1);
      // Taken only when it is exactly what the checks below accept; anything else (an error,
      // a wrong size, bytes left over) goes the slow way, which then fails as it always has.
      if (fast(input, out, job.size + 1)) {
        output = out.subarray(0, job.size);
        inflated = true;
        fastCount++;
      }
    }
    if (job.deflate && !inflated) {
      try {
        // One output chunk for the whole member (see the extractor's `outputChunkSize`).
        const chunkSize = Math.max(zlib.constants.Z_MIN_CHUNK, job.size + 1);
        const options = { info: true, chunkSize, maxOutputLength: job.size + slack };
        const result = zlib.inflateRawSync(input, options as import("node:zlib").ZlibOptions) as
          | Buffer
          | { buffer: Buffer; engine: { bytesWritten: number } };
        if (Buffer.isBuffer(result)) throw new Error("zlib returned no stream information");
        output = result.buffer;
        consumed = result.engine.bytesWritten;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
          return { kind: "overrun" };
        }
        return { kind: "inflate", message: (error as Error).message };
      }
    }
    if (output.length !== job.size) return { kind: "size", got: output.length };
    if (consumed !== input.length) return { kind: "compressed-size", got: consumed };
    const crc = zlib.crc32(output);
    if (crc !== job.crc32) return { kind: "crc", got: crc };
    try {
      fs.writeFileSync(job.path, output, { flag: "wx", mode: job.mode });
    } catch (error) {
      return { kind: "io", error: serialize(error) };
    }
    return undefined;
  };
  port.on("message", (batch: Batch) => {
    const copied = batch.copied === undefined ? Buffer.alloc(0) : Buffer.from(batch.copied);
    const shared = batch.shared === undefined ? Buffer.alloc(0) : Buffer.from(batch.shared);
    // The same layout as the sender's (`JOB_FIELDS` is out of reach here).
    const { table } = batch;
    const paths = table.length === 0 ? [] : batch.paths.split("\0");
    const jobs: MemberJob[] = paths.map((path, i) => {
      const at = i * 6;
      const bits = table[at + 5] as number;
      return {
        offset: table[at] as number,
        length: table[at + 1] as number,
        size: table[at + 2] as number,
        crc32: table[at + 3] as number,
        mode: table[at + 4] as number,
        shared: (bits & 1) !== 0,
        deflate: (bits & 2) !== 0,
        path,
      };
    });
    let failed: Reply["failed"];
    for (const dir of batch.dirs) {
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (error) {
        failed = { index: -1, failure: { kind: "io", error: serialize(error) } };
        break;
      }
    }
    for (let i = 0; failed === undefined && i < jobs.length; i++) {
      const failure = run(copied, shared, jobs[i] as MemberJob);
      if (failure !== undefined) {
        failed = { index: i, failure };
        break;
      }
    }
    const reply: Reply = {
      id: batch.id,
      fast: fastCount,
      ...(failed === undefined ? {} : { failed }),
    };
    fastCount = 0;
    port.postMessage(reply);
  });
  Atomics.store(state, 0, 1);
  port.postMessage({ id: -1 });
}

/**
 * An estimate of the time a member takes to write, in bytes of output: inflating is about
 * proportional to the size, and creating a file costs about as much as inflating 16 KiB.
 */
export function memberWork(size: number): number {
  return size + 16 * 1024;
}

/** The outcome of a batch: `undefined`, or the first job that failed and why. */
export type BatchResult = { readonly index: number; readonly failure: MemberFailure } | undefined;

/**
 * A second thread that inflates, checks and writes the small members of ZIP archives, so that
 * on two cores the decompression and the file creation (most of a cold install's CPU) run beside
 * the main thread's downloads, hashing and archive walking. A member's bytes only reach it after
 * the main thread has checked its local header against the central directory; the worker then
 * applies exactly the checks the inline path applies (declared size as a hard cap, exact
 * consumed length, CRC-32) before creating the file.
 *
 * Work is sent in batches (one message per batch, its bytes transferred, or read in place from
 * shared memory, never copied by the message) because a message per member would cost the main
 * thread more than inflating the member itself. Start it
 * early: until {@link ready}, extractions do the work inline. It never keeps the process alive
 * by itself; {@link close} stops it.
 */
export class MemberWorker {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #state: Int32Array;
  readonly #pending = new Map<
    number,
    {
      resolve: (result: BatchResult) => void;
      reject: (error: unknown) => void;
      bytes: number;
      work: number;
      jobs: number;
    }
  >();
  readonly #maxBytes: number;
  #bytes = 0;
  #work = 0;
  #waiters: (() => void)[] = [];
  #nextId = 0;
  #stopped: Error | undefined;
  #written = 0;
  #fastInflated = 0;
  #waitingForReady = false;
  readonly #ready: Promise<boolean>;
  #onReady: ((ready: boolean) => void) | undefined;

  private constructor(worker: Worker, port: MessagePort, state: Int32Array, maxBytes: number) {
    this.#worker = worker;
    this.#port = port;
    this.#state = state;
    this.#maxBytes = maxBytes;
    this.#ready = new Promise<boolean>((resolve) => (this.#onReady = resolve));
    port.on("message", (reply: Reply) => this.#settle(reply));
    port.unref();
    worker.unref();
    worker.on("error", (error) => this.#stop(error));
    worker.on("exit", (code) =>
      this.#stop(new Error(`The extract worker exited with code ${code}`)),
    );
  }

  /**
   * Starts the thread, on one of `spares` when there is one (see `SpareThreads`); `undefined`
   * when threads are unavailable here. At most about `maxBytes` of batches (stored plus declared
   * sizes) are in flight; {@link submit} waits beyond that.
   */
  static start(maxBytes = 64 * 1024 * 1024, spares?: SpareThreads): MemberWorker | undefined {
    const thread = startSourceThread(workerMain, 1, spares);
    return thread === undefined
      ? undefined
      : new MemberWorker(thread.worker, thread.port, thread.state, maxBytes);
  }

  /** Whether the thread is up and taking work. */
  get ready(): boolean {
    return this.#stopped === undefined && Atomics.load(this.#state, 0) === 1;
  }

  /** Whether the thread is still starting (neither up nor stopped). */
  get starting(): boolean {
    return this.#stopped === undefined && Atomics.load(this.#state, 0) !== 1;
  }

  /** Settles at the next change of {@link backlog} or {@link ready}: a batch done, start-up, stop. */
  changed(): Promise<void> {
    return new Promise<void>((wake) => this.#waiters.push(wake));
  }

  /**
   * Settles once the thread is up (`true`) or failed to start (`false`); the process stays alive
   * for it meanwhile. Extractions need not wait for it.
   */
  whenReady(): Promise<boolean> {
    if (this.#onReady !== undefined) {
      this.#port.ref();
      this.#waitingForReady = true;
    }
    return this.#ready;
  }

  /**
   * The work handed over and not finished yet, in {@link memberWork} units: an archive goes to
   * the least busy of several workers.
   */
  get backlog(): number {
    return this.#work;
  }

  /** Members the thread has written (a diagnostic for tests). */
  get written(): number {
    return this.#written;
  }

  /** Members the thread inflated on its one reused engine (a diagnostic for tests). */
  get fastInflated(): number {
    return this.#fastInflated;
  }

  /**
   * Hands over `jobs`, whose bytes are in `memory`, after creating `dirs`. Waits first while too
   * much is in flight; `outcome` is the batch's result, and rejects only when the thread
   * stopped (the members were then not all written).
   */
  async submit(
    memory: BatchMemory,
    jobs: readonly MemberJob[],
    dirs: readonly string[] = [],
  ): Promise<{ readonly outcome: Promise<BatchResult> }> {
    const table = new Float64Array(jobs.length * JOB_FIELDS);
    const paths: string[] = [];
    let cost = memory.copied?.byteLength ?? 0;
    let work = 0;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i] as MemberJob;
      // No file name holds a NUL; one here would shift every later job's path.
      if (job.path.includes("\0")) throw new Error(`A path to write contains a NUL: ${job.path}`);
      const at = i * JOB_FIELDS;
      table[at] = job.offset;
      table[at + 1] = job.length;
      table[at + 2] = job.size;
      table[at + 3] = job.crc32;
      table[at + 4] = job.mode;
      table[at + 5] = (job.shared ? 1 : 0) | (job.deflate ? 2 : 0);
      paths.push(job.path);
      cost += job.size;
      work += memberWork(job.size);
    }
    while (this.#stopped === undefined && this.#bytes > 0 && this.#bytes + cost > this.#maxBytes) {
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
    if (this.#stopped !== undefined) throw this.#stopped;
    const id = this.#nextId++;
    const result = new Promise<BatchResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, bytes: cost, work, jobs: jobs.length });
    });
    if (this.#pending.size === 1) this.#port.ref();
    this.#bytes += cost;
    this.#work += work;
    const { copied, shared } = memory;
    const batch: Batch = { id, copied, shared, dirs, table, paths: paths.join("\0") };
    const transfer = copied === undefined ? [table.buffer] : [copied, table.buffer];
    this.#port.postMessage(batch, transfer);
    return { outcome: result };
  }

  /** Stops the thread; batches in flight reject. */
  close(): void {
    this.#stop(new Error("The extract worker was closed"));
    this.#port.close();
    void this.#worker.terminate();
  }

  #stop(error: Error): void {
    this.#stopped ??= error;
    this.#onReady?.(false);
    this.#onReady = undefined;
    for (const { reject } of this.#pending.values()) reject(this.#stopped);
    this.#pending.clear();
    this.#bytes = 0;
    this.#work = 0;
    this.#wake();
    this.#port.unref();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #settle(reply: Reply): void {
    if (reply.id === -1) {
      this.#onReady?.(this.#stopped === undefined);
      this.#onReady = undefined;
      if (this.#waitingForReady && this.#pending.size === 0) this.#port.unref();
      this.#waitingForReady = false;
      this.#wake();
      return;
    }
    const entry = this.#pending.get(reply.id);
    if (entry === undefined) return;
    this.#pending.delete(reply.id);
    this.#bytes -= entry.bytes;
    this.#work -= entry.work;
    if (this.#pending.size === 0) this.#port.unref();
    this.#wake();
    const failed = reply.failed;
    this.#fastInflated += reply.fast ?? 0;
    this.#written += failed === undefined ? entry.jobs : Math.max(0, failed.index);
    if (failed === undefined) {
      entry.resolve(undefined);
      return;
    }
    const wire = failed.failure;
    const failure: MemberFailure =
      wire.kind === "io" ? { kind: "io", error: rebuildError(wire.error) } : wire;
    entry.resolve({ index: failed.index, failure });
  }
}
