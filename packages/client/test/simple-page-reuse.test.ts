// A page served again byte for byte reuses the cached entry: it is neither parsed nor stored
// again. The page parsers are wrapped to count how often a body is parsed.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { PackageName } from "@uv-ts/normalize";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRegistryClient,
  decodeSimplePage,
  FileHttpCacheStore,
  IndexLocations,
  readSimplePage,
  SplitPayload,
  urlDigest,
} from "../src/index.ts";
import { startServer, tempDir } from "./helpers.ts";

const parsed = vi.hoisted(() => ({ json: 0, html: 0 }));

vi.mock("@uv-ts/pypi-types", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@uv-ts/pypi-types")>();
  return {
    ...actual,
    parseSimpleJson: (...args: Parameters<typeof actual.parseSimpleJson>) => {
      parsed.json++;
      return actual.parseSimpleJson(...args);
    },
    parseSimpleHtml: (...args: Parameters<typeof actual.parseSimpleHtml>) => {
      parsed.html++;
      return actual.parseSimpleHtml(...args);
    },
    // The forms a downloaded page is read with (each file only as far as grouping needs).
    scanSimpleJson: (...args: Parameters<typeof actual.scanSimpleJson>) => {
      parsed.json++;
      return actual.scanSimpleJson(...args);
    },
    scanSimpleHtml: (...args: Parameters<typeof actual.scanSimpleHtml>) => {
      parsed.html++;
      return actual.scanSimpleHtml(...args);
    },
    scanSimpleHtmlLinks: (...args: Parameters<typeof actual.scanSimpleHtmlLinks>) => {
      parsed.html++;
      return actual.scanSimpleHtmlLinks(...args);
    },
  };
});

const NAME = "pkg" as PackageName;
const SHA = "a".repeat(64);
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

function jsonPage(versions: readonly string[]): string {
  return JSON.stringify({
    meta: { "api-version": "1.1" },
    name: "pkg",
    versions,
    files: versions.flatMap((v) => [
      {
        filename: `pkg-${v}-py3-none-any.whl`,
        url: `/files/pkg-${v}-py3-none-any.whl`,
        hashes: { sha256: SHA },
        "upload-time": "2024-01-02T03:04:05.678Z",
      },
      { filename: `pkg-${v}.tar.gz`, url: `/files/pkg-${v}.tar.gz`, hashes: { sha256: SHA } },
    ]),
  });
}

function htmlPage(versions: readonly string[]): string {
  const links = versions.flatMap((v) => [
    `<a href="/files/pkg-${v}-py3-none-any.whl#sha256=${SHA}">pkg-${v}-py3-none-any.whl</a><br/>`,
    `<a href="/files/pkg-${v}.tar.gz#sha256=${SHA}" data-requires-python="&gt;=3.8">pkg-${v}.tar.gz</a><br/>`,
  ]);
  return `<!DOCTYPE html><html><body>\n${links.join("\n")}\n</body></html>\n`;
}

function response(
  body: string,
  contentType = JSON_TYPE,
  url = "https://index.example/simple/pkg/",
) {
  const bytes = Buffer.from(body, "utf8");
  // Served in small pieces, as a socket delivers a big page: the digest covers all of them.
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
  return {
    url: new URL(url),
    status: 200,
    headers: { "content-type": contentType },
    body: Readable.from(pieces) as unknown as Parameters<typeof readSimplePage>[0]["body"],
  };
}

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

/** `payload` written to a fresh store under `dir` and read back, as a later run gets it. */
async function throughStore(payload: unknown, dir: string): Promise<unknown> {
  const store = new FileHttpCacheStore(join(tmp.path, dir));
  const key = { bucket: "simple", shard: ["i"], file: "pkg.json" } as const;
  const policy = {
    url: "https://index.example/simple/pkg/",
    status: 200,
    responseTime: 0,
    vary: {},
  };
  await store.write(key, { storedAt: 0, policy, payload });
  return (await store.read(key))?.payload;
}

describe("simple page reuse", () => {
  it("an_identical_body_reuses_the_cached_payload_without_parsing", async () => {
    parsed.json = 0;
    const first = await readSimplePage(response(jsonPage(["1.0", "2.0"])), undefined, NAME);
    expect(parsed.json).toBe(1);
    // The cached copy, as the store gives it back.
    const cached = await throughStore(first, "reuse");
    expect(cached).toBeInstanceOf(SplitPayload);

    const again = await readSimplePage(response(jsonPage(["1.0", "2.0"])), cached, NAME);
    expect(again).toBe(cached);
    expect(parsed.json).toBe(1);
    const page = decodeSimplePage(again, NAME);
    expect(page.versions).toEqual(["1.0", "2.0"]);
    expect(page.dists.distsOf("2.0").map((d) => d.file.filename)).toEqual([
      "pkg-2.0-py3-none-any.whl",
      "pkg-2.0.tar.gz",
    ]);

    // Another body, another media type, or another package's page: parsed.
    const changed = await readSimplePage(response(jsonPage(["1.0", "3.0"])), cached, NAME);
    expect(changed).not.toBe(cached);
    expect(parsed.json).toBe(2);
    expect(decodeSimplePage(changed, NAME).dists.versions).toEqual(["1.0", "3.0"]);
    const other = await readSimplePage(
      response(jsonPage(["1.0", "2.0"])),
      cached,
      "other" as PackageName,
    );
    expect(other).not.toBe(cached);
    expect(parsed.json).toBe(3);
  });

  it("an_identical_html_body_reuses_the_cached_payload_without_parsing", async () => {
    parsed.html = 0;
    const body = htmlPage(["1.0", "2.0", "2.1"]);
    const first = await readSimplePage(response(body, "text/html"), undefined, NAME);
    expect(parsed.html).toBe(1);
    const cached = await throughStore(first, "reuse-html");
    expect(cached).toBeInstanceOf(SplitPayload);

    // Compared piece by piece as it arrives (7 bytes at a time here).
    const again = await readSimplePage(response(body, "text/html"), cached, NAME);
    expect(again).toBe(cached);
    expect(parsed.html).toBe(1);
    expect(
      decodeSimplePage(again, NAME)
        .dists.distsOf("2.0")
        .map((d) => d.file.filename),
    ).toEqual(["pkg-2.0-py3-none-any.whl", "pkg-2.0.tar.gz"]);

    // One byte changed, the page cut short or run on, another URL or another package: parsed.
    const middle = body.indexOf("2.1-py3");
    const others = [
      response(`${body.slice(0, middle)}2.2${body.slice(middle + 3)}`, "text/html"),
      response(body.slice(0, -1), "text/html"),
      response(`${body} `, "text/html"),
      response(body, "text/html", "https://mirror.example/simple/pkg/"),
      response(body, "text/html; charset=utf-8"),
    ];
    let count = 1;
    for (const res of others) {
      const read = await readSimplePage(res, cached, NAME);
      if (res.headers["content-type"] === "text/html; charset=utf-8") {
        // The media type's parameters do not change the page.
        expect(read).toBe(cached);
        continue;
      }
      expect(read).not.toBe(cached);
      expect(parsed.html).toBe(++count);
    }
    const changed = `${body.slice(0, middle)}2.2${body.slice(middle + 3)}`;
    const reread = await readSimplePage(response(changed, "text/html"), cached, NAME);
    // The wheel of `2.1` became `2.2`; the sdist of `2.1` stays.
    expect(decodeSimplePage(reread, NAME).dists.versions).toEqual(["1.0", "2.0", "2.1", "2.2"]);
    const other = await readSimplePage(response(body, "text/html"), cached, "other" as PackageName);
    expect(other).not.toBe(cached);
  });

  it("a_cached_payload_that_cannot_be_opened_is_not_reused", async () => {
    parsed.json = 0;
    const first = await readSimplePage(response(jsonPage(["1.0"])), undefined, NAME);
    const broken = new SplitPayload(first.head, Buffer.from("garbage\n"));
    const again = await readSimplePage(response(jsonPage(["1.0"])), broken, NAME);
    expect(again).not.toBe(broken);
    expect(parsed.json).toBe(2);
    expect(decodeSimplePage(again, NAME).dists.versions).toEqual(["1.0"]);
  });

  it("a_proxy_resending_the_same_page_costs_no_parse_and_no_write", async () => {
    // Neither validators nor freshness: every run asks again and gets the whole page.
    const body = jsonPage(["1.0", "1.1"]);
    const server = await startServer(() => ({
      status: 200,
      headers: { "content-type": JSON_TYPE },
      body,
    }));
    const cacheDir = join(tmp.path, "proxy");
    const client = (offline = false) =>
      createRegistryClient({
        indexes: IndexLocations.fromArgs({ indexUrl: `${server.url}/simple/` }),
        cacheDir,
        offline,
        retryDelayMs: () => 0,
        netrcPath: null,
        env: {},
      });
    try {
      parsed.json = 0;
      const one = client();
      const [a] = await one.simple("pkg");
      await one.close();
      expect(parsed.json).toBe(1);
      const path = new FileHttpCacheStore(cacheDir).pathOf({
        bucket: "simple",
        shard: [urlDigest(`${server.url}/simple`)],
        file: "pkg.json",
      });
      const before = await stat(path);

      const two = client();
      const [b] = await two.simple("pkg");
      await two.close();
      expect(server.requests).toHaveLength(2);
      expect(parsed.json).toBe(1);
      expect(b?.distVersions).toEqual(["1.0", "1.1"]);
      expect(b?.distsOf("1.1").map((d) => d.file)).toEqual(a?.distsOf("1.1").map((d) => d.file));
      const after = await stat(path);
      expect(after.ino).toBe(before.ino);
      expect(after.mtimeMs).toBe(before.mtimeMs);

      const three = client(true);
      const [c] = await three.simple("pkg");
      expect(parsed.json).toBe(1);
      expect(c?.files.map((f) => f.filename)).toEqual(a?.files.map((f) => f.filename));
    } finally {
      await server.close();
    }
  });
});
