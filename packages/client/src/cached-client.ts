import { CacheWriteError } from "./errors.ts";
import {
  beforeRequest,
  buildPolicy,
  type CachePolicy,
  confirmsCached,
  isStorable,
  mergeNotModified,
  renewalMatters,
  revalidationHeaders,
} from "./http-cache/policy.ts";
import type { CacheEntryKey, HttpCacheStore, StoredResponse } from "./http-cache/store.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "./http-client.ts";
import { credentialFreeHref } from "./redact.ts";

/** One cacheable GET. */
export interface CacheableRequest<P> {
  readonly request: HttpRequest;
  /** Where the response is cached; `undefined` bypasses the cache. */
  readonly key: CacheEntryKey | undefined;
  /** Whether `--refresh` covers this entry (entries older than the run get revalidated). */
  readonly refresh: boolean;
  /** An index's `cache-control` setting, replacing the server's header. */
  readonly cacheControlOverride?: string | undefined;
  /**
   * Reads a successful response into the payload that is cached: JSON-serialisable, or a
   * `SplitPayload` whose tail is decoded piece by piece.
   * `previous` is the cached payload of the same URL, when there is one: a reader may return
   * it as is when the response carries the same content, which spares decoding it again.
   */
  readonly read: (res: HttpResponse, previous: unknown) => Promise<P>;
}

/** A request's headers, their names lower-cased. */
function requestHeaders(req: Pick<CacheableRequest<unknown>, "request">): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.request.headers ?? {})) headers[k.toLowerCase()] = v;
  return headers;
}

type Outcome<P> =
  | { readonly kind: "modified"; readonly payload: P; readonly policy: CachePolicy }
  | { readonly kind: "not-modified"; readonly policy: CachePolicy };

/**
 * The HTTP cache in front of {@link HttpClient}, after uv's `CachedClient`: a fresh entry
 * answers without a request; a stale one is revalidated with `If-None-Match` /
 * `If-Modified-Since` (a 304 keeps the cached payload); offline, any matching entry is used
 * however old, and a missing one is uv's offline error. Broken entries are dropped and fetched
 * again, never fatal.
 */
export class CachedClient {
  readonly http: HttpClient;
  readonly #store: HttpCacheStore | undefined;
  readonly #now: () => number;
  readonly #refreshStartedAt: number;
  /** Entries this client has fetched or revalidated: `--refresh` is satisfied for them. */
  readonly #renewed = new Set<string>();
  /**
   * Whether a response is handed on as soon as it is read, its entry written meanwhile. Awaited,
   * a write's steps each wait for a turn of a main thread that is busy reading the other
   * responses: on a cold cache that held every page back until nearly all had been read.
   */
  readonly #writeBehind: boolean;
  /** Entry writes under way (with {@link #writeBehind}). */
  readonly #writes = new Set<Promise<void>>();
  /** The first write that failed and has not been reported yet. */
  #writeFailure: CacheWriteError | undefined;

  constructor(
    http: HttpClient,
    store: HttpCacheStore | undefined,
    options: { readonly now?: () => number; readonly writeBehind?: boolean } = {},
  ) {
    this.http = http;
    this.#store = store;
    this.#writeBehind = options.writeBehind ?? false;
    this.#now = options.now ?? Date.now;
    this.#refreshStartedAt = this.#now();
  }

  /** Fetches (or reads from the cache) and decodes with `decode`. */
  async get<P, T>(req: CacheableRequest<P>, decode: (payload: P) => T): Promise<T> {
    this.#throwWriteFailure();
    // A run reads many entries at once, busy on this thread: a connection waiting to make its
    // TLS context may go on in the meantime.
    this.http.pollTls();
    const store = this.#store;
    const key = req.key;
    if (store === undefined || key === undefined) {
      return decode(await this.http.fetch(req.request, (res) => req.read(res, undefined)));
    }
    const url = credentialFreeHref(req.request.url);
    const headers = requestHeaders(req);
    const entry = await store.read(key);
    const entryId = `${key.bucket}/${key.shard.join("/")}/${key.file}`;
    // What a reader may reuse: the cached payload of this very URL.
    const previous = entry !== undefined && entry.policy.url === url ? entry.payload : undefined;

    if (entry !== undefined && this.http.offline) {
      if (entry.policy.url === url) {
        const cached = this.#decodeCached(entry, decode);
        if (cached.ok) return cached.value;
        await store.remove(key);
      }
    } else if (entry !== undefined) {
      if (this.#refreshes(req, entry, entryId)) headers["cache-control"] = "no-cache";
      const decision = beforeRequest(entry.policy, url, headers, this.#now());
      if (decision === "fresh") {
        const cached = this.#decodeCached(entry, decode);
        if (cached.ok) return cached.value;
        await store.remove(key);
      } else if (decision === "stale") {
        const outcome = await this.#send(
          req,
          { ...headers, ...revalidationHeaders(entry.policy) },
          previous,
        );
        this.#renewed.add(entryId);
        if (outcome.kind === "modified") return this.#store_(key, outcome, decode, entry);
        if (confirmsCached(entry.policy, outcome.policy)) {
          const policy = mergeNotModified(entry.policy, outcome.policy);
          const cached = this.#decodeCached(entry, decode);
          if (cached.ok) {
            await this.#write(key, { storedAt: this.#now(), policy, payload: entry.payload });
            return cached.value;
          }
        }
        // An unusable 304 (validators disagree) or a broken payload: start over.
        await store.remove(key);
      }
    }
    const outcome = await this.#send(req, headers, previous);
    this.#renewed.add(entryId);
    if (outcome.kind === "not-modified") {
      // We sent no validators, so a 304 is a server bug; one plain retry is all it gets.
      const again = await this.#send(req, { ...headers, "cache-control": "no-cache" }, previous);
      if (again.kind === "not-modified")
        return decode(await this.http.fetch(req.request, (res) => req.read(res, undefined)));
      return this.#store_(key, again, decode, entry);
    }
    return this.#store_(key, outcome, decode, entry);
  }

  /**
   * Whether {@link get} would send `req` now: there is no usable entry for it, or the entry is
   * not fresh. Only the entry's policy is read; offline, nothing is sent.
   */
  wouldSend(req: Pick<CacheableRequest<unknown>, "request" | "key" | "refresh">): boolean {
    if (this.http.offline) return false;
    const key = req.key;
    const entry = key === undefined ? undefined : this.#store?.readPolicy?.(key);
    if (entry === undefined) return true;
    const headers = requestHeaders(req);
    if (this.#refreshes(req, entry, undefined)) headers["cache-control"] = "no-cache";
    const url = credentialFreeHref(req.request.url);
    return beforeRequest(entry.policy, url, headers, this.#now()) !== "fresh";
  }

  /** Whether `--refresh` has `entry` revalidated: stored before the run, not renewed since. */
  #refreshes(
    req: Pick<CacheableRequest<unknown>, "refresh">,
    entry: Pick<StoredResponse, "storedAt">,
    entryId: string | undefined,
  ): boolean {
    return (
      req.refresh &&
      entry.storedAt < this.#refreshStartedAt &&
      (entryId === undefined || !this.#renewed.has(entryId))
    );
  }

  #decodeCached<T>(
    entry: StoredResponse,
    decode: (payload: never) => T,
  ): { ok: true; value: T } | { ok: false } {
    try {
      return { ok: true, value: decode(entry.payload as never) };
    } catch {
      return { ok: false };
    }
  }

  async #send<P>(
    req: CacheableRequest<P>,
    headers: Record<string, string>,
    previous: unknown,
  ): Promise<Outcome<P>> {
    const request: HttpRequest = { ...req.request, headers };
    return this.http.fetch(request, async (res) => {
      const policy = buildPolicy({
        url: res.url.href,
        // A range answer (206) describes the whole immutable file whose metadata we derive.
        status: res.status === 206 ? 200 : res.status,
        requestHeaders: headers,
        responseHeaders: res.headers,
        now: this.#now(),
        cacheControlOverride: req.cacheControlOverride,
      });
      if (res.status === 304) {
        await res.body.dump();
        return { kind: "not-modified", policy };
      }
      const payload = await req.read(res, previous);
      // Key the entry by the requested URL so a redirect does not make it unmatchable.
      return {
        kind: "modified",
        payload,
        policy: { ...policy, url: credentialFreeHref(req.request.url) },
      };
    });
  }

  async #store_<P, T>(
    key: CacheEntryKey,
    outcome: { readonly payload: P; readonly policy: CachePolicy },
    decode: (payload: P) => T,
    entry: StoredResponse | undefined,
  ): Promise<T> {
    const value = decode(outcome.payload);
    // The same content under headers that decide nothing new (no validators, no freshness, as
    // from servers that send neither): rewriting the entry would only cost time.
    const unchanged =
      entry !== undefined &&
      entry.payload === outcome.payload &&
      !renewalMatters(entry.policy, outcome.policy);
    if (isStorable(outcome.policy) && !unchanged) {
      await this.#write(key, {
        storedAt: this.#now(),
        policy: outcome.policy,
        payload: outcome.payload,
      });
    }
    return value;
  }

  /**
   * Writes an entry, or with {@link #writeBehind} starts writing it: a failure is then reported
   * by the next {@link get} or {@link flush}.
   */
  async #write(key: CacheEntryKey, entry: StoredResponse): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    if (!this.#writeBehind) {
      try {
        await store.write(key, entry);
      } catch (error) {
        throw new CacheWriteError(error);
      }
      return;
    }
    const write: Promise<void> = store.write(key, entry).then(
      () => {
        this.#writes.delete(write);
      },
      (error: unknown) => {
        this.#writes.delete(write);
        this.#writeFailure ??= new CacheWriteError(error);
      },
    );
    this.#writes.add(write);
  }

  #throwWriteFailure(): void {
    const failure = this.#writeFailure;
    if (failure === undefined) return;
    this.#writeFailure = undefined;
    throw failure;
  }

  /**
   * Waits until every entry being written is on disk; throws the cache's write error when one
   * failed (and no {@link get} has reported it).
   */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all(this.#writes);
    this.#throwWriteFailure();
  }
}
