import type { Dispatcher, Agent as UndiciAgent } from "undici";

// Stand-ins for undici's `Agent` and `request` that load undici only when a
// request is actually sent. Loading it costs every run ~10 ms (its own modules plus Node's
// `http`, `http2`, `net`, `assert`, `perf_hooks`...), and an offline run, or one answered from
// the cache, never sends one. The transport calls them exactly as it would undici's own.

type UndiciModules = typeof import("./undici-modules.ts");

function loadUndici(): Promise<UndiciModules> {
  return import("./undici-modules.ts");
}

/** Options of {@link Agent}: undici's, and a connection limit for particular origins. */
export interface AgentOptions extends UndiciAgent.Options {
  /** Connections per origin (`https://host[:port]`) instead of `connections`. */
  readonly originConnections?: ReadonlyMap<string, number>;
}

/**
 * An undici `Agent` made on first use: constructing one is free, and closing one that never
 * sent anything loads nothing.
 */
export class Agent {
  readonly #options: AgentOptions;
  #agent: Promise<UndiciAgent> | undefined;

  constructor(options: AgentOptions = {}) {
    this.#options = options;
  }

  /** The real agent, made (and undici loaded) on the first call. */
  dispatcher(): Promise<UndiciAgent> {
    this.#agent ??= loadUndici().then((undici) => {
      const { originConnections, ...options } = this.#options;
      if (originConnections === undefined || originConnections.size === 0) {
        return new undici.Agent(options);
      }
      return new undici.Agent({
        ...options,
        factory: (origin, poolOptions) => {
          const limit = originConnections?.get(new URL(String(origin)).origin);
          return new undici.Pool(origin, {
            ...poolOptions,
            ...(limit === undefined ? {} : { connections: limit }),
          });
        },
      });
    });
    return this.#agent;
  }

  /** Closes the real agent's connections, if it was ever made. */
  async close(): Promise<void> {
    if (this.#agent === undefined) return;
    await (await this.#agent).close();
  }
}

/**
 * undici's `request` for an {@link Agent} given as `this` (as undici's own is called on a
 * dispatcher).
 */
export async function undiciRequest(
  this: Agent,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  const [undici, dispatcher] = await Promise.all([loadUndici(), this.dispatcher()]);
  return undici.request.call(dispatcher, options);
}
