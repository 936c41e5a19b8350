import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parsePackageName } from "@uv-ts/normalize";
import { type IndexServer, startIndexServer, writeFindLinksDir } from "@uv-ts/test-kit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createRegistryClient,
  DEFAULT_HEDGE_SETTINGS,
  IndexLocations,
  IndexUrl,
  NoIndexError,
  OfflineError,
  PackageNotFoundError,
  type RegistryClientOptions,
  SIMPLE_ACCEPT,
} from "../src/index.ts";
import { BIG_PACKAGE, renderError, startHtmlOnlyProxy, tempDir } from "./helpers.ts";

const WHEEL = "basic_package-1.0.0-py3-none-any.whl";
const BIG_WHEEL = "big_package-1.0.0-py3-none-any.whl";

let server: IndexServer;
let tmp: { path: string; cleanup: () => Promise<void> };
let caseNo = 0;
/** A new, empty cache directory for each test. */
let cacheDir: string;

beforeAll(async () => {
  server = await startIndexServer({ scenarios: ["basic"], packages: [BIG_PACKAGE] });
  tmp = await tempDir();
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});
beforeEach(() => {
  server.clearFaults();
  cacheDir = join(tmp.path, `cache-${caseNo++}`);
});

/** Requests the server received since `from`, as `METHOD path [range] -> status`. */
function log(from: number): string[] {
  return server.requests
    .slice(from)
    .map(
      (r) => `${r.method} ${r.path}${r.range === undefined ? "" : ` [${r.range}]`} -> ${r.status}`,
    );
}

function client(options: Partial<RegistryClientOptions> = {}) {
  return createRegistryClient({
    indexes: IndexLocations.fromArgs({ indexUrl: server.simpleUrl }),
    cacheDir,
    retryDelayMs: () => 0,
    netrcPath: null,
    env: {},
    ...options,
  });
}

describe("simple api", () => {
  it("simple_prefers_pep691_json", async () => {
    const from = server.requests.length;
    const c = client();
    const [page, ...rest] = await c.simple("Basic_Package");
    expect(rest).toEqual([]);
    expect(server.requests[from]?.accept).toBe(SIMPLE_ACCEPT);
    expect(log(from)).toEqual(["GET /simple/basic-package/ -> 200"]);
    // Only the JSON form carries PEP 700 `versions`.
    expect(page?.versions).toEqual(["0.1.0", "0.5.0", "1.0.0", "2.0.0a1"]);
    expect(page?.dists.map((d) => d.file.filename)).toContain(WHEEL);
    const yanked = page?.files.find((f) => f.filename === "basic_package-0.5.0-py3-none-any.whl");
    expect(yanked?.yanked).toBe("Broken build");
    expect(page?.index.toString()).toBe(server.simpleUrl);
    await c.close();
  });

  it("simple_races_a_late_page_request_with_a_copy", async () => {
    // The first page request gets no answer for longer than the test may take.
    server.setFault({
      kind: "slow",
      headersDelayMs: 25_000,
      path: "/simple/basic-package/",
      times: 1,
    });
    const from = server.requests.length;
    const c = client({ hedge: { ...DEFAULT_HEDGE_SETTINGS, minDelayMs: 50 } });
    const [page] = await c.simple("basic-package");
    expect(page?.versions).toEqual(["0.1.0", "0.5.0", "1.0.0", "2.0.0a1"]);
    // Two copies: the first still unanswered (no status yet), the second answered.
    expect(log(from)).toEqual([
      "GET /simple/basic-package/ -> undefined",
      "GET /simple/basic-package/ -> 200",
    ]);
    await c.close();
  });

  it("simple_falls_back_to_html_when_the_server_only_serves_html", async () => {
    const proxy = await startHtmlOnlyProxy(server.url);
    try {
      const c = client({ indexes: IndexLocations.fromArgs({ indexUrl: `${proxy.url}/simple/` }) });
      const [page] = await c.simple("basic-package");
      expect(proxy.accepts).toEqual([SIMPLE_ACCEPT]);
      expect(page?.versions).toBeUndefined();
      const wheel = page?.files.find((f) => f.filename === WHEEL);
      expect(wheel?.hashes.sha256).toBe(server.file(WHEEL).sha256);
      expect(wheel?.coreMetadata).not.toBe(false);
      expect(wheel?.requiresPython).toBe(">=3.8, <4");
      await c.close();
    } finally {
      await proxy.close();
    }
  });

  it("simple_missing_package_is_uvs_not_found_error", async () => {
    const c = client();
    const error = await c.simple("does-not-exist").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageNotFoundError);
    expect((error as Error).message).toBe("Package `does-not-exist` was not found in the registry");
    await c.close();
  });

  it("no_index_refuses_registry_lookups", async () => {
    const c = client({ indexes: IndexLocations.fromArgs({ noIndex: true }) });
    const error = await c.simple("basic-package").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoIndexError);
    expect((error as Error).message).toBe(
      "basic-package isn't available locally, but making network requests to registries was banned",
    );
    await c.close();
  });
});

describe("index strategy", () => {
  let first: IndexServer;
  let second: IndexServer;
  beforeAll(async () => {
    first = await startIndexServer({
      packages: [{ name: "shared", versions: [{ version: "1.0.0" }] }],
    });
    second = await startIndexServer({
      packages: [
        { name: "shared", versions: [{ version: "1.0.0" }, { version: "2.0.0" }] },
        { name: "only-second", versions: [{ version: "1.0.0" }] },
      ],
    });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });
  const locations = () =>
    IndexLocations.fromArgs({ extraIndexUrls: [first.simpleUrl], indexUrl: second.simpleUrl });

  it("first_index_takes_a_package_only_from_the_first_index_that_has_it", async () => {
    const c = client({ indexes: locations() });
    const results = await c.simple("shared");
    expect(results.map((r) => r.index.toString())).toEqual([first.simpleUrl]);
    expect(results[0]?.versions).toEqual(["1.0.0"]);
    // The second index is never asked, so it cannot inject a higher version.
    expect(second.requests.filter((r) => r.pathname === "/simple/shared/")).toEqual([]);
    const [only] = await c.simple("only-second");
    expect(only?.index.toString()).toBe(second.simpleUrl);
    await c.close();
  });

  it("unsafe_best_match_returns_every_index_that_has_the_package", async () => {
    const c = client({ indexes: locations(), indexStrategy: "unsafe-best-match" });
    const results = await c.simple("shared");
    expect(results.map((r) => r.index.toString())).toEqual([first.simpleUrl, second.simpleUrl]);
    expect(results[1]?.versions).toEqual(["1.0.0", "2.0.0"]);
    await c.close();
  });
});

describe("find links", () => {
  it("find_links_reads_a_directory_and_an_html_page", async () => {
    const dir = join(tmp.path, "links");
    await writeFindLinksDir(
      dir,
      server.files.filter((f) => f.project === "dep-a"),
    );
    await mkdir(join(dir, "subdir"), { recursive: true });
    const c = client({
      indexes: IndexLocations.fromArgs({ findLinks: [dir, server.linksUrl], noIndex: true }),
    });
    const results = await c.findLinks("dep-a");
    expect(results.map((r) => r.format)).toEqual(["flat", "flat"]);
    const [local, remote] = results;
    expect(local?.dists.map((d) => d.file.filename)).toEqual([
      "dep_a-1.0.0-py3-none-any.whl",
      "dep_a-1.0.0.tar.gz",
    ]);
    expect(local?.files[0]?.url).toBe(
      pathToFileURL(join(dir, "dep_a-1.0.0-py3-none-any.whl")).href,
    );
    expect(remote?.dists.map((d) => d.file.filename)).toEqual([
      "dep_a-1.0.0-py3-none-any.whl",
      "dep_a-1.0.0.tar.gz",
    ]);
    expect(remote?.files[0]?.hashes.sha256).toBe(
      server.file("dep_a-1.0.0-py3-none-any.whl").sha256,
    );
    // Metadata of a local find-links wheel is read in place.
    const wheel = local?.files[0];
    if (wheel === undefined) throw new Error("no wheel");
    const metadata = await c.wheelMetadata(wheel, wheel.filename);
    expect(metadata.requiresDist.map(String)).toEqual(["dep-b"]);
    expect(await c.findLinks("basic-package").then((r) => r.length)).toBe(1);
    await c.close();
  });
});

describe("wheel metadata", () => {
  async function wheelFile(name: string, filename: string) {
    const c = client({ cacheDir: undefined });
    const [page] = await c.simple(name);
    await c.close();
    const file = page?.files.find((f) => f.filename === filename);
    if (file === undefined) throw new Error(`no ${filename}`);
    return file;
  }

  it("wheel_metadata_uses_pep658_metadata_files", async () => {
    const file = await wheelFile("basic-package", WHEEL);
    const from = server.requests.length;
    const c = client();
    const metadata = await c.wheelMetadata(file, WHEEL);
    expect(metadata.name).toBe("basic-package");
    expect(metadata.version.toString()).toBe("1.0.0");
    expect(metadata.requiresDist.map(String)).toEqual([
      "dep-a>=1.0",
      "dep-b>=1.0 ; extra == 'fast'",
    ]);
    expect(log(from)).toEqual([`GET /files/${WHEEL}.metadata -> 200`]);
    await c.close();
  });

  it("wheel_metadata_reads_the_zip_tail_with_one_range_request", async () => {
    server.setFault({ kind: "noMetadata", path: `/files/${BIG_WHEEL}` });
    const file = await wheelFile("big-package", BIG_WHEEL);
    expect(file.coreMetadata).toBe(false);
    expect(server.file(BIG_WHEEL).size).toBeGreaterThan(40_000);
    const from = server.requests.length;
    const c = client();
    const metadata = await c.wheelMetadata(file, BIG_WHEEL);
    expect(metadata.requiresDist.map(String)).toEqual(["dep-a>=1.0"]);
    expect(log(from)).toEqual([`GET /files/${BIG_WHEEL} [bytes=-16384] -> 206`]);
    await c.close();
  });

  it("wheel_metadata_races_a_late_range_request_with_a_copy", async () => {
    server.setFault({ kind: "noMetadata", path: `/files/${BIG_WHEEL}` });
    // The first range request gets no answer for longer than the test may take.
    server.setFault({
      kind: "slow",
      headersDelayMs: 25_000,
      path: `/files/${BIG_WHEEL}`,
      times: 1,
    });
    const file = await wheelFile("big-package", BIG_WHEEL);
    const from = server.requests.length;
    const c = client({ hedge: { ...DEFAULT_HEDGE_SETTINGS, minDelayMs: 50 } });
    const metadata = await c.wheelMetadata(file, BIG_WHEEL);
    expect(metadata.requiresDist.map(String)).toEqual(["dep-a>=1.0"]);
    // Two copies: the first still unanswered (no status yet), the second answered.
    expect(log(from)).toEqual([
      `GET /files/${BIG_WHEEL} [bytes=-16384] -> undefined`,
      `GET /files/${BIG_WHEEL} [bytes=-16384] -> 206`,
    ]);
    await c.close();
  });

  it("wheel_metadata_falls_back_to_the_whole_wheel_without_range_support", async () => {
    server.setFault({ kind: "noMetadata", path: /\.whl$/ });
    server.setFault({ kind: "noRange", path: /\.whl$/ });
    const big = await wheelFile("big-package", BIG_WHEEL);
    const dep = await wheelFile("dep-a", "dep_a-1.0.0-py3-none-any.whl");
    const from = server.requests.length;
    const c = client();
    expect((await c.wheelMetadata(big, BIG_WHEEL)).name).toBe("big-package");
    expect(c.capabilities.noRangeRequests.has(server.url)).toBe(true);
    // Once the server is known not to do ranges, later wheels are fetched whole at once.
    expect((await c.wheelMetadata(dep, dep.filename)).name).toBe("dep-a");
    expect(log(from)).toEqual([
      `GET /files/${BIG_WHEEL} [bytes=-16384] -> 200`,
      "GET /files/dep_a-1.0.0-py3-none-any.whl -> 200",
    ]);
    await c.close();
  });

  it("wheel_metadata_rejects_a_wheel_named_for_another_package", async () => {
    const file = await wheelFile("basic-package", WHEEL);
    const c = client();
    const error = await c
      .wheelMetadata({ url: file.url }, "other-1.0.0-py3-none-any.whl")
      .catch((e: unknown) => e);
    expect(renderError(error)).toBe(
      [
        `Failed to read metadata: \`${server.fileUrl(WHEEL)}\``,
        "The .dist-info directory basic_package-1.0.0 does not start with the normalized package name: other",
      ].join("\n"),
    );
    await c.close();
  });
});

describe("http cache", () => {
  const T0 = Date.parse("2026-01-01T00:00:00Z");

  it("cache_answers_fresh_pages_without_a_request", async () => {
    await client({ now: () => T0 }).simple("basic-package");
    const from = server.requests.length;
    const [page] = await client({ now: () => T0 + 60_000 }).simple("basic-package");
    expect(page?.versions).toHaveLength(4);
    expect(log(from)).toEqual([]);
    const entries = await readdir(join(cacheDir, "simple-v0"), { recursive: true });
    expect(entries.filter((e) => e.endsWith(".json")).map((e) => e.split("/").pop())).toEqual([
      "basic-package.json",
    ]);
  });

  it("cache_revalidates_stale_pages_with_if_none_match", async () => {
    await client({ now: () => T0 }).simple("basic-package");
    const from = server.requests.length;
    // The server says `max-age=600`; eleven minutes later the page must be revalidated.
    const [page] = await client({ now: () => T0 + 11 * 60_000 }).simple("basic-package");
    expect(page?.versions).toHaveLength(4);
    expect(log(from)).toEqual(["GET /simple/basic-package/ -> 304"]);
    expect(server.requests[from]?.headers["if-none-match"]).toMatch(/^"[0-9a-f]{32}"$/);
    // The 304 renewed the entry: no request a minute later.
    const again = server.requests.length;
    await client({ now: () => T0 + 12 * 60_000 }).simple("basic-package");
    expect(log(again)).toEqual([]);
  });

  it("refresh_revalidates_and_refresh_package_only_its_packages", async () => {
    await client({ now: () => T0 }).simple("basic-package");
    let from = server.requests.length;
    await client({ now: () => T0 + 1000, refresh: new Set([parsePackageName("dep-a")]) }).simple(
      "basic-package",
    );
    expect(log(from)).toEqual([]);
    from = server.requests.length;
    const refreshed = client({ now: () => T0 + 1000, refresh: true });
    await refreshed.simple("basic-package");
    expect(log(from)).toEqual(["GET /simple/basic-package/ -> 304"]);
    expect(server.requests[from]?.headers["cache-control"]).toBe("no-cache");
    // Refreshed once per run: the same client trusts what it just revalidated.
    from = server.requests.length;
    await refreshed.simple("basic-package");
    expect(log(from)).toEqual([]);
  });

  it("offline_with_a_cold_cache_gives_uvs_error", async () => {
    const from = server.requests.length;
    const c = client({ offline: true });
    const error = await c.simple("basic-package").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OfflineError);
    expect((error as Error).message).toBe(
      "Network connectivity is disabled, but the requested data wasn't found in the cache for: `basic-package`",
    );
    const metadataError = await c
      .wheelMetadata({ url: server.fileUrl(WHEEL), coreMetadata: true }, WHEEL)
      .catch((e: unknown) => e);
    expect((metadataError as Error).message).toBe(
      `Network connectivity is disabled, but the requested data wasn't found in the cache for: \`${server.fileUrl(WHEEL)}.metadata\``,
    );
    expect(log(from)).toEqual([]);
  });

  it("offline_with_a_warm_cache_makes_no_requests", async () => {
    const online = client({ now: () => T0 });
    const [page] = await online.simple("basic-package");
    const file = page?.files.find((f) => f.filename === WHEEL);
    if (file === undefined) throw new Error("no wheel");
    await online.wheelMetadata(file, WHEEL);
    const from = server.requests.length;
    // A year later the entries are stale, but offline they are used anyway.
    const offline = client({ offline: true, now: () => T0 + 365 * 86_400_000 });
    const [cached] = await offline.simple("basic-package");
    expect(cached?.files.map((f) => f.filename)).toEqual(page?.files.map((f) => f.filename));
    expect((await offline.wheelMetadata(file, WHEEL)).version.toString()).toBe("1.0.0");
    expect(log(from)).toEqual([]);
  });

  it("no_cache_fetches_every_time", async () => {
    const c = client({ cacheDir: undefined });
    const from = server.requests.length;
    await c.simple("dep-b");
    await c.simple("dep-b");
    expect(log(from)).toEqual(["GET /simple/dep-b/ -> 200", "GET /simple/dep-b/ -> 200"]);
  });

  it("broken_cache_entries_are_refetched", async () => {
    await client({ now: () => T0 }).simple("dep-b");
    const [shard] = await readdir(join(cacheDir, "simple-v0"));
    await writeFile(join(cacheDir, "simple-v0", shard as string, "dep-b.json"), "{not json");
    const from = server.requests.length;
    const [page] = await client({ now: () => T0 }).simple("dep-b");
    expect(page?.versions).toEqual(["1.0.0"]);
    expect(log(from)).toEqual(["GET /simple/dep-b/ -> 200"]);
  });
});

describe("file indexes", () => {
  it("file_index_works_like_an_http_one", async () => {
    const root = join(tmp.path, "file-index");
    const files = server.files.filter((f) => f.project === "dep-a");
    await writeFindLinksDir(join(root, "files"), files);
    await mkdir(join(root, "simple", "dep-a"), { recursive: true });
    const links = files
      .map((f) => `<a href="../../files/${f.filename}#sha256=${f.sha256}">${f.filename}</a>`)
      .join("\n");
    await writeFile(
      join(root, "simple", "dep-a", "index.html"),
      `<html><body>${links}</body></html>`,
    );
    const index = IndexUrl.parse(join(root, "simple"));
    expect(index.kind).toBe("path");
    const c = client({ indexes: new IndexLocations({ indexes: [{ url: index, default: true }] }) });
    const [page] = await c.simple("dep-a");
    const wheel = page?.files.find((f) => f.filename.endsWith(".whl"));
    if (wheel === undefined) throw new Error("no wheel");
    expect(wheel.url).toBe(pathToFileURL(join(root, "files", wheel.filename)).href);
    expect((await c.wheelMetadata(wheel, wheel.filename)).requiresDist.map(String)).toEqual([
      "dep-b",
    ]);
    const dest = join(tmp.path, "file-index-download", wheel.filename);
    const result = await c.download(wheel, dest, { expectedHashes: wheel.hashes });
    expect(result.hashes.sha256).toBe(wheel.hashes.sha256);
    await expect(c.simple("dep-b")).rejects.toThrow(
      "Package `dep-b` was not found in the registry",
    );
    await c.close();
  });
});
