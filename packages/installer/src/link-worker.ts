import type { MessagePort, Worker } from "node:worker_threads";
import {
  type LinkMode,
  rebuildError,
  type SerializedError,
  type SpareThreads,
  startSourceThread,
  type ThreadData,
  type ThreadHelpers,
} from "@uv-ts/fs";
import { moveTree } from "./move-tree.ts";

/** What went wrong with one file of a chunk the worker linked. */
export interface LinkWorkerFailure {
  /**
   * `mkdir` for a parent directory, `link` for the file itself (through the link mode),
   * `remove` for a directory {@link LinkWorker.remove} was asked to remove, `commit` for a step
   * of {@link LinkWorker.commit} (`src` and `dst` then name the path it failed at).
   */
  readonly op: "mkdir" | "link" | "remove" | "commit";
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

/**
 * A wheel to link ahead from its cache pointer (see {@link LinkWorker.prelinkPointer}): the
 * thread reads the pointer and the archive's listing itself.
 */
interface PointerJob {
  readonly kind: "pointer";
  readonly id: number;
  /** The job's claim slot, as a chunk's (see {@link LinkWorker.cancelOptional}). */
  readonly slot: number;
  readonly mode: LinkMode;
  readonly pointer: string;
  readonly filename: string;
  readonly version: number;
  readonly archiveRoot: string;
  readonly dst: string;
  /** Files to write into the dist-info directory linked (name, then content). */
  readonly generated: readonly (readonly [file: string, content: string])[];
}

/** A directory to remove with everything below it (see {@link LinkWorker.remove}). */
interface RemoveJob {
  readonly kind: "remove";
  readonly id: number;
  /** The job's claim slot, as a chunk's. */
  readonly slot: number;
  readonly path: string;
}

/**
 * One step of a wheel's commit (see {@link LinkWorker.commit}): what the install does on this
 * thread after its staging directory's RECORD is known, the same way.
 */
export type CommitStep =
  /**
   * Renames the dist-info directory linked ahead (`from`) to the staging directory (`to`). If
   * that fails, the commit stops there (`stopped: "ahead"`): nothing was changed.
   */
  | { readonly kind: "ahead"; readonly from: string; readonly to: string }
  | { readonly kind: "unlink"; readonly path: string }
  /** Creates a file that must not exist yet (`wx`). */
  | { readonly kind: "create"; readonly path: string; readonly content: string }
  /**
   * Moves the tree `from` (holding exactly `rels`, joined by NUL) into `to` (see `moveTree`),
   * then, with `prune`, removes the directories of `from` it left empty. If the move fails, what
   * was moved is put back and the commit stops there (`stopped: "move"`).
   */
  | {
      readonly kind: "move";
      readonly from: string;
      readonly to: string;
      readonly rels: string;
      readonly prune?: boolean;
    }
  /** Creates a directory and its parents, unless it exists. */
  | { readonly kind: "mkdir"; readonly path: string }
  /** Writes an executable file through the temporary sibling `temp`. */
  | {
      readonly kind: "script";
      readonly path: string;
      readonly temp: string;
      readonly content: string;
    }
  /** Removes the directory `to` if there is one, then renames `from` to it. */
  | { readonly kind: "finish"; readonly from: string; readonly to: string };

/** How a {@link LinkWorker.commit} ended: every step taken, or `stopped` at one (see there). */
export interface CommitOutcome {
  readonly stopped?: "ahead" | "move";
}

/** A wheel's commit (see {@link LinkWorker.commit}). */
interface CommitJob {
  readonly kind: "commit";
  readonly id: number;
  /** The job's claim slot, as a chunk's (never claimed by the main thread). */
  readonly slot: number;
  readonly steps: readonly CommitStep[];
}

/** What the thread is given besides its data (see `startSourceThread`). */
interface WorkerHelpers extends ThreadHelpers {
  readonly moveTree: typeof moveTree;
}

/** What a {@link PointerJob} linked: the archive's root files, all of them. */
export interface PointerPrelink {
  /** The archive directory linked from. */
  readonly source: string;
  /** Its dist-info prefix. */
  readonly prefix: string;
  /** How many root files (all but the dist-info and data directories) were linked. */
  readonly count: number;
  /** How many files of the dist-info directory (all but its RECORD) were linked, below it. */
  readonly distInfo: number;
  /**
   * The files written into that directory besides (name, then content): those asked for that
   * the wheel does not hold itself.
   */
  readonly generated: readonly (readonly [file: string, content: string])[];
  /**
   * Whether the dist-info directory is the tree's directory itself: its files at the top,
   * beside the root's top-level entries (none of which has the name of one of them). The
   * install then renames the whole tree to its staging directory and moves the root's entries
   * out of that, which leaves no directory behind to remove. Otherwise the dist-info directory
   * is `<prefix>.dist-info` below it.
   */
  readonly flat: boolean;
}

interface Reply {
  readonly id: number;
  /** A pointer job's outcome; `null` when the pointer was not usable (nothing linked). */
  readonly prelink?: PointerPrelink | null;
  /** A commit's outcome. */
  readonly commit?: CommitOutcome;
  /** The main thread claimed the chunk or job first (and linked it itself, or cancelled it). */
  readonly skipped?: true;
  readonly failure?: {
    readonly op: LinkWorkerFailure["op"];
    readonly src: string;
    readonly dst: string;
    readonly error: SerializedError;
  };
}

/** `state` slots shared with the worker (which has its own copy of these numbers). */
const READY = 0;
const DONE = 1;
/** A nice value for the thread (0: as the process), applied before its next message. */
const NICE = 3;
/**
 * Then one claim slot per chunk or pointer job in flight, reused round robin: 0 while unclaimed,
 * then 1 when the worker took it, or {@link BY_MAIN}, whichever thread won the compare-and-swap.
 * (Slot 2 is unused.)
 */
const FIRST_CLAIM = 4;
const CLAIM_SLOTS = 4096;
const BY_MAIN = 2;

/**
 * The worker's whole program. It runs from its source text (`eval`), in the bundle and under the
 * test runner alike, so it must be self-contained: no imports, only what `load` (the worker's
 * `require`) gives. It mirrors what the installer does on the main thread for one file: create
 * the parents (an existing directory is fine; anything else gets the recursive call's verdict),
 * then link with the given mode, replacing an existing file through a temporary sibling.
 */
function workerMain(load: (id: string) => unknown, data: ThreadData, helpers: WorkerHelpers): void {
  const fs = load("node:fs") as typeof import("node:fs");
  const { port, state } = data;
  // The module's constants are out of reach here.
  const ready = 0;
  const done = 1;
  const nice = 3;
  const os = load("node:os") as typeof import("node:os");
  let niced = 0;
  // Linux gives each thread its own nice value: `/proc/thread-self` names this thread's id.
  const applyNice = () => {
    const wanted = Atomics.load(state, nice);
    if (wanted === niced) return;
    niced = wanted;
    try {
      const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
      if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, wanted);
    } catch {
      // Elsewhere the thread keeps the process's priority.
    }
  };
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
  // A pointer's listing holds clean relative paths only: no empty, `.` or `..` segment, no
  // backslash or NUL (the cache's own reader checks the same).
  const unsafe = /[\\\0]|(?:^|\/)\.{0,2}(?:\/|$)/;
  const linkFromPointer = (job: PointerJob): void => {
    const skip = () => port.postMessage({ id: job.id, prelink: null });
    let listing: { version?: unknown; archive?: unknown; filename?: unknown; files?: unknown };
    try {
      listing = JSON.parse(fs.readFileSync(job.pointer, "utf8"));
    } catch {
      skip();
      return;
    }
    const { archive, files } = listing ?? {};
    if (
      listing?.version !== job.version ||
      listing.filename !== job.filename ||
      typeof archive !== "string" ||
      !/^[A-Za-z0-9_-]{1,64}$/.test(archive) ||
      !Array.isArray(files) ||
      !files.every((f) => typeof f === "string" && !unsafe.test(f))
    ) {
      skip();
      return;
    }
    const source = `${job.archiveRoot}/${archive}`;
    let prefix: string | undefined;
    for (const f of files as string[]) {
      const slash = f.indexOf("/");
      if (slash === -1) continue;
      const top = f.slice(0, slash);
      if (!top.endsWith(".dist-info")) continue;
      const found = top.slice(0, -".dist-info".length);
      if (prefix !== undefined && prefix !== found) {
        skip();
        return;
      }
      prefix = found;
    }
    try {
      if (prefix === undefined || !fs.lstatSync(source).isDirectory()) {
        skip();
        return;
      }
    } catch {
      skip();
      return;
    }
    const distInfo = `${prefix}.dist-info/`;
    const dataName = `${prefix}.data`;
    const data = `${dataName}/`;
    const op = create[job.mode];
    // Flat (see `PointerPrelink.flat`) unless a top-level name would be taken twice.
    const rootNames = new Set<string>();
    const distInfoNames = new Set<string>();
    for (const f of files as string[]) {
      if (f === dataName || f.startsWith(data)) continue;
      const inDistInfo = f.startsWith(distInfo);
      const rel = inDistInfo ? f.slice(distInfo.length) : f;
      const slash = rel.indexOf("/");
      (inDistInfo ? distInfoNames : rootNames).add(slash === -1 ? rel : rel.slice(0, slash));
    }
    for (const [file] of job.generated) distInfoNames.add(file);
    let flat = true;
    for (const name of distInfoNames) if (rootNames.has(name)) flat = false;
    // Where a dist-info file goes in the tree.
    const distInfoAt = flat ? "" : distInfo;
    const made = new Set<string>([""]);
    const ensure = (dir: string): void => {
      if (made.has(dir)) return;
      const slash = dir.lastIndexOf("/");
      if (slash !== -1) ensure(dir.slice(0, slash));
      fs.mkdirSync(`${job.dst}/${dir}`);
      made.add(dir);
    };
    // The dist-info files too, but for the RECORD (the install writes its own): the install
    // makes that directory its staging directory.
    const record = `${distInfo}RECORD`;
    let count = 0;
    let distInfoCount = 0;
    let src = "";
    let dst = job.dst;
    try {
      fs.mkdirSync(job.dst);
      for (const f of files as string[]) {
        const inDistInfo = f.startsWith(distInfo);
        if (f === record || f === dataName || f.startsWith(data)) continue;
        const at = inDistInfo ? `${distInfoAt}${f.slice(distInfo.length)}` : f;
        src = `${source}/${f}`;
        dst = `${job.dst}/${at}`;
        const slash = at.lastIndexOf("/");
        if (slash !== -1) ensure(at.slice(0, slash));
        op(src, dst);
        if (inDistInfo) distInfoCount++;
        else count++;
      }
    } catch (error) {
      port.postMessage({ id: job.id, failure: { op: "link", src, dst, error: serialize(error) } });
      return;
    }
    // What the install would write into the dist-info directory, unless the wheel has it (the
    // install then meets it as it would have).
    const generated: [string, string][] = [];
    try {
      for (const [file, content] of job.generated) {
        if (/[/\\\0]/.test(file) || file === "" || file === "." || file === "..") continue;
        if (files.includes(`${distInfo}${file}`)) continue;
        src = "";
        dst = `${job.dst}/${distInfoAt}${file}`;
        if (!flat) ensure(`${prefix}.dist-info`);
        fs.writeFileSync(dst, content, { flag: "wx", mode: 0o666 });
        generated.push([file, content]);
      }
    } catch (error) {
      port.postMessage({ id: job.id, failure: { op: "link", src, dst, error: serialize(error) } });
      return;
    }
    port.postMessage({
      id: job.id,
      prelink: { source, prefix, count, distInfo: distInfoCount, generated, flat },
    });
  };
  const removeTree = (job: RemoveJob): void => {
    try {
      // Most often an empty directory (a tree whose files were moved out): one call.
      try {
        fs.rmdirSync(job.path);
      } catch (error) {
        const code = codeOf(error);
        if (code === "ENOENT") {
          port.postMessage({ id: job.id });
          return;
        }
        fs.rmSync(job.path, { recursive: true, force: true });
      }
    } catch (error) {
      port.postMessage({
        id: job.id,
        failure: { op: "remove", src: job.path, dst: job.path, error: serialize(error) },
      });
      return;
    }
    port.postMessage({ id: job.id });
  };
  const commit = (job: CommitJob): void => {
    for (const step of job.steps) {
      let path = "";
      try {
        switch (step.kind) {
          case "ahead":
            try {
              fs.renameSync(step.from, step.to);
            } catch {
              port.postMessage({ id: job.id, commit: { stopped: "ahead" } });
              return;
            }
            break;
          case "unlink":
            path = step.path;
            fs.unlinkSync(path);
            break;
          case "create":
            path = step.path;
            fs.writeFileSync(path, step.content, { flag: "wx", mode: 0o666 });
            break;
          case "move": {
            const renames: [string, string][] = [];
            const merged: string[] = [];
            const rels = step.rels.split("\0");
            try {
              helpers.moveTree(fs.renameSync, step.from, step.to, rels, renames, merged);
            } catch {
              path = step.from;
              for (const [from, to] of renames.reverse()) fs.renameSync(to, from);
              port.postMessage({ id: job.id, commit: { stopped: "move" } });
              return;
            }
            if (step.prune === true) {
              for (const dir of merged.reverse()) {
                path = dir;
                fs.rmdirSync(dir);
              }
            }
            break;
          }
          case "mkdir":
            path = step.path;
            fs.mkdirSync(path, { recursive: true });
            break;
          case "script":
            path = step.path;
            try {
              fs.writeFileSync(step.temp, step.content, { mode: 0o666 });
              fs.chmodSync(step.temp, fs.statSync(step.temp).mode | 0o111);
              fs.renameSync(step.temp, path);
            } catch (error) {
              fs.rmSync(step.temp, { force: true });
              throw error;
            }
            break;
          case "finish":
            path = step.to;
            if (fs.existsSync(path)) fs.rmSync(path, { recursive: true, force: true });
            fs.renameSync(step.from, path);
            break;
        }
      } catch (error) {
        port.postMessage({
          id: job.id,
          failure: { op: "commit", src: path, dst: path, error: serialize(error) },
        });
        return;
      }
    }
    port.postMessage({ id: job.id, commit: {} });
  };
  port.on("message", (message: Chunk | PointerJob | RemoveJob | CommitJob) => {
    applyNice();
    // Claimed by the main thread meanwhile (the value stands for `BY_WORKER`): it linked the
    // chunk itself, or cancelled the work ahead; nothing to do but say so.
    if (Atomics.compareExchange(state, message.slot, 0, 1) !== 0) {
      port.postMessage({ id: message.id, skipped: true });
      return;
    }
    if ("kind" in message) {
      if (message.kind === "remove") removeTree(message);
      else if (message.kind === "commit") commit(message);
      else linkFromPointer(message);
      return;
    }
    const chunk = message;
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
  /** With the thread's reply; without one when the work was done on this thread. */
  readonly resolve: (reply?: Reply) => void;
  readonly reject: (error: unknown) => void;
  readonly size: number;
  /** Links the chunk on this thread instead, never throwing; dropped once claimed. */
  local: (() => void) | undefined;
  /** For work ahead of need: called when {@link LinkWorker.cancelOptional} cancels it. */
  onCancel: (() => void) | undefined;
  /** The chunks of one piece of work ahead of need, cancelled all or none (see `link`). */
  readonly group: object | undefined;
}

/** Why work ahead of need was not done (see {@link LinkWorker.cancelOptional}). */
export class LinkAheadCancelled extends Error {
  constructor() {
    super("Linking ahead was cancelled");
  }
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
  /** Groups (see {@link link}) of which the thread has answered a chunk. */
  readonly #answeredGroups = new WeakSet<object>();
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

  /**
   * Starts the thread, on one of `spares` when there is one (see `SpareThreads`); `undefined`
   * when threads are unavailable here.
   */
  static start(spares?: SpareThreads): LinkWorker | undefined {
    const helpers: WorkerHelpers = { moveTree };
    const thread = startSourceThread(workerMain, FIRST_CLAIM + CLAIM_SLOTS, spares, helpers);
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
   * run before those) and then resolves. With `onCancel`, the chunk is work ahead of need, which
   * {@link cancelOptional} may cancel; the chunks of one `group` (any object naming them) are
   * cancelled all or none.
   */
  link(
    mode: LinkMode,
    src: string,
    dst: string,
    rels: readonly string[],
    dirs: readonly string[] = [],
    at: readonly number[] = [],
    local?: () => void,
    onCancel?: () => void,
    group?: object,
  ): Promise<void> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    if (rels.length === 0) return Promise.resolve();
    const id = this.#nextId++;
    const chunk: Chunk = {
      id,
      slot: this.#claimSlot(id),
      mode,
      src,
      dst,
      rels: rels.join("\0"),
      dirs: dirs.join("\0"),
      at,
    };
    const promise = new Promise<void>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: () => resolve(),
        reject,
        size: rels.length,
        local,
        onCancel,
        group,
      });
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
      if (Atomics.compareExchange(this.#state, this.#slotOf(id), 0, BY_MAIN) !== 0) {
        // The worker has this one, so every older one too.
        stealable.length = 0;
        return false;
      }
      const local = entry.local;
      entry.local = undefined;
      this.#submitted -= entry.size;
      local();
      if (entry.group !== undefined) this.#answeredGroups.add(entry.group);
      entry.resolve();
      return true;
    }
    return false;
  }

  /**
   * Links ahead, into the new directory `dst`, the root files (all but its dist-info and data
   * directories) of the archive the cache pointer `pointer` designates, when that pointer is
   * the current one for `filename` (of pointer format `version`) and its archive is in
   * `archiveRoot`: the thread reads the pointer and the listing, so that this one need not.
   * Resolves with what was linked, or `undefined` when the pointer was not usable; rejects
   * with a {@link LinkWorkerError} when a link failed. Taken in order with the chunks. Each of
   * `generated` (a file name and its content) is then written into the dist-info directory
   * linked, unless the wheel holds that file itself. Work ahead of need: {@link cancelOptional}
   * may cancel it (then `onCancel` is called).
   */
  prelinkPointer(
    mode: LinkMode,
    pointer: string,
    filename: string,
    version: number,
    archiveRoot: string,
    dst: string,
    generated: readonly (readonly [file: string, content: string])[] = [],
    onCancel: () => void = () => {},
  ): Promise<PointerPrelink | undefined> {
    return this.#submit(
      (id, slot): PointerJob => ({
        kind: "pointer",
        id,
        slot,
        mode,
        pointer,
        filename,
        version,
        archiveRoot,
        dst,
        generated,
      }),
      (reply) => reply?.prelink ?? undefined,
      onCancel,
    );
  }

  /**
   * Removes the directory `path` with everything below it, on the thread, in order with the
   * chunks and jobs handed over before; resolves once it is gone (or was never there), rejects
   * with a {@link LinkWorkerError} (`op` `remove`) when it could not be removed. Never taken back
   * nor cancelled.
   */
  remove(path: string): Promise<void> {
    return this.#submit(
      (id, slot): RemoveJob => ({ kind: "remove", id, slot, path }),
      () => undefined,
    );
  }

  /**
   * Takes `steps` in order, on the thread and in order with the chunks and jobs handed over
   * before: the end of a wheel's install, which this thread then need not wait for (see
   * `installWheel`). Resolves with how it ended: a step that fails otherwise rejects with a
   * {@link LinkWorkerError} (`op` `commit`) carrying its error, and no later step is taken.
   * Never taken back nor cancelled.
   */
  commit(steps: readonly CommitStep[]): Promise<CommitOutcome> {
    return this.#submit(
      (id, slot): CommitJob => ({ kind: "commit", id, slot, steps }),
      (reply) => reply?.commit ?? {},
    );
  }

  /**
   * Hands the thread the job `make` builds with its id and claim slot; the promise settles with
   * `answer` of the thread's reply, or rejects with its failure.
   */
  #submit<T>(
    make: (id: number, slot: number) => PointerJob | RemoveJob | CommitJob,
    answer: (reply: Reply | undefined) => T,
    onCancel?: () => void,
  ): Promise<T> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    const job = make(id, this.#claimSlot(id));
    const promise = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (reply) => resolve(answer(reply)),
        reject,
        size: 0,
        local: undefined,
        onCancel,
        group: undefined,
      });
    });
    if (this.#pending.size === 1) this.#port.ref();
    this.#port.postMessage(job);
    return promise;
  }

  /**
   * Cancels the work ahead of need (chunks with `onCancel`, {@link prelinkPointer} jobs) that the
   * thread has not started, for sure: each is claimed for this thread, as {@link steal} does, its
   * `onCancel` is called now and its promise rejects with {@link LinkAheadCancelled}. What the
   * thread has started goes on to its end, and so do the chunks of a group of which it has
   * started one: they are then work like any other (taken back by {@link steal} if they can
   * be). Nothing else changes.
   */
  cancelOptional(): void {
    // The first chunk of a group met here decides for the rest: started (or answered), and
    // the group goes on; or cancelled, and so is every later chunk this thread can claim. The
    // thread takes chunks in order, so a group's started chunk comes before any it may still
    // claim.
    const kept = new Set<object>();
    const cancelled = new Set<object>();
    for (const [id, entry] of this.#pending) {
      const { onCancel, group } = entry;
      if (onCancel === undefined) continue;
      entry.onCancel = undefined;
      if (group !== undefined && !cancelled.has(group)) {
        if (kept.has(group) || this.#answeredGroups.has(group)) {
          kept.add(group);
          continue;
        }
      }
      if (Atomics.compareExchange(this.#state, this.#slotOf(id), 0, BY_MAIN) !== 0) {
        if (group !== undefined && !cancelled.has(group)) kept.add(group);
        continue;
      }
      if (group !== undefined) cancelled.add(group);
      // Settled here; the entry stays until the thread has seen the job (its slot stays taken).
      entry.local = undefined;
      this.#submitted -= entry.size;
      onCancel();
      entry.reject(new LinkAheadCancelled());
    }
  }

  /**
   * Runs the thread at a lower priority (a nice value of 10, on Linux) from its next chunk on:
   * for work ahead of need, which should not take a core from the main thread.
   */
  lowerPriority(): void {
    Atomics.store(this.#state, NICE, 10);
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

  /** The claim slot of the chunk or job `id`, made unclaimed. */
  #claimSlot(id: number): number {
    // Free: the work that had it last was answered (there are never more in flight).
    const slot = this.#slotOf(id);
    Atomics.store(this.#state, slot, 0);
    return slot;
  }

  #slotOf(id: number): number {
    return FIRST_CLAIM + (id % CLAIM_SLOTS);
  }

  #settle(reply: Reply): void {
    const entry = this.#pending.get(reply.id);
    if (entry === undefined) return;
    // A stolen or cancelled chunk keeps its slot until the worker has seen it, and is settled
    // already.
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#port.unref();
    if (reply.skipped === true) return;
    if (entry.group !== undefined) this.#answeredGroups.add(entry.group);
    entry.local = undefined;
    entry.onCancel = undefined;
    if (reply.failure === undefined) {
      entry.resolve(reply);
    } else {
      const { op, src, dst, error } = reply.failure;
      entry.reject(new LinkWorkerError({ op, src, dst, error: rebuildError(error) }));
    }
  }
}
