import { mkdirSync } from "node:fs";
import { Cache } from "@uv-ts/cache";
import { IndexLocations, IndexUrl } from "@uv-ts/client";
import { registryWheelsDir } from "@uv-ts/distribution";
import type { PackageName } from "@uv-ts/normalize";
import { ScratchDirs } from "@uv-ts/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { likelyUncached, readsFiles } from "../src/commands/pip-ops-flow.ts";

const names = (...list: string[]) => list as PackageName[];

describe("likelyUncached", () => {
  const scratch = new ScratchDirs("uv-ts-uncached-");
  afterAll(() => scratch.removeAll());

  function setup(cachedNames: string[], index = "https://pypi.org/simple") {
    const cache = Cache.fromPath(scratch.make());
    for (const name of cachedNames) {
      mkdirSync(registryWheelsDir(cache, IndexUrl.parse(index), name as PackageName), {
        recursive: true,
      });
    }
    return cache;
  }
  const pypi = IndexLocations.fromArgs({ indexUrl: "https://pypi.org/simple" });
  const nothingInstalled = { get: () => [] };

  it("calls a cache cold when it never unpacked at least half of the missing packages", () => {
    const empty = setup([]);
    expect(likelyUncached(empty, pypi, names("a", "b", "c"), nothingInstalled)).toBe(true);
    const warm = setup(["a", "b", "c"]);
    expect(likelyUncached(warm, pypi, names("a", "b", "c"), nothingInstalled)).toBe(false);
    const half = setup(["a", "b"]);
    expect(likelyUncached(half, pypi, names("a", "b", "c", "d"), nothingInstalled)).toBe(true);
    expect(likelyUncached(half, pypi, names("a", "b", "c"), nothingInstalled)).toBe(false);
  });

  it("looks only at packages that are not installed, and at the run's own indexes", () => {
    const cache = setup(["a"], "https://example.org/simple");
    expect(likelyUncached(cache, pypi, names("a"), nothingInstalled)).toBe(true);
    const other = IndexLocations.fromArgs({
      indexUrl: "https://pypi.org/simple",
      extraIndexUrls: ["https://example.org/simple/"],
    });
    expect(likelyUncached(cache, other, names("a"), nothingInstalled)).toBe(false);
    // Installed packages need no wheel: nothing missing, nothing to unpack.
    const installed = { get: () => [{}] } as unknown as Parameters<typeof likelyUncached>[3];
    expect(likelyUncached(cache, pypi, names("a", "b"), installed)).toBe(false);
  });

  it("has a run read files to resolve dependencies, or to fill a cold cache", () => {
    const empty = setup([]);
    const warm = setup(["a", "b"]);
    // `pip sync` and `--no-deps` download only what the cache lacks.
    expect(readsFiles(true, empty, pypi, names("a", "b"))).toBe(true);
    expect(readsFiles(true, warm, pypi, names("a", "b"))).toBe(false);
    // A resolution with dependencies reads their metadata there.
    expect(readsFiles(false, warm, pypi, names("a", "b"))).toBe(true);
  });
});
