// A downloaded page is read lazily: each file only as far as grouping needs (filename, upload
// time), the rest of its `<a>` tag or JSON object when its version is asked for. That must give
// exactly what parsing the whole page eagerly gives (`parseSimplePage`, then grouping the parsed
// files): the same versions, files, fields and upload summaries, in memory and after a trip
// through the cache, and the same error for a page that cannot be read, at the same moment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { parseHtmlAnchor, scanSimpleHtml, scanSimpleHtmlLinks } from "@uv-ts/pypi-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeSimplePage,
  GroupedDists,
  type PageDists,
  parseSimplePage,
  readSimplePage,
  SplitPayload,
  StoredDists,
} from "../src/index.ts";
import { encodeHtmlLinks, plainAnchorFilename } from "../src/simple-dists.ts";

const PAGE_URL = "https://example.org/simple/foo-bar/";
const NAME = parsePackageName("foo-bar");

/** Everything a resolution can see of a page's dists. */
function view(dists: PageDists) {
  return {
    versions: [...dists.versions],
    groups: dists.versions.map((v) => ({
      version: v,
      uploads: dists.uploadsOf(v),
      dists: dists.distsOf(v).map((d) => {
        // A file read lazily knows its name before the rest: the name the rest gives.
        if (d.name !== undefined) expect(d.name).toBe(d.file.filename);
        return { filename: d.filename, file: d.file };
      }),
    })),
  };
}

type Outcome = { ok: ReturnType<typeof view> & { status: unknown } } | { error: string };

function eager(mediaType: "html" | "json", body: string, name: PackageName): Outcome {
  try {
    const page = parseSimplePage({ url: PAGE_URL, mediaType, body });
    const dists = GroupedDists.fromFiles(page.files, name);
    return { ok: { ...view(dists), status: [page.projectStatus, page.versions] } };
  } catch (error) {
    return { error: describeError(error) };
  }
}

function describeError(error: unknown): string {
  const e = error as Error & { cause?: Error };
  return `${e.constructor.name}: ${e.message} / ${e.cause?.constructor.name}: ${e.cause?.message}`;
}

/** The page as `readSimplePage` reads a response: in memory, and after a trip through storage. */
async function lazy(
  mediaType: "html" | "json",
  body: string,
  name: PackageName,
  pieceBytes = Number.POSITIVE_INFINITY,
): Promise<{ fresh: Outcome; stored?: Outcome }> {
  // The body as the network may cut it: in pieces of `pieceBytes`, characters split between two.
  const bytes = Buffer.from(body, "utf8");
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += pieceBytes) {
    pieces.push(bytes.subarray(at, Math.min(bytes.length, at + pieceBytes)));
  }
  let payload: SplitPayload;
  try {
    payload = await readSimplePage(
      {
        url: new URL(PAGE_URL),
        headers: {
          "content-type":
            mediaType === "json" ? "application/vnd.pypi.simple.v1+json" : "text/html",
        },
        body: Readable.from(pieces.length === 0 ? [bytes] : pieces) as never,
        status: 200,
      },
      undefined,
      name,
    );
  } catch (error) {
    return { fresh: { error: describeError(error) } };
  }
  const outcome = (p: unknown): Outcome => {
    const page = decodeSimplePage(p, name);
    return { ok: { ...view(page.dists), status: [page.projectStatus, page.versions] } };
  };
  const fresh = outcome(payload);
  // As the cache store writes and reads it: the head as JSON, the tail as bytes.
  const head = JSON.parse(JSON.stringify(payload.head));
  const stored = outcome(new SplitPayload(head, Buffer.from(payload.tail)));
  return { fresh, stored };
}

async function check(
  mediaType: "html" | "json",
  body: string,
  name = NAME,
  pieceBytes = Number.POSITIVE_INFINITY,
): Promise<Outcome> {
  const expected = eager(mediaType, body, name);
  const { fresh, stored } = await lazy(mediaType, body, name, pieceBytes);
  expect(fresh).toEqual(expected);
  if ("ok" in expected) expect(stored).toEqual(expected);
  return expected;
}

// Names, versions and tails, valid or not, so that some versions have only invalid files.
const FILENAME = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("foo_bar", "Foo.Bar", "foo-bar", "other", "foo"),
      fc.constantFrom("1.0", "1.0.0", "2.0rc1", "v2.0", "1..0", "3.0+local", "10"),
      fc.constantFrom(
        "py3-none-any",
        "cp312-cp312-manylinux_2_17_x86_64",
        "py3--any",
        "1-py3-none-any",
      ),
    )
    .map(([n, v, t]) => `${n}-${v}-${t}.whl`),
  fc
    .tuple(
      fc.constantFrom("foo_bar", "foo-bar", "FOO_BAR", "foo"),
      fc.constantFrom("1.0", "1.0.0", "2.0rc1", "x.y", "0.9"),
      fc.constantFrom(".tar.gz", ".zip", ".tar.bz2"),
    )
    .map(([n, v, e]) => `${n}-${v}${e}`),
  fc.constantFrom("README.txt", "foo-bar-1.0-py3-none-any.whl.metadata", "foo%2Dbar-1.0.tar.gz"),
);

/** A value with entities and characters that need them. */
const ENTITY_TEXT = fc.constantFrom(
  "&gt;=3.8",
  "&gt;=3.6, &lt;4",
  ">=3.7",
  "&#62;=3.9&#x2C;!=3.9.1",
  "&amp;&unknown;",
  "",
  "reason with &quot;quotes&quot;",
);

const HASH_FRAGMENT = fc.constantFrom(
  "",
  "#sha256=aaaa",
  "#md5=bbbb",
  "#sha512=cc",
  "#egg=foo",
  "#main",
  "#",
  "#sha256%3Ddd",
  "# sha256=ee ",
);
/** Fragments a page cannot have: uv fails on the whole page. */
const BAD_FRAGMENT = fc.constantFrom("#sha1=ff", "#%FF", "#crc32=1");

const UPLOAD_TIME = fc.constantFrom(
  "2024-05-01T12:30:15.123456Z",
  "2024-05-01T12:30:15Z",
  "2024-05-01 12:30:15+02:00",
  "2024-13-01T00:00:00Z",
  "yesterday",
  "2024-05-01T12:30:15.1&#90;",
);

const HREF_STYLE = fc.constantFrom(
  (f: string) => `https://files.example/packages/${f}`,
  (f: string) => `../../packages/${f}`,
  (f: string) => `/packages/${f}`,
  (f: string) => f,
  (f: string) => `//cdn.example/p/${f}`,
  (f: string) => `https://files.example/packages/${f}?x=1`,
  (f: string) => `https://files.example/a/./b/${f}`,
  (f: string) => `HTTPS://Files.Example/${f}`,
  (f: string) => `https://files.example/sp ace/${f}`,
  (f: string) => `https://files.example/a&amp;b/${f}`,
  (f: string) => `foo:${f}`,
);

/** An attribute, its name in any case, quoted either way or not at all (when it can be). */
function attr(name: string, value: string | undefined): fc.Arbitrary<string> {
  if (value === undefined) return fc.constant(name);
  return fc.tuple(fc.boolean(), fc.constantFrom('"', "'", "")).map(([upper, quote]) => {
    const n = upper ? name.toUpperCase() : name;
    const q =
      quote === "" && /[\s>'"]/.test(value) ? '"' : quote === "" && value === "" ? '"' : quote;
    const v =
      q === '"'
        ? value.replaceAll('"', "&quot;")
        : q === "'"
          ? value.replaceAll("'", "&#39;")
          : value;
    return `${n}=${q}${v}${q}`;
  });
}

const ANCHOR = fc
  .record({
    filename: FILENAME,
    href: HREF_STYLE,
    // A fragment that breaks the page now and then (`fc.oneof` would all but never pick it).
    fragment: fc
      .tuple(fc.nat(99), HASH_FRAGMENT, BAD_FRAGMENT)
      .map(([n, good, bad]) => (n < 2 ? bad : good)),
    requiresPython: fc.option(ENTITY_TEXT, { nil: undefined }),
    yanked: fc.option(fc.option(ENTITY_TEXT, { nil: undefined }), { nil: null }),
    metadataName: fc.constantFrom("data-core-metadata", "data-dist-info-metadata"),
    metadata: fc.option(fc.constantFrom("true", "false", "sha256=abc", "sha256:abc", "x"), {
      nil: undefined,
    }),
    size: fc.option(fc.constantFrom("123", "+5", "-1", "1e3", "99999999999999999999"), {
      nil: undefined,
    }),
    upload: fc.option(UPLOAD_TIME, { nil: undefined }),
    duplicateHref: fc.boolean(),
    badUrl: fc.nat(99).map((n) => n < 2),
    noHref: fc.constantFrom(false, false, false, false, true),
  })
  .chain((a) => {
    const parts: fc.Arbitrary<string>[] = [];
    // A link that is no URL breaks the page too, now and then.
    const href = a.badUrl ? `//bad host/${a.filename}` : a.href(a.filename);
    if (!a.noHref) parts.push(attr("href", `${href}${a.fragment}`));
    if (a.duplicateHref) parts.push(attr("href", "https://files.example/ignored-9.9.tar.gz"));
    if (a.requiresPython !== undefined) parts.push(attr("data-requires-python", a.requiresPython));
    if (a.yanked !== null) parts.push(attr("data-yanked", a.yanked));
    if (a.metadata !== undefined) parts.push(attr(a.metadataName, a.metadata));
    if (a.size !== undefined) parts.push(attr("data-size", a.size));
    if (a.upload !== undefined) parts.push(attr("data-upload-time", a.upload));
    return fc
      .tuple(fc.tuple(...parts), fc.constantFrom(">", " >", "/>"))
      .chain(([attrs, close]) =>
        fc
          .shuffledSubarray(attrs, { minLength: attrs.length })
          .map((shuffled) => `<a ${shuffled.join(" ")}${close}${a.filename}</a><br/>`),
      );
  });

const HTML_PAGE = fc
  .record({
    base: fc.constantFrom(
      "",
      '<base href="https://mirror.example/root/">',
      '<base href="sub/dir/">',
      '<BASE HREF="https://mirror.example/x/y">',
    ),
    status: fc.constantFrom(
      "",
      '<meta name="pypi:project-status" content="archived">',
      '<meta name="pypi:project-status" content="quarantined"><meta name="pypi:project-status-reason" content="a &amp; b">',
    ),
    anchors: fc.array(ANCHOR, { maxLength: 25 }),
    noise: fc.constantFrom(
      "",
      "<!-- <a href='x-1.0.tar.gz'> -->",
      "<script>'<a href=\"y-1.0.tar.gz\">'</script>",
    ),
  })
  .map(
    ({ base, status, anchors, noise }) =>
      `<!DOCTYPE html><html><head>${status}${base}<title>Links</title></head><body>${noise}\n${anchors.join("\n")}</body></html>`,
  );

const JSON_VALUE_CASES = {
  url: fc.constantFrom<unknown>("https://files.example/p/F", "../p/F", "//cdn.example/F", "x:F", 5),
  hashes: fc.constantFrom<unknown>(
    { sha256: "aa" },
    {},
    { md5: "b", sha1: "c" },
    { sha256: null },
    undefined,
    [],
    {
      sha256: 1,
    },
  ),
  requiresPython: fc.constantFrom<unknown>(undefined, null, ">=3.8", 3),
  yanked: fc.constantFrom<unknown>(undefined, null, false, true, "", "broken", 1),
  metadata: fc.constantFrom<unknown>(undefined, null, true, false, { sha256: "m" }, "yes"),
  metadataKey: fc.constantFrom("core-metadata", "dist-info-metadata", "data-dist-info-metadata"),
  size: fc.constantFrom<unknown>(undefined, null, 0, 12345, -1, 1.5),
  upload: fc.constantFrom<unknown>(
    undefined,
    null,
    "2024-05-01T12:30:15.123456Z",
    "2024-05-01T12:30:15+01:00",
    "nope",
    7,
  ),
};

const JSON_FILE = fc
  .record({
    filename: FILENAME,
    wild: fc.nat(15).map((n) => n === 0),
    ...JSON_VALUE_CASES,
  })
  .map((f) => {
    const o: Record<string, unknown> = { filename: f.filename };
    // Mostly well-formed values; now and then any of the cases, some of which break the page.
    const fine = (v: unknown, ok: unknown) => (f.wild ? v : ok);
    o.url =
      typeof f.url === "string"
        ? f.url.replace("F", f.filename)
        : fine(f.url, "https://x.example/F");
    const hashes = fine(f.hashes, { sha256: "aa" });
    if (hashes !== undefined) o.hashes = hashes;
    const set = (key: string, v: unknown, ok: unknown) => {
      const value = f.wild ? v : ok;
      if (value !== undefined) o[key] = value;
    };
    set("requires-python", f.requiresPython, ">=3.8");
    set("yanked", f.yanked, false);
    set(f.metadataKey, f.metadata, true);
    set("size", f.size, 10);
    set("upload-time", f.upload, "2024-05-01T12:30:15Z");
    return o;
  });

const JSON_PAGE = fc
  .record({
    files: fc.array(JSON_FILE, { maxLength: 12 }),
    versions: fc.option(fc.constant(["1.0", "2.0"]), { nil: undefined }),
    status: fc.option(
      fc.constantFrom({ status: "deprecated", reason: "old" }, { status: "weird" }),
      {
        nil: undefined,
      },
    ),
  })
  .map(({ files, versions, status }) =>
    JSON.stringify({
      meta: { "api-version": "1.1" },
      name: "foo-bar",
      files,
      ...(versions === undefined ? {} : { versions }),
      ...(status === undefined ? {} : { "project-status": status }),
    }),
  );

const FIXTURES = join(import.meta.dirname, "fixtures", "simple-pages");

describe("lazily read pages", () => {
  it("html_pages_read_lazily_give_what_eager_parsing_gives", async () => {
    let failures = 0;
    const pages = fc.sample(HTML_PAGE, { numRuns: 400, seed: 20261121 });
    for (const page of pages) {
      if ("error" in (await check("html", page))) failures++;
    }
    // Some pages must fail (bad fragments), and most must not.
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(300);
  });

  it("json_pages_read_lazily_give_what_eager_parsing_gives", async () => {
    let failures = 0;
    for (const page of fc.sample(JSON_PAGE, { numRuns: 400, seed: 20261121 })) {
      if ("error" in (await check("json", page))) failures++;
    }
    expect(failures).toBeGreaterThan(10);
    expect(failures).toBeLessThan(300);
  });

  it("json_pages_read_in_pieces_give_what_eager_parsing_gives", async () => {
    // ASCII pages (decoded piece by piece) and pages with characters of two to four bytes (which
    // pieces of 1 to 4 bytes split at every position).
    const pages = fc.sample(JSON_PAGE, { numRuns: 100, seed: 20261122 });
    const wide = (text: string) =>
      JSON.stringify({
        files: [
          {
            filename: "foo_bar-1.0-py3-none-any.whl",
            url: "https://f.example/foo_bar-1.0-py3-none-any.whl",
            hashes: { sha256: "ab" },
            yanked: text,
            "upload-time": "2024-01-02T03:04:05Z",
          },
          {
            filename: "foo_bar-2.0.tar.gz",
            url: `https://f.example/${text}/foo_bar-2.0.tar.gz`,
            hashes: {},
          },
        ],
        meta: { "api-version": "1.1" },
      });
    let ok = 0;
    for (const [i, page] of pages.entries()) {
      if ("ok" in (await check("json", page, NAME, 1 + (i % 7)))) ok++;
    }
    for (const text of ["café", "naïve ✓", "𝒳 broken ☃", "\u00e9 plain"]) {
      for (const pieceBytes of [1, 2, 3, 4]) {
        const outcome = await check("json", wide(text), NAME, pieceBytes);
        expect("ok" in outcome && outcome.ok.versions).toEqual(["1.0", "2.0"]);
      }
    }
    expect(ok).toBeGreaterThan(20);
  });

  it("json_page_files_are_named_before_they_are_read", async () => {
    // The resolver decides from the name alone that a wheel of another platform does not matter
    // (most files of a release): such files must never be read further.
    const files = ["py3-none-any", "cp312-cp312-win_amd64", "cp312-cp312-macosx_11_0_arm64"].map(
      (tags) => ({
        filename: `foo_bar-1.0-${tags}.whl`,
        url: `https://f.example/foo_bar-1.0-${tags}.whl`,
        hashes: { sha256: "ab" },
        "upload-time": "2024-01-02T03:04:05Z",
      }),
    );
    const body = JSON.stringify({ files, meta: { "api-version": "1.1" } });
    const payload = await readSimplePage(
      {
        url: new URL(PAGE_URL),
        headers: { "content-type": "application/vnd.pypi.simple.v1+json" },
        body: Readable.from([Buffer.from(body)]) as never,
        status: 200,
      },
      undefined,
      NAME,
    );
    const head = JSON.parse(JSON.stringify(payload.head));
    for (const p of [payload, new SplitPayload(head, Buffer.from(payload.tail))]) {
      const dists = decodeSimplePage(p, NAME).dists.distsOf("1.0");
      expect(dists.map((d) => d.name).sort()).toEqual(files.map((f) => f.filename).sort());
      expect(dists.map((d) => d.file.url).sort()).toEqual(files.map((f) => f.url).sort());
    }
  });

  it("real_pages_read_lazily_give_what_eager_parsing_gives", async () => {
    for (const name of ["attrs", "idna", "outcome", "sniffio"]) {
      const body = readFileSync(join(FIXTURES, `${name}.html.txt`), "utf8");
      const outcome = await check("html", body, parsePackageName(name));
      expect("ok" in outcome && outcome.ok.versions.length).toBeGreaterThan(3);
    }
  });

  it("html_pages_are_stored_whole_and_read_back_as_grouping_their_sorted_files_reads_them", () => {
    // A fresh HTML page is grouped straight from its links in page order and stored as the page
    // itself after a table of each version's tags; read back, it gives what grouping the sorted
    // files gives: the same versions, summaries, and files in filename order.
    const bodies = [
      ...fc.sample(HTML_PAGE, { numRuns: 300, seed: 7 }),
      ...["attrs", "idna", "outcome", "sniffio"].map((name) =>
        readFileSync(join(FIXTURES, `${name}.html.txt`), "utf8"),
      ),
      // Not ASCII: the page is stored as its text encodes, offsets count bytes.
      '<a href="foo_bar-1.0-py3-none-any.whl" data-x="é">x</a><a href="foo-bar-1.0.tar.gz" data-y="\u{1F600}">',
      // One version spelled two ways, the later spelling first by name; a name twice.
      '<a href="foo_bar-1.0.0-py3-none-any.whl">a</a><a href="foo_bar-1.0-py3-none-any.whl#sha256=1">' +
        '<a href="foo_bar-1.0-py3-none-any.whl#sha256=2"><a href="foo-bar-1.0.0.tar.gz">',
    ];
    let compared = 0;
    for (const body of bodies) {
      let links: ReturnType<typeof scanSimpleHtmlLinks>;
      try {
        links = scanSimpleHtmlLinks(body, PAGE_URL);
      } catch {
        continue;
      }
      for (const name of [NAME, parsePackageName("attrs"), parsePackageName("idna")]) {
        const page = scanSimpleHtml(body, PAGE_URL);
        const grouped = GroupedDists.fromHtml(page.files, page.base, name);
        const expected = grouped.encode();
        const bytes = Buffer.from(body, "utf8");
        for (const given of [bytes, undefined]) {
          const { index, table, page } = encodeHtmlLinks(links, body, given, name);
          expect(index.versions).toEqual(expected.index.versions);
          expect(index.uploads).toEqual(expected.index.uploads);
          expect(index.form).toBe("page");
          // The page is kept as it came, after the table.
          expect(page.equals(bytes)).toBe(true);
          // Read back from the stored tail, and (this run) from the table and the page.
          const tail = Buffer.concat([table, page]);
          const stored = StoredDists.open(index, tail, name);
          const fresh = StoredDists.openPage(index, table, page, name);
          expect(view(stored as StoredDists)).toEqual(view(grouped));
          expect(view(fresh as StoredDists)).toEqual(view(grouped));
        }
        if (expected.index.versions.length > 0) compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("a_stored_pages_files_come_back_in_filename_order", () => {
    // PyPI lists a version's files in upload order; uv sorts a page's files by name.
    const body = [
      "foo_bar-1.0-cp312-cp312-win_amd64.whl",
      "foo_bar-2.0-py3-none-any.whl",
      "foo_bar-1.0-cp311-cp311-win_amd64.whl",
      "foo-bar-1.0.tar.gz",
      "foo_bar-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
    ]
      .map((f) => `<a href="https://files.example/p/${f}#sha256=ab">${f}</a><br/>`)
      .join("\n");
    const links = scanSimpleHtmlLinks(body, PAGE_URL);
    const { index, table, page } = encodeHtmlLinks(links, body, Buffer.from(body), NAME);
    const tail = Buffer.concat([table, page]);
    const stored = StoredDists.open(index, tail, NAME);
    expect(stored?.versions).toEqual(["1.0", "2.0"]);
    expect(stored?.distsOf("1.0").map((d) => d.name)).toEqual([
      "foo-bar-1.0.tar.gz",
      "foo_bar-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
      "foo_bar-1.0-cp311-cp311-win_amd64.whl",
      "foo_bar-1.0-cp312-cp312-win_amd64.whl",
    ]);
    // A table that points outside the page is a broken entry, not a page.
    const broken = Buffer.from(tail);
    broken.writeUInt32LE(tail.length, 0);
    expect(() => StoredDists.open(index, broken, NAME)?.distsOf("1.0")).toThrow(SyntaxError);
    expect(StoredDists.open(index, tail.subarray(0, 8), NAME)).toBeUndefined();
  });

  it("a_plain_anchors_filename_is_the_one_parsing_the_anchor_gives", () => {
    // The filename is sliced out of tags as indexes write them, and left to the full reading
    // for anything else: entities, escapes, queries, other attribute orders and quotes.
    const plain = fc
      .tuple(
        FILENAME,
        fc.constantFrom(
          "https://files.example/packages/ab/cd/",
          "../../packages/",
          "",
          "/p/",
          "https://files.example/a&amp;b/",
          "https://files.example/a%2Fb/",
          "https://f.example/x?y=/",
          // An entity for `#` ends the path early.
          "https://f.example/a&num;b/",
          "https://f.example/a&sol;",
        ),
        fc.constantFrom("", "?x=1", "#sha256=ab", "#sha256=a/b", "#x&amp;y", "?a#b", "&#35;x"),
        fc.constantFrom("", ' data-requires-python="&gt;=3.8"', ' data-yanked=""'),
        fc.constantFrom(
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "foo%2Dbar-",
          "a&amp;",
          "%E9",
          "sp ace",
          "x&#47;",
        ),
      )
      .map(
        ([filename, prefix, suffix, rest, odd]) =>
          `<a href="${prefix}${odd}${filename}${suffix}"${rest}>`,
      );
    const tags = [
      ...fc.sample(plain, { numRuns: 3000, seed: 11 }),
      // Tags written every other way, taken from generated pages.
      ...fc.sample(ANCHOR, { numRuns: 1000, seed: 12 }).map((a) => a.slice(0, a.indexOf(">") + 1)),
    ];
    let sliced = 0;
    for (const tag of tags) {
      const name = plainAnchorFilename(tag);
      if (name === undefined) continue;
      let parsed: string | undefined;
      try {
        parsed = parseHtmlAnchor(tag, "https://index.example/simple/foo/")?.filename;
      } catch {
        // A tag that fails the page (a bad fragment) is never stored to be read again.
        continue;
      }
      sliced++;
      expect([tag, name]).toEqual([tag, parsed]);
    }
    expect(sliced).toBeGreaterThan(300);
    expect(sliced).toBeLessThan(tags.length - 500);
  });

  it("files_of_plain_anchors_are_read_when_first_asked_for", async () => {
    const body = [
      '<a href="https://f.example/p/foo_bar-1.0-cp312-cp312-win_amd64.whl#sha256=aa" data-requires-python="&gt;=3.8">x</a>',
      '<a href="https://f.example/p/foo_bar-1.0.tar.gz#sha256=bb">x</a>',
      '<a href="https://f.example/p/foo%5Fbar-1.0-py3-none-any.whl#sha256=cc">x</a>',
    ].join("\n");
    const { stored } = await lazy("html", body, NAME);
    expect(stored).toEqual(eager("html", body, NAME));
    const payload = await readSimplePage(
      {
        url: new URL(PAGE_URL),
        headers: { "content-type": "text/html" },
        body: Readable.from([Buffer.from(body, "utf8")]) as never,
        status: 200,
      },
      undefined,
      NAME,
    );
    const dists = decodeSimplePage(payload, NAME).dists.distsOf("1.0");
    // The escaped name is read with the rest of its tag; the others by their names alone.
    expect(dists.map((d) => d.name)).toEqual([
      "foo_bar-1.0-cp312-cp312-win_amd64.whl",
      undefined,
      "foo_bar-1.0.tar.gz",
    ]);
    expect(dists.map((d) => d.file.filename)).toEqual([
      "foo_bar-1.0-cp312-cp312-win_amd64.whl",
      "foo_bar-1.0-py3-none-any.whl",
      "foo_bar-1.0.tar.gz",
    ]);
  });

  it("a_field_read_differently_is_seen", async () => {
    // The comparison looks at every field: a page that differs only in one attribute of one
    // file gives a different view.
    const a =
      '<a href="https://f.example/foo_bar-1.0.tar.gz" data-requires-python="&gt;=3.8">x</a>';
    const b =
      '<a href="https://f.example/foo_bar-1.0.tar.gz" data-requires-python="&gt;=3.9">x</a>';
    const one = await lazy("html", a, NAME);
    expect(one.fresh).not.toEqual(eager("html", b, NAME));
    expect(one.stored).toEqual(eager("html", a, NAME));
    const rel = '<a href="../p/foo_bar-1.0.tar.gz#sha256=ab">x</a>';
    const view = await lazy("html", `<base href="https://m.example/a/b/">${rel}`, NAME);
    const file = "ok" in view.fresh ? view.fresh.ok.groups[0]?.dists[0]?.file : undefined;
    expect(file).toMatchObject({
      url: "https://m.example/a/p/foo_bar-1.0.tar.gz",
      hashes: { sha256: "ab" },
    });
  });
});
