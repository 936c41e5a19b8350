import { createHash } from "node:crypto";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createRegistryClient,
  DEFAULT_HEDGE_SETTINGS,
  EnvVarError,
  HashMismatchError,
  IndexLocations,
  type RegistryClientOptions,
  RetriesExhaustedError,
} from "../src/index.ts";
import { renderError, startServer, useBasicIndex } from "./helpers.ts";

const WHEEL = "basic_package-1.0.0-py3-none-any.whl";
const PAGE = "/simple/basic-package/";

let caseNo = 0;
let dir: string;

const index = useBasicIndex();
beforeEach(() => {
  index.server.clearFaults();
  dir = join(index.tmp.path, `case-${caseNo++}`);
});

function client(options: Partial<RegistryClientOptions> = {}) {
  return createRegistryClient({
    indexes: IndexLocations.fromArgs({ indexUrl: index.server.simpleUrl }),
    cacheDir: join(dir, "cache"),
    retryDelayMs: () => 0,
    netrcPath: null,
    env: {},
    ...options,
  });
}

function hits(path: string, from: number): number {
  return index.server.requests.slice(from).filter((r) => r.pathname === path).length;
}

describe("retries", () => {
  it("http_500_is_retried_exactly_the_configured_number_of_times", async () => {
    index.server.setFault({ kind: "status", status: 500, path: PAGE });
    const from = index.server.requests.length;
    const error = await client({ retries: 3 })
      .simple("basic-package")
      .catch((e: unknown) => e);
    expect(hits(PAGE, from)).toBe(4);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(renderError(error).replace(/in \d+\.\ds/, "in [TIME]")).toBe(
      [
        "Request failed after 3 retries in [TIME]",
        `Failed to fetch: \`${index.server.url}${PAGE}\``,
        `HTTP status server error (500 Internal Server Error) for url (${index.server.url}${PAGE})`,
      ].join("\n"),
    );
  });

  it("uv_http_retries_sets_the_retry_count", async () => {
    index.server.setFault({ kind: "status", status: 503, path: PAGE });
    const from = index.server.requests.length;
    const error = await client({ env: { UV_HTTP_RETRIES: "1" } })
      .simple("basic-package")
      .catch((e: unknown) => e);
    expect(hits(PAGE, from)).toBe(2);
    expect((error as Error).message).toMatch(/^Request failed after 1 retry in /);
    expect(() => client({ env: { UV_HTTP_RETRIES: "foo" } })).toThrow(EnvVarError);
    expect(() => client({ env: { UV_HTTP_RETRIES: "-1" } })).toThrow(
      "Failed to parse environment variable `UV_HTTP_RETRIES` with invalid value `-1`: invalid digit found in string",
    );
  });

  it("client_errors_are_not_retried", async () => {
    index.server.setFault({ kind: "status", status: 400, path: PAGE });
    const from = index.server.requests.length;
    const error = await client()
      .simple("basic-package")
      .catch((e: unknown) => e);
    expect(hits(PAGE, from)).toBe(1);
    expect(renderError(error)).toBe(
      [
        `Failed to fetch: \`${index.server.url}${PAGE}\``,
        `HTTP status client error (400 Bad Request) for url (${index.server.url}${PAGE})`,
      ].join("\n"),
    );
  });

  it("reset_connections_are_retried", async () => {
    index.server.setFault({ kind: "dropConnection", path: PAGE, times: 2 });
    const from = index.server.requests.length;
    const [page] = await client().simple("basic-package");
    expect(page?.versions).toHaveLength(4);
    expect(hits(PAGE, from)).toBe(3);
  });

  it("refused_connections_are_retried_then_reported", async () => {
    const closed = await startServer(() => ({ status: 200 }));
    await closed.close();
    const error = await client({
      retries: 1,
      indexes: IndexLocations.fromArgs({ indexUrl: `${closed.url}/simple/` }),
    })
      .simple("basic-package")
      .catch((e: unknown) => e);
    const lines = renderError(error).split("\n");
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^Request failed after 1 retry in \d+\.\ds$/),
      `Failed to fetch: \`${closed.url}${PAGE}\``,
      `error sending request for url (${closed.url}${PAGE})`,
    ]);
    expect(lines.slice(3).join("\n")).toContain("ECONNREFUSED");
  });

  it("read_timeout_is_retried_then_reported_with_uvs_hint", async () => {
    index.server.setFault({ kind: "slow", bodyDelayMs: 10_000, path: PAGE });
    const from = index.server.requests.length;
    const error = await client({ retries: 1, timeoutMs: 300 })
      .simple("basic-package")
      .catch((e: unknown) => e);
    expect(hits(PAGE, from)).toBe(2);
    const text = renderError(error);
    expect(text).toMatch(/^Request failed after 1 retry in /);
    expect(text).toContain(
      "Failed to download distribution due to network timeout. Try increasing UV_HTTP_TIMEOUT (current value: 0s).",
    );
  });
});

describe("downloads", () => {
  it("download_streams_into_place_with_the_index_hash", async () => {
    const file = index.server.file(WHEEL);
    const dest = join(dir, "wheels", WHEEL);
    const result = await client().download(
      { url: index.server.fileUrl(WHEEL), filename: WHEEL },
      dest,
      {
        expectedHashes: { sha256: file.sha256 },
      },
    );
    expect(result).toEqual({ size: file.size, hashes: { sha256: file.sha256 } });
    expect(await readdir(join(dir, "wheels"))).toEqual([WHEEL]);
  });

  it("a_late_download_is_sent_again_and_the_first_answer_is_used", async () => {
    // The first request gets no answer for longer than the test may take; its copy is answered.
    index.server.setFault({
      kind: "slow",
      headersDelayMs: 25_000,
      path: `/files/${WHEEL}`,
      times: 1,
    });
    const from = index.server.requests.length;
    const file = index.server.file(WHEEL);
    const quick = { ...DEFAULT_HEDGE_SETTINGS, minDelayMs: 50 };
    const started = performance.now();
    const result = await client({ hedge: quick }).download(
      { url: index.server.fileUrl(WHEEL), filename: WHEEL },
      join(dir, "wheels", WHEEL),
      { expectedHashes: { sha256: file.sha256 } },
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result).toEqual({ size: file.size, hashes: { sha256: file.sha256 } });
    expect(hits(`/files/${WHEEL}`, from)).toBe(2);
    expect(await readdir(join(dir, "wheels"))).toEqual([WHEEL]);
  });

  it("without_hedging_a_late_download_is_waited_for", async () => {
    index.server.setFault({ kind: "slow", headersDelayMs: 400, path: `/files/${WHEEL}`, times: 1 });
    const from = index.server.requests.length;
    const file = index.server.file(WHEEL);
    const result = await client({ env: { UV_TS_HEDGE: "0" } }).download(
      { url: index.server.fileUrl(WHEEL), filename: WHEEL },
      join(dir, WHEEL),
      { expectedHashes: { sha256: file.sha256 } },
    );
    expect(result.hashes.sha256).toBe(file.sha256);
    expect(hits(`/files/${WHEEL}`, from)).toBe(1);
  });

  it("a_sink_gets_every_byte_in_order_and_a_waiting_one_pauses_the_body", async () => {
    const file = index.server.file(WHEEL);
    const received: Buffer[] = [];
    let writes = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const sink = {
      write(chunk: Uint8Array): undefined | Promise<void> {
        received.push(Buffer.from(chunk));
        // Every other chunk is taken later: no chunk may come while one is being taken.
        if (writes++ % 2 === 0) return undefined;
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        return new Promise<void>((resolve) =>
          setImmediate(() => {
            inFlight -= 1;
            resolve();
          }),
        );
      },
      reset() {
        received.length = 0;
      },
    };
    const result = await client().download(
      { url: index.server.fileUrl(WHEEL), filename: WHEEL },
      sink,
      { expectedHashes: { sha256: file.sha256 } },
    );
    expect(result).toEqual({ size: file.size, hashes: { sha256: file.sha256 } });
    expect(createHash("sha256").update(Buffer.concat(received)).digest("hex")).toBe(file.sha256);
    expect(mostInFlight).toBeLessThanOrEqual(1);
  });

  it("a_sink_that_fails_fails_the_download", async () => {
    const error = await client()
      .download(
        { url: index.server.fileUrl(WHEEL), filename: WHEEL },
        {
          write: () => {
            throw new Error("the disk is full");
          },
          reset: () => undefined,
        },
      )
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("the disk is full");
  });

  it("truncated_body_is_retried_from_the_start", async () => {
    index.server.setFault({ kind: "truncate", path: `/files/${WHEEL}`, times: 1 });
    const from = index.server.requests.length;
    const file = index.server.file(WHEEL);
    const result = await client().download(
      { url: index.server.fileUrl(WHEEL), filename: WHEEL },
      join(dir, WHEEL),
      { expectedHashes: { sha256: file.sha256 } },
    );
    expect(result.hashes.sha256).toBe(file.sha256);
    expect(hits(`/files/${WHEEL}`, from)).toBe(2);
  });

  it("always_truncated_download_fails_and_leaves_nothing", async () => {
    index.server.setFault({ kind: "truncate", path: `/files/${WHEEL}` });
    const from = index.server.requests.length;
    const error = await client({ retries: 2 })
      .download({ url: index.server.fileUrl(WHEEL), filename: WHEEL }, join(dir, "out", WHEEL))
      .catch((e: unknown) => e);
    expect(hits(`/files/${WHEEL}`, from)).toBe(3);
    expect((error as Error).message).toMatch(/^Request failed after 2 retries/);
    expect(await readdir(join(dir, "out"))).toEqual([]);
  });

  it("hash_mismatch_is_uvs_error_and_nothing_enters_the_cache", async () => {
    index.server.setFault({ kind: "wrongHash", path: `/files/${WHEEL}` });
    const c = client();
    const [page] = await c.simple("basic-package");
    const file = page?.files.find((f) => f.filename === WHEEL);
    if (file === undefined) throw new Error("no wheel");
    const archive = join(dir, "cache", "archive-v0");
    const error = await c
      .download(file, join(archive, WHEEL), {
        expectedHashes: file.hashes,
        distribution: "basic-package==1.0.0",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HashMismatchError);
    expect((error as Error).message).toBe(
      [
        "Hash mismatch for `basic-package==1.0.0`",
        "",
        "Expected:",
        `  sha256:${file.hashes.sha256}`,
        "",
        "Computed:",
        `  sha256:${index.server.file(WHEEL).sha256}`,
      ].join("\n"),
    );
    expect(await readdir(archive)).toEqual([]);
  });
});

describe("credentials", () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  it("url_credentials_are_sent_as_basic_auth_and_never_shown", async () => {
    const secretUrl = index.server.simpleUrl.replace("http://", "http://user:s3cr3t@");
    const c = client({ indexes: IndexLocations.fromArgs({ indexUrl: secretUrl }) });
    let from = index.server.requests.length;
    const [page] = await c.simple("basic-package");
    expect(index.server.requests[from]?.headers.authorization).toBe(basic("user", "s3cr3t"));
    expect(page?.index.toString()).toBe(
      index.server.simpleUrl.replace("http://", "http://user:****@"),
    );
    expect(JSON.stringify(page?.index)).not.toContain("s3cr3t");
    // Files on the same host get the index's credentials too.
    from = index.server.requests.length;
    const file = page?.files.find((f) => f.filename === WHEEL);
    if (file === undefined) throw new Error("no wheel");
    await c.wheelMetadata(file, WHEEL);
    expect(index.server.requests[from]?.headers.authorization).toBe(basic("user", "s3cr3t"));

    index.server.setFault({ kind: "status", status: 500, path: "/simple/dep-a/" });
    const failure = renderError(await c.simple("dep-a").catch((e: unknown) => e));
    expect(failure).toContain("Failed to fetch: `http://user:****@127.0.0.1:");
    expect(failure).not.toContain("s3cr3t");

    index.server.setFault({ kind: "status", status: 401, path: "/simple/dep-b/" });
    const unauthorized = renderError(await c.simple("dep-b").catch((e: unknown) => e));
    expect(unauthorized).toBe(
      [
        "Package `dep-b` was not found in the registry",
        `An index URL (${index.server.simpleUrl}) could not be queried due to a lack of valid authentication credentials (401 Unauthorized)`,
      ].join("\n"),
    );
    await c.close();
  });

  it("offline_find_links_page_without_cache_lists_nothing", async () => {
    const from = index.server.requests.length;
    const c = client({
      offline: true,
      indexes: IndexLocations.fromArgs({ findLinks: [index.server.linksUrl], noIndex: true }),
    });
    expect(await c.findLinks("dep-a")).toEqual([]);
    expect(index.server.requests.length).toBe(from);
  });

  it("netrc_credentials_are_sent_for_their_host", async () => {
    const netrc = join(index.tmp.path, `netrc-${caseNo}`);
    await writeFile(netrc, "# test\nmachine 127.0.0.1\n  login alice\n  password hunter2\n");
    const from = index.server.requests.length;
    await client({ netrcPath: netrc }).simple("basic-package");
    expect(index.server.requests[from]?.headers.authorization).toBe(basic("alice", "hunter2"));
    const viaEnv = index.server.requests.length;
    await client({ cacheDir: undefined, netrcPath: undefined, env: { NETRC: netrc } }).simple(
      "dep-a",
    );
    expect(index.server.requests[viaEnv]?.headers.authorization).toBe(basic("alice", "hunter2"));
  });

  it("redirect_to_another_host_drops_authorization", async () => {
    const front = await startServer((req) => ({
      status: 302,
      headers: { location: `${index.server.url}${req.url}` },
    }));
    try {
      const secretUrl = `${front.url.replace("http://", "http://user:s3cr3t@")}/simple/`;
      const from = index.server.requests.length;
      const [page] = await client({
        indexes: IndexLocations.fromArgs({ indexUrl: secretUrl }),
      }).simple("basic-package");
      expect(page?.versions).toHaveLength(4);
      expect(front.requests[0]?.headers.authorization).toBe(basic("user", "s3cr3t"));
      expect(index.server.requests[from]?.pathname).toBe(PAGE);
      expect(index.server.requests[from]?.headers.authorization).toBeUndefined();
    } finally {
      await front.close();
    }
  });
});
