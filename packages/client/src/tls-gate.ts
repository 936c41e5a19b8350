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
  /** What each held connection does next, in the order they came, until it has done it. */
  readonly #held = new Set<() => void>();
  #open = false;

  /**
   * @param ready `undefined` once a context may be made without waiting, else a promise that
   * resolves when it may.
   */
  constructor(ready: () => Promise<void> | undefined) {
    this.#ready = ready;
  }

  /**
   * Runs `then` (which makes the context and the TLS connection) at once when nothing is to be
   * waited for, throwing what it throws; else once the gate opens (`ready` resolves, or {@link
   * poll} finds it open), while the TCP connection `tcp` (when there is one) goes on being made.
   * Should that connection fail first, its error goes to `callback` and `then` never runs; an
   * error a later `then` throws goes to `callback` too (`then` cleans up after itself).
   */
  through(tcp: Socket | undefined, callback: BuildConnector.Callback, then: () => void): void {
    const wait = this.#isOpen() ? undefined : this.#ready();
    if (wait === undefined) {
      then();
      return;
    }
    const onError = (error: Error) => {
      if (this.#held.delete(go)) callback(error, null);
    };
    const go = () => {
      tcp?.off("error", onError);
      try {
        then();
      } catch (error) {
        callback(error as Error, null);
      }
    };
    this.#held.add(go);
    tcp?.once("error", onError);
    void wait.then(() => this.#release());
  }

  /** Lets the held connections go on now if the gate is open. Cheap: meant to be called often. */
  poll(): void {
    if (this.#held.size > 0 && this.#isOpen()) this.#release();
  }

  #isOpen(): boolean {
    if (!this.#open && this.#ready() === undefined) this.#open = true;
    return this.#open;
  }

  #release(): void {
    this.#open = true;
    for (const go of this.#held) {
      this.#held.delete(go);
      go();
    }
  }
}
