import type { buildConnector as BuildConnector } from "undici";

/** How many requests one HTTP/2 connection carries at once (its streams). */
export const HTTP2_STREAMS = 128;

/**
 * What the first connection to each `https:` origin negotiated, and a gate that holds the other
 * requests to that origin until it is known.
 *
 * Connections offer HTTP/2 by ALPN, as uv's client does. An origin that speaks it needs one
 * connection: every request becomes a stream of it, so a run pays one TLS handshake per origin
 * instead of one per request in flight. Sending the second request before the first connection
 * is up would open a second connection (undici cannot know yet that one will do), so requests
 * wait for it; an HTTP/1.1 origin then gets its usual pool of connections, one handshake later.
 */
export class OriginProtocols {
  readonly #http2 = new Set<string>();
  /** Origins whose first connection is under way, with what releases their waiting requests. */
  readonly #pending = new Map<
    string,
    { readonly opened: Promise<void>; readonly open: () => void }
  >();
  readonly #settled = new Set<string>();

  /**
   * `undefined` when a request to `origin` (`https://host[:port]`) may go now, else a promise
   * that resolves when it may. The first request to an origin goes at once: it opens the
   * connection the others wait for.
   */
  admit(origin: string): Promise<void> | undefined {
    if (this.#settled.has(origin)) return undefined;
    const pending = this.#pending.get(origin);
    if (pending !== undefined) return pending.opened;
    let open = (): void => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.#pending.set(origin, { opened, open });
    return undefined;
  }

  /**
   * Lets the requests waiting for `origin` go: called when its first connection is up or has
   * failed, and when the first request ends in any way (so none waits forever on a connection
   * that was never made).
   */
  release(origin: string): void {
    const pending = this.#pending.get(origin);
    if (pending === undefined) return;
    this.#pending.delete(origin);
    this.#settled.add(origin);
    pending.open();
  }

  /** Whether the last connection made to `origin` negotiated HTTP/2. */
  isHttp2(origin: string): boolean {
    return this.#http2.has(origin);
  }

  /** `connector`, noting the protocol of each TLS connection it makes and releasing the gate. */
  watch(connector: BuildConnector.connector): BuildConnector.connector {
    return (opts, callback) => {
      connector(opts, (error, socket) => {
        if (opts.protocol === "https:") {
          const host = opts.host ?? (opts.port ? `${opts.hostname}:${opts.port}` : opts.hostname);
          const origin = `${opts.protocol}//${host}`;
          if (error === null) {
            const protocol = (socket as { alpnProtocol?: string | false }).alpnProtocol;
            if (protocol === "h2") this.#http2.add(origin);
            else this.#http2.delete(origin);
          }
          this.release(origin);
        }
        if (error === null) callback(null, socket as NonNullable<typeof socket>);
        else callback(error, null);
      });
    };
  }
}
