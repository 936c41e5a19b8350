// The lazy reader of HTML pages (`scanSimpleHtml`, then `parseHtmlAnchor` per file) takes
// shortcuts for the tags pages are made of (`<a href="..." ...>`, `</a>`, `<br/>`): it must read
// every page exactly as the full parser does, shortcut or not, including where a tag ends and
// which of two attributes of one name counts, and fail on the same pages with the same errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCanonicalHttpUrl } from "../src/canonical-url.ts";
import {
  parseHtmlAnchor,
  parseSimpleHtml,
  scanSimpleHtml,
  scanSimpleHtmlLinks,
} from "../src/index.ts";
import { KnownOrigin } from "../src/simple-html-lazy.ts";

const PAGE_URL = "https://example.org/simple/foo/";

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    return { error: String(error), cause: String((error as Error).cause) };
  }
}

function full(html: string): unknown {
  return outcome(() => parseSimpleHtml(html, PAGE_URL));
}

function lazy(html: string): unknown {
  return outcome(() => {
    const page = scanSimpleHtml(html, PAGE_URL);
    const files = page.files.map((f) => {
      const file = parseHtmlAnchor(f.anchor, page.base);
      // The scan's own reading of the filename and upload time agrees with the full one.
      expect(file?.filename).toBe(f.filename);
      expect(file?.uploadTime?.getTime()).toBe(f.uploadTime);
      return file;
    });
    return { base: page.base, files, projectStatus: page.projectStatus };
  });
}

// Pieces of tags, most in the form the shortcut reads, some just outside it.
const ATTRIBUTE = fc.constantFrom(
  'href="https://files.example/p/foo-1.0.tar.gz#sha256=abcd"',
  'href="foo-2.0-py3-none-any.whl"',
  'href="../p/foo-3.0.tar.gz#md5=00"',
  'href=""',
  "href",
  'HREF="foo-4.0.tar.gz"',
  "href='foo-5.0.tar.gz'",
  "href=foo-6.0.tar.gz",
  'href ="foo-7.0.tar.gz"',
  'href= "foo-8.0.tar.gz"',
  'href="foo-9.0.tar.gz#sha1=ff"',
  'hrefx="foo-10.0.tar.gz"',
  'data-upload-time="2024-05-01T12:30:15.123456Z"',
  'data-upload-time="2023-01-01T00:00:00Z"',
  'data-upload-time=""',
  "data-upload-time",
  'data-upload-time ="2022-02-02T02:02:02Z"',
  'DATA-UPLOAD-TIME="2021-01-01T00:00:00Z"',
  'data-upload-timex="2020-01-01T00:00:00Z"',
  'data-requires-python="&gt;=3.8"',
  "data-yanked",
  'data-yanked=""',
  'data-yanked="bad &amp; broken"',
  'data-x="a>b"',
  "data-y='q\"'",
  "data-z=unquoted",
  'data-dist-info-metadata="sha256=12"',
  "=odd",
  "/",
  'x_y="1"',
  'data-n2="v"',
);
const SEPARATOR = fc.constantFrom(" ", " ", " ", "\t", "\n", "  ", "", "\u00a0", "\v");
const CLOSE = fc.constantFrom(">", ">", "/>", " >", " / >", "\n>", "", '"');

const ANCHOR = fc
  .tuple(
    fc.constantFrom("<a", "<a", "<a", "<A"),
    fc.array(fc.tuple(SEPARATOR, ATTRIBUTE), { maxLength: 5 }),
    CLOSE,
  )
  .map(
    ([open, attributes, close]) => `${open}${attributes.map(([s, a]) => s + a).join("")}${close}`,
  );

const BETWEEN = fc.constantFrom(
  "foo</a><br/>\n",
  "foo</a><br>\n",
  "foo</A><BR/>",
  "</a >",
  "<br />",
  "<br/ >",
  "<b>x</b>",
  "<!-- <a href='foo-11.0.tar.gz'> -->",
  '<script><a href="foo-12.0.tar.gz"></script>',
  "<link rel=x>",
  "<base href='https://mirror.example/x/'>",
  "<",
  "< a",
  "",
);

const PAGE = fc
  .tuple(
    fc.constantFrom(
      "",
      "<!DOCTYPE html><html><head><title>Links for foo</title></head><body>\n",
      '<html><head><base href="https://mirror.example/root/"><meta name="pypi:project-status" content="archived"></head>',
    ),
    fc.array(fc.tuple(ANCHOR, BETWEEN), { maxLength: 8 }),
    fc.constantFrom("", "</body></html>\n", "<a"),
  )
  .map(([head, parts, end]) => `${head}${parts.map(([a, b]) => a + b).join("")}${end}`);

describe("scanSimpleHtml", () => {
  it("reads_every_page_as_parse_simple_html_does", () => {
    let files = 0;
    let failures = 0;
    for (const html of fc.sample(PAGE, { numRuns: 3000, seed: 20261121 })) {
      const expected = full(html);
      expect(lazy(html), html).toEqual(expected);
      if ("ok" in (expected as object)) {
        files += (expected as { ok: { files: unknown[] } }).ok.files.length;
      } else {
        failures++;
      }
    }
    // Enough pages with files, and some that cannot be read.
    expect(files).toBeGreaterThan(2000);
    expect(failures).toBeGreaterThan(30);
  });

  it("gives_the_files_in_page_order_with_their_tags_positions", () => {
    const html =
      '<a href="b-1.0.tar.gz" data-upload-time="2024-01-01T00:00:00Z">b</a><br/>\n' +
      "<A HREF='a-1.0.tar.gz'>a</A>\n" +
      '<a href="">none</a><a href="c-1.0.tar.gz" data-yanked>c</a>';
    const links = scanSimpleHtmlLinks(html, PAGE_URL);
    expect(links.filenames).toEqual(["b-1.0.tar.gz", "a-1.0.tar.gz", "c-1.0.tar.gz"]);
    expect(links.uploadTimes).toEqual([Date.UTC(2024, 0, 1), undefined, undefined]);
    const tags = links.starts.map((start, i) => html.slice(start, links.ends[i]));
    expect(tags).toEqual([
      '<a href="b-1.0.tar.gz" data-upload-time="2024-01-01T00:00:00Z">',
      "<A HREF='a-1.0.tar.gz'>",
      '<a href="c-1.0.tar.gz" data-yanked>',
    ]);
    // `scanSimpleHtml` gives the same files, sorted.
    expect(scanSimpleHtml(html, PAGE_URL).files.map((f) => f.filename)).toEqual([
      "a-1.0.tar.gz",
      "b-1.0.tar.gz",
      "c-1.0.tar.gz",
    ]);
  });
});

describe("isCanonicalHttpUrl", () => {
  it("rules_out_rewritten_urls_like_the_full_check", () => {
    // The full rule: the shape, and none of what the URL parser would rewrite.
    const shape =
      /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\/[!$%&'()*+,\-./0-9:;=@A-Z[\]^_a-z|~]*$/;
    const rewritten = /\/\.\.?(?:\/|$)|%2e|[/.]xn--/i;
    const piece = fc.constantFrom(
      "/",
      ".",
      "..",
      "%",
      "2e",
      "2E",
      "xn--",
      "XN--",
      "Xn",
      "n--",
      "a",
      "-",
      "b.c",
    );
    for (const parts of fc.sample(fc.array(piece, { maxLength: 8 }), { numRuns: 5000, seed: 7 })) {
      const url = `https://files.example/${parts.join("")}`;
      expect(isCanonicalHttpUrl(url), url).toBe(shape.test(url) && !rewritten.test(url));
    }
  });
});

describe("KnownOrigin", () => {
  // Links of one page that share their start, some of which the URL parser rejects.
  const HREF = fc
    .tuple(
      fc.constantFrom(
        "https://files.example/",
        "https://files.example",
        "http://files.example/",
        "https://files.example.1/",
        "https://files.example:99999/",
        "https://files.example:443/",
        "https://u@files.example/",
        "https://[::1/",
        "https://xn--a.example/",
        "https://Files.example/",
        "https://files.example\\",
        "https://files.example%2F/",
        "https:files.example/",
        "//files.example/",
        "/",
        "",
      ),
      fc.constantFrom("p/", "", "\t", "%zz", "..", "a b", "\\", "?q=/", "#x", ":", "[", "é"),
      fc.constantFrom("foo-1.0.tar.gz", "foo-2.0-py3-none-any.whl", ""),
    )
    .map(([start, middle, name]) => `${start}${middle}${name}`);

  it("reads_pages_whose_links_share_an_origin_as_parse_simple_html_does", () => {
    let failures = 0;
    const pages = fc.sample(fc.array(HREF, { minLength: 1, maxLength: 6 }), {
      numRuns: 3000,
      seed: 20261122,
    });
    for (const hrefs of pages) {
      const html = hrefs.map((h) => `<a href="${h}">x</a><br/>\n`).join("");
      const expected = full(html);
      expect(lazy(html), html).toEqual(expected);
      if (!("ok" in (expected as object))) failures++;
    }
    // Pages a later link breaks (after one of the same start that parses) are among them.
    expect(failures).toBeGreaterThan(300);
  });

  it("vouches_only_for_links_the_url_parser_takes", () => {
    const parses = (href: string): boolean => {
      try {
        new URL(href);
        return true;
      } catch {
        return false;
      }
    };
    let vouched = 0;
    const pairs = fc.sample(fc.tuple(HREF, HREF), { numRuns: 5000, seed: 11 });
    for (const [first, second] of pairs) {
      const origins = new KnownOrigin();
      origins.learn(first);
      if (origins.resolves(second)) {
        vouched++;
        expect(parses(second), second).toBe(true);
      }
    }
    expect(vouched).toBeGreaterThan(20);
    // Learnt from a link of a plain origin, it vouches for that origin's links only.
    const origins = new KnownOrigin();
    expect(origins.resolves("https://files.example/a")).toBe(false);
    origins.learn("https://files.example/p/foo-1.0.tar.gz");
    expect(origins.resolves("https://files.example/q")).toBe(true);
    expect(origins.resolves("https://files.example.org/q")).toBe(false);
    expect(origins.resolves("http://files.example/q")).toBe(false);
    for (const href of ["https://files.example:443/a", "https://[::1/a", "https://a.1/b"]) {
      const other = new KnownOrigin();
      other.learn(href);
      expect(other.resolves(href), href).toBe(false);
    }
  });
});
