import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  beforeRequest,
  buildPolicy,
  CACHE_BUCKETS,
  confirmsCached,
  FileHttpCacheStore,
  isStorable,
  parseCacheControl,
  renewalMatters,
  revalidationHeaders,
} from "../src/index.ts";

const URL_ = "https://pypi.org/simple/anyio/";
const T0 = Date.parse("2026-01-01T00:00:00Z");

function policy(
  headers: Record<string, string>,
  status = 200,
  requestHeaders: Record<string, string> = {},
) {
  return buildPolicy({ url: URL_, status, requestHeaders, responseHeaders: headers, now: T0 });
}

describe("http cache policy", () => {
  it("parses_cache_control_directives", () => {
    expect(parseCacheControl("max-age=600, public")).toEqual({
      maxAge: 600,
      noCache: false,
      noStore: false,
      mustRevalidate: false,
      immutable: false,
      public: true,
      private: false,
    });
    expect(parseCacheControl('max-age="x", no-store').maxAge).toBe(0);
    const none = {
      noCache: false,
      noStore: false,
      mustRevalidate: false,
      immutable: false,
      public: false,
      private: false,
    };
    for (const value of [undefined, "", " ", ",", "community"]) {
      expect(parseCacheControl(value)).toEqual(none);
    }
  });

  it("entries_live_under_their_bucket_whatever_the_names", () => {
    // Names from servers: anything that could leave the bucket directory becomes a digest.
    const segment = fc.oneof(
      fc.constantFrom("", ".", "..", "a/b", "..\\x", "a\0b", "attrs", "x.json"),
      fc.string({ maxLength: 6 }),
    );
    const keys = fc.record({
      root: fc.constantFrom("/tmp/cache", "/tmp/cache/", "relative/cache", "/", "a/../b"),
      bucket: fc.constantFrom(...(Object.keys(CACHE_BUCKETS) as (keyof typeof CACHE_BUCKETS)[])),
      shard: fc.array(segment, { maxLength: 3 }),
      file: segment,
    });
    for (const { root, bucket, shard, file } of fc.sample(keys, { numRuns: 500, seed: 503 })) {
      const path = new FileHttpCacheStore(root).pathOf({ bucket, shard, file });
      const dir = join(root, CACHE_BUCKETS[bucket]);
      expect(path.startsWith(`${dir}/`)).toBe(true);
      const rest = path.slice(dir.length + 1).split("/");
      expect(rest).toHaveLength(shard.length + 1);
      expect(path).toBe(join(dir, ...rest));
      for (const [i, name] of [...shard, file].entries()) {
        const kept = name !== "" && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
        expect(rest[i]).toEqual(kept ? name : expect.stringMatching(/^[0-9a-f]{16}$/));
      }
    }
  });

  it("max_age_pages_are_fresh_then_revalidated_with_their_etag", () => {
    const p = policy({ "cache-control": "max-age=600", etag: '"abc"', vary: "Accept" }, 200, {
      accept: "json",
    });
    expect(beforeRequest(p, URL_, { accept: "json" }, T0 + 599_000)).toBe("fresh");
    expect(beforeRequest(p, URL_, { accept: "json" }, T0 + 601_000)).toBe("stale");
    expect(beforeRequest(p, URL_, { accept: "html" }, T0)).toBe("stale");
    expect(beforeRequest(p, `${URL_}x`, { accept: "json" }, T0)).toBe("no-match");
    expect(beforeRequest(p, URL_, { accept: "json", "cache-control": "no-cache" }, T0)).toBe(
      "stale",
    );
    expect(revalidationHeaders(p)).toEqual({ "if-none-match": '"abc"' });
  });

  it("immutable_files_stay_fresh_even_under_refresh", () => {
    const p = policy({ "cache-control": "max-age=365000000, immutable, public" });
    expect(beforeRequest(p, URL_, { "cache-control": "no-cache" }, T0 + 86_400_000)).toBe("fresh");
  });

  it("no_store_and_partial_responses_are_not_stored", () => {
    expect(isStorable(policy({ "cache-control": "no-store" }))).toBe(false);
    expect(isStorable(policy({ "cache-control": "max-age=60" }, 206))).toBe(false);
    expect(isStorable(policy({}, 200))).toBe(true);
    expect(isStorable(policy({}, 302))).toBe(false);
    // Without explicit freshness a heuristically cacheable response is stored but always stale.
    expect(beforeRequest(policy({}), URL_, {}, T0)).toBe("stale");
  });

  it("a_304_must_agree_with_the_cached_validators", () => {
    const old = policy({ etag: '"v1"' });
    expect(confirmsCached(old, policy({ etag: '"v1"' }, 304))).toBe(true);
    expect(confirmsCached(old, policy({ etag: '"v2"' }, 304))).toBe(false);
    expect(confirmsCached(old, policy({}, 304))).toBe(false);
    expect(confirmsCached(policy({}), policy({}, 304))).toBe(true);
    expect(confirmsCached(old, policy({ etag: '"v1"' }, 200))).toBe(false);
  });

  it("cache_control_override_replaces_the_servers_header", () => {
    const p = buildPolicy({
      url: URL_,
      status: 200,
      requestHeaders: {},
      responseHeaders: { "cache-control": "max-age=600" },
      now: T0,
      cacheControlOverride: "no-cache",
    });
    expect(beforeRequest(p, URL_, {}, T0)).toBe("stale");
  });

  it("storing_the_same_content_again_matters_only_when_headers_could_decide_something", () => {
    const bare = policy({ date: "Thu, 01 Jan 2026 00:00:00 GMT" });
    const later = {
      ...policy({ date: "Thu, 01 Jan 2026 00:05:00 GMT" }),
      responseTime: T0 + 300_000,
    };
    // No validators, no freshness: a newer copy changes nothing.
    expect(renewalMatters(bare, later)).toBe(false);
    // A newer copy that can be fresh, or revalidated, must be stored (its time counts).
    expect(renewalMatters(bare, policy({ "cache-control": "max-age=600" }))).toBe(true);
    expect(renewalMatters(bare, policy({ etag: '"abc"' }))).toBe(true);
    expect(renewalMatters(bare, policy({ "last-modified": "Wed, 31 Dec 2025 00:00:00 GMT" }))).toBe(
      true,
    );
    // Different deciding headers: the newer ones replace the old.
    expect(renewalMatters(bare, policy({ "cache-control": "no-store" }))).toBe(true);
    expect(renewalMatters(bare, policy({ vary: "Accept" }, 200, { accept: "json" }))).toBe(true);
    expect(renewalMatters(bare, policy({}, 200, { "cache-control": "no-cache" }))).toBe(true);
  });
});
