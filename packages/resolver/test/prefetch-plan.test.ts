import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistryClient, IndexLocations, type RegistryClient } from "@uv-ts/client";
import { Requirement } from "@uv-ts/pep508";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ResolverClient, type ResolverOptions, resolve } from "../src/index.ts";
import { parsePlan, planDocument, planKey } from "../src/prefetch-plan.ts";
import { formatResolution, localClient, startResolverIndex, target } from "./harness.ts";

let server: IndexServer;
beforeAll(async () => {
  server = await startResolverIndex();
});
afterAll(() => server.close());

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "uv-ts-plan-"));
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

function cachedClient(offline: boolean): RegistryClient {
  return createRegistryClient({
    indexes: IndexLocations.fromArgs({ indexUrl: server.simpleUrl }),
    cacheDir,
    offline,
    retryDelayMs: () => 0,
    netrcPath: null,
    env: {},
  });
}

/** A client that records each call, in order. */
function recording(inner: ResolverClient) {
  const calls: string[] = [];
  const client: ResolverClient = {
    simple: (name, options) => {
      calls.push(`simple:${name}`);
      return inner.simple(name, options);
    },
    findLinks: (name) => inner.findLinks(name),
    wheelMetadata: (file, filename, options) => {
      calls.push(`metadata:${String(filename)}`);
      return inner.wheelMetadata(file, filename, options);
    },
  };
  return { client, calls };
}

/**
 * A cache-only client that knows no stored page nor metadata, only the plans: what it prefetches
 * then comes from the plan alone, not from the walk over what earlier runs stored.
 */
function plansOnly(): ResolverClient {
  const store = cachedClient(true).prefetchPlans;
  if (store === undefined) throw new Error("a client with a cache has a plan store");
  return {
    simple: () => Promise.resolve([]),
    findLinks: () => Promise.resolve([]),
    wheelMetadata: () => Promise.reject(new Error("nothing stored")),
    prefetchPlans: store,
  };
}

async function run(
  requirements: readonly string[],
  client: ResolverClient,
  cached: ResolverClient | undefined,
  options: ResolverOptions = {},
) {
  return resolve({
    manifest: { requirements: requirements.map((r) => Requirement.parse(r)) },
    options,
    target: target(),
    client,
    ...(cached === undefined ? {} : { cachedClient: cached }),
  });
}

async function planFiles(): Promise<string[]> {
  try {
    return (await readdir(join(cacheDir, "simple-v0", "plans"))).map((f) =>
      join(cacheDir, "simple-v0", "plans", f),
    );
  } catch {
    return [];
  }
}

function key(requirements: readonly string[], options: ResolverOptions = {}): string {
  const t = target();
  return planKey({
    manifest: { requirements: requirements.map((r) => Requirement.parse(r)) },
    options,
    markerEnv: t.markerEnv,
    tags: t.tags,
    python: t.python,
    sourceBuilds: false,
  });
}

describe("prefetch_plan", () => {
  it("a_successful_resolution_leaves_the_requests_it_made", async () => {
    await run(["ext-a[fast]"], cachedClient(false), cachedClient(true));
    const files = await planFiles();
    expect(files).toHaveLength(1);
    const plan = parsePlan(JSON.parse(await readFile(files[0]!, "utf8")));
    // Every page asked for (`ext-d`'s pulls in a missing one), every metadata file read (the
    // newest `ext-c` is tried first), in the order asked (which answers' timing decides).
    expect(plan?.pages[0]).toBe("ext-a");
    expect([...(plan?.pages ?? [])].sort()).toEqual(["ext-a", "ext-b", "ext-c", "ext-missing"]);
    expect(plan?.wheels.map((w) => w.filename).sort()).toEqual([
      "ext_a-1.0.0-py3-none-any.whl",
      "ext_b-1.0.0-py3-none-any.whl",
      "ext_c-1.0.0-py3-none-any.whl",
      "ext_c-2.0.0-py3-none-any.whl",
    ]);
    expect(plan?.wheels.every((w) => w.index === server.simpleUrl.replace(/\/+$/, ""))).toBe(true);
  });

  it("the_next_run_sends_every_planned_request_before_the_solver_asks", async () => {
    await run(["ext-a[fast]"], cachedClient(false), cachedClient(true));
    // No stored pages nor metadata to walk: only the plan can tell, before any answer, that
    // `ext-a` will need `ext-c`'s page and metadata.
    const plan = parsePlan(cachedClient(true).prefetchPlans!.read(key(["ext-a[fast]"])))!;
    const rec = recording(cachedClient(false));
    const resolution = await run(["ext-a[fast]"], rec.client, plansOnly());
    expect(resolution.toPins()).toEqual(["ext-a==1.0.0", "ext-b==1.0.0", "ext-c==1.0.0"]);
    // Every request, in the plan's order (the files first, on their own connection), and
    // nothing asked twice: the resolver took the planned answers over.
    expect(rec.calls).toEqual([
      ...plan.wheels.map((w) => `metadata:${w.filename}`),
      ...plan.pages.map((p) => `simple:${p}`),
    ]);
    expect(rec.calls).toHaveLength(8);
  });

  it("a_planned_request_is_sent_once_on_the_network", async () => {
    await run(["ext-a[fast]"], cachedClient(false), cachedClient(true));
    const from = server.requests.length;
    // Without an HTTP cache (whose fresh entries would answer), everything goes to the server.
    await run(["ext-a[fast]"], localClient(server), cachedClient(true));
    const paths = server.requests.slice(from).map((r) => r.pathname);
    expect(paths.length).toBe(8);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("the_output_is_the_same_with_and_without_a_plan", async () => {
    const requirements = ["ext-a[all]", "bt-a", "bt-c"];
    const without = formatResolution(await run(requirements, cachedClient(false), undefined));
    await run(requirements, cachedClient(false), cachedClient(true));
    const withPlan = formatResolution(
      await run(requirements, cachedClient(false), cachedClient(true)),
    );
    expect(withPlan).toBe(without);
  });

  it("a_stale_plan_costs_its_own_requests_and_changes_nothing", async () => {
    // A plan for these inputs that lists a page and a wheel this resolution never needs, and
    // misses what it does need.
    const store = cachedClient(true).prefetchPlans!;
    await run(["bt-b"], cachedClient(false), cachedClient(true));
    const other = parsePlan(store.read(key(["bt-b"])))!;
    expect(other.wheels.map((w) => w.filename)).toEqual(["bt_b-2.0.0-py3-none-any.whl"]);
    await store.write(key(["ext-a"]), planDocument({ pages: ["many-a"], wheels: other.wheels }));
    const rec = recording(cachedClient(false));
    const resolution = await run(["ext-a"], rec.client, plansOnly());
    expect(resolution.toPins()).toEqual(["ext-a==1.0.0", "ext-b==1.0.0"]);
    expect(rec.calls.slice(0, 2)).toEqual([
      "metadata:bt_b-2.0.0-py3-none-any.whl",
      "simple:many-a",
    ]);
    // The run's own plan replaces the stale one.
    const plan = parsePlan(store.read(key(["ext-a"])));
    expect(plan?.pages).toEqual(["ext-a", "ext-b"]);
  });

  it("a_planned_wheel_read_another_way_is_not_taken_over", async () => {
    // The plan says the index has no PEP 658 file for `ext-b`'s wheel, the page says it has:
    // the resolver sends its own request rather than take an answer read another way.
    await run(["ext-a"], cachedClient(false), cachedClient(true));
    const store = cachedClient(true).prefetchPlans!;
    const plan = parsePlan(store.read(key(["ext-a"])))!;
    await store.write(
      key(["ext-a"]),
      planDocument({
        pages: plan.pages,
        wheels: plan.wheels.map((w) => ({ ...w, coreMetadata: !w.coreMetadata })),
      }),
    );
    const rec = recording(cachedClient(false));
    await run(["ext-a"], rec.client, plansOnly());
    expect(rec.calls.filter((c) => c === "metadata:ext_b-1.0.0-py3-none-any.whl")).toHaveLength(2);
  });

  it("a_plan_for_other_inputs_is_not_used", async () => {
    await run(["ext-a"], cachedClient(false), cachedClient(true));
    const store = cachedClient(true).prefetchPlans!;
    const plan = parsePlan(store.read(key(["ext-a"])))!;
    await store.write(key(["ext-a"]), planDocument({ ...plan, pages: [...plan.pages, "many-a"] }));
    for (const [requirements, options] of [
      [["ext-a==1.0.0"], {}],
      [["ext-a"], { prerelease: "allow" }],
      [["ext-a"], { excludeNewer: new Date("2020-01-01T00:00:00Z") }],
    ] as const) {
      const rec = recording(cachedClient(false));
      // Whether these inputs resolve does not matter here.
      await run(requirements, rec.client, plansOnly(), options).catch(() => undefined);
      expect(rec.calls).not.toContain("simple:many-a");
    }
    // The same inputs do use it.
    const rec = recording(cachedClient(false));
    await run(["ext-a"], rec.client, plansOnly());
    expect(rec.calls).toContain("simple:many-a");
  });

  it("a_broken_plan_file_is_ignored", async () => {
    await run(["ext-a"], cachedClient(false), cachedClient(true));
    const [file] = await planFiles();
    const broken = [
      "{not json",
      '{"format":1,"pages":[3],"wheels":[]}',
      "[]",
      // A page name must be one the resolver could have asked for (it becomes part of a path).
      '{"format":1,"pages":["../ext-a"],"wheels":[]}',
      '{"format":1,"pages":["Ext_A"],"wheels":[]}',
    ];
    for (const content of broken) {
      await writeFile(file!, content);
      const rec = recording(cachedClient(false));
      const resolution = await run(["ext-a"], rec.client, plansOnly());
      expect(resolution.toPins()).toEqual(["ext-a==1.0.0", "ext-b==1.0.0"]);
      // Without a plan the solver asks for `ext-a`'s page first.
      expect(rec.calls[0]).toBe("simple:ext-a");
      // A good plan is written in its place.
      expect(parsePlan(JSON.parse(await readFile(file!, "utf8")))?.pages).toEqual([
        "ext-a",
        "ext-b",
      ]);
    }
  });

  it("no_plan_without_a_cache_only_client", async () => {
    // Offline (and wherever the caller gives no cache-only client) nothing is read or written.
    await run(["ext-a"], cachedClient(false), undefined);
    expect(await planFiles()).toEqual([]);
  });
});
