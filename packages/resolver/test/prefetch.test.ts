import { Requirement } from "@uv-ts/pep508";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoSolutionError, type ResolverClient, resolve } from "../src/index.ts";
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
