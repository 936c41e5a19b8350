import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRequirementsTxt, type RequirementEntry, UnnamedRequirement } from "../src/index.ts";

// Ports of uv's file-based tests in `crates/uv-requirements-txt/src/lib.rs`.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "uv-ts-reqs-includes-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), content);
  }
}

const names = (entries: readonly RequirementEntry[]) =>
  entries.map((e) => e.requirement.toString());

describe("includes_on_disk", () => {
  it("recursive_circular_inclusion", async () => {
    await write({
      "both.txt": "pkg-both\n",
      "both-recursive.txt": "pkg-both-recursive\n-r both-recursive.txt\n-c both-recursive.txt\n",
      "requirements-only.txt": "pkg-requirements-only\n-r requirements-only.txt\n",
      "requirements-only-recursive.txt":
        "pkg-requirements-only-recursive\n-r requirements-only-recursive.txt\n",
      "requirements-in-constraints.txt":
        "pkg-requirements-in-constraints\n# Some nested recursion for good measure\n-c constraints-only.txt\n",
      "constraints-only.txt":
        "pkg-constraints-only\n-c constraints-only.txt\n# Using `-r` inside `-c`\n-r requirements-in-constraints.txt\n",
      "constraints-only-recursive.txt":
        "pkg-constraints-only-recursive\n-r constraints-only-recursive.txt\n",
      "requirements.txt": [
        "# Even if a package was already included as a constraint, it is also included as",
        "# requirement",
        "-c both.txt",
        "-r both.txt",
        "-c both-recursive.txt",
        "-r both-recursive.txt",
        "",
        "-r requirements-only.txt",
        "-r requirements-only-recursive.txt",
        "-c constraints-only.txt",
        "-c constraints-only-recursive.txt",
        "",
      ].join("\n"),
    });
    const parsed = await parseRequirementsTxt(join(dir, "requirements.txt"), {
      workingDir: dir,
      env: {},
    });
    expect(new Set(names(parsed.requirements))).toEqual(
      new Set([
        "pkg-both",
        "pkg-both-recursive",
        "pkg-requirements-only",
        "pkg-requirements-only-recursive",
      ]),
    );
    expect(new Set(names(parsed.constraints))).toEqual(
      new Set([
        "pkg-both",
        "pkg-both-recursive",
        "pkg-constraints-only",
        "pkg-constraints-only-recursive",
        "pkg-requirements-in-constraints",
      ]),
    );
  });

  it("relative_requirement", async () => {
    await write({
      "subdir/sibling.txt": "flask\n",
      "subdir/child.txt": "-r sibling.txt\n",
      "parent.txt": "-r subdir/child.txt\n",
    });
    const parsed = await parseRequirementsTxt("parent.txt", { workingDir: dir, env: {} });
    expect(names(parsed.requirements)).toEqual(["flask"]);
    expect(parsed.requirements[0]?.source).toEqual({
      file: join(dir, "subdir/sibling.txt"),
      line: 1,
    });
  });

  it("nested_editable", async () => {
    await write({
      "requirements.txt": "-r child.txt\n",
      "child.txt": "-r grandchild.txt\n",
      "grandchild.txt": "-e /foo/bar\n--no-index\n",
    });
    const parsed = await parseRequirementsTxt("requirements.txt", { workingDir: dir, env: {} });
    expect(parsed.requirements).toEqual([]);
    expect(parsed.noIndex).toBe(true);
    const [editable] = parsed.editables;
    expect(editable?.requirement).toBeInstanceOf(UnnamedRequirement);
    expect(editable?.parsedUrl).toEqual({
      kind: "directory",
      url: new URL("file:///foo/bar"),
      installPath: "/foo/bar",
      editable: true,
    });
    expect(editable?.source).toEqual({ file: join(dir, "grandchild.txt"), line: 1 });
  });

  it("comments", async () => {
    await write({
      "requirements.txt": [
        "-r ./sibling.txt  # comment",
        "--index-url https://test.pypi.org/simple/  # comment",
        "--no-binary :all:  # comment",
        "",
        "flask==3.0.0 \\",
        "    --hash=sha256:1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef \\",
        "    # comment",
        "",
        "requests==2.26.0 \\",
        "    --hash=sha256:fedcba0987654321fedcba0987654321fedcba0987654321fedcba0987654321 # comment",
        "",
        "black==21.12b0 # comment",
        "",
        "mypy==0.910 \\",
        "  # comment",
        "",
      ].join("\n"),
      "sibling.txt": "httpx # comment\n",
    });
    const parsed = await parseRequirementsTxt("requirements.txt", { workingDir: dir, env: {} });
    expect(names(parsed.requirements)).toEqual([
      "httpx",
      "flask==3.0.0",
      "requests==2.26.0",
      "black==21.12b0",
      "mypy==0.910",
    ]);
    expect(parsed.requirements.map((e) => e.hashes)).toEqual([
      [],
      ["sha256:1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"],
      ["sha256:fedcba0987654321fedcba0987654321fedcba0987654321fedcba0987654321"],
      [],
      [],
    ]);
    expect(parsed.indexUrl?.given).toBe("https://test.pypi.org/simple/");
    expect(parsed.noBinary).toEqual({ kind: "all" });
  });

  it("archive_requirement", async () => {
    await write({
      "requirements.txt": [
        "# Archive name that's also a valid Python package name.",
        "importlib_metadata-8.3.0-py3-none-any.whl",
        "",
        "# Archive name that's also a valid Python package name, with markers.",
        "importlib_metadata-8.2.0-py3-none-any.whl ; sys_platform == 'win32'",
        "",
        "# Archive name that's also a valid Python package name, with extras.",
        "importlib_metadata-8.2.0-py3-none-any.whl[extra]",
        "",
        "# Archive name that's not a valid Python package name.",
        "importlib_metadata-8.2.0+local-py3-none-any.whl",
        "",
        "# Archive name that's not a valid Python package name, with markers.",
        "importlib_metadata-8.2.0+local-py3-none-any.whl ; sys_platform == 'win32'",
        "",
        "# Archive name that's not a valid Python package name, with extras.",
        "importlib_metadata-8.2.0+local-py3-none-any.whl[extra]",
        "",
      ].join("\n"),
    });
    const parsed = await parseRequirementsTxt("requirements.txt", { workingDir: dir, env: {} });
    const summary = parsed.requirements.map((e) => ({
      unnamed: e.requirement instanceof UnnamedRequirement,
      kind: e.parsedUrl?.kind,
      path:
        e.parsedUrl !== undefined && "installPath" in e.parsedUrl ? e.parsedUrl.installPath : "",
      extras: e.requirement.extras,
      marker: e.requirement.marker.toString(),
    }));
    const entry = (version: string, extras: string[], marker: string) => ({
      unnamed: true,
      kind: "path",
      path: join(dir, `importlib_metadata-${version}-py3-none-any.whl`),
      extras,
      marker,
    });
    expect(summary).toEqual([
      entry("8.3.0", [], ""),
      entry("8.2.0", [], "sys_platform == 'win32'"),
      entry("8.2.0", ["extra"], ""),
      entry("8.2.0+local", [], ""),
      entry("8.2.0+local", [], "sys_platform == 'win32'"),
      entry("8.2.0+local", ["extra"], ""),
    ]);
  });

  it("reads_utf16_and_bom_files", async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("flask\n")]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("numpy==1.0\r\n", "utf16le"),
    ]);
    await writeFile(join(dir, "bom.txt"), bom);
    await writeFile(join(dir, "utf16.txt"), utf16);
    const a = await parseRequirementsTxt("bom.txt", { workingDir: dir, env: {} });
    const b = await parseRequirementsTxt("utf16.txt", { workingDir: dir, env: {} });
    expect(names(a.requirements)).toEqual(["flask"]);
    expect(names(b.requirements)).toEqual(["numpy==1.0"]);
  });
});
