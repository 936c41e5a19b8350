import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Requirement } from "@uv-ts/pep508";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseRequirementsTxtString,
  type RequirementEntry,
  type RequirementsTxt,
  UnnamedRequirement,
} from "../src/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uv-ts-reqs-features-"));
  await mkdir(join(dir, "wheels"));
  await mkdir(join(dir, "sub", "pkg"), { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parse(
  content: string,
  files: Record<string, string> = {},
  env: Record<string, string> = {},
  path = "requirements.txt",
): Promise<RequirementsTxt> {
  const readFile = async (file: string) => {
    const text = files[file.startsWith(dir) ? file.slice(dir.length + 1) : file];
    if (text === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
    return text;
  };
  return parseRequirementsTxtString(content, path, { workingDir: dir, env, readFile });
}

/** A literal `${NAME}` reference, as written in a requirements file. */
const ref = (name: string) => `$\{${name}}`;

const names = (entries: readonly RequirementEntry[]) =>
  entries.map((e) => e.requirement.toString());

describe("comments_and_blank_lines", () => {
  it("skips_comment_lines_and_trailing_comments", async () => {
    const txt = await parse("# top\n\n   # indented\nflask # trailing\nrequests  #x\n#\n");
    expect(names(txt.requirements)).toEqual(["flask", "requests"]);
    expect(txt.requirements.map((e) => e.source.line)).toEqual([4, 5]);
  });

  it("keeps_url_fragments_that_are_not_preceded_by_whitespace", async () => {
    const txt = await parse(
      [
        "git+https://github.com/pallets/flask.git@3.0.0#egg=flask # a comment",
        "pkg @ https://example.org/pkg-1.0-py3-none-any.whl#sha256=abcd",
      ].join("\n"),
    );
    const [git, wheel] = txt.requirements;
    expect(git?.requirement).toBeInstanceOf(UnnamedRequirement);
    expect((git?.requirement as UnnamedRequirement | undefined)?.url.given).toBe(
      "git+https://github.com/pallets/flask.git@3.0.0#egg=flask",
    );
    expect(git?.parsedUrl).toMatchObject({ kind: "git-directory", reference: "3.0.0" });
    expect((wheel?.requirement as Requirement | undefined)?.url).toBe(
      "https://example.org/pkg-1.0-py3-none-any.whl#sha256=abcd",
    );
    expect(wheel?.parsedUrl).toMatchObject({ kind: "archive", ext: "whl" });
  });
});

describe("line_continuations", () => {
  it("joins_escaped_line_breaks_and_reads_hashes_on_continuation_lines", async () => {
    const txt = await parse(
      [
        "\\",
        "",
        "flask==3.0.0 \\",
        "    --hash=sha256:aaaa \\",
        "    --hash sha256:bbbb \\",
        "    # comment after the continuation",
        "mypy==0.910 \\",
        "  # comment",
        "black==24.1.0 \\",
        "\t--hash=sha256:cccc",
        "tomli",
      ].join("\n"),
    );
    expect(names(txt.requirements)).toEqual([
      "flask==3.0.0",
      "mypy==0.910",
      "black==24.1.0",
      "tomli",
    ]);
    expect(txt.requirements[0]?.hashes).toEqual(["sha256:aaaa", "sha256:bbbb"]);
    expect(txt.requirements[2]?.hashes).toEqual(["sha256:cccc"]);
    expect(txt.requirements.map((e) => e.source.line)).toEqual([3, 7, 9, 11]);
  });

  it("a_continuation_into_a_blank_line_is_part_of_the_requirement", async () => {
    // As in uv: only `--hash` and comments may follow an escaped line break; otherwise it stays
    // in the requirement text, which then fails.
    await expect(parse("black==24.1.0 \\\n\ntomli\n")).rejects.toThrow(
      "Couldn't parse requirement in `requirements.txt` at position 0",
    );
  });

  it("accepts_crlf_and_lone_cr_line_endings", async () => {
    const txt = await parse("flask \\\r\n  --hash=sha256:a\r\n# c\r\nrequests\rtomli\r\n");
    expect(names(txt.requirements)).toEqual(["flask", "requests", "tomli"]);
    expect(txt.requirements[0]?.hashes).toEqual(["sha256:a"]);
    expect(txt.requirements.map((e) => e.source.line)).toEqual([1, 4, 5]);
  });

  it("a_file_without_a_final_newline_ends_its_last_requirement", async () => {
    expect(names((await parse("a\nb==1")).requirements)).toEqual(["a", "b==1"]);
    expect(names((await parse("a --hash=sha256:x")).requirements)).toEqual(["a"]);
  });
});

describe("hashes_and_markers", () => {
  it("reads_per_requirement_options_after_markers", async () => {
    const txt = await parse(
      'werkzeug==2.2.3 ; python_version >= "3.8" --hash=sha256:2e1c --hash=sha256:ffff\n',
    );
    const [entry] = txt.requirements;
    expect(entry?.hashes).toEqual(["sha256:2e1c", "sha256:ffff"]);
    expect(entry?.requirement.marker.toString()).toBe("python_version >= '3.8'");
  });

  it("reads_require_hashes", async () => {
    expect((await parse("--require-hashes\nflask\n")).requireHashes).toBe(true);
    expect((await parse("flask\n")).requireHashes).toBe(false);
  });
});

describe("index_options", () => {
  it("reads_index_urls_and_find_links_in_both_spellings", async () => {
    const txt = await parse(
      [
        "-i https://pypi.example.org/simple",
        "--extra-index-url=https://extra.example.org/simple",
        "--extra-index-url https://more.example.org/simple  # comment",
        "-f https://example.org/links/",
        "--find-links=./wheels",
        "--no-index",
      ].join("\n"),
    );
    expect(txt.indexUrl?.given).toBe("https://pypi.example.org/simple");
    expect(txt.extraIndexUrls.map((u) => u.url.href)).toEqual([
      "https://extra.example.org/simple",
      "https://more.example.org/simple",
    ]);
    // An existing path becomes a file URL.
    expect(txt.findLinks.map((u) => u.given)).toEqual(["https://example.org/links/", "./wheels"]);
    expect(txt.findLinks[1]?.url.href).toBe(`file://${dir}/wheels`);
    expect(txt.noIndex).toBe(true);
  });

  it("find_links_paths_are_relative_to_the_including_file", async () => {
    const txt = await parse("-r sub/reqs.txt\n", { "sub/reqs.txt": "--find-links pkg\n" });
    expect(txt.findLinks[0]?.url.href).toBe(`file://${dir}/sub/pkg`);
  });

  it("repeating_the_same_index_url_in_an_include_is_allowed", async () => {
    const txt = await parse("-i https://a.org/simple\n-r b.txt\n", {
      "b.txt": "--index-url https://a.org/simple\n--extra-index-url https://b.org/simple\n",
    });
    expect(txt.indexUrl?.given).toBe("https://a.org/simple");
    expect(txt.extraIndexUrls.map((u) => u.given)).toEqual(["https://b.org/simple"]);
  });

  it("an_included_index_url_applies_when_the_parent_has_none", async () => {
    const txt = await parse("-r b.txt\n", { "b.txt": "-i https://b.org/simple\n" });
    expect(txt.indexUrl?.given).toBe("https://b.org/simple");
  });
});

describe("binary_options", () => {
  it("accumulates_no_binary_and_only_binary", async () => {
    const txt = await parse(
      "--no-binary :none:\n--no-binary Flask\n--no-binary=numpy\n--only-binary :all:\n",
    );
    expect(txt.noBinary).toEqual({ kind: "packages", packages: ["flask", "numpy"] });
    expect(txt.onlyBinary).toEqual({ kind: "all" });
    expect((await parse("flask\n")).noBinary).toEqual({ kind: "none" });
  });

  it("nested_no_binary", async () => {
    const txt = await parse("flask\n--no-binary :none:\n-r child.txt\n", {
      "child.txt": "--no-binary flask\n",
    });
    expect(txt.noBinary).toEqual({ kind: "packages", packages: ["flask"] });
  });

  it("all_wins_over_names", async () => {
    expect((await parse("--no-binary foo\n--no-binary :all:\n--no-binary bar\n")).noBinary).toEqual(
      {
        kind: "all",
      },
    );
  });
});

describe("unsupported_options", () => {
  it("ignores_pip_only_options_with_uv_warnings", async () => {
    const txt = await parse(
      "--trusted-host example.org\n--pre\n--prefer-binary\n--use-feature=truststore\nflask\n",
    );
    expect(names(txt.requirements)).toEqual(["flask"]);
    expect(txt.warnings).toEqual([
      "Ignoring unsupported option in `requirements.txt`: `--trusted-host` (hint: pass `--trusted-host` on the command line instead)",
      "Ignoring unsupported option in `requirements.txt`: `--pre` (hint: pass `--pre` on the command line instead)",
      "Ignoring unsupported option in `requirements.txt`: `--prefer-binary`",
      "Ignoring unsupported option in `requirements.txt`: `--use-feature`",
    ]);
  });

  it("names_stdin_in_the_warning", async () => {
    const txt = await parse("--pre\nflask\n", {}, {}, "-");
    expect(txt.warnings).toEqual([
      "Ignoring unsupported option from stdin: `--pre` (hint: pass `--pre` on the command line instead)",
    ]);
    expect(txt.requirements[0]?.source).toEqual({ file: "-", line: 2 });
  });
});

describe("editables", () => {
  it("reads_editable_paths_with_extras_and_markers", async () => {
    const txt = await parse(
      [
        "-e ./sub/pkg[dev, test]",
        "--editable=./sub/pkg",
        '-e\t./sub/pkg ; python_version >= "3.9"',
        `-e file://${dir}/sub/pkg`,
        "-e pkg @ ./sub/pkg",
        "-e sub",
      ].join("\n"),
    );
    expect(txt.requirements).toEqual([]);
    expect(txt.editables.map((e) => e.editable)).toEqual([true, true, true, true, true, true]);
    const [first, , withMarker, , named, bare] = txt.editables;
    expect(first?.requirement.extras).toEqual(["dev", "test"]);
    expect(first?.parsedUrl).toEqual({
      kind: "directory",
      url: new URL(`file://${dir}/sub/pkg`),
      installPath: `${dir}/sub/pkg`,
      editable: true,
    });
    expect(withMarker?.requirement.marker.toString()).toBe("python_version >= '3.9'");
    expect(named?.requirement).toBeInstanceOf(Requirement);
    expect((named?.requirement as Requirement | undefined)?.name).toBe("pkg");
    // `-e sub` is the directory `./sub`, not the package `sub`.
    expect(bare?.requirement).toBeInstanceOf(UnnamedRequirement);
    expect(bare?.parsedUrl).toMatchObject({ kind: "directory", installPath: `${dir}/sub` });
  });
});

describe("direct_references", () => {
  it("reads_bare_paths_and_urls", async () => {
    const txt = await parse(
      [
        "./sub/pkg",
        "pkg-1.0-py3-none-any.whl",
        "./dist/pkg-1.0.tar.gz[extra]",
        "https://example.org/files/pkg-1.0-py3-none-any.whl",
        "https://example.org/archive/main.zip#subdirectory=src",
        "git+https://github.com/org/repo.git@v1.0#egg=repo&subdirectory=py",
        `${ref("PROJECT")}/sub/pkg`,
      ].join("\n"),
      {},
      { PROJECT: dir },
    );
    const kinds = txt.requirements.map((e) => e.parsedUrl?.kind);
    expect(kinds).toEqual([
      "directory",
      "path",
      "path",
      "archive",
      "archive",
      "git-directory",
      "directory",
    ]);
    expect(txt.requirements.every((e) => e.requirement instanceof UnnamedRequirement)).toBe(true);
    expect(txt.requirements[1]?.parsedUrl).toMatchObject({
      installPath: `${dir}/pkg-1.0-py3-none-any.whl`,
      ext: "whl",
    });
    expect(txt.requirements[2]?.requirement.extras).toEqual(["extra"]);
    expect(txt.requirements[2]?.parsedUrl).toMatchObject({ ext: "tar.gz" });
    expect(txt.requirements[4]?.parsedUrl).toMatchObject({
      url: new URL("https://example.org/archive/main.zip"),
      subdirectory: "src",
      ext: "zip",
    });
    expect(txt.requirements[5]?.parsedUrl).toMatchObject({
      repository: new URL("https://github.com/org/repo.git"),
      reference: "v1.0",
      subdirectory: "py",
    });
    // `${VAR}` is expanded for the location but the text is kept as written.
    expect(txt.requirements[6]?.requirement.toString()).toBe(`${ref("PROJECT")}/sub/pkg`);
    expect(txt.requirements[6]?.parsedUrl).toMatchObject({ installPath: `${dir}/sub/pkg` });
  });

  it("reads_the_name_at_url_form", async () => {
    const txt = await parse(
      [
        "pkg @ https://example.org/pkg-1.0.tar.gz",
        "repo[x] @ git+ssh://git@github.com/org/repo.git@main ; sys_platform == 'linux'",
        "local @ file:///opt/wheels/local-1.0-py3-none-any.whl",
      ].join("\n"),
    );
    expect(names(txt.requirements)).toEqual([
      "pkg @ https://example.org/pkg-1.0.tar.gz",
      "repo[x] @ git+ssh://git@github.com/org/repo.git@main ; sys_platform == 'linux'",
      "local @ file:///opt/wheels/local-1.0-py3-none-any.whl",
    ]);
    expect(txt.requirements.map((e) => e.parsedUrl?.kind)).toEqual([
      "archive",
      "git-directory",
      "path",
    ]);
    expect(txt.requirements[1]?.parsedUrl).toMatchObject({ reference: "main" });
  });

  it("unknown_variables_are_left_as_written", async () => {
    const txt = await parse(`${ref("NOPE")}/pkg\n`, {}, {});
    expect(txt.requirements[0]?.parsedUrl).toMatchObject({
      installPath: `${dir}/${ref("NOPE")}/pkg`,
    });
  });
});

describe("includes", () => {
  it("reads_requirements_and_constraints_relative_to_the_including_file", async () => {
    const txt = await parse("-r sub/a.txt\n--constraint=sub/c.txt\nflask\n", {
      "sub/a.txt": "--requirement b.txt\nalpha\n",
      "sub/b.txt": "beta==1\n",
      "sub/c.txt": "-c d.txt\ngamma<2\n",
      "sub/d.txt": "delta>1\n",
    });
    expect(names(txt.requirements)).toEqual(["beta==1", "alpha", "flask"]);
    // uv's order: a constraints file's own lines, then what it includes.
    expect(names(txt.constraints)).toEqual(["gamma<2", "delta>1"]);
    expect(txt.requirements[0]?.source).toEqual({ file: `${dir}/sub/b.txt`, line: 1 });
  });

  it("expands_variables_and_quotes_in_include_paths", async () => {
    const txt = await parse(
      `-r "${ref("SUB")}/my reqs.txt"\n-r 'other file.txt'\n`,
      {
        "sub/my reqs.txt": "alpha\n",
        "other file.txt": "beta\n",
      },
      { SUB: "sub" },
    );
    expect(names(txt.requirements)).toEqual(["alpha", "beta"]);
  });

  it("keeps_an_unterminated_quote_as_written", async () => {
    const txt = await parse('-r "odd.txt\n', { '"odd.txt': "alpha\n" });
    expect(names(txt.requirements)).toEqual(["alpha"]);
  });

  it("reads_each_file_once_even_in_a_cycle", async () => {
    const txt = await parse("-r a.txt\n", {
      "a.txt": "alpha\n-r b.txt\n",
      "b.txt": "beta\n-r a.txt\n-r ./a.txt\n",
    });
    expect(names(txt.requirements)).toEqual(["alpha", "beta"]);
  });

  it("hands_remote_includes_to_the_reader", async () => {
    const txt = await parse("-r https://example.org/reqs/top.txt\n", {
      "https://example.org/reqs/top.txt": "alpha\n-r nested.txt\n",
      "https://example.org/reqs/nested.txt": "beta\n",
    });
    expect(names(txt.requirements)).toEqual(["alpha", "beta"]);
    expect(txt.requirements[1]?.source.file).toBe("https://example.org/reqs/nested.txt");
  });
});
