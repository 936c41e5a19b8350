import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

/**
 * A thread's program: a self-contained function run from its source text (so it works from the
 * bundle and under the test runner alike), given the thread's `require`. It finds its message
 * port and shared state in `workerData` as `{ port, state }`.
 */
export type ThreadProgram = (load: (id: string) => unknown) => void;

/** A running thread, the main thread's end of its message port, and their shared state. */
export interface SourceThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/**
 * Starts `program` on a new thread with a message port and `stateSlots` shared 32-bit slots;
 * `undefined` when threads are unavailable here. The caller unrefs them as it sees fit.
 */
export function startSourceThread(
  program: ThreadProgram,
  stateSlots: number,
): SourceThread | undefined {
  let channel: MessageChannel | undefined;
  try {
    channel = new MessageChannel();
    const state = new Int32Array(new SharedArrayBuffer(4 * stateSlots));
    const worker = new Worker(`(${program.toString()})(require)`, {
      eval: true,
      workerData: { port: channel.port2, state },
      transferList: [channel.port2],
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
