import { Requirement } from "@uv-ts/pep508";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoSolutionError, type Resolution, type ResolverClient, resolve } from "../src/index.ts";
import { localClient, startResolverIndex, target } from "./harness.ts";

let server: IndexServer;
beforeAll(async () => {
  server = await startResolverIndex();
});
afterAll(() => server.close());

/** A client that counts its calls and how many were in flight at once. */
function countingClient(inner: ResolverClient) {
  const calls = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const track = async <T>(key: string, run: () => Promise<T>): Promise<T> => {
    calls.set(key, (calls.get(key) ?? 0) + 1);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await run();
    } finally {
      inFlight--;
    }
  };
  const client: ResolverClient = {
    simple: (name, options) => track(`simple:${name}`, () => inner.simple(name, options)),
    findLinks: (name) => inner.findLinks(name),
    wheelMetadata: (file, filename, options) =>
      track(`metadata:${file.url}`, () => inner.wheelMetadata(file, filename, options)),
  };
  return { client, calls, maxInFlight: () => maxInFlight };
}

async function run(requirements: string[], client: ResolverClient, concurrency?: number) {
  return resolve({
    manifest: { requirements: requirements.map((r) => Requirement.parse(r)) },
    target: target(),
    client,
    ...(concurrency === undefined ? {} : { options: { concurrency } }),
  }).catch((error: unknown) => {
    if (error instanceof NoSolutionError) return error;
    throw error;
  });
}

describe("prefetch_and_memoisation", () => {
  it("each_page_and_metadata_file_is_fetched_once_even_when_backtracking", async () => {
    const from = server.requests.length;
    const outcome = await run(["many-a", "many-c>=1"], localClient(server));
    expect(outcome).toBeInstanceOf(NoSolutionError);
    const counts = new Map<string, number>();
    for (const r of server.requests.slice(from)) {
      counts.set(r.pathname, (counts.get(r.pathname) ?? 0) + 1);
    }
    const repeated = [...counts].filter(([, n]) => n > 1);
    expect(repeated).toEqual([]);
    // The solver went through every `many-a` and read each `many-b` it pinned.
    const metadata = [...counts.keys()].filter((p) => p.endsWith(".metadata"));
    expect(metadata.filter((p) => p.includes("many_a-")).length).toBe(8);
    expect(metadata.filter((p) => p.includes("many_b-")).length).toBe(8);
    expect(counts.get("/simple/many-a/")).toBe(1);
  });

  it("backtracking_reuses_fetched_metadata", async () => {
    const counting = countingClient(localClient(server));
    const resolution = await run(["bt-a", "bt-c", "ext-a[fast]"], counting.client);
    expect(resolution).not.toBeInstanceOf(NoSolutionError);
    expect([...counting.calls].filter(([, n]) => n > 1)).toEqual([]);
    expect(counting.calls.get("simple:bt-b")).toBe(1);
  });

  it("batches_grow_with_the_distinct_versions_tried_as_in_uv", async () => {
    // `pf-a` 30 down to 21 fail, 20 works. uv prefetches after 5 and 10 distinct versions tried,
    // as many as were tried (5, then 10): 25..21, then 20..11, and nothing below 11. A batch of
    // 50 at the fifth attempt would have fetched all 30.
    const counting = countingClient(localClient(server));
    const resolution = await run(["pf-a"], counting.client);
    expect((resolution as Resolution).toPins()).toEqual(["pf-a==20.0.0"]);
    const fetched = [...counting.calls.keys()]
      .filter((k) => k.startsWith("metadata:") && k.includes("pf_a-"))
      .map((k) => Number(/pf_a-(\d+)\.0\.0/.exec(k)?.[1]))
      .sort((a, b) => a - b);
    expect(fetched).toEqual(Array.from({ length: 20 }, (_, i) => 11 + i));
  });

  it("metadata_is_fetched_in_parallel_within_the_concurrency_bound", async () => {
    const counting = countingClient(localClient(server));
    await run(["many-a", "many-c>=1", "bt-a", "bt-c", "mk-a", "ext-a[all]"], counting.client, 3);
    expect(counting.maxInFlight()).toBeGreaterThanOrEqual(2);
    expect(counting.maxInFlight()).toBeLessThanOrEqual(3);
  });
});

describe("direct_mode", () => {
  it("no_deps_fetches_pages_but_no_registry_metadata", async () => {
    // uv's `DependencyMode::Direct` (`pip sync`, `--no-deps`): nothing reads a registry wheel's
    // metadata, so none is fetched, not even in the background.
    const counting = countingClient(localClient(server));
    const resolution = await resolve({
      manifest: {
        requirements: ["bt-a", "ext-a[fast]", "many-a"].map((r) => Requirement.parse(r)),
      },
      target: target(),
      client: counting.client,
      options: { noDeps: true },
    });
    expect(resolution.packages.map((p) => p.name).sort()).toEqual(["bt-a", "ext-a", "many-a"]);
    const keys = [...counting.calls.keys()];
    expect(keys.filter((k) => k.startsWith("metadata:"))).toEqual([]);
    expect(keys.filter((k) => k.startsWith("simple:")).sort()).toEqual([
      "simple:bt-a",
      "simple:ext-a",
      "simple:many-a",
    ]);
  });
});

/**
 * What a test holds back until something else happened: `wait()` returns once `open()` was
 * called, or after a second; `inTime()` tells whether it was the former.
 */
function gate() {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  let released = false;
  let timedOut = false;
  return {
    open: () => {
      released = true;
      release();
    },
    wait: async () => {
      const timer = setTimeout(() => {
        timedOut = !released;
        release();
      }, 1000);
      await opened;
      clearTimeout(timer);
    },
    inTime: () => released && !timedOut,
  };
}

/**
 * A client whose answers to `held` (a metadata URL fragment) wait until `release` (a package)
 * has had its page requested, or until a second has passed; `releasedInTime` tells which.
 */
function gatedClient(inner: ResolverClient, held: string, release: string) {
  const g = gate();
  const client: ResolverClient = {
    simple: (name, options) => {
      if (name === release) g.open();
      return inner.simple(name, options);
    },
    findLinks: (name) => inner.findLinks(name),
    wheelMetadata: async (file, filename, options) => {
      if (file.url.includes(held)) await g.wait();
      return inner.wheelMetadata(file, filename, options);
    },
  };
  return { client, releasedInTime: g.inTime };
}

describe("fetching_ahead", () => {
  it("dependencies_of_a_likely_version_are_requested_before_the_solver_reaches_it", async () => {
    // The solver decides `bt-c` first and waits for its metadata; `ext-a`'s arrives meanwhile,
    // and its dependency's page is requested then, not once the solver gets to `ext-a`.
    const gated = gatedClient(localClient(server), "bt_c-1.0.0", "ext-b");
    const resolution = await run(["bt-c", "ext-a"], gated.client);
    expect(resolution).not.toBeInstanceOf(NoSolutionError);
    expect((resolution as Resolution).toPins()).toEqual([
      "bt-b==1.0.0",
      "bt-c==1.0.0",
      "ext-a==1.0.0",
      "ext-b==1.0.0",
    ]);
    expect(gated.releasedInTime()).toBe(true);
  });

  it("stored_metadata_tells_the_dependencies_before_the_fetched_metadata_returns", async () => {
    // `ext-a`'s metadata comes back only after `ext-b`'s page was requested: the cache-only
    // client (standing in for the cache) tells that `ext-a` needs `ext-b`.
    const gated = gatedClient(localClient(server), "ext_a-1.0.0", "ext-b");
    const cached = countingClient(localClient(server));
    const resolution = await resolve({
      manifest: { requirements: [Requirement.parse("ext-a")] },
      target: target(),
      client: gated.client,
      cachedClient: cached.client,
    });
    expect(resolution.toPins()).toEqual(["ext-a==1.0.0", "ext-b==1.0.0"]);
    expect(gated.releasedInTime()).toBe(true);
    // Each stored page is read once, for the guess; the solver's answers are the fetched ones.
    expect([...cached.calls].filter(([k]) => k.startsWith("simple:")).sort()).toEqual([
      ["simple:ext-a", 1],
      ["simple:ext-b", 1],
    ]);
  });

  it("a_stored_page_starts_the_next_level_before_the_fetched_page_returns", async () => {
    // `ext-a`'s page comes back only after `ext-b`'s metadata was requested: the stored page
    // tells which `ext-a` is likely, its stored metadata that it needs `ext-b`, whose stored page
    // tells which `ext-b` to fetch the metadata of. On a warm cache a whole graph's requests go
    // out at once rather than one level per fetched page.
    const inner = localClient(server);
    const g = gate();
    const fresh: ResolverClient = {
      simple: async (name, options) => {
        if (name === "ext-a") await g.wait();
        return inner.simple(name, options);
      },
      findLinks: (name) => inner.findLinks(name),
      wheelMetadata: (file, filename, options) => {
        if (file.url.includes("ext_b-1.0.0")) g.open();
        return inner.wheelMetadata(file, filename, options);
      },
    };
    const resolution = await resolve({
      manifest: { requirements: [Requirement.parse("ext-a")] },
      target: target(),
      client: fresh,
      cachedClient: localClient(server),
    });
    expect(resolution.toPins()).toEqual(["ext-a==1.0.0", "ext-b==1.0.0"]);
    expect(g.inTime()).toBe(true);
  });

  it("stored_metadata_is_only_a_guess", async () => {
    // A cache that says `ext-a` needs `bt-b` costs a request for `bt-b`'s page, not the result.
    const inner = localClient(server);
    // This run's answer for `ext-a` waits until the wrong guess was followed.
    const gated = gatedClient(inner, "ext_a-1.0.0", "bt-b");
    const wrong: ResolverClient = {
      simple: (name, options) => inner.simple(name, options),
      findLinks: (name) => inner.findLinks(name),
      wheelMetadata: async (file, filename, options) => {
        const metadata = await inner.wheelMetadata(file, filename, options);
        return { ...metadata, requiresDist: [Requirement.parse("bt-b")] };
      },
    };
    const resolution = await resolve({
      manifest: { requirements: [Requirement.parse("ext-a")] },
      target: target(),
      client: gated.client,
      cachedClient: wrong,
    });
    expect(gated.releasedInTime()).toBe(true);
    expect(resolution.toPins()).toEqual(["ext-a==1.0.0", "ext-b==1.0.0"]);
    expect(resolution.dependencies("ext-a" as never)).toEqual(["ext-b"]);
  });

  it("a_failed_metadata_fetch_fails_the_resolution_once", async () => {
    // The fetch the solver waits for and the one run ahead are the same: its failure is the
    // resolution's error, and the guess working ahead must not leave a second, unhandled one.
    const inner = localClient(server);
    const failing: ResolverClient = {
      simple: (name, options) => inner.simple(name, options),
      findLinks: (name) => inner.findLinks(name),
      wheelMetadata: async (file) => {
        throw new Error(`no metadata for ${file.url.split("/").pop()}`);
      },
    };
    const error = await resolve({
      manifest: { requirements: [Requirement.parse("ext-a")] },
      target: target(),
      client: failing,
      cachedClient: failing,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("no metadata for ext_a-1.0.0-py3-none-any.whl");
  });
});
