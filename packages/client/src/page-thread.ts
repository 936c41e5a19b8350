import type { MessagePort, Worker } from "node:worker_threads";
import { type SpareThreads, startSourceThread, type ThreadData } from "@uv-ts/fs";
import type { ProjectStatus } from "@uv-ts/pypi-types";
import type { BodyChunks } from "./body.ts";
import type { DistsIndex } from "./simple-dists.ts";

/**
 * Where a client finds the code of a page thread: `module` is `page-thread-entry.ts` built on
 * its own (the CLI's bundle has it as `dist/page-thread.cjs`), `spares` threads to take first.
 */
export interface PageThreadOptions {
  readonly module: string;
  readonly spares?: SpareThreads | undefined;
}

/** A JSON page to read on the thread: its body (transferred), URL and package. */
export interface PageJob {
  readonly id: number;
  readonly bytes: ArrayBuffer;
  readonly url: string;
  readonly name: string;
  /** What the body's digest starts with; no digest is taken without it. */
  readonly digestPrefix?: string;
}

/** A page the thread read: what its cache entry holds, the tail transferred back. */
export interface PageThreadResult {
  readonly index: DistsIndex;
  readonly tail: ArrayBuffer;
  readonly projectStatus: ProjectStatus;
  readonly versions?: readonly string[];
  readonly digest?: string;
}

/** The thread's answer to a {@link PageJob}. */
export type PageReply =
  | ({ readonly id: number; readonly failed?: undefined } & PageThreadResult)
  | { readonly id: number; readonly failed: true };

/**
 * The thread's program (run from its source, see `startSourceThread`): loads the page module
 * named by the first message on its port, then answers each job with the module's
 * `readJsonPageJob`. A module that does not load answers every job `failed`. Meanwhile it waits
 * on its `parentPort` as a spare thread does (see `SpareThreads`): a program sent there, once
 * {@link PageThread.handOver} gave the thread away, closes the page port and runs next.
 */
function pageThreadMain(load: (id: string) => unknown, data: ThreadData): void {
  const port = data.port;
  const threads = load("node:worker_threads") as typeof import("node:worker_threads");
  threads.parentPort?.once("message", (job: { source: string; data: unknown } | null) => {
    port.close();
    if (job === null) return;
    const program = (load("node:vm") as typeof import("node:vm")).runInThisContext(
      `(${job.source})`,
    ) as (load: (id: string) => unknown, data: unknown) => void;
    program(load, job.data);
  });
  // The page port alone keeps the thread alive: once the client closes it, the thread ends.
  threads.parentPort?.unref();
  type Reply = {
    readonly id?: number | undefined;
    readonly failed?: true;
    readonly tail?: ArrayBuffer;
  };
  let read: ((job: unknown) => Reply) | undefined;
  port.on("message", (message: { module?: string; id?: number }) => {
    if (message.module !== undefined) {
      try {
        read = (load(message.module) as { readJsonPageJob: typeof read }).readJsonPageJob;
      } catch {
        read = undefined;
      }
      return;
    }
    let reply: Reply;
    try {
      reply = read === undefined ? { id: message.id, failed: true } : read(message);
    } catch {
      reply = { id: message.id, failed: true };
    }
    port.postMessage(reply, reply.tail === undefined ? [] : [reply.tail]);
  });
}

/**
 * A thread that reads PEP 691 JSON pages (`readSimplePage`'s parsing and encoding) while the
 * main thread goes on with other pages and downloads: on a cold install the main thread is busy
 * from start to the last download, and reading the pages was the largest part of it.
 *
 * It never keeps the process alive while idle, and never fails a read: a page it cannot read
 * (bad JSON, a file entry the grouping rejects, a thread that died) resolves `undefined`, and
 * the caller reads the page itself, with the errors that gives.
 */
export class PageThread {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #pending = new Map<number, (result: PageThreadResult | undefined) => void>();
  #nextId = 0;
  #answered = 0;
  #stopped = false;
  readonly #onStop = (): void => this.#stop();

  private constructor(worker: Worker, port: MessagePort, module: string) {
    this.#worker = worker;
    this.#port = port;
    port.on("message", (reply: PageReply) => this.#settle(reply));
    port.unref();
    worker.unref();
    worker.on("error", this.#onStop);
    worker.on("exit", this.#onStop);
    port.on("messageerror", () => this.#stop());
    port.postMessage({ module });
  }

  /**
   * Starts the thread, on one of `options.spares` when there is one; `undefined` when threads
   * are unavailable here.
   */
  static start(options: PageThreadOptions): PageThread | undefined {
    const thread = startSourceThread(pageThreadMain, 1, options.spares);
    return thread === undefined
      ? undefined
      : new PageThread(thread.worker, thread.port, options.module);
  }

  /**
   * Reads a JSON page's body on the thread; with `digestPrefix`, takes the digest of the prefix
   * and the body there too. `undefined` when the thread could not read it.
   */
  read(
    body: BodyChunks,
    url: string,
    name: string,
    digestPrefix?: string,
  ): Promise<PageThreadResult | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    // A copy that owns its memory, to transfer: the chunks stay here for a read that falls back.
    const bytes = Buffer.allocUnsafeSlow(body.length);
    let at = 0;
    for (const chunk of body.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    const id = this.#nextId++;
    const job: PageJob = {
      id,
      bytes: bytes.buffer as ArrayBuffer,
      url,
      name,
      ...(digestPrefix === undefined ? {} : { digestPrefix }),
    };
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      // Kept alive while a page is out: the caller awaits it.
      if (this.#pending.size === 1) this.#port.ref();
      try {
        this.#port.postMessage(job, [job.bytes]);
      } catch {
        this.#stop();
      }
    });
  }

  /** Lets the thread end (pages still out resolve `undefined`). */
  close(): void {
    this.#stop();
  }

  /**
   * The thread, to run another program (it waits for one as a spare thread does), once it has
   * read pages and has none out; `undefined` before (a thread that has read none has its pages
   * still to come: a cold install's first threads are asked for before the first page arrives).
   * Later reads resolve `undefined`.
   */
  handOver(): Worker | undefined {
    if (this.#stopped || this.#pending.size > 0 || this.#answered === 0) return undefined;
    this.#stopped = true;
    this.#worker.off("error", this.#onStop);
    this.#worker.off("exit", this.#onStop);
    // The port stays open: the thread closes it once the next program arrives, and would end
    // at once if it were closed now.
    return this.#worker;
  }

  #settle(reply: PageReply): void {
    const resolve = this.#pending.get(reply.id);
    if (resolve === undefined) return;
    this.#pending.delete(reply.id);
    this.#answered++;
    if (this.#pending.size === 0) this.#port.unref();
    resolve(reply.failed === true ? undefined : reply);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const resolve of this.#pending.values()) resolve(undefined);
    this.#pending.clear();
    // Closing its end lets the thread's port close too, and the thread end.
    this.#port.close();
  }
}
