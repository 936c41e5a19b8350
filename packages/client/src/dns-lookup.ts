import { promises as dns, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";

/** Resolves a host name to every address (the shape of `dns.promises.lookup` with `all`). */
export type ResolveAll = (
  hostname: string,
  options: { readonly family: number; readonly hints?: number },
) => Promise<LookupAddress[]>;

const systemResolver: ResolveAll = (hostname, options) =>
  dns.lookup(hostname, { ...options, all: true });

/**
 * A `lookup` for sockets that resolves each host once per client. Every new connection would
 * otherwise ask the resolver again, and a burst of dozens of identical queries (one per pooled
 * connection) can lose some to a resolver's rate limit and stall for its 5 s retry. A failed
 * lookup is not remembered.
 */
export function memoizedLookup(resolveAll: ResolveAll = systemResolver): LookupFunction {
  const resolved = new Map<string, Promise<LookupAddress[]>>();
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const key = `${hostname}\0${family ?? 0}\0${options.hints ?? 0}`;
    let pending = resolved.get(key);
    if (pending === undefined) {
      pending = resolveAll(hostname, {
        family: typeof family === "number" ? family : 0,
        ...(options.hints === undefined ? {} : { hints: options.hints }),
      });
      resolved.set(key, pending);
      pending.catch(() => resolved.delete(key));
    }
    pending.then(
      (addresses) => {
        if (options.all === true) return callback(null, addresses);
        const first = addresses[0];
        if (first === undefined) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = "ENOTFOUND";
          return callback(error, "");
        }
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ""),
    );
  };
}
