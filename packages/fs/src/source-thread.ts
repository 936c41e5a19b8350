import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

/** What a thread's program is given besides its `require`: its message port and shared state. */
export interface ThreadData {
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/**
 * Functions a thread's program is given (see {@link startSourceThread}): each must be
 * self-contained as the program is, as it crosses to the thread as its source text.
 */
// biome-ignore lint/suspicious/noExplicitAny: any function, whatever its parameters
export type ThreadHelpers = Readonly<Record<string, (...args: any[]) => unknown>>;

/**
 * A thread's program: a self-contained function run from its source text (so it works from the
 * bundle and under the test runner alike, and on a {@link SpareThreads} thread), given the
 * thread's `require`, its {@link ThreadData} and the {@link ThreadHelpers} it was started with.
 */
export type ThreadProgram<H extends ThreadHelpers = ThreadHelpers> = (
  load: (id: string) => unknown,
  data: ThreadData,
  helpers: H,
) => void;

/** A running thread, the main thread's end of its message port, and their shared state. */
export interface SourceThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/**
 * Threads started ahead of need, each idle until {@link startSourceThread} hands it a program:
 * the launcher (bin/uv-ts.js) starts one at once to make the process's first TLS context and
 * passes it on instead of letting it exit, which saves the next thread's start-up (~20 ms of CPU
 * on this project's 2-core machine, where a cold install is CPU-bound) and has that thread ready
 * sooner.
 *
 * The launcher writes such a thread's code itself (it starts before the bundle is loaded), so
 * the two agree on this: the thread waits on its `parentPort` for one message, either
 * `{ source, data }` (a {@link ThreadProgram}'s source, and its data with the port transferred),
 * which it runs as `(source)(require, data)`, or `null`, which lets it end.
 */
export interface SpareThreads {
  /** An idle thread still running, now taken out of the set; `undefined` when there is none. */
  take(): Worker | undefined;
  /**
   * Offers a thread that may be done with its first program by the time another caller asks:
   * {@link take}, once it has no idle thread, asks `handOver`, which returns the thread (now
   * waiting for a program as a spare does) or `undefined` when it is still busy.
   */
  lend?(handOver: () => Worker | undefined): void;
}

/** What a spare thread runs: it waits for one message and runs the program it brings. */
const SPARE_PROGRAM = `require("node:worker_threads").parentPort.once("message", (job) => {
  if (job !== null) require("node:vm").runInThisContext("(" + job.source + ")")(require, job.data);
});`;

/**
 * A thread that waits for a program as the launcher's does (see {@link SpareThreads}), for
 * callers without the launcher (library use, tests): give it to {@link startSourceThread}
 * through a {@link SpareThreads}, or send it `null` to let it end.
 */
export function startSpareThread(): Worker {
  return new Worker(SPARE_PROGRAM, { eval: true, stdout: true, stderr: true });
}

/**
 * The source of a function that runs `program` with `helpers` (a {@link ThreadProgram}'s
 * signature, minus the helpers): each helper is written into it as its own source.
 */
export function programSource<H extends ThreadHelpers>(
  program: ThreadProgram<H>,
  helpers?: H,
): string {
  const entries = Object.entries(helpers ?? {}).map(
    ([name, helper]) => `${JSON.stringify(name)}: (${helper.toString()})`,
  );
  return `(load, data) => (${program.toString()})(load, data, { ${entries.join(", ")} })`;
}

/**
 * Starts `program` on a thread, with a message port and `stateSlots` shared 32-bit slots: a
 * thread taken from `spares` when it has one, else a new one; `undefined` when threads are
 * unavailable here. The caller unrefs them as it sees fit. `helpers` are handed to the program.
 */
export function startSourceThread<H extends ThreadHelpers>(
  program: ThreadProgram<H>,
  stateSlots: number,
  spares?: SpareThreads,
  helpers?: H,
): SourceThread | undefined {
  let channel: MessageChannel | undefined;
  try {
    channel = new MessageChannel();
    const state = new Int32Array(new SharedArrayBuffer(4 * stateSlots));
    const data: ThreadData = { port: channel.port2, state };
    const source = programSource(program, helpers);
    const spare = spares?.take();
    if (spare !== undefined) {
      spare.postMessage({ source, data }, [channel.port2]);
      return { worker: spare, port: channel.port1, state };
    }
    // The thread's own stdout and stderr stay apart (programs write to neither): piping them to
    // this thread's would build `process.stdout` and `process.stderr` here, ~1.5-3 ms of this
    // thread's time (measured: a file 1.5-1.9 ms, a pipe or terminal ~3 ms), which the CLI
    // otherwise never pays (see its `processOutput`).
    const worker = new Worker(`(${source})(require, require("node:worker_threads").workerData)`, {
      eval: true,
      workerData: data,
      transferList: [channel.port2],
      stdout: true,
      stderr: true,
    });
    return { worker, port: channel.port1, state };
  } catch {
    channel?.port1.close();
    return undefined;
  }
}

/** An error as a thread sends it over a port: its message and Node's errno fields. */
export interface SerializedError {
  readonly message: string;
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

/** The `Error` a thread serialised, with the same message and fields. */
export function rebuildError(serialized: SerializedError): Error {
  const { message, ...fields } = serialized;
  return Object.assign(new Error(message), fields);
}
