import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type IndexServer,
  negotiateSimpleMediaType,
  parseRange,
  sha256Hex,
  startIndexServer,
} from "../src/index.ts";

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
const HTML_TYPE = "application/vnd.pypi.simple.v1+html";
const WHEEL = "basic_package-1.0.0-py3-none-any.whl";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Whether the body ended normally rather than with a dropped connection. */
  complete: boolean;
  error?: string;
}

/** A plain node:http GET that reports what arrived even when the server cuts the connection. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = (complete: boolean, error?: string) =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          complete,
          ...(error === undefined ? {} : { error }),
        });
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(res.complete));
      res.on("error", (e) => done(false, e.message));
      res.on("aborted", () => done(false, "aborted"));
    });
    req.on("error", (e) =>
      resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false, error: e.message }),
    );
    req.end();
  });
}

let server: IndexServer;
beforeAll(async () => {
  server = await startIndexServer({ scenarios: ["basic", "entry-points"] });
});
afterAll(() => server.close());
beforeEach(() => server.clearFaults());

async function jsonPage(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`, { headers: { accept: JSON_TYPE } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(JSON_TYPE);
  return (await res.json()) as Record<string, unknown>;
}

interface JsonFile {
  filename: string;
  url: string;
  hashes: { sha256: string };
  "requires-python"?: string;
  "core-metadata": false | { sha256: string };
  "dist-info-metadata": false | { sha256: string };
  yanked: boolean | string;
  size: number;
  "upload-time": string;
}

describe("content negotiation", () => {
  it("follows_accept_quality_then_server_preference", () => {
    const uvAccept = `${JSON_TYPE}, ${HTML_TYPE};q=0.2, text/html;q=0.01`;
    expect(negotiateSimpleMediaType(uvAccept, null)).toBe(JSON_TYPE);
    expect(negotiateSimpleMediaType(`${JSON_TYPE};q=0.1, ${HTML_TYPE}`, null)).toBe(HTML_TYPE);
    expect(negotiateSimpleMediaType("text/html", null)).toBe("text/html");
    expect(negotiateSimpleMediaType(undefined, null)).toBe("text/html");
    expect(negotiateSimpleMediaType("*/*", null)).toBe(JSON_TYPE);
    expect(negotiateSimpleMediaType("text/*", null)).toBe("text/html");
    expect(negotiateSimpleMediaType("application/vnd.pypi.simple.latest+html", null)).toBe(
      HTML_TYPE,
    );
    expect(negotiateSimpleMediaType(`*/*, ${JSON_TYPE};q=0`, null)).toBe(HTML_TYPE);
    expect(negotiateSimpleMediaType("application/json", null)).toBeUndefined();
    expect(negotiateSimpleMediaType("text/html", JSON_TYPE)).toBe(JSON_TYPE);
    expect(negotiateSimpleMediaType(JSON_TYPE, "application/xml")).toBeUndefined();
  });

  it("root_page_in_both_formats", async () => {
    const json = await jsonPage("/simple/");
    expect(json).toEqual({
      meta: { "api-version": "1.1" },
      projects: [
        { name: "basic-package" },
        { name: "dep-a" },
        { name: "dep-b" },
        { name: "hello-pkg" },
      ],
    });
    const html = await fetch(server.simpleUrl, { headers: { accept: "text/html" } });
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("vary")).toBe("Accept");
    const text = await html.text();
    expect(text).toContain('<meta name="pypi:repository-version" content="1.1">');
    expect(text).toContain(`<a href="${server.simpleUrl}dep-a/">dep-a</a>`);
    const v1 = await fetch(server.simpleUrl, { headers: { accept: HTML_TYPE } });
    expect(v1.headers.get("content-type")).toBe(HTML_TYPE);
  });

  it("unacceptable_accept_is_406_and_format_query_overrides", async () => {
    const bad = await fetch(server.simpleUrl, { headers: { accept: "application/json" } });
    expect(bad.status).toBe(406);
    const query = await fetch(`${server.simpleUrl}?format=${encodeURIComponent(JSON_TYPE)}`, {
      headers: { accept: "text/html" },
    });
    expect(query.headers.get("content-type")).toBe(JSON_TYPE);
    const badQuery = await fetch(`${server.simpleUrl}?format=text/plain`);
    expect(badQuery.status).toBe(406);
  });
});

describe("project pages", () => {
  it("json_page_has_pep_691_700_and_714_fields", async () => {
    const page = await jsonPage("/simple/basic-package/");
    expect(page.meta).toEqual({ "api-version": "1.1" });
    expect(page.name).toBe("basic-package");
    expect(page.versions).toEqual(["0.1.0", "0.5.0", "1.0.0", "2.0.0a1"]);
    const files = page.files as JsonFile[];
    expect(files.map((f) => f.filename)).toEqual([
      "basic_package-0.1.0-py3-none-any.whl",
      "basic_package-0.1.0.tar.gz",
      "basic_package-0.5.0-py3-none-any.whl",
      WHEEL,
      "basic_package-1.0.0.tar.gz",
      "basic_package-2.0.0a1-py3-none-any.whl",
    ]);
    const wheel = files.find((f) => f.filename === WHEEL) as JsonFile;
    const served = server.file(WHEEL);
    expect(wheel).toEqual({
      filename: WHEEL,
      url: server.fileUrl(WHEEL),
      hashes: { sha256: served.sha256 },
      "requires-python": ">=3.8, <4",
      "core-metadata": { sha256: sha256Hex(served.metadata) },
      "dist-info-metadata": { sha256: sha256Hex(served.metadata) },
      yanked: false,
      size: served.size,
      "upload-time": "2024-01-15T12:00:00Z",
    });
    const sdist = files.find((f) => f.filename === "basic_package-1.0.0.tar.gz");
    expect(sdist?.["core-metadata"]).toBe(false);
    const yanked = files.find((f) => f.filename.startsWith("basic_package-0.5.0"));
    expect(yanked?.yanked).toBe("Broken build");
  });

  it("html_page_escapes_attributes_and_carries_hash_fragments", async () => {
    const res = await fetch(`${server.simpleUrl}basic-package/`, {
      headers: { accept: "text/html" },
    });
    const text = await res.text();
    const served = server.file(WHEEL);
    const meta = sha256Hex(served.metadata);
    expect(text).toContain("<title>Links for basic-package</title>");
    expect(text).toContain(
      `<a href="${server.fileUrl(WHEEL)}#sha256=${served.sha256}" data-requires-python="&gt;=3.8, &lt;4" data-dist-info-metadata="sha256=${meta}" data-core-metadata="sha256=${meta}">${WHEEL}</a><br />`,
    );
    expect(text).toMatch(
      /data-yanked="Broken build"[^>]*>basic_package-0\.5\.0-py3-none-any\.whl</,
    );
    expect(text).not.toMatch(/tar\.gz#sha256=[0-9a-f]+"[^>]*data-core-metadata/);
  });

  it("non_normalized_names_redirect_and_unknown_projects_404", async () => {
    const redirected = await fetch(`${server.simpleUrl}Basic_Package/?x=1`, { redirect: "manual" });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.get("location")).toBe("/simple/basic-package/?x=1");
    const noSlash = await fetch(`${server.simpleUrl}basic-package`, { redirect: "manual" });
    expect(noSlash.status).toBe(301);
    expect(noSlash.headers.get("location")).toBe("/simple/basic-package/");
    const followed = await fetch(`${server.simpleUrl}BASIC.package`, {
      headers: { accept: JSON_TYPE },
    });
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { name: string }).name).toBe("basic-package");
    expect((await fetch(`${server.simpleUrl}nope/`)).status).toBe(404);
    expect((await fetch(`${server.simpleUrl}No_Pe/`, { redirect: "manual" })).status).toBe(404);
    expect((await fetch(server.fileUrl("nope.whl"))).status).toBe(404);
  });

  it("pages_have_etags_and_answer_304", async () => {
    const first = await fetch(`${server.simpleUrl}dep-a/`, { headers: { accept: JSON_TYPE } });
    expect(first.headers.get("cache-control")).toBe("max-age=600");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const second = await fetch(`${server.simpleUrl}dep-a/`, {
      headers: { accept: JSON_TYPE, "if-none-match": etag },
    });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
    const html = await fetch(`${server.simpleUrl}dep-a/`, {
      headers: { accept: "text/html", "if-none-match": etag },
    });
    expect(html.status).toBe(200);
  });

  it("relative_file_urls_resolve_against_the_page", async () => {
    const relative = await startIndexServer({
      packages: [{ name: "rel", versions: [{ version: "1.0", yanked: true }] }],
      fileUrls: "relative",
    });
    try {
      const pageUrl = `${relative.simpleUrl}rel/`;
      const page = (await (await fetch(pageUrl, { headers: { accept: JSON_TYPE } })).json()) as {
        files: JsonFile[];
      };
      const href = page.files[0]?.url as string;
      expect(href).toBe("../../files/rel-1.0-py3-none-any.whl");
      const file = await fetch(new URL(href, pageUrl));
      expect(sha256Hex(Buffer.from(await file.arrayBuffer()))).toBe(page.files[0]?.hashes.sha256);
      // A yank without a reason is `true` in JSON and an empty attribute in HTML.
      expect(page.files[0]?.yanked).toBe(true);
      const html = await (await fetch(pageUrl, { headers: { accept: "text/html" } })).text();
      expect(html).toContain('href="../../files/rel-1.0-py3-none-any.whl#sha256=');
      expect(html).toContain('data-yanked=""');
      const root = await (
        await fetch(relative.simpleUrl, { headers: { accept: "text/html" } })
      ).text();
      expect(root).toContain('<a href="rel/">rel</a>');
    } finally {
      await relative.close();
    }
  });
});

describe("files", () => {
  it("files_match_their_hash_and_metadata_matches_pep_658", async () => {
    const res = await fetch(server.fileUrl(WHEEL));
    expect(res.headers.get("cache-control")).toBe("max-age=365000000, immutable, public");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256Hex(bytes)).toBe(server.file(WHEEL).sha256);
    const meta = await fetch(`${server.fileUrl(WHEEL)}.metadata`);
    expect(await meta.text()).toBe(server.file(WHEEL).metadata);
    expect((await fetch(server.fileUrl("basic_package-1.0.0.tar.gz.metadata"))).status).toBe(404);
  });

  it("serves_range_requests", async () => {
    const whole = server.file(WHEEL).bytes;
    const size = whole.length;
    const head = await fetch(server.fileUrl(WHEEL), { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(size));
    expect(head.headers.get("accept-ranges")).toBe("bytes");

    const first = await fetch(server.fileUrl(WHEEL), { headers: { range: "bytes=0-9" } });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-9/${size}`);
    expect(Buffer.from(await first.arrayBuffer()).equals(whole.subarray(0, 10))).toBe(true);

    // The client reads a wheel's central directory from the end of the file.
    const tail = await fetch(server.fileUrl(WHEEL), { headers: { range: "bytes=-22" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes ${size - 22}-${size - 1}/${size}`);
    const eocd = Buffer.from(await tail.arrayBuffer());
    expect(eocd.readUInt32LE(0)).toBe(0x06054b50);

    const open = await fetch(server.fileUrl(WHEEL), { headers: { range: `bytes=${size - 5}-` } });
    expect(Buffer.from(await open.arrayBuffer()).equals(whole.subarray(size - 5))).toBe(true);

    const beyond = await fetch(server.fileUrl(WHEEL), { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${size}`);

    const several = await fetch(server.fileUrl(WHEEL), { headers: { range: "bytes=0-1,5-6" } });
    expect(several.status).toBe(200);
  });

  it("parses_range_headers", () => {
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange("bytes=5-100", 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange("bytes=-100", 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=-0", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=3-2", 10)).toBeUndefined();
    expect(parseRange("items=0-1", 10)).toBeUndefined();
    expect(parseRange(undefined, 10)).toBeUndefined();
  });

  it("files_answer_304_for_their_etag", async () => {
    const etag = `"${server.file(WHEEL).sha256}"`;
    const res = await fetch(server.fileUrl(WHEEL), { headers: { "if-none-match": etag } });
    expect(res.status).toBe(304);
  });

  it("flat_links_page_lists_every_file", async () => {
    const res = await fetch(server.linksUrl);
    const text = await res.text();
    for (const file of server.files) {
      expect(text).toContain(`href="${server.fileUrl(file.filename)}#sha256=${file.sha256}"`);
    }
    expect((await fetch(`${server.url}/links`, { redirect: "manual" })).status).toBe(301);
  });

  it("logs_every_request", async () => {
    const before = server.requests.length;
    await fetch(server.fileUrl(WHEEL), { headers: { range: "bytes=0-3" } });
    await fetch(`${server.simpleUrl}dep-b/?q=1`, { headers: { accept: JSON_TYPE } });
    await fetch(server.simpleUrl, { method: "POST" });
    const logged = server.requests.slice(before);
    expect(logged.map((r) => [r.method, r.path, r.status, r.range, r.accept])).toEqual([
      ["GET", `/files/${WHEEL}`, 206, "bytes=0-3", "*/*"],
      ["GET", "/simple/dep-b/?q=1", 200, undefined, JSON_TYPE],
      ["POST", "/simple/", 405, undefined, "*/*"],
    ]);
    expect(logged[1]?.pathname).toBe("/simple/dep-b/");
    expect(logged[1]?.headers.accept).toBe(JSON_TYPE);
  });
});

describe("faults", () => {
  it("status_fault_for_the_next_n_requests", async () => {
    const fault = server.setFault({ kind: "status", status: 503, path: "/simple/*", times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.simpleUrl}dep-b/`)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(fault.hits).toBe(2);
    expect(fault.active).toBe(false);
    // Paths outside the pattern never misbehave.
    server.setFault({ kind: "status", status: 500, path: "/simple/*" });
    expect((await fetch(server.fileUrl(WHEEL))).status).toBe(200);
    expect((await fetch(server.simpleUrl)).status).toBe(500);
    expect(server.requests.at(-1)?.faults).toEqual(["status"]);
  });

  it("truncate_sends_fewer_bytes_than_content_length", async () => {
    server.setFault({ kind: "truncate", path: `/files/${WHEEL}`, afterBytes: 100 });
    const res = await rawGet(server.fileUrl(WHEEL));
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(server.file(WHEEL).size));
    expect(res.complete).toBe(false);
    expect(res.body.length).toBe(100);
    await expect(fetch(server.fileUrl(WHEEL)).then((r) => r.arrayBuffer())).rejects.toThrow();
  });

  it("wrong_hash_changes_only_the_advertised_digest", async () => {
    server.setFault({ kind: "wrongHash", path: `/files/${WHEEL}` });
    const page = await jsonPage("/simple/basic-package/");
    const files = page.files as JsonFile[];
    const wheel = files.find((f) => f.filename === WHEEL) as JsonFile;
    const served = server.file(WHEEL);
    expect(wheel.hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(wheel.hashes.sha256).not.toBe(served.sha256);
    const sdist = files.find((f) => f.filename === "basic_package-1.0.0.tar.gz");
    expect(sdist?.hashes.sha256).toBe(server.file("basic_package-1.0.0.tar.gz").sha256);
    const html = await (await fetch(`${server.simpleUrl}basic-package/`)).text();
    expect(html).not.toContain(served.sha256);
    const bytes = Buffer.from(await (await fetch(server.fileUrl(WHEEL))).arrayBuffer());
    expect(sha256Hex(bytes)).toBe(served.sha256);
    expect(server.requests.at(-2)?.faults).toEqual(["wrongHash"]);
  });

  it("slow_stalls_are_bounded_by_the_client_and_by_close", async () => {
    const stalled = await startIndexServer({
      packages: [{ name: "slow", versions: [{ version: "1.0" }] }],
      misbehave: [{ kind: "slow", bodyDelayMs: 60_000 }],
    });
    const url = stalled.fileUrl("slow-1.0-py3-none-any.whl");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const body = res.arrayBuffer();
    // The headers arrived; the body never does, until the server is closed.
    const race = await Promise.race([
      body.then(() => "body"),
      new Promise((r) => setTimeout(() => r("stalled"), 200)),
    ]);
    expect(race).toBe("stalled");
    await stalled.close();
    await expect(body).rejects.toThrow();
  });

  it("slow_throttle_still_delivers_the_whole_body", async () => {
    server.setFault({ kind: "slow", chunkSize: 128, chunkDelayMs: 2, headersDelayMs: 5 });
    const bytes = Buffer.from(await (await fetch(server.fileUrl(WHEEL))).arrayBuffer());
    expect(sha256Hex(bytes)).toBe(server.file(WHEEL).sha256);
  });

  it("drop_connection_resets_then_recovers", async () => {
    server.setFault({ kind: "dropConnection", times: 1 });
    const dropped = await rawGet(server.fileUrl(WHEEL));
    expect(dropped.status).toBe(0);
    expect(dropped.error).toMatch(/ECONNRESET|socket hang up/);
    expect(server.requests.at(-1)?.status).toBeUndefined();
    expect((await fetch(server.fileUrl(WHEEL))).status).toBe(200);
  });

  it("corrupt_flips_bytes_but_keeps_the_length", async () => {
    server.setFault({ kind: "corrupt", path: `/files/${WHEEL}`, times: 1 });
    const bytes = Buffer.from(await (await fetch(server.fileUrl(WHEEL))).arrayBuffer());
    expect(bytes.length).toBe(server.file(WHEEL).size);
    expect(sha256Hex(bytes)).not.toBe(server.file(WHEEL).sha256);
    const again = Buffer.from(await (await fetch(server.fileUrl(WHEEL))).arrayBuffer());
    expect(sha256Hex(again)).toBe(server.file(WHEEL).sha256);
  });

  it("no_range_ignores_range_headers", async () => {
    server.setFault({ kind: "noRange", path: /\.whl$/ });
    const res = await fetch(server.fileUrl(WHEEL), { headers: { range: "bytes=0-9" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("accept-ranges")).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).length).toBe(server.file(WHEEL).size);
  });

  it("no_metadata_hides_pep_658", async () => {
    server.setFault({ kind: "noMetadata", path: `/files/${WHEEL}` });
    const page = await jsonPage("/simple/basic-package/");
    const files = page.files as JsonFile[];
    expect(files.find((f) => f.filename === WHEEL)?.["core-metadata"]).toBe(false);
    expect(files.find((f) => f.filename === WHEEL)?.["dist-info-metadata"]).toBe(false);
    const other = files.find((f) => f.filename === "basic_package-0.1.0-py3-none-any.whl");
    expect(other?.["core-metadata"]).not.toBe(false);
    const html = await (
      await fetch(`${server.simpleUrl}basic-package/`, { headers: { accept: "text/html" } })
    ).text();
    expect(html).toMatch(new RegExp(`sha256=${server.file(WHEEL).sha256}"[^>]*>${WHEEL}<`));
    expect((await fetch(`${server.fileUrl(WHEEL)}.metadata`)).status).toBe(404);
  });

  it("misbehave_option_installs_faults_from_the_start_and_remove_stops_them", async () => {
    const local = await startIndexServer({
      packages: [{ name: "m", versions: [{ version: "1.0" }] }],
      misbehave: [{ kind: "status", status: 500 }],
    });
    try {
      expect((await fetch(local.simpleUrl)).status).toBe(500);
      local.clearFaults();
      const handle = local.setFault({ kind: "status", status: 404 });
      expect((await fetch(local.simpleUrl)).status).toBe(404);
      handle.remove();
      expect((await fetch(local.simpleUrl)).status).toBe(200);
      expect(() => local.setFault({ kind: "noRange", times: -1 })).toThrow(RangeError);
    } finally {
      await local.close();
    }
    await expect(fetch(local.simpleUrl)).rejects.toThrow();
  });
});

describe("determinism across servers", () => {
  it("two_servers_serve_identical_files", async () => {
    const other = await startIndexServer({ scenarios: ["basic"] });
    try {
      const digest = (s: IndexServer) =>
        createHash("sha256")
          .update(s.files.map((f) => `${f.filename}:${f.sha256}`).join("\n"))
          .digest("hex");
      const basicOnly = {
        ...server,
        files: server.files.filter((f) => !f.filename.startsWith("hello_pkg")),
      };
      expect(digest(other)).toBe(digest(basicOnly as IndexServer));
    } finally {
      await other.close();
    }
  });
});
