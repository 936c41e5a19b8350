import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HashError, parseSimpleHtml, parseSimpleIndexHtml, SimpleApiError } from "../src/index.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const JINJA = "https://download.pytorch.org/whl/jinja2/";
const SHA = "6088930bfe239f0e6710546ab9c19c9ef35e29792895fed6e6e31a023a182a61";
const one = (anchor: string, base = JINJA) =>
  parseSimpleHtml(
    `<!DOCTYPE html>\n<html>\n<body>\n<h1>Links for jinja2</h1>\n${anchor}<br/>\n</body>\n</html>\n<!--TIMESTAMP 1703347410-->`,
    base,
  );

describe("parseSimpleHtml", () => {
  it("reads_a_pypi_project_page", () => {
    const page = parseSimpleHtml(
      fixture("pypi-requests.html.txt"),
      "https://pypi.org/simple/requests/",
    );
    expect(page.base).toBe("https://pypi.org/simple/requests/");
    expect(page.projectStatus).toEqual({ status: "active" });
    expect(page.files.map((f) => f.filename)).toEqual([
      "requests-0.2.0.tar.gz",
      "requests-2.19.0.tar.gz",
      "requests-2.32.0-py3-none-any.whl",
      "requests-2.32.0.tar.gz",
      "requests-2.32.1-py3-none-any.whl",
      "requests-2.32.1.tar.gz",
      "requests-2.32.2-py3-none-any.whl",
      "requests-2.32.2.tar.gz",
      "requests-2.32.3-py3-none-any.whl",
      "requests-2.32.3.tar.gz",
      "requests-2.32.4-py3-none-any.whl",
      "requests-2.32.4.tar.gz",
      "requests-2.9.2-py2.py3-none-any.whl",
      "requests-2.9.2.tar.gz",
    ]);
    const wheel = page.files.find((f) => f.filename === "requests-2.32.3-py3-none-any.whl");
    expect(wheel).toEqual({
      filename: "requests-2.32.3-py3-none-any.whl",
      url: "https://files.pythonhosted.org/packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl",
      hashes: { sha256: "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6" },
      requiresPython: ">=3.8",
      yanked: false,
      coreMetadata: false,
    });
    expect(page.files.find((f) => f.filename === "requests-2.19.0.tar.gz")?.requiresPython).toBe(
      ">=2.6, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*",
    );
    expect(page.files.find((f) => f.filename === "requests-2.32.1.tar.gz")?.yanked).toBe(
      "Yanked due to conflicts with CVE-2024-35195 mitigation ",
    );
  });

  it("reads_hashes_from_the_fragment", () => {
    expect(
      one(
        `<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#sha256=${SHA}">Jinja2-3.1.2-py3-none-any.whl</a>`,
      ).files,
    ).toEqual([
      {
        filename: "Jinja2-3.1.2-py3-none-any.whl",
        url: "https://download.pytorch.org/whl/Jinja2-3.1.2-py3-none-any.whl",
        hashes: { sha256: SHA },
        yanked: false,
        coreMetadata: false,
      },
    ]);
    expect(
      one(`<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#md5=${SHA}">x</a>`).files[0]?.hashes,
    ).toEqual({ md5: SHA });
    expect(
      one(`<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#sha512=${SHA}">x</a>`).files[0]?.hashes,
    ).toEqual({
      sha512: SHA,
    });
    // Percent-encoded fragment.
    expect(
      one(`<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#sha256%3D${SHA}">x</a>`).files[0]?.hashes,
    ).toEqual({
      sha256: SHA,
    });
  });

  it("ignores_fragments_that_are_not_hashes", () => {
    for (const fragment of ["", "#", "#main", "#egg=jinja2", "#sha256=a=b"]) {
      const file = one(`<a href="/whl/Jinja2-3.1.2-py3-none-any.whl${fragment}">x</a>`).files[0];
      expect(file?.hashes, fragment).toEqual({});
      expect(file?.url).toBe("https://download.pytorch.org/whl/Jinja2-3.1.2-py3-none-any.whl");
    }
  });

  it("rejects_an_unsupported_hash_algorithm", () => {
    const anchor = `<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#blake2=${SHA}">x</a>`;
    expect(() => one(anchor)).toThrow(HashError);
    expect(() => one(anchor)).toThrow(
      `Unsupported hash algorithm (expected one of: \`md5\`, \`sha256\`, \`sha384\`, \`sha512\`, or \`blake2b\`) on: \`blake2=${SHA}\``,
    );
  });

  it("uses_the_first_base_tag", () => {
    const html = `<!DOCTYPE html><html><head><base href="https://index.python.org/"></head><body>
<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#sha256=${SHA}">Jinja2-3.1.2-py3-none-any.whl</a></body></html>`;
    const page = parseSimpleHtml(html, JINJA);
    expect(page.base).toBe("https://index.python.org/");
    expect(page.files[0]?.url).toBe("https://index.python.org/whl/Jinja2-3.1.2-py3-none-any.whl");
    // A `<base>` after the first link does not count.
    const late = parseSimpleHtml(
      `<a href="a-1.0.tar.gz">a</a><base href="https://elsewhere.org/">`,
      JINJA,
    );
    expect(late.files[0]?.url).toBe("https://download.pytorch.org/whl/jinja2/a-1.0.tar.gz");
  });

  it("decodes_entities_and_percent_encoding_in_filenames", () => {
    const escaped = one(
      `<a href="/whl/Jinja2-3.1.2&#43;233fca715f49-py3-none-any.whl#sha256=${SHA}">x</a>`,
    ).files[0];
    expect(escaped?.filename).toBe("Jinja2-3.1.2+233fca715f49-py3-none-any.whl");
    expect(escaped?.url).toBe(
      "https://download.pytorch.org/whl/Jinja2-3.1.2+233fca715f49-py3-none-any.whl",
    );
    const quoted = one(`<a href="cpu/torchtext-0.17.0%2Bcpu-cp39-cp39-win_amd64.whl">x</a>`)
      .files[0];
    expect(quoted?.filename).toBe("torchtext-0.17.0+cpu-cp39-cp39-win_amd64.whl");
    expect(quoted?.url).toBe(
      "https://download.pytorch.org/whl/jinja2/cpu/torchtext-0.17.0%2Bcpu-cp39-cp39-win_amd64.whl",
    );
  });

  it("keeps_the_query_string_in_the_url_but_not_the_filename", () => {
    const file = one(`<a href="/whl/Jinja2-3.1.2-py3-none-any.whl?project=legacy">x</a>`).files[0];
    expect(file?.filename).toBe("Jinja2-3.1.2-py3-none-any.whl");
    expect(file?.url).toBe(
      "https://download.pytorch.org/whl/Jinja2-3.1.2-py3-none-any.whl?project=legacy",
    );
  });

  it("skips_anchors_without_href", () => {
    expect(one("<a>Jinja2-3.1.2-py3-none-any.whl</a>").files).toEqual([]);
    expect(one('<a href="">Jinja2-3.1.2-py3-none-any.whl</a>').files).toEqual([]);
  });

  it("reads_requires_python_with_entities", () => {
    const file = one(
      `<a href="/whl/Jinja2-3.1.2-py3-none-any.whl#sha256=${SHA}" data-requires-python="&gt;=3.8,">x</a>`,
    ).files[0];
    expect(file?.requiresPython).toBe(">=3.8,");
    const numeric = one(`<a href="/a-1.0.tar.gz" data-requires-python="&#62;=3.7,&lt;4">x</a>`)
      .files[0];
    expect(numeric?.requiresPython).toBe(">=3.7,<4");
  });

  it("reads_pep_658_and_714_core_metadata", () => {
    const html = `<!DOCTYPE html><html><body>
<a href="/whl/Jinja2-3.1.2-py3-none-any.whl" data-dist-info-metadata="true">Jinja2-3.1.2-py3-none-any.whl</a><br/>
<a href="/whl/Jinja2-3.1.3-py3-none-any.whl" data-core-metadata="true">Jinja2-3.1.3-py3-none-any.whl</a><br/>
<a href="/whl/Jinja2-3.1.4-py3-none-any.whl" data-dist-info-metadata="false">Jinja2-3.1.4-py3-none-any.whl</a><br/>
<a href="/whl/Jinja2-3.1.5-py3-none-any.whl" data-core-metadata="false">Jinja2-3.1.5-py3-none-any.whl</a><br/>
<a href="/whl/Jinja2-3.1.6-py3-none-any.whl" data-core-metadata="true" data-dist-info-metadata="false">Jinja2-3.1.6-py3-none-any.whl</a><br/>
<a href="/whl/Jinja2-3.1.7-py3-none-any.whl" data-core-metadata="sha256=abcd">Jinja2-3.1.7-py3-none-any.whl</a><br/>
<a href="/whl/Jinja2-3.1.8-py3-none-any.whl" data-core-metadata="sha1=abcd">Jinja2-3.1.8-py3-none-any.whl</a><br/>
</body></html>`;
    const files = parseSimpleHtml(html, JINJA).files;
    expect(files.map((f) => f.coreMetadata)).toEqual([
      true,
      true,
      false,
      false,
      true,
      { sha256: "abcd" },
      false,
    ]);
  });

  it("reads_yanked_with_and_without_a_reason_case_insensitively", () => {
    const html = `<!DOCTYPE html>
<HTML>
<HEAD>
    <META NAME="pypi:project-status" CONTENT="archived">
    <META NAME="pypi:project-status-reason" CONTENT="no longer maintained">
    <BASE HREF="https://index.python.org/">
</HEAD>
<BODY>
    <A HREF="/files/fakeproject-1.2.3.tar.gz" DATA-REQUIRES-PYTHON="&gt;=3.12" DATA-CORE-METADATA="true" DATA-YANKED="broken release">fakeproject-1.2.3.tar.gz</A>
    <A HREF="/files/fakeproject-1.2.4.tar.gz" DATA-DIST-INFO-METADATA="false">fakeproject-1.2.4.tar.gz</A>
    <A HREF="/files/fakeproject-1.2.5.tar.gz" DATA-YANKED>fakeproject-1.2.5.tar.gz</A>
    <A HREF="/files/fakeproject-1.2.6.tar.gz" data-yanked="">fakeproject-1.2.6.tar.gz</A>
</BODY>
</HTML>`;
    const page = parseSimpleHtml(html, "https://pypi.org/simple/fakeproject/");
    expect(page.projectStatus).toEqual({ status: "archived", reason: "no longer maintained" });
    expect(page.base).toBe("https://index.python.org/");
    expect(page.files.map((f) => [f.filename, f.yanked, f.coreMetadata, f.requiresPython])).toEqual(
      [
        ["fakeproject-1.2.3.tar.gz", "broken release", true, ">=3.12"],
        ["fakeproject-1.2.4.tar.gz", false, false, undefined],
        ["fakeproject-1.2.5.tar.gz", true, false, undefined],
        ["fakeproject-1.2.6.tar.gz", true, false, undefined],
      ],
    );
  });

  it("reads_size_and_upload_time_and_ignores_bad_values", () => {
    const html = `<A HREF="/files/a-1.tar.gz" DATA-SIZE="15399" DATA-UPLOAD-TIME="2022-11-14T17:14:53.935145Z">a</A>
<a href="/files/b-1.tar.gz" data-size="big" data-upload-time="last tuesday">b</a>`;
    const [a, b] = parseSimpleHtml(html, "https://pypi.org/simple/a/").files;
    expect(a?.size).toBe(15399);
    expect(a?.uploadTime?.toISOString()).toBe("2022-11-14T17:14:53.935Z");
    expect(b?.size).toBeUndefined();
    expect(b?.uploadTime).toBeUndefined();
  });

  it("reads_project_status_only_when_well_formed", () => {
    const head = (metas: string) =>
      parseSimpleHtml(`<html><head>${metas}</head><body></body></html>`, JINJA).projectStatus;
    expect(
      head(
        '<meta name="pypi:project-status" content="deprecated"><meta name="pypi:project-status-reason" content="haunted 👻.">',
      ),
    ).toEqual({
      status: "deprecated",
      reason: "haunted 👻.",
    });
    expect(head('<meta name="pypi:project-status" content="unknown-status">')).toEqual({
      status: "active",
    });
    expect(
      head(
        '<meta name="pypi:project-status" content="archived"><meta name="pypi:project-status-reason">',
      ),
    ).toEqual({
      status: "active",
    });
  });

  it("reads_a_find_links_page_with_absolute_urls", () => {
    const html = `
        <!DOCTYPE html>
        <html>
        <head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
        <body>
            <a href="https://storage.googleapis.com/jax-releases/cuda100/jaxlib-0.1.52+cuda100-cp36-none-manylinux2010_x86_64.whl">cuda100/jaxlib-0.1.52+cuda100-cp36-none-manylinux2010_x86_64.whl</a><br>
            <a href="https://storage.googleapis.com/jax-releases/cuda100/jaxlib-0.1.52+cuda100-cp37-none-manylinux2010_x86_64.whl">cuda100/jaxlib-0.1.52+cuda100-cp37-none-manylinux2010_x86_64.whl</a><br>
        </body>
        </html>`;
    const page = parseSimpleHtml(
      html,
      "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html",
    );
    expect(page.files.map((f) => [f.filename, f.url])).toEqual([
      [
        "jaxlib-0.1.52+cuda100-cp36-none-manylinux2010_x86_64.whl",
        "https://storage.googleapis.com/jax-releases/cuda100/jaxlib-0.1.52+cuda100-cp36-none-manylinux2010_x86_64.whl",
      ],
      [
        "jaxlib-0.1.52+cuda100-cp37-none-manylinux2010_x86_64.whl",
        "https://storage.googleapis.com/jax-releases/cuda100/jaxlib-0.1.52+cuda100-cp37-none-manylinux2010_x86_64.whl",
      ],
    ]);
  });

  it("reads_a_python_http_server_directory_listing", () => {
    const html = `<!DOCTYPE HTML>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Directory listing for /</title>
</head>
<body>
<h1>Directory listing for /</h1>
<hr>
<ul>
<li><a href="torch-2.1.0%2Bcpu-cp311-cp311-linux_x86_64.whl">torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl</a></li>
<li><a href="sub%20dir/">sub dir/</a></li>
</ul>
<hr>
</body>
</html>`;
    const page = parseSimpleHtml(html, "http://127.0.0.1:8000/");
    expect(page.files.map((f) => [f.filename, f.url])).toEqual([
      // A directory link has no filename; callers skip names that are not distributions.
      ["", "http://127.0.0.1:8000/sub%20dir/"],
      [
        "torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl",
        "http://127.0.0.1:8000/torch-2.1.0%2Bcpu-cp311-cp311-linux_x86_64.whl",
      ],
    ]);
  });

  it("reads_devpi_artifactory_gitlab_and_codeartifact_pages", () => {
    const devpi = parseSimpleHtml(
      `<!DOCTYPE html><html><head><title>root/pypi: links for requests</title></head><body><h1>root/pypi: links for requests</h1>
<a href="../../+f/707/61cfe03c773ce/requests-2.32.3-py3-none-any.whl#sha256=70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6" data-requires-python="&gt;=3.8">requests-2.32.3-py3-none-any.whl</a><br/>
</body></html>`,
      "http://localhost:3141/root/pypi/+simple/requests/",
    );
    expect(devpi.files[0]?.url).toBe(
      "http://localhost:3141/root/pypi/+f/707/61cfe03c773ce/requests-2.32.3-py3-none-any.whl",
    );

    const artifactory = parseSimpleHtml(
      `<html><head><meta name="pypi:repository-version" content="1.0"><title>Links for requests</title></head><body><h1>Links for requests</h1>
<a href="../../packages/packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl#sha256=70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6" data-requires-python="&gt;=3.8" rel="internal">requests-2.32.3-py3-none-any.whl</a><br/>
</body></html>`,
      "https://example.jfrog.io/artifactory/api/pypi/pypi-remote/simple/requests/",
    );
    expect(artifactory.files[0]?.url).toBe(
      "https://example.jfrog.io/artifactory/api/pypi/pypi-remote/packages/packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl",
    );

    const gitlab = parseSimpleHtml(
      `<!DOCTYPE html>
<html>
  <head>
    <title>Links for my-pkg</title>
  </head>
  <body>
    <h1>Links for my-pkg</h1>
    <a href="https://gitlab.example.com/api/v4/projects/1/packages/pypi/files/5c1e/my_pkg-0.1.0-py3-none-any.whl#sha256=5c1e" data-requires-python="&gt;=3.8">my_pkg-0.1.0-py3-none-any.whl</a><br>
    <a href="https://gitlab.example.com/api/v4/projects/1/packages/pypi/files/9a2b/my-pkg-0.1.0.tar.gz#sha256=9a2b" data-requires-python="">my-pkg-0.1.0.tar.gz</a><br>
  </body>
</html>`,
      "https://gitlab.example.com/api/v4/projects/1/packages/pypi/simple/my-pkg",
    );
    expect(gitlab.files.map((f) => [f.filename, f.requiresPython, f.hashes.sha256])).toEqual([
      ["my-pkg-0.1.0.tar.gz", "", "9a2b"],
      ["my_pkg-0.1.0-py3-none-any.whl", ">=3.8", "5c1e"],
    ]);

    const codeArtifact = parseSimpleHtml(
      `<!DOCTYPE html>
        <html>
        <head>
            <title>Links for flask</title>
        </head>
        <body>
            <h1>Links for flask</h1>
            <a href="0.1/Flask-0.1.tar.gz#sha256=9da884457e910bf0847d396cb4b778ad9f3c3d17db1c5997cb861937bd284237" data-gpg-sig="false" >Flask-0.1.tar.gz</a>
            <br/>
            <a href="3.0.1/flask-3.0.1.tar.gz#sha256=6489f51bb3666def6f314e15f19d50a1869a19ae0e8c9a3641ffe66c77d42403" data-requires-python="&gt;=3.8" data-gpg-sig="false" >flask-3.0.1.tar.gz</a>
            <br/>
        </body>
        </html>`,
      "https://account.d.codeartifact.us-west-2.amazonaws.com/pypi/shared-packages-pypi/simple/flask/",
    );
    expect(codeArtifact.files.map((f) => [f.url, f.requiresPython])).toEqual([
      [
        "https://account.d.codeartifact.us-west-2.amazonaws.com/pypi/shared-packages-pypi/simple/flask/0.1/Flask-0.1.tar.gz",
        undefined,
      ],
      [
        "https://account.d.codeartifact.us-west-2.amazonaws.com/pypi/shared-packages-pypi/simple/flask/3.0.1/flask-3.0.1.tar.gz",
        ">=3.8",
      ],
    ]);
  });

  it("tolerates_messy_markup", () => {
    const html = `<html><head><script>var s = "<a href='nope-1.0.tar.gz'>";</script><style>a{}</style></head>
<!-- <a href="commented-1.0.tar.gz">x</a> -->
<body><a class=pkg href=unquoted-1.0.tar.gz data-yanked>u</a>
<a href='single-1.0.tar.gz' data-requires-python='&gt;=3'>s</a>
<a
   href="multi-line-1.0.tar.gz"
   data-size = "12">m</a>
<a href="first-1.0.tar.gz" href="second-1.0.tar.gz">d</a>
<p>stray < and > text, unterminated <a href="last-1.0.tar.gz"`;
    const files = parseSimpleHtml(html, "https://h/").files;
    expect(files.map((f) => [f.filename, f.yanked, f.requiresPython, f.size])).toEqual([
      ["first-1.0.tar.gz", false, undefined, undefined],
      ["last-1.0.tar.gz", false, undefined, undefined],
      ["multi-line-1.0.tar.gz", false, undefined, 12],
      ["single-1.0.tar.gz", false, ">=3", undefined],
      ["unquoted-1.0.tar.gz", true, undefined, undefined],
    ]);
  });

  it("rejects_a_filename_that_is_not_utf8", () => {
    expect(() => one('<a href="/x/a-%FF.tar.gz">x</a>')).toThrow(SimpleApiError);
    expect(() => one('<a href="/x/a-%FF.tar.gz">x</a>')).toThrow(
      "Expected distribution filename to be UTF-8: a-%FF.tar.gz",
    );
  });
});

describe("generated pages", () => {
  it("parse_back_what_was_rendered", () => {
    const escapeHtml = (v: string) =>
      v
        .replaceAll("&", "&amp;")
        .replaceAll("<", "&lt;")
        .replaceAll(">", "&gt;")
        .replaceAll('"', "&quot;");
    const filenameChar = fc.constantFrom(..."abcXYZ019-_.+~ ");
    const file = fc.record({
      stem: fc.string({ unit: filenameChar, minLength: 1, maxLength: 12 }),
      ext: fc.constantFrom(".tar.gz", "-py3-none-any.whl", ".zip"),
      sha256: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
      requiresPython: fc.option(fc.constantFrom(">=3.8", ">=2.7, !=3.0.*, <4", "<3.13,>=3.9", ""), {
        nil: undefined,
      }),
      yanked: fc.constantFrom<boolean | string>(false, true, "broken <release> & more", "Yanked"),
      coreMetadata: fc.constantFrom<boolean | { sha256: string }>(false, true, { sha256: "ab12" }),
      upperCase: fc.boolean(),
      quote: fc.constantFrom('"', "'"),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(file, { selector: (f) => f.stem + f.ext, maxLength: 8 }),
        (files) => {
          const anchors = files.map((f) => {
            const filename = f.stem + f.ext;
            const q = f.quote;
            const attr = (name: string, value: string) =>
              ` ${f.upperCase ? name.toUpperCase() : name}=${q}${escapeHtml(value)}${q}`;
            let a = `<${f.upperCase ? "A" : "a"}`;
            a += attr(
              "href",
              `../../files/${encodeURIComponent(filename)}${f.sha256 ? `#sha256=${f.sha256}` : ""}`,
            );
            if (f.requiresPython !== undefined) a += attr("data-requires-python", f.requiresPython);
            if (f.yanked === true) a += " data-yanked";
            else if (typeof f.yanked === "string") a += attr("data-yanked", f.yanked);
            if (f.coreMetadata === true) a += attr("data-core-metadata", "true");
            else if (f.coreMetadata !== false)
              a += attr("data-dist-info-metadata", `sha256=${f.coreMetadata.sha256}`);
            return `${a}>${escapeHtml(filename)}</a><br/>`;
          });
          const html = `<!DOCTYPE html><html><head><title>Links</title></head><body>\n${anchors.join("\n")}\n</body></html>`;
          const page = parseSimpleHtml(html, "https://example.org/simple/pkg/");
          const expected = files
            .map((f) => ({
              filename: f.stem + f.ext,
              url: new URL(
                `../../files/${encodeURIComponent(f.stem + f.ext)}`,
                "https://example.org/simple/pkg/",
              ).href,
              hashes: f.sha256 === undefined ? {} : { sha256: f.sha256 },
              ...(f.requiresPython === undefined ? {} : { requiresPython: f.requiresPython }),
              yanked: f.yanked,
              coreMetadata: f.coreMetadata,
            }))
            .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
          expect(page.files).toEqual(expected);
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe("parseSimpleIndexHtml", () => {
  it("reads_sorted_normalised_project_names", () => {
    const html = `<!DOCTYPE html>
<html><head><title>Simple Index</title></head>
<body>
    <h1>Simple Index</h1>
    <a href="/simple/zebra/">zebra</a><br/>
    <a href="/simple/Flask/">Flask</a><br/>
    <a href="/simple/PyYAML/">PyYAML</a><br/>
    <a>no-href-project</a><br/>
    <a href="">empty-href</a><br/>
    <a href="/simple/empty/"></a><br/>
    <a href="/simple/whitespace/">   </a><br/>
    <a href="/simple/bad/">not a name!</a><br/>
    <A HREF="/simple/fakeproject/"> fakeproject </A>
</body></html>`;
    expect(parseSimpleIndexHtml(html)).toEqual(["fakeproject", "flask", "pyyaml", "zebra"]);
  });
});
