// With `writeBehind`, a response is handed on before its cache entry is written; `flush` and
// `close` wait for the writes and report the first that failed.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CacheEntryKey,
  CacheWriteError,
  createRegistryClient,
  FileHttpCacheStore,
  IndexLocations,
  type StoredResponse,
} from "../src/index.ts";
import { useBasicIndex } from "./helpers.ts";

let caseNo = 0;

const index = useBasicIndex();

/** A file store whose writes wait until `open()` is called, or fail when `fail` is set. */
class GatedStore extends FileHttpCacheStore {
  writes = 0;
  written = 0;
  fail = false;
  #open!: () => void;
  readonly #gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });

  open(): void {
    this.#open();
  }

  override async write(key: CacheEntryKey, entry: StoredResponse): Promise<void> {
    this.writes += 1;
    await this.#gate;
    if (this.fail) throw Object.assign(new Error("No space left on device"), { code: "ENOSPC" });
    await super.write(key, entry);
    this.written += 1;
  }
}

function setup(writeBehind: boolean) {
  const store = new GatedStore(join(index.tmp.path, `cache-${caseNo++}`));
  const client = createRegistryClient({
    indexes: IndexLocations.fromArgs({ indexUrl: index.server.simpleUrl }),
    cacheStore: store,
    retryDelayMs: () => 0,
    netrcPath: null,
    env: {},
    writeBehind,
  });
  return { store, client };
}

/** Whether `promise` settles within a few event-loop turns. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  return settled;
}

describe("write-behind cache", () => {
  it("a_page_is_answered_before_its_entry_is_written_and_flush_waits_for_it", async () => {
    const { store, client } = setup(true);
    const [page] = await client.simple("basic-package");
    expect(page?.distVersions.length).toBeGreaterThan(0);
    expect(store.writes).toBe(1);
    expect(store.written).toBe(0);
    const flushed = client.flush();
    expect(await settlesSoon(flushed)).toBe(false);
    store.open();
    await flushed;
    expect(store.written).toBe(1);
    await client.close();
  });

  it("without_write_behind_the_answer_waits_for_the_entry", async () => {
    const { store, client } = setup(false);
    const answer = client.simple("basic-package");
    expect(await settlesSoon(answer)).toBe(false);
    store.open();
    await answer;
    expect(store.written).toBe(1);
    await client.close();
  });

  it("a_failed_write_is_reported_by_flush_once", async () => {
    const { store, client } = setup(true);
    store.fail = true;
    store.open();
    await client.simple("basic-package");
    const error = await client.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CacheWriteError);
    expect((error as Error).message).toBe("Failed to write to the client cache");
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
    await expect(client.flush()).resolves.toBeUndefined();
    await client.close();
  });

  it("a_failed_write_fails_the_next_request", async () => {
    const { store, client } = setup(true);
    store.fail = true;
    store.open();
    await client.simple("basic-package");
    // Let the write fail.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(client.simple("dep-a")).rejects.toBeInstanceOf(CacheWriteError);
    // Reported once: the client goes on (and this write fails in turn, reported by `close`).
    await client.simple("dep-a");
    await expect(client.close()).rejects.toBeInstanceOf(CacheWriteError);
  });

  it("close_waits_for_the_writes", async () => {
    const { store, client } = setup(true);
    await client.simple("basic-package");
    const closed = client.close();
    expect(await settlesSoon(closed)).toBe(false);
    store.open();
    await closed;
    expect(store.written).toBe(1);
  });
});
