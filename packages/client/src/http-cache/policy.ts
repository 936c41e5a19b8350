import { parseCacheControl } from "./cache-control.ts";

/**
 * What the HTTP cache remembers about a response to decide later whether it is still fresh,
 * and how to revalidate it. JSON-serialisable; URLs are stored without credentials.
 */
export interface CachePolicy {
  readonly url: string;
  readonly status: number;
  /** Epoch milliseconds when the response arrived. */
  readonly responseTime: number;
  readonly cacheControl?: string;
  readonly requestCacheControl?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly date?: string;
  readonly expires?: string;
  readonly age?: number;
  /** The request's values of the headers the response varies on (`*` never matches). */
  readonly vary: Readonly<Record<string, string | null>>;
}

/** What to do with a cached response before sending a request. */
export type BeforeRequest = "fresh" | "stale" | "no-match";

// Statuses RFC 9111 lets a cache store without explicit freshness (uv's list).
const HEURISTICALLY_CACHEABLE = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function get(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Builds the policy for a response. `cacheControlOverride` replaces the server's
 * `Cache-Control` (an index's `cache-control` setting). `status` lets a 206 answer to a range
 * request be recorded as the whole resource it describes.
 */
export function buildPolicy(options: {
  readonly url: string;
  readonly status: number;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly responseHeaders: Headers;
  readonly now: number;
  readonly cacheControlOverride?: string | undefined;
}): CachePolicy {
  const h = options.responseHeaders;
  const vary: Record<string, string | null> = {};
  for (const name of (get(h, "vary") ?? "").split(",")) {
    const key = name.trim().toLowerCase();
    if (key !== "") vary[key] = key === "*" ? null : (options.requestHeaders[key] ?? null);
  }
  const age = Number(get(h, "age"));
  const policy: Record<string, unknown> = {
    url: options.url,
    status: options.status,
    responseTime: options.now,
    vary,
    cacheControl: options.cacheControlOverride ?? get(h, "cache-control"),
    requestCacheControl: options.requestHeaders["cache-control"],
    etag: get(h, "etag"),
    lastModified: get(h, "last-modified"),
    date: get(h, "date"),
    expires: get(h, "expires"),
    age: Number.isFinite(age) && age >= 0 ? age : undefined,
  };
  for (const key of Object.keys(policy)) if (policy[key] === undefined) delete policy[key];
  return policy as unknown as CachePolicy;
}

/** Whether a response may be stored at all (a private cache, as uv is). */
export function isStorable(policy: CachePolicy): boolean {
  if (policy.status < 200 || policy.status === 206 || policy.status === 304) return false;
  if (parseCacheControl(policy.requestCacheControl).noStore) return false;
  const cc = parseCacheControl(policy.cacheControl);
  if (cc.noStore) return false;
  if (cc.public || cc.private || cc.maxAge !== undefined || policy.expires !== undefined)
    return true;
  return HEURISTICALLY_CACHEABLE.has(policy.status);
}

function freshnessLifetimeSeconds(policy: CachePolicy): number {
  const cc = parseCacheControl(policy.cacheControl);
  if (cc.maxAge !== undefined) return cc.maxAge;
  const date = parseDate(policy.date) ?? policy.responseTime;
  const expires = parseDate(policy.expires);
  if (expires !== undefined) return Math.max(0, (expires - date) / 1000);
  const lastModified = parseDate(policy.lastModified);
  if (lastModified !== undefined && lastModified < date) return (date - lastModified) / 10_000;
  return 0;
}

function ageSeconds(policy: CachePolicy, now: number): number {
  return (policy.age ?? 0) + Math.max(0, now - policy.responseTime) / 1000;
}

function varyMatches(
  policy: CachePolicy,
  requestHeaders: Readonly<Record<string, string>>,
): boolean {
  for (const [name, value] of Object.entries(policy.vary)) {
    if (name === "*") return false;
    if ((requestHeaders[name] ?? null) !== value) return false;
  }
  return true;
}

/**
 * Decides whether the cached response can answer `request` as is (`fresh`), needs a
 * conditional request (`stale`), or does not apply (`no-match`). A request `Cache-Control:
 * no-cache` (how `--refresh` is expressed) makes anything but an `immutable` response stale.
 */
export function beforeRequest(
  policy: CachePolicy,
  url: string,
  requestHeaders: Readonly<Record<string, string>>,
  now: number,
): BeforeRequest {
  if (!isStorable(policy) || policy.url !== url) return "no-match";
  if (!varyMatches(policy, requestHeaders)) return "stale";
  const cc = parseCacheControl(policy.cacheControl);
  if (cc.noCache) return "stale";
  if (!cc.immutable) {
    const reqcc = parseCacheControl(requestHeaders["cache-control"]);
    if (reqcc.noCache) return "stale";
    if (reqcc.maxAge !== undefined && ageSeconds(policy, now) > reqcc.maxAge) return "stale";
  }
  return ageSeconds(policy, now) < freshnessLifetimeSeconds(policy) ? "fresh" : "stale";
}

/**
 * Whether replacing a cached response with a newer one for the same content changes any later
 * decision: it does when the new one can be fresh for a while or be revalidated (its response
 * time then matters), or when any header the cache reads differs.
 */
export function renewalMatters(old: CachePolicy, fresh: CachePolicy): boolean {
  if (fresh.etag !== undefined || fresh.lastModified !== undefined) return true;
  if (freshnessLifetimeSeconds(fresh) > 0) return true;
  if (
    old.url !== fresh.url ||
    old.status !== fresh.status ||
    old.cacheControl !== fresh.cacheControl ||
    old.requestCacheControl !== fresh.requestCacheControl ||
    old.expires !== fresh.expires
  ) {
    return true;
  }
  const oldVary = Object.keys(old.vary);
  const freshVary = Object.keys(fresh.vary);
  return (
    oldVary.length !== freshVary.length ||
    freshVary.some((name) => !(name in old.vary) || old.vary[name] !== fresh.vary[name])
  );
}

/** The conditional headers that revalidate the cached response (strong ETags only). */
export function revalidationHeaders(policy: CachePolicy): Record<string, string> {
  const headers: Record<string, string> = {};
  if (policy.etag !== undefined && !policy.etag.startsWith("W/")) {
    headers["if-none-match"] = policy.etag;
  }
  if (policy.lastModified !== undefined) headers["if-modified-since"] = policy.lastModified;
  return headers;
}

/**
 * Whether a 304 actually confirms the cached response: validators must agree, or be absent
 * on both sides. Anything else is an unusable 304 and the resource is fetched again.
 */
export function confirmsCached(old: CachePolicy, fresh: CachePolicy): boolean {
  if (fresh.status !== 304) return false;
  const weak = (e: string | undefined) => e?.startsWith("W/") ?? false;
  if (old.etag !== undefined && fresh.etag !== undefined && !weak(old.etag) && !weak(fresh.etag)) {
    if (old.etag === fresh.etag) return true;
  }
  if (old.lastModified !== undefined && old.lastModified === fresh.lastModified) return true;
  return (
    old.etag === undefined &&
    fresh.etag === undefined &&
    old.lastModified === undefined &&
    fresh.lastModified === undefined
  );
}

/** The policy to store after a confirming 304: the new headers over the old, old status. */
export function mergeNotModified(old: CachePolicy, fresh: CachePolicy): CachePolicy {
  // Keep the old URL: the 304 may have come through a redirect, the entry is still keyed by it.
  const merged: Record<string, unknown> = { ...old, ...fresh, status: old.status, url: old.url };
  for (const key of ["etag", "lastModified", "cacheControl", "expires"] as const) {
    if (fresh[key] === undefined && old[key] !== undefined) merged[key] = old[key];
  }
  return merged as unknown as CachePolicy;
}
