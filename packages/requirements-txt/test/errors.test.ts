import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UvError } from "@uv-ts/error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseRequirementsTxt,
  parseRequirementsTxtString,
  RequirementsTxtError,
} from "../src/index.ts";
import { lineColumn } from "../src/position.ts";
import { rejection, renderLikeUv } from "./render.ts";

// Expected texts are uv 0.13.8's output for the same file (`uv pip compile r.txt --offline`).
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uv-ts-reqs-errors-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorFor(content: string, files: Record<string, string> = {}): Promise<string> {
  const read = async (path: string) => {
    const name = path.slice(dir.length + 1);
    const text = files[name];
    if (text === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
    return text;
  };
  const error = await rejection(
    parseRequirementsTxtString(content, "r.txt", { workingDir: dir, env: {}, readFile: read }),
  );
  expect(error).toBeInstanceOf(RequirementsTxtError);
  return renderLikeUv(error);
}

describe("syntax_errors", () => {
  it("parser_error_line_and_column", async () => {
    expect(await errorFor("numpy>=1,<2\n  --broken\ntqdm\n")).toBe(
      "error: Unexpected '-', expected '-c', '-e', '-r' or the start of a requirement: r.txt:2:3",
    );
  });

  it("unknown_option_after_blank_and_comment_lines", async () => {
    expect(await errorFor("  \n\t# c\n   -q\n")).toBe(
      "error: Unexpected '-', expected '-c', '-e', '-r' or the start of a requirement: r.txt:3:4",
    );
    expect(await errorFor("-x foo\n")).toBe(
      "error: Unexpected '-', expected '-c', '-e', '-r' or the start of a requirement: r.txt:1:1",
    );
    expect(await errorFor("é\n")).toBe(
      "error: Unexpected 'é', expected '-c', '-e', '-r' or the start of a requirement: r.txt:1:1",
    );
  });

  it("lone_carriage_return_ends_a_line", async () => {
    expect(await errorFor("numpy>=1,<2\n  \r-broken\ntqdm\n")).toBe(
      "error: Unexpected '-', expected '-c', '-e', '-r' or the start of a requirement: r.txt:3:1",
    );
  });

  it("malformed_hash_option", async () => {
    expect(await errorFor("flask==3.0.0 --hash--hash=sha256:deadbeef")).toBe(
      "error: Expected '=' or whitespace, found Some('-'): r.txt:1:20",
    );
  });

  it("unknown_option_after_a_requirement_is_not_a_hash", async () => {
    expect(await errorFor("flask --foo\n")).toBe(
      'error: Expected `--hash`, found `"--foo"`: r.txt:1:7',
    );
    expect(await errorFor('flask ; python_version > "3" --foo\n')).toBe(
      'error: Expected `--hash`, found `"--foo"`: r.txt:1:30',
    );
  });

  it("backslash_glued_to_a_hash_does_not_continue_the_line", async () => {
    expect(await errorFor("flask --hash=sha256:abc\\\n  --hash=sha256:def # c\n")).toBe(
      "error: Unexpected '-', expected '-c', '-e', '-r' or the start of a requirement: r.txt:2:3",
    );
  });

  it("missing_value", async () => {
    expect(await errorFor("flask\n--no-binary\n")).toBe(
      "error: `--no-binary` must be followed by an argument: r.txt:3:1",
    );
    expect(await errorFor("-r\n")).toBe(
      "error: `--requirement` must be followed by an argument: r.txt:2:1",
    );
    expect(await errorFor("--extra-index-url\n")).toBe(
      "error: `--extra-index-url` must be followed by an argument: r.txt:2:1",
    );
  });

  it("multiple_index_urls", async () => {
    expect(
      await errorFor("--index-url https://a.org/simple\n--index-url https://b.org/simple\n"),
    ).toBe("error: Multiple `--index-url` values provided: r.txt:2:33");
  });

  it("nested_conflicting_index_url", async () => {
    const error = await errorFor("--index-url https://test.pypi.org/simple\n-r child.txt\n", {
      "child.txt": "-r grandchild.txt\n",
      "grandchild.txt": "--index-url https://fake.pypi.org/simple\n",
    });
    expect(error).toBe(
      "error: Nested `requirements` file contains conflicting `--index-url`: r.txt:2:13",
    );
  });

  it("error_carries_line_column_and_position", async () => {
    const error = await rejection(
      parseRequirementsTxtString("a\n# é\n  --x", "r.txt", { workingDir: dir, env: {} }),
    );
    // Columns count code points; the position counts bytes (`é` is two).
    expect(error).toMatchObject({ kind: "syntax", file: "r.txt", line: 3, column: 3, position: 9 });
  });
});

describe("requirement_errors", () => {
  it("invalid_requirement_version", async () => {
    expect(await errorFor("numpy[ö]==1.29\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        "  cause: Expected an alphanumeric character starting the extra name, found `ö`",
        "         numpy[ö]==1.29",
        "               ^",
      ].join("\n"),
    );
  });

  it("position_counts_bytes", async () => {
    const error = await rejection(
      parseRequirementsTxtString("# é\nnumpy[ö]==1.29\n", "r.txt", { workingDir: dir, env: {} }),
    );
    // `# é\n` is four characters but five bytes.
    expect((error as Error).message).toBe("Couldn't parse requirement in `r.txt` at position 5");
    expect(error).toMatchObject({ line: 2, column: 1, position: 5 });
  });

  it("invalid_requirement_url", async () => {
    expect(await errorFor("numpy @ https:///\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        "  cause: empty host",
        "         numpy @ https:///",
        "                 ^^^^^^^^^",
      ].join("\n"),
    );
  });

  it("missing_url_after_at", async () => {
    expect(await errorFor("pkg @ \n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        "  cause: Expected URL",
        "         pkg @ ",
        "               ^",
      ].join("\n"),
    );
  });

  it("direct_url_checks", async () => {
    expect(await errorFor("foo @ https://github.com/a/b\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        "  cause: Direct URL (`https://github.com/a/b`) references a Git repository, but is missing the `git+` prefix (e.g., `git+https://github.com/a/b`)",
        "         foo @ https://github.com/a/b",
        "               ^^^^^^^^^^^^^^^^^^^^^^",
      ].join("\n"),
    );
    expect(await errorFor("foo @ hg+https://x.org/a\n")).toContain(
      "  cause: Unsupported URL prefix `hg` in URL `hg+https://x.org/a` (Mercurial is not supported)",
    );
    expect(await errorFor("foo @ git+ftp://x.org/a\n")).toContain(
      "  cause: Unsupported Git URL scheme `ftp:` in `ftp://x.org/a` (expected one of `https:`, `ssh:`, or `file:`)",
    );
    expect(await errorFor("https://github.com/a/b\n")).toContain(
      "  cause: Direct URL (`https://github.com/a/b`) references a Git repository, but is missing the `git+` prefix (e.g., `git+https://github.com/a/b`)\n         https://github.com/a/b\n         ^^^^^^^^^^^^^^^^^^^^^^",
    );
  });

  it("named_path_without_archive_extension", async () => {
    expect(await errorFor("foo @ ./bar.txt\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        `  cause: Expected path (\`${dir}/bar.txt\`) to end in a supported file extension: \`.whl\`, \`.tar.gz\`, \`.zip\`, \`.tar.bz2\`, \`.tar.lz\`, \`.tar.lzma\`, \`.tar.xz\`, \`.tar.zst\`, \`.tar\`, \`.tbz\`, \`.tgz\`, \`.tlz\`, or \`.txz\``,
        "         foo @ ./bar.txt",
        "               ^^^^^^^^^",
      ].join("\n"),
    );
  });

  it("unnamed_requirement_errors", async () => {
    expect(await errorFor('./bar.zip ; python_version > "3" foo\n')).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        "  cause: Unexpected character 'f', expected 'and', 'or' or end of input",
        '         ./bar.zip ; python_version > "3" foo',
        "                                          ^^^",
      ].join("\n"),
    );
    expect(await errorFor("./bar[a b]\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 0",
        "  cause: Expected either `,` (separating extras) or `]` (ending the extras section), found `b`",
        "         ./bar[a b]",
        "                 ^",
      ].join("\n"),
    );
    expect(await errorFor("./foo.whl#sha256=abc\n")).toContain(
      "  cause: Expected path (`./foo.whl#sha256=abc`) to end in a supported file extension",
    );
  });

  it("trailing_backslash_at_end_of_file_is_part_of_the_requirement", async () => {
    expect(await errorFor("numpy>=1.0 \\")).toMatch(
      /^error: Couldn't parse requirement in `r.txt` at position 0\n {2}cause: .*\n {9}numpy>=1.0 \\\n/,
    );
  });

  it("empty_editable", async () => {
    expect(await errorFor("-e\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 3",
        "  cause: Empty field is not allowed for PEP508",
      ].join("\n"),
    );
  });

  it("invalid_editable_extra", async () => {
    expect(await errorFor("-e black[,abcdef]\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 3",
        "  cause: Expected either alphanumerical character (starting the extra name) or `]` (ending the extras section), found `,`",
        "         black[,abcdef]",
        "               ^",
      ].join("\n"),
    );
  });

  it("missing_r", async () => {
    await writeFile(join(dir, "file.txt"), "");
    expect(await errorFor("flask\nfile.txt\n")).toBe(
      "error: Requirement `file.txt` in `r.txt` looks like a requirements file but was passed as a package name. Did you mean `-r file.txt`?",
    );
  });
});

describe("editable_errors", () => {
  it("unsupported_editable", async () => {
    expect(await errorFor("-e https://localhost:8080/\n")).toBe(
      [
        "error: Couldn't parse requirement in `r.txt` at position 3",
        "  cause: Expected direct URL (`https://localhost:8080/`) to end in a supported file extension: `.whl`, `.tar.gz`, `.zip`, `.tar.bz2`, `.tar.lz`, `.tar.lzma`, `.tar.xz`, `.tar.zst`, `.tar`, `.tbz`, `.tgz`, `.tlz`, or `.txz`",
        "         https://localhost:8080/",
        "         ^^^^^^^^^^^^^^^^^^^^^^^",
      ].join("\n"),
    );
  });

  it("unsupported_editable_extension", async () => {
    const url =
      "https://files.pythonhosted.org/packages/f7/69/96766da2cdb5605e6a31ef2734aff0be17901cefb385b885c2ab88896d76/ruff-0.5.6.tar.gz";
    expect(await errorFor(`-e ${url}\n`)).toBe(
      [
        `error: Unsupported editable requirement in \`r.txt\` at line 1: \`${url}\``,
        "  cause: Remote archives cannot be editable",
        "",
        "hint: Editable requirements must refer to a local directory",
      ].join("\n"),
    );
  });

  it("registry_and_git_requirements_cannot_be_editable", async () => {
    expect(await errorFor("# first\n-e black[extra]==1\n")).toBe(
      [
        "error: Unsupported editable requirement in `r.txt` at line 2: `black[extra]==1`",
        "  cause: Registry requirements cannot be editable",
        "",
        "hint: Editable requirements must refer to a local directory",
      ].join("\n"),
    );
    expect(await errorFor("-e git+https://github.com/a/b.git\n")).toBe(
      [
        "error: Unsupported editable requirement in `r.txt` at line 1: `git+https://github.com/a/b.git`",
        "  cause: Git sources cannot be editable",
        "",
        "hint: Editable requirements must refer to a local directory",
      ].join("\n"),
    );
    expect(await errorFor("-e ./dist/pkg-1.0.tar.gz\n")).toContain(
      "  cause: Local archives cannot be editable",
    );
  });

  it("editable_needs_a_separator", async () => {
    expect(await errorFor("-efoo\n")).toBe(
      "error: Expected '=' or whitespace, found Some('f'): r.txt:1:3",
    );
  });
});

describe("option_value_errors", () => {
  it("relative_index_url", async () => {
    expect(await errorFor("--index-url 123\n")).toBe(
      "error: Invalid URL in `r.txt` at position 0: 123\n  cause: relative URL without a base",
    );
  });

  it("invalid_index_url", async () => {
    expect(await errorFor("--index-url https:////\n")).toBe(
      "error: Invalid URL in `r.txt` at position 0: https:////\n  cause: empty host",
    );
  });

  it("invalid_binary_specifiers", async () => {
    expect(await errorFor("--no-binary foo!\n")).toBe(
      [
        "error: Invalid specifier for `--no-binary` in `r.txt`: foo!",
        '  cause: Not a valid package or extra name: "foo!". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.',
      ].join("\n"),
    );
    // uv 0.13.8 names `--no-binary` for `--only-binary` too.
    expect(await errorFor('--only-binary "a b"\n')).toBe(
      [
        "error: Invalid specifier for `--no-binary` in `r.txt`: a b",
        '  cause: Not a valid package or extra name: "a b". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.',
      ].join("\n"),
    );
  });
});

describe("include_errors", () => {
  it("invalid_include_missing_file", async () => {
    expect(await errorFor("-r missing.txt\n")).toBe(
      [
        "error: Error parsing included file in `r.txt` at position 0",
        `  cause: failed to read from file \`${dir}/missing.txt\`: No such file or directory (os error 2)`,
      ].join("\n"),
    );
  });

  it("error_in_included_file_names_that_file", async () => {
    expect(await errorFor("flask\n-c c.txt\n", { "c.txt": "flask\n--no-binary\n" })).toBe(
      [
        "error: Error parsing included file in `r.txt` at position 6",
        "  cause: `--no-binary` must be followed by an argument: c.txt:3:1",
      ].join("\n"),
    );
  });

  it("unnamed_constraint", async () => {
    expect(await errorFor("-c uc.txt\n", { "uc.txt": "./foo\n" })).toBe(
      "error: Unnamed requirements are not allowed as constraints in `r.txt`",
    );
  });

  it("remote_include_needs_the_network", async () => {
    const error = await rejection(
      parseRequirementsTxtString("-r https://example.com/r.txt\n", "r.txt", {
        workingDir: dir,
        env: {},
      }),
    );
    expect(renderLikeUv(error)).toBe(
      [
        "error: Error parsing included file in `r.txt` at position 0",
        "  cause: Network connectivity is disabled, but a remote requirements file was requested: https://example.com/r.txt",
      ].join("\n"),
    );
  });

  it("include_of_a_directory", async () => {
    await mkdir(join(dir, "d"), { recursive: true });
    const error = await rejection(
      parseRequirementsTxtString("-r d\n", "r.txt", { workingDir: dir, env: {} }),
    );
    expect(renderLikeUv(error)).toBe(
      [
        "error: Error parsing included file in `r.txt` at position 0",
        `  cause: failed to read from file \`${dir}/d\`: Is a directory (os error 21)`,
      ].join("\n"),
    );
  });

  it("invalid_file_url_include", async () => {
    expect(await errorFor("-r file://remote.host/foo.txt\n")).toBe(
      [
        "error: Invalid requirements input in `r.txt` at position 0: invalid file URL: file://remote.host/foo.txt",
        "  cause: invalid file URL: file://remote.host/foo.txt",
      ].join("\n"),
    );
  });

  it("an_injected_reader_keeps_its_error_chain", async () => {
    const readFile = async (path: string) => {
      throw new UvError(
        "client.request",
        `Error while accessing remote requirements file: \`${path}\``,
        {
          cause: new Error("connection refused"),
        },
      );
    };
    const error = await rejection(
      parseRequirementsTxtString("-r https://example.com/r.txt\n", "r.txt", {
        workingDir: dir,
        env: {},
        readFile,
      }),
    );
    expect(renderLikeUv(error)).toBe(
      [
        "error: Error parsing included file in `r.txt` at position 0",
        "  cause: Error while accessing remote requirements file: `https://example.com/r.txt`",
        "  cause: connection refused",
      ].join("\n"),
    );
  });

  it("missing_top_level_file", async () => {
    const error = await rejection(parseRequirementsTxt("nope.txt", { workingDir: dir, env: {} }));
    expect(error).toMatchObject({ kind: "io", file: "nope.txt" });
    expect((error as Error).message).toBe(
      `failed to read from file \`${dir}/nope.txt\`: No such file or directory (os error 2)`,
    );
  });
});

describe("calculate_line_column_pair", () => {
  // uv's `test_calculate_line_column_pair`: the position of `-` in each input.
  const cases: [string, string][] = [
    ["numpy>=1,<2\n  @-broken\ntqdm", "2:4"],
    ["numpy>=1,<2\r\n  #-broken\ntqdm", "2:4"],
    ["numpy>=1,<2\n  \n-broken\ntqdm", "3:1"],
    ["numpy>=1,<2\n  \r-broken\ntqdm", "3:1"],
    ["numpy>=1,<2\n  \r\n-broken\ntqdm", "3:1"],
    ["numpy>=1,<2\n  🚀-broken\ntqdm", "2:4"],
    ["numpy>=1,<2\n  中-broken\ntqdm", "2:4"],
    ["numpy>=1,<2\n  e\u0301-broken\ntqdm", "2:5"],
    ["numpy>=1,<2\n  a\u0300\u0316-broken\ntqdm", "2:6"],
  ];
  it.each(cases)("%j is at %s", (input, expected) => {
    const { line, column } = lineColumn(input, input.indexOf("-"));
    expect(`${line}:${column}`).toBe(expected);
  });
});
