import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cache } from "@uv-ts/cache";
import { createRegistryClient, IndexLocations, IndexUrl, type RegistryClient } from "@uv-ts/client";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { type IndexServer, startIndexServer } from "@uv-ts/test-kit";
import type { WheelSource } from "../src/index.ts";

/** The local index (`basic` scenario) and a scratch root for the caches of one test file. */
export interface FetcherHarness {
  readonly server: IndexServer;
  readonly root: string;
  /** A fresh cache under the root and a client on the local index that shares it. */
  setup(label: string, offline?: boolean): Promise<{ cache: Cache; client: RegistryClient }>;
  close(): Promise<void>;
}

/** Starts the local index and makes the scratch root. */
export async function startFetcherHarness(prefix: string): Promise<FetcherHarness> {
  const server = await startIndexServer({ scenarios: ["basic"] });
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    server,
    root,
    async setup(label, offline = false) {
      const cache = await Cache.fromPath(join(root, label)).init();
      const client = createRegistryClient({
        indexes: new IndexLocations({
          indexes: [{ url: IndexUrl.parse(server.simpleUrl), default: true }],
        }),
        cacheDir: cache.root,
        offline,
        retryDelayMs: () => 0,
      });
      return { cache, client };
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The first wheel of `name`'s page, as the installer would fetch it. */
export async function registrySource(client: RegistryClient, name: string): Promise<WheelSource> {
  const [page] = await client.simple(name);
  const dist = page!.dists.find((d) => d.filename instanceof WheelFilename)!;
  return {
    kind: "registry",
    index: page!.index,
    file: dist.file,
    filename: dist.filename as WheelFilename,
  };
}
