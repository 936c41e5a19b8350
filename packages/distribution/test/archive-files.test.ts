import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cache } from "@uv-ts/cache";
import { createRegistryClient, IndexLocations, IndexUrl } from "@uv-ts/client";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { type IndexServer, startIndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WheelFetcher, type WheelSource, wheelPointerPath } from "../src/index.ts";

let server: IndexServer;
let root: string;

beforeAll(async () => {
  server = await startIndexServer({ scenarios: ["basic"] });
  root = mkdtempSync(join(tmpdir(), "uv-ts-archive-files-"));
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** Every file below `dir`, relative and `/`-separated, sorted. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("unpacked wheels record their files", () => {
  it("the_archives_file_list_is_recorded_and_served_from_the_cache", async () => {
    const cache = await Cache.fromPath(join(root, "cache")).init();
    const client = createRegistryClient({
      indexes: new IndexLocations({
        indexes: [{ url: IndexUrl.parse(server.simpleUrl), default: true }],
      }),
      cacheDir: cache.root,
      retryDelayMs: () => 0,
    });
    try {
      const [page] = await client.simple("dep-b");
      const dist = page!.dists.find((d) => d.filename instanceof WheelFilename)!;
      const source: WheelSource = {
        kind: "registry",
        index: page!.index,
        file: dist.file,
        filename: dist.filename as WheelFilename,
      };
      const fetcher = new WheelFetcher({ cache, client });
      const fetched = await fetcher.fetch(source, { distribution: "dep-b==1.0.0" });
      expect([...(fetched.files ?? [])].sort()).toEqual(walk(fetched.path));
      expect(fetched.files).toContain("dep_b/__init__.py");

      const pointer = JSON.parse(readFileSync(wheelPointerPath(cache, source), "utf8"));
      expect([...pointer.files].sort()).toEqual(walk(fetched.path));

      const cached = await new WheelFetcher({ cache, client }).cached(source);
      expect(cached?.files).toEqual(fetched.files);
    } finally {
      await client.close();
      await cache.dispose();
    }
  });
});
