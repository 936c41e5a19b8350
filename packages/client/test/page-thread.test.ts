// JSON pages read on a page thread: the same cache entries as pages read on the calling thread,
// the same errors (a page the thread cannot read is read again here), and a thread that can be
// handed on to another program. The thread runs the page module built from its source with
// esbuild, as scripts/bundle.mjs builds it for the CLI.
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { startSourceThread, startSpareThread } from "@uv-ts/fs";
import type { PackageName } from "@uv-ts/normalize";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRegistryClient,
  IndexLocations,
  IndexUrl,
  PageThread,
  type PageThreads,
  readSimplePage,
  SplitPayload,
} from "../src/index.ts";
import { startServer, tempDir } from "./helpers.ts";

// Counts the pages scanned on this thread: a page read on the page thread is scanned there.
const scanned = vi.hoisted(() => ({ json: 0 }));

vi.mock("@uv-ts/pypi-types", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@uv-ts/pypi-types")>();
  return {
    ...actual,
    scanSimpleJson: (...args: Parameters<typeof actual.scanSimpleJson>) => {
      scanned.json++;
      return actual.scanSimpleJson(...args);
    },
  };
});

const NAME = "pkg" as PackageName;
const SHA = "a".repeat(64);
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

/** A page shaped as PyPI's are: wheels and sdists, with every field a file may have. */
function realPage(versions: readonly string[], extra: readonly object[] = []): string {
  return JSON.stringify({
    meta: { "api-version": "1.4", "_last-serial": 123 },
    name: "pkg",
    versions,
    "project-status": { status: "active" },
    files: [
      ...versions.flatMap((v, i) => [
        {
          "core-metadata": i % 2 === 0 ? { sha256: SHA } : false,
          "data-dist-info-metadata": i % 2 === 0 ? { sha256: SHA } : false,
          filename: `pkg-${v}-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
          hashes: { sha256: SHA },
          "requires-python": ">=3.8",
          size: 1234 + i,
          "upload-time": "2024-01-02T03:04:05.678901Z",
          url: `https://files.example/packages/ab/cd/pkg-${v}-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
          yanked: i === 1 ? "broken \u00e9t\u00e9 build" : false,
        },
        {
          filename: `pkg-${v}.tar.gz`,
          hashes: { sha256: SHA, md5: "b".repeat(32) },
          "requires-python": null,
          size: 99,
          "upload-time": "2023-12-31T23:59:59Z",
          url: `../../files/pkg-${v}.tar.gz`,
          yanked: false,
        },
      ]),
      // Not this package's, or not a distribution: skipped, as uv skips them.
      { filename: "other-1.0-py3-none-any.whl", url: "/o.whl", hashes: {} },
      { filename: "pkg-1.0.exe", url: "/p.exe", hashes: {} },
      ...extra,
    ],
  });
}

/** A response whose body arrives in pieces, as a socket delivers a big page. */
function response(body: string, url = "https://index.example/simple/pkg/") {
  const bytes = Buffer.from(body, "utf8");
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1000) pieces.push(bytes.subarray(i, i + 1000));
  return {
    url: new URL(url),
    status: 200,
    headers: { "content-type": JSON_TYPE },
    body: Readable.from(pieces) as unknown as Parameters<typeof readSimplePage>[0]["body"],
  };
}

/** A payload's cache entry as stored: its head as JSON and its tail's bytes. */
function stored(payload: unknown): { head: string; tail: Buffer } {
  expect(payload).toBeInstanceOf(SplitPayload);
  const { head, tail } = payload as SplitPayload;
  const bytes = Buffer.isBuffer(tail) ? tail : Buffer.concat(tail as Uint8Array[]);
  return { head: JSON.stringify(head), tail: bytes };
}

/** Reads `page` as a client with `thread` for its pages would. */
function readOnThread(page: string, thread: PageThread | undefined) {
  return readSimplePage(response(page), undefined, NAME, undefined, onThread(thread));
}

function onThread(thread: PageThread | undefined): PageThreads {
  return { current: () => thread, want() {} };
}

/** What a read rejects with: class, code, message and cause, as the CLI would report it. */
async function failure(read: Promise<unknown>): Promise<unknown> {
  const error = (await read.then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { code?: string; cause?: unknown }) | undefined;
  expect(error).toBeDefined();
  const cause = error?.cause as (Error & { code?: string }) | undefined;
  return {
    type: error?.constructor.name,
    code: error?.code,
    message: error?.message,
    cause: [cause?.constructor.name, cause?.code, cause?.message],
  };
}

let tmp: { path: string; cleanup: () => Promise<void> };
let module: string;
const threads: PageThread[] = [];

/** A page thread on a thread of its own, closed after the tests. */
function startThread(spares?: { take(): Worker | undefined }): PageThread {
  const thread = PageThread.start({ module, spares });
  if (thread === undefined) throw new Error("no threads here");
  threads.push(thread);
  return thread;
}

beforeAll(async () => {
  tmp = await tempDir();
  module = join(tmp.path, "page-thread.cjs");
  await build({
    entryPoints: [fileURLToPath(new URL("../src/page-thread-entry.ts", import.meta.url))],
    outfile: module,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "warning",
  });
});

afterAll(async () => {
  for (const thread of threads) thread.close();
  await tmp.cleanup();
});

describe("page thread", () => {
  it("a_page_read_on_the_thread_is_stored_as_one_read_here", async () => {
    const thread = startThread();
    const pages = [
      realPage(["1.0", "1.1", "2.0rc1", "2.0", "10.0.post1"]),
      realPage([]),
      // One version: the tail is small enough to be a slice of Node's shared pool.
      realPage(["0.1"]),
      realPage(
        Array.from({ length: 400 }, (_, i) => `${i}.0`),
        [
          {
            filename: "pkg-1.0-py3-none-any.whl",
            url: "/x.whl",
            hashes: {},
            "upload-time": "2020-01-01T00:00:00Z",
            "dist-info-metadata": true,
          },
        ],
      ),
    ];
    for (const page of pages) {
      scanned.json = 0;
      const here = await readSimplePage(response(page), undefined, NAME);
      expect(scanned.json).toBe(1);
      const there = await readOnThread(page, thread);
      // Scanned on the thread, not here.
      expect(scanned.json).toBe(1);
      expect(stored(there)).toEqual(stored(here));
      // The digest lets a later run reuse the page: it is the one taken here.
      expect(JSON.parse(stored(there).head).digest).toMatch(/^[\w-]{43}$/);
      const dists = (there as unknown as { page: { dists: { versions: readonly string[] } } }).page
        .dists;
      expect(dists.versions).toEqual(
        (here as unknown as { page: { dists: { versions: readonly string[] } } }).page.dists
          .versions,
      );
    }
  });

  it("a_changed_page_is_read_on_the_thread_after_its_digest_is_compared_here", async () => {
    const thread = startThread();
    const first = await readSimplePage(response(realPage(["1.0"])), undefined, NAME);
    const changed = realPage(["1.0", "2.0"]);
    const here = await readSimplePage(response(changed), first, NAME);
    scanned.json = 0;
    const there = await readSimplePage(response(changed), first, NAME, undefined, onThread(thread));
    expect(scanned.json).toBe(0);
    expect(stored(there)).toEqual(stored(here));
    // The same body again: reused, whichever thread would have read it.
    const again = await readSimplePage(response(changed), there, NAME, undefined, onThread(thread));
    expect(again).toBe(there);
  });

  it("a_page_the_thread_cannot_read_fails_with_the_errors_it_fails_with_here", async () => {
    const thread = startThread();
    const bad = [
      "{not json",
      JSON.stringify({ meta: { "api-version": "1.0" }, files: {} }),
      JSON.stringify({ meta: { "api-version": "1.0" }, files: [{ filename: 3 }] }),
    ];
    for (const body of bad) {
      const here = await failure(readSimplePage(response(body), undefined, NAME));
      scanned.json = 0;
      const there = await failure(
        readSimplePage(response(body), undefined, NAME, undefined, onThread(thread)),
      );
      expect(there).toEqual(here);
      // Read again here, after the thread gave up on it.
      expect(scanned.json).toBe(1);
    }
    // The thread goes on with the next page.
    scanned.json = 0;
    await readOnThread(realPage(["1.0"]), thread);
    expect(scanned.json).toBe(0);
  });

  /** Reads `page` with `thread` offered: it must be read here, into the entry inline reading makes. */
  async function expectReadHere(thread: PageThread, page: string): Promise<void> {
    scanned.json = 0;
    const there = await readOnThread(page, thread);
    expect(scanned.json).toBe(1);
    expect(stored(there)).toEqual(stored(await readSimplePage(response(page), undefined, NAME)));
  }

  it("pages_are_read_here_when_the_thread_died", async () => {
    const worker = startSpareThread();
    const thread = startThread({ take: () => worker });
    await readOnThread(realPage(["1.0"]), thread);
    await worker.terminate();
    await expectReadHere(thread, realPage(["1.0", "2.0"]));
  });

  it("pages_are_read_here_when_the_module_does_not_load", async () => {
    const thread = PageThread.start({ module: join(tmp.path, "missing.cjs") });
    if (thread === undefined) throw new Error("no threads here");
    threads.push(thread);
    await expectReadHere(thread, realPage(["1.0"]));
  });

  it("an_idle_thread_is_handed_over_to_run_another_program", async () => {
    const thread = startThread();
    // No page read yet: its pages are still to come.
    expect(thread.handOver()).toBeUndefined();
    const body = Buffer.from(realPage(["1.0"]));
    const reading = thread.read({ chunks: [body], length: body.length }, "https://i/", NAME);
    // Busy with a page: not handed over.
    expect(thread.handOver()).toBeUndefined();
    expect(await reading).toBeDefined();
    const started = startSourceThread((_load, data) => data.port.postMessage("running"), 1, {
      take: () => thread.handOver(),
    });
    if (started === undefined) throw new Error("no threads here");
    const message = await new Promise((resolve) => started.port.once("message", resolve));
    expect(message).toBe("running");
    started.port.close();
    await started.worker.terminate();
    // Pages after that are read here.
    scanned.json = 0;
    await readOnThread(realPage(["1.0"]), thread);
    expect(scanned.json).toBe(1);
  });
});

describe("registry client page thread", () => {
  it("pages_are_read_here_without_a_page_thread_module", async () => {
    const server = await startServer((req) => ({
      status: 200,
      headers: { "content-type": JSON_TYPE },
      body: realPage(["1.0"]).replaceAll("pkg", req.url.split("/")[2] ?? "pkg"),
    }));
    try {
      const read = async (options: { pageThread?: { module: string } }): Promise<number> => {
        const client = createRegistryClient({
          indexes: new IndexLocations({
            indexes: [{ url: IndexUrl.parse(`${server.url}/simple`) }],
          }),
          cacheDir: join(tmp.path, `cache-${Math.random()}`),
          retries: 0,
          ...options,
        });
        scanned.json = 0;
        try {
          // The first page asks for a thread, which then reads the second.
          await client.simple("aaa" as PackageName);
          await client.simple("bbb" as PackageName);
        } finally {
          await client.close();
        }
        return scanned.json;
      };
      expect(await read({})).toBe(2);
      expect(await read({ pageThread: { module } })).toBe(1);
    } finally {
      await server.close();
    }
  });
});
