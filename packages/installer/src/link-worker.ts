import type { MessagePort, Worker } from "node:worker_threads";
import { type LinkMode, rebuildError, type SerializedError, startSourceThread } from "@uv-ts/fs";

/** What went wrong with one file of a chunk the worker linked. */
export interface LinkWorkerFailure {
  /** `mkdir` for a parent directory, `link` for the file itself (through the link mode). */
  readonly op: "mkdir" | "link";
  readonly src: string;
  readonly dst: string;
  /** The file system error, rebuilt with the message and fields the worker saw. */
  readonly error: Error;
}

/** A chunk the worker could not finish (rejects {@link LinkWorker.link}). */
export class LinkWorkerError extends Error {
  readonly failure: LinkWorkerFailure;
  constructor(failure: LinkWorkerFailure) {
    super(failure.error.message);
    this.failure = failure;
  }
}

interface Chunk {
  readonly id: number;
  /** The chunk's claim slot in the shared state (see {@link LinkWorker.steal}). */
  readonly slot: number;
  readonly mode: LinkMode;
  readonly src: string;
  readonly dst: string;
  /**
   * The relative paths, joined by NUL (which no path holds): one string crosses to the thread
   * much faster than an array of thousands.
   */
  readonly rels: string;
  /** Directories (below `dst`) to create, each just before the file at the same index of `at`. */
  readonly dirs: string;
  readonly at: readonly number[];
}

interface Reply {
  readonly id: number;
  /** The main thread claimed the chunk first and linked it itself. */
  readonly skipped?: true;
  readonly failure?: {
    readonly op: "mkdir" | "link";
    readonly src: string;
    readonly dst: string;
    readonly error: SerializedError;
  };
}

interface WorkerData {
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/** `state` slots shared with the worker (which has its own copy of these numbers). */
const READY = 0;
const DONE = 1;
/**
 * Then one claim slot per chunk in flight, reused round robin: 0 while unclaimed, then 1 when the
 * worker took the chunk, or {@link BY_MAIN}, whichever thread won the compare-and-swap.
 */
const FIRST_CLAIM = 2;
const CLAIM_SLOTS = 4096;
const BY_MAIN = 2;

/**
 * The worker's whole program. It runs from its source text (`eval`), in the bundle and under the
 * test runner alike, so it must be self-contained: no imports, only what `load` (the worker's
 * `require`) gives. It mirrors what the installer does on the main thread for one file: create
 * the parents (an existing directory is fine; anything else gets the recursive call's verdict),
 * then link with the given mode, replacing an existing file through a temporary sibling.
 */
function workerMain(load: (id: string) => unknown): void {
  const threads = load("node:worker_threads") as typeof import("node:worker_threads");
  const fs = load("node:fs") as typeof import("node:fs");
  const { port, state } = threads.workerData as WorkerData;
  // The module's constants are out of reach here.
  const ready = 0;
  const done = 1;
  const create: Record<LinkMode, (src: string, dst: string) => void> = {
    clone: (src, dst) =>
      fs.copyFileSync(src, dst, fs.constants.COPYFILE_FICLONE_FORCE | fs.constants.COPYFILE_EXCL),
    hardlink: (src, dst) => fs.linkSync(src, dst),
    symlink: (src, dst) => fs.symlinkSync(src, dst),
    copy: (src, dst) => fs.copyFileSync(src, dst, fs.constants.COPYFILE_EXCL),
  };
  const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;
  const makeDir = (path: string) => {
    try {
      fs.mkdirSync(path);
    } catch (error) {
      const code = codeOf(error);
      if (code !== "EEXIST" && code !== "ENOENT") throw error;
      fs.mkdirSync(path, { recursive: true });
    }
  };
  const place = (op: (src: string, dst: string) => void, src: string, dst: string) => {
    try {
      op(src, dst);
      return;
    } catch (error) {
      if (codeOf(error) !== "EEXIST") throw error;
    }
    const slash = dst.lastIndexOf("/");
    const temp = `${dst.slice(0, slash + 1)}.${dst.slice(slash + 1)}.${Math.random().toString(16).slice(2, 14)}.tmp`;
    op(src, temp);
    try {
      fs.renameSync(temp, dst);
    } catch (error) {
      try {
        fs.unlinkSync(temp);
      } catch {
        // The rename error is the one worth reporting.
      }
      throw error;
    }
  };
  const serialize = (error: unknown) => {
    const e = error as NodeJS.ErrnoException & { dest?: string };
    return {
      message: String(e?.message ?? error),
      ...(e?.code === undefined ? {} : { code: e.code }),
      ...(e?.errno === undefined ? {} : { errno: e.errno }),
      ...(e?.syscall === undefined ? {} : { syscall: e.syscall }),
      ...(e?.path === undefined ? {} : { path: e.path }),
      ...(e?.dest === undefined ? {} : { dest: e.dest }),
    };
  };
  port.on("message", (chunk: Chunk) => {
    // Claimed by the main thread meanwhile (the value stands for `BY_WORKER`): it linked the
    // chunk itself, nothing to do but say so.
    if (Atomics.compareExchange(state, chunk.slot, 0, 1) !== 0) {
      port.postMessage({ id: chunk.id, skipped: true });
      return;
    }
    const rels = chunk.rels.split("\0");
    // As many directories as positions (one may be "", the destination itself).
    const dirs = chunk.at.length === 0 ? [] : chunk.dirs.split("\0");
    const { at } = chunk;
    const op = create[chunk.mode];
    let failure: Reply["failure"];
    let next = 0;
    for (let i = 0; i < rels.length; i++) {
      const src = `${chunk.src}/${rels[i]}`;
      const dst = `${chunk.dst}/${rels[i]}`;
      try {
        while (next < dirs.length && at[next] === i) makeDir(`${chunk.dst}/${dirs[next++]}`);
      } catch (error) {
        failure = { op: "mkdir", src, dst, error: serialize(error) };
        break;
      }
      try {
        place(op, src, dst);
      } catch (error) {
        failure = { op: "link", src, dst, error: serialize(error) };
        break;
      }
    }
    Atomics.add(state, done, rels.length);
    port.postMessage(failure === undefined ? { id: chunk.id } : { id: chunk.id, failure });
  });
  Atomics.store(state, ready, 1);
}

/** A chunk handed over and not yet answered by the worker. */
interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly size: number;
  /** Links the chunk on this thread instead, never throwing; dropped once claimed. */
  local: (() => void) | undefined;
}

/**
 * A second thread that hard links (or clones, copies, symlinks) files for the installer, as uv
 * spreads a wheel install over its thread pool. Linking is system calls, and one thread issues
 * them only so fast; on two cores, a second thread doing part of the links (and their
 * directories) nearly halves that time, while the main thread does the rest of the install.
 *
 * Starting the thread costs the main thread a few milliseconds and the worker some tens of
 * milliseconds before it can take work: start it early, and hand it work only once
 * {@link ready}. Chunks are plain path lists, so the worker needs none of the installer's code.
 * Close it when done; it never keeps the process alive by itself.
 *
 * The main thread hands over every chunk it can, and when it runs out of work of its own it
 * takes back the newest chunks the worker has not started ({@link steal}): the two threads then
 * meet in the middle of the queue, neither idle while links remain.
 */
export class LinkWorker {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #state: Int32Array;
  readonly #pending = new Map<number, Pending>();
  /** Chunks with a local fallback, oldest first: what {@link steal} may take back. */
  #stealable: number[] = [];
  #submitted = 0;
  #nextId = 0;
  #stopped: Error | undefined;

  private constructor(worker: Worker, port: MessagePort, state: Int32Array) {
    this.#worker = worker;
    this.#port = port;
    this.#state = state;
    port.on("message", (reply: Reply) => this.#settle(reply));
    port.unref();
    worker.unref();
    const stop = (error: Error) => {
      this.#stopped ??= error;
      for (const { reject } of this.#pending.values()) reject(this.#stopped);
      this.#pending.clear();
      this.#stealable = [];
      this.#port.unref();
    };
    worker.on("error", stop);
    worker.on("exit", (code) => stop(new Error(`The link worker exited with code ${code}`)));
  }

  /** Starts the thread; `undefined` when threads are unavailable here. */
  static start(): LinkWorker | undefined {
    const thread = startSourceThread(workerMain, FIRST_CLAIM + CLAIM_SLOTS);
    return thread === undefined
      ? undefined
      : new LinkWorker(thread.worker, thread.port, thread.state);
  }

  /** Whether the thread is up and taking work (it has room for another chunk). */
  get ready(): boolean {
    return (
      this.#stopped === undefined &&
      this.#pending.size < CLAIM_SLOTS &&
      Atomics.load(this.#state, READY) === 1
    );
  }

  /** Files handed over and not linked yet (nor taken back). */
  get backlog(): number {
    return this.#submitted - Atomics.load(this.#state, DONE);
  }

  /**
   * Links `<src>/<rel>` to `<dst>/<rel>` for each of `rels` (clean `/`-separated relative paths),
   * in order, creating each of `dirs` (below `dst`, parents first) just before the file at the
   * same index of `at`; a directory that exists already is fine. Rejects with a
   * {@link LinkWorkerError} naming the first file that failed; the rest of the chunk is then
   * skipped. Chunks are worked through in the order they are handed over.
   *
   * With `local`, the chunk may be taken back by {@link steal}, which runs `local` on this thread
   * instead (it must not throw, and must not count on anything an earlier chunk does, as it may
   * run before those) and then resolves.
   */
  link(
    mode: LinkMode,
    src: string,
    dst: string,
    rels: readonly string[],
    dirs: readonly string[] = [],
    at: readonly number[] = [],
    local?: () => void,
  ): Promise<void> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    if (rels.length === 0) return Promise.resolve();
    const id = this.#nextId++;
    // Free: the chunk that had it last was answered (there are never more in flight).
    const slot = FIRST_CLAIM + (id % CLAIM_SLOTS);
    Atomics.store(this.#state, slot, 0);
    const chunk: Chunk = {
      id,
      slot,
      mode,
      src,
      dst,
      rels: rels.join("\0"),
      dirs: dirs.join("\0"),
      at,
    };
    const promise = new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, size: rels.length, local });
    });
    if (local !== undefined) this.#stealable.push(id);
    if (this.#pending.size === 1) this.#port.ref();
    this.#submitted += rels.length;
    this.#port.postMessage(chunk);
    return promise;
  }

  /**
   * Takes back the newest chunk the worker has not started, if it has a local fallback, and
   * runs that here (then its promise resolves). `false` when there is none: the worker has
   * started every chunk, since it takes them in order.
   */
  steal(): boolean {
    const stealable = this.#stealable;
    while (stealable.length > 0) {
      const id = stealable.pop()!;
      const entry = this.#pending.get(id);
      if (entry?.local === undefined) continue;
      const slot = FIRST_CLAIM + (id % CLAIM_SLOTS);
      if (Atomics.compareExchange(this.#state, slot, 0, BY_MAIN) !== 0) {
        // The worker has this one, so every older one too.
        stealable.length = 0;
        return false;
      }
      const local = entry.local;
      entry.local = undefined;
      this.#submitted -= entry.size;
      local();
      entry.resolve();
      return true;
    }
    return false;
  }

  /** Stops the thread (chunks still queued are dropped). */
  close(): void {
    this.#stopped ??= new Error("The link worker was closed");
    for (const { reject } of this.#pending.values()) reject(this.#stopped);
    this.#pending.clear();
    this.#stealable = [];
    this.#port.close();
    void this.#worker.terminate();
  }

  #settle(reply: Reply): void {
    const entry = this.#pending.get(reply.id);
    if (entry === undefined) return;
    // A stolen chunk keeps its slot until the worker has seen it, and is settled already.
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#port.unref();
    if (reply.skipped === true) return;
    entry.local = undefined;
    if (reply.failure === undefined) {
      entry.resolve();
    } else {
      const { op, src, dst, error } = reply.failure;
      entry.reject(new LinkWorkerError({ op, src, dst, error: rebuildError(error) }));
    }
  }
}
