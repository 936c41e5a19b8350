// Reading a wheel's METADATA by range requests costs one round trip per request, and a server
// without cache headers makes every run read it again. Cold, a big wheel's central directory is
// fetched with a margin that holds METADATA (two requests, not three); warm, the first request
// asks for the tail the last read needed (one request). Neither may ever give wrong metadata.
import { readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { buildWheel, parseRange } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CachedClient,
  CredentialStore,
  FileHttpCacheStore,
  fetchWheelMetadata,
  HttpClient,
} from "../src/index.ts";
import { noise, tempDir } from "./helpers.ts";
import { makeZip } from "./zip-builder.ts";

const METADATA_TEXT =
  "Metadata-Version: 2.1\nName: big-wheel\nVersion: 1.0\nRequires-Dist: dep-z\n";

/** A file server that honours single byte ranges (unless told not to) and logs each request. */
async function startRangeServer() {
  const files = new Map<string, Buffer>();
  const log: string[] = [];
  const state = { ranges: true };
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? "");
    const header = req.headers.range;
    const shown = header === undefined ? "" : ` [${header}]`;
    if (body === undefined) {
      log.push(`GET ${req.url}${shown} -> 404`);
      res.writeHead(404).end();
      return;
    }
    const range = state.ranges ? parseRange(header, body.length) : undefined;
    if (range === "unsatisfiable") {
      log.push(`GET ${req.url}${shown} -> 416`);
      res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
    } else if (range === undefined) {
      log.push(`GET ${req.url}${shown} -> 200`);
      res.writeHead(200, { "content-length": String(body.length) }).end(body);
    } else {
      log.push(`GET ${req.url}${shown} -> 206`);
      res
        .writeHead(206, {
          "content-range": `bytes ${range.start}-${range.end}/${body.length}`,
          "content-length": String(range.end - range.start + 1),
        })
        .end(body.subarray(range.start, range.end + 1));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    log,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const built = new Map<string, ReturnType<typeof buildWheel>>();

/**
 * A wheel with `modules` files of long names: its central directory (about 100 bytes a file)
 * and RECORD outgrow the 16 KiB first tail, and METADATA sits just before RECORD, as wheel
 * writers put it.
 */
function bigWheel(version: string, modules: number, requires: string) {
  const id = `${version} ${modules} ${requires}`;
  let wheel = built.get(id);
  if (wheel === undefined) {
    const files: Record<string, string> = { "big_wheel/__init__.py": "" };
    for (let i = 0; i < modules; i++) {
      files[`big_wheel/a_module_with_a_rather_long_descriptive_name_${i}.py`] = noise(300, i + 1);
    }
    wheel = buildWheel({ name: "big-wheel", version, requiresDist: [requires], files });
    built.set(id, wheel);
  }
  return wheel;
}

/** Where the METADATA member's local header is (its central directory entry says). */
function metadataOffset(zip: Buffer): number {
  const name = Buffer.from(".dist-info/METADATA");
  const at = zip.lastIndexOf(name);
  // The central entry's name starts 46 bytes after its signature; its offset field is at 42.
  const entry = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at);
  return zip.readUInt32LE(entry + 42);
}

let server: Awaited<ReturnType<typeof startRangeServer>>;
let tmp: { path: string; cleanup: () => Promise<void> };
let caseNo = 0;

beforeAll(async () => {
  server = await startRangeServer();
  tmp = await tempDir();
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

function setup(wheel: string) {
  const cacheDir = join(tmp.path, `cache-${caseNo++}`);
  const path = `/files/${caseNo}/${wheel}`;
  const filename = WheelFilename.parse(wheel);
  const key = { bucket: "wheels" as const, shard: ["test", filename.name], file: "entry.json" };
  const entryPath = new FileHttpCacheStore(cacheDir).pathOf(key);
  let unsupported = 0;
  /** One run: a new client over the same cache, reading the wheel's metadata once. */
  const run = async () => {
    const http = new HttpClient({
      credentials: new CredentialStore({ netrcPath: null, env: {} }),
      retries: 0,
      timeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      retryDelayMs: () => 0,
    });
    const store = new FileHttpCacheStore(cacheDir);
    const from = server.log.length;
    try {
      const metadata = await fetchWheelMetadata(
        {
          client: new CachedClient(http, store),
          store,
          key,
          refresh: false,
          rangeRequests: true,
          onRangeUnsupported: () => unsupported++,
        },
        { url: `${server.url}${path}` },
        filename,
      );
      return {
        requiresDist: metadata.requiresDist.map(String),
        requests: server.log.slice(from).map((line) => line.replace(path, "W")),
      };
    } finally {
      await http.close();
    }
  };
  return {
    run,
    serve: (bytes: Buffer) => server.files.set(path, bytes),
    entryPath,
    unsupported: () => unsupported,
  };
}

describe("wheel metadata by range requests", () => {
  it("a_big_wheel_takes_two_requests_cold_and_one_warm", async () => {
    const wheel = await bigWheel("1.0", 300, "dep-a>=1");
    const { run, serve, entryPath } = setup(wheel.filename);
    serve(wheel.bytes);
    const cd = wheel.bytes.readUInt32LE(wheel.bytes.length - 6);
    expect(cd).toBeLessThan(wheel.size - 16_384);
    const meta = metadataOffset(wheel.bytes);
    expect(meta).toBeLessThan(cd);

    // Cold: the tail, then the central directory's missing head with METADATA before it.
    const cold = await run();
    expect(cold.requiresDist).toEqual(["dep-a>=1"]);
    expect(cold.requests).toHaveLength(2);
    expect(cold.requests[0]).toBe("GET W [bytes=-16384] -> 206");
    const [, second] = /bytes=(\d+)-(\d+)/.exec(cold.requests[1] ?? "") ?? [];
    expect(Number(second)).toBeLessThanOrEqual(meta);

    // Warm: exactly the tail from METADATA's local header to the end, once.
    const tail = wheel.size - meta;
    const warm = await run();
    expect(warm).toEqual({
      requiresDist: ["dep-a>=1"],
      requests: [`GET W [bytes=-${tail}] -> 206`],
    });
    // The same answer again leaves the entry as it is (no rewrite).
    const before = await stat(entryPath);
    expect(await run()).toEqual(warm);
    expect((await stat(entryPath)).ino).toBe(before.ino);
  });

  it("a_damaged_or_foreign_hint_is_ignored_and_replaced", async () => {
    const wheel = await bigWheel("1.0", 300, "dep-a>=1");
    const { run, serve, entryPath } = setup(wheel.filename);
    serve(wheel.bytes);
    await run();
    const good = JSON.parse(await readFile(entryPath, "utf8"));
    const tail = wheel.size - metadataOffset(wheel.bytes);
    expect(good.payload.range).toEqual({ size: wheel.size, tail });
    const damaged = [
      { ...good, payload: { ...good.payload, range: { size: "x", tail } } },
      { ...good, payload: { ...good.payload, range: { size: wheel.size, tail: -1 } } },
      { ...good, payload: { ...good.payload, range: { size: 10, tail: 20 } } },
      { ...good, payload: { ...good.payload, range: null } },
      { ...good, payload: null },
      // An entry of another URL says nothing about this one.
      { ...good, policy: { ...good.policy, url: `${server.url}/elsewhere.whl` } },
    ];
    for (const entry of damaged) {
      await writeFile(entryPath, JSON.stringify(entry));
      const again = await run();
      expect(again.requiresDist).toEqual(["dep-a>=1"]);
      expect(again.requests[0]).toBe("GET W [bytes=-16384] -> 206");
      expect(JSON.parse(await readFile(entryPath, "utf8")).payload).toEqual(good.payload);
      expect((await run()).requests).toEqual([`GET W [bytes=-${tail}] -> 206`]);
    }
    // Not JSON at all: the cached client drops it, the read starts over.
    await writeFile(entryPath, "{");
    expect((await run()).requests[0]).toBe("GET W [bytes=-16384] -> 206");
    expect((await run()).requests).toEqual([`GET W [bytes=-${tail}] -> 206`]);
  });

  it("a_changed_wheel_gives_its_own_metadata_despite_the_hint", async () => {
    const first = await bigWheel("1.0", 300, "dep-a>=1");
    const { run, serve } = setup(first.filename);
    serve(first.bytes);
    await run();
    // Bigger, with more between METADATA and the end: the hinted tail falls short of it.
    const bigger = await bigWheel("1.0", 600, "dep-b>=2");
    expect(bigger.size - metadataOffset(bigger.bytes)).toBeGreaterThan(
      first.size - metadataOffset(first.bytes),
    );
    serve(bigger.bytes);
    const afterGrowth = await run();
    expect(afterGrowth.requiresDist).toEqual(["dep-b>=2"]);
    expect(afterGrowth.requests[0]).toBe(
      `GET W [bytes=-${first.size - metadataOffset(first.bytes)}] -> 206`,
    );
    const biggerTail = bigger.size - metadataOffset(bigger.bytes);
    expect((await run()).requests).toEqual([`GET W [bytes=-${biggerTail}] -> 206`]);
    // Smaller than the hinted tail: the answer is the whole file.
    const small = await buildWheel({
      name: "big-wheel",
      version: "1.0",
      requiresDist: ["dep-c"],
      files: { "big_wheel/__init__.py": "" },
    });
    expect(small.size).toBeLessThan(biggerTail);
    serve(small.bytes);
    const afterShrink = await run();
    expect(afterShrink.requiresDist).toEqual(["dep-c"]);
    expect(afterShrink.requests).toEqual([`GET W [bytes=-${biggerTail}] -> 206`]);
    // Same size, other bytes: a flipped byte in METADATA fails the CRC check, never passes.
    const flipped = Buffer.from(small.bytes);
    const local = metadataOffset(flipped);
    const data = local + 30 + flipped.readUInt16LE(local + 26) + flipped.readUInt16LE(local + 28);
    flipped[data + 1] = (flipped[data + 1] as number) ^ 0x01;
    serve(flipped);
    await expect(run()).rejects.toThrow("Failed to unzip wheel");
  });

  it("a_server_that_stops_honouring_ranges_still_serves_the_metadata", async () => {
    const wheel = await bigWheel("1.0", 300, "dep-a>=1");
    const { run, serve, unsupported } = setup(wheel.filename);
    serve(wheel.bytes);
    await run();
    const tail = wheel.size - metadataOffset(wheel.bytes);
    server.state.ranges = false;
    try {
      const whole = await run();
      expect(whole).toEqual({
        requiresDist: ["dep-a>=1"],
        requests: [`GET W [bytes=-${tail}] -> 200`],
      });
      expect(unsupported()).toBe(1);
    } finally {
      server.state.ranges = true;
    }
  });

  it("the_remembered_tail_is_what_the_read_needed_never_the_whole_file", async () => {
    // A small wheel: METADATA lies in the first tail, and a shorter tail holds it.
    const wheel = await bigWheel("1.0", 40, "dep-a>=1");
    const small = setup(wheel.filename);
    small.serve(wheel.bytes);
    expect((await small.run()).requests).toEqual(["GET W [bytes=-16384] -> 206"]);
    const tail = wheel.size - metadataOffset(wheel.bytes);
    expect(tail).toBeLessThan(16_384);
    expect((await small.run()).requests).toEqual([`GET W [bytes=-${tail}] -> 206`]);

    // `.dist-info` first: the tail holding METADATA would be the whole 200 KB file, so every
    // run reads the usual tail and then the member.
    const zip = makeZip([
      { name: "big_wheel-1.0.dist-info/METADATA", data: METADATA_TEXT, deflate: true },
      { name: "big_wheel/blob.txt", data: noise(200_000) },
      { name: "big_wheel-1.0.dist-info/RECORD", data: "" },
    ]);
    const first = setup(wheel.filename);
    first.serve(zip);
    for (let i = 0; i < 2; i++) {
      const read = await first.run();
      expect(read.requiresDist).toEqual(["dep-z"]);
      expect(read.requests).toEqual([
        "GET W [bytes=-16384] -> 206",
        expect.stringMatching(/^GET W \[bytes=0-\d+\] -> 206$/),
      ]);
    }
  });

  it("a_member_served_again_is_recognised_by_its_bytes_and_not_read_again", async () => {
    const wheel = await bigWheel("1.0", 40, "dep-a>=1");
    const { run, serve, entryPath } = setup(wheel.filename);
    serve(wheel.bytes);
    await run();
    const stored = JSON.parse(await readFile(entryPath, "utf8"));
    expect(stored.payload.member).toEqual(expect.any(String));
    // The same bytes again: the entry is taken as it is (not rewritten), and so is its record,
    // which is what the member's document gave. Edited here (with a digest no document has) to
    // tell it from a new read of the document.
    const edited = {
      ...stored,
      payload: {
        ...stored.payload,
        digest: "not-a-digest",
        record: { ...stored.payload.record, requiresDist: ["from-the-entry"] },
      },
    };
    await writeFile(entryPath, JSON.stringify(edited));
    const before = await stat(entryPath);
    expect((await run()).requiresDist).toEqual(["from-the-entry"]);
    expect((await stat(entryPath)).ino).toBe(before.ino);
    // An entry from before fingerprints reads the member, and gains its fingerprint once.
    const { member: _member, ...older } = stored.payload;
    await writeFile(entryPath, JSON.stringify({ ...stored, payload: older }));
    expect((await run()).requiresDist).toEqual(["dep-a>=1"]);
    const renewed = JSON.parse(await readFile(entryPath, "utf8"));
    expect(renewed.payload).toEqual(stored.payload);
    const settled = await stat(entryPath);
    await run();
    expect((await stat(entryPath)).ino).toBe(settled.ino);
    // Another member (the same document deflated otherwise) is read again, and remembered.
    const zip = makeZip([
      { name: "big_wheel/__init__.py", data: "" },
      { name: "big_wheel-1.0.dist-info/METADATA", data: METADATA_TEXT, deflate: true },
      { name: "big_wheel-1.0.dist-info/RECORD", data: "" },
    ]);
    serve(zip);
    expect((await run()).requiresDist).toEqual(["dep-z"]);
    const stored2 = JSON.parse(await readFile(entryPath, "utf8")).payload;
    serve(
      makeZip([
        { name: "big_wheel/__init__.py", data: "" },
        { name: "big_wheel-1.0.dist-info/METADATA", data: METADATA_TEXT },
        { name: "big_wheel-1.0.dist-info/RECORD", data: "" },
      ]),
    );
    expect((await run()).requiresDist).toEqual(["dep-z"]);
    const stored3 = JSON.parse(await readFile(entryPath, "utf8")).payload;
    expect(stored3.digest).toBe(stored2.digest);
    expect(stored3.member).not.toBe(stored2.member);
  });
});
