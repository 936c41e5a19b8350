import type { Socket } from "node:net";
import type { buildConnector as BuildConnector } from "undici";

/**
 * Holds connections back from making their TLS context until that no longer waits.
 *
 * Every TLS context of a process needs Node's root certificates, parsed once per process under a
 * lock. The CLI's launcher has another thread parse them at start (see its prewarm thread); a
 * context made on the main thread before that thread is done blocks the main thread until it
 * is. So a connection starts its TCP part at once, and makes its context only once `ready` says
 * it may: when it returns `undefined`, or when the promise it returned resolves. The main thread
 * meanwhile goes on with its work, which calls {@link poll} now and then (the client does, for
 * each request it reads from the cache or sends), so that held connections go on as soon as
 * the certificates are there, not only when the main thread next turns to its event loop.
 */
export class TlsGate {
  readonly #ready: () => Promise<void> | undefined;
  /** What to do once the gate is open, in order, until done. */
  readonly #waiting = new Set<() => void>();
  #open = false;

  /**
   * @param ready `undefined` once a context may be made without waiting, else a promise that
   * resolves when it may.
   */
  constructor(ready: () => Promise<void> | undefined) {
    this.#ready = ready;
  }

  /** Whether a context made now would not wait. */
  isOpen(): boolean {
    if (!this.#open && this.#ready() === undefined) this.#open = true;
    return this.#open;
  }

  /**
   * Runs `then` at once when the gate is open, else once it opens (`ready` resolves, or {@link
   * poll} finds it open); callbacks run in the order they were given. The returned function
   * drops `then` if it has not run yet (and says whether it dropped it).
   */
  whenOpen(then: () => void): () => boolean {
    const wait = this.isOpen() ? undefined : this.#ready();
    if (wait === undefined) {
      then();
      return () => false;
    }
    this.#waiting.add(then);
    void wait.then(() => this.#release());
    return () => this.#waiting.delete(then);
  }

  /**
   * Runs `then` (which makes the context and the TLS connection) at once when nothing is to be
   * waited for, throwing what it throws; else once the gate opens, while the TCP connection
   * `tcp` (when there is one) goes on being made. Should that connection fail first, its error
   * goes to `callback` and `then` never runs; an error a later `then` throws goes to `callback`
   * too (`then` cleans up after itself).
   */
  through(tcp: Socket | undefined, callback: BuildConnector.Callback, then: () => void): void {
    if (this.isOpen()) {
      then();
      return;
    }
    const onError = (error: Error) => {
      if (drop()) callback(error, null);
    };
    const drop = this.whenOpen(() => {
      tcp?.off("error", onError);
      try {
        then();
      } catch (error) {
        callback(error as Error, null);
      }
    });
    tcp?.once("error", onError);
  }

  /** Lets what waits go on now if the gate is open. Cheap: meant to be called often. */
  poll(): void {
    if (this.#waiting.size > 0 && this.isOpen()) this.#release();
  }

  #release(): void {
    this.#open = true;
    for (const then of this.#waiting) {
      this.#waiting.delete(then);
      then();
    }
  }
}
