import { statSync } from "node:fs";

/**
 * uv's `CacheInfo` for a local file (a wheel installed by path), serialised as uv writes it to
 * `uv_cache.json`: the file's change time (`ctime` on Unix, as uv's `Timestamp`) and nothing
 * else. Directory sources (`cache-keys`, git commits) belong to the cache package.
 */
export function fileCacheInfo(path: string): string {
  const ns = statSync(path, { bigint: true }).ctimeNs;
  const secs = ns / 1_000_000_000n;
  const nanos = ns % 1_000_000_000n;
  return JSON.stringify({
    timestamp: { secs_since_epoch: Number(secs), nanos_since_epoch: Number(nanos) },
    commit: null,
    tags: null,
    env: {},
    directories: {},
  });
}

/** Whether two `uv_cache.json` texts describe the same state (key order does not matter). */
export function sameCacheInfo(a: string, b: string): boolean {
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return false;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
