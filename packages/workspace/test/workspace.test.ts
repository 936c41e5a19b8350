import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverWorkspace, expandGlob, globMatchesPath, WorkspaceError } from "../src/index.ts";

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "uv-ts-workspace-")));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

const project = (name: string, extra = "") =>
  `[project]\nname = "${name}"\nversion = "0.1.0"\n${extra}`;

describe("discoverWorkspace", () => {
  it("finds an explicit root and its members, ignoring the given paths", async () => {
    await write(
      "pyproject.toml",
      `${project("root")}\n[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/skip"]\n`,
    );
    await write("packages/a/pyproject.toml", project("a", 'requires-python = ">=3.11"\n'));
    await write("packages/skip/README.md", "not a project");
    await write("packages/new/.keep", "");
    const ws = await discoverWorkspace(join(root, "packages"), {
      cwd: root,
      ignore: new Set([join(root, "packages/new")]),
    });
    expect(ws.installPath).toBe(root);
    expect(ws.members.map((m) => m.pyproject.project?.name)).toEqual(["root", "a"]);
    expect(ws.requiresPython()).toEqual([">=3.11"]);
    expect(ws.includes(join(root, "packages/new"))).toBe(true);
    expect(ws.includes(join(root, "packages/new/sub"))).toBe(false);
    expect(ws.excludes(join(root, "packages/skip"))).toBe(true);
  });

  it("treats a lone project as its own implicit root", async () => {
    await write("pyproject.toml", project("root"));
    const ws = await discoverWorkspace(root, { cwd: root });
    expect(ws.installPath).toBe(root);
    expect(ws.pyproject.workspace).toBeUndefined();
    expect(ws.includes(join(root, "foo"))).toBe(false);
  });

  it("walks up from a member to the workspace that includes it", async () => {
    await write("pyproject.toml", '[tool.uv.workspace]\nmembers = ["foo"]\n');
    await write("foo/pyproject.toml", project("foo"));
    const ws = await discoverWorkspace(join(root, "foo"), { cwd: root });
    expect(ws.installPath).toBe(root);
  });

  it("reports uv's errors", async () => {
    await expect(discoverWorkspace(root, { cwd: root })).rejects.toMatchObject({
      kind: "missing-pyproject",
    });
    await write("pyproject.toml", "[tool.black]\n");
    await expect(discoverWorkspace(root, { cwd: root })).rejects.toThrow(
      `No \`project\` table found in: ${root}/pyproject.toml`,
    );
    await write("pyproject.toml", `${project("x")}[tool.uv]\nmanaged = false\n`);
    await expect(discoverWorkspace(root, { cwd: root })).rejects.toMatchObject({
      kind: "non-workspace",
    });
    await write("pyproject.toml", "[project\n");
    const error = await discoverWorkspace(root, { cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceError);
    expect((error as Error).message).toBe("Failed to parse: pyproject.toml");
  });

  it("requires a pyproject.toml in member directories with files", async () => {
    await write("pyproject.toml", '[tool.uv.workspace]\nmembers = ["*"]\n');
    await write("empty/.keep", "");
    await expect(discoverWorkspace(root, { cwd: root })).rejects.toThrow(
      `Workspace member \`${root}/empty\` is missing a \`pyproject.toml\` (matches: \`*\`)`,
    );
  });
});

describe("globs", () => {
  it("match exclusions across separators, as the glob crate's matches_path", () => {
    expect(globMatchesPath("pk*", "pkg/sub")).toBe(true);
    expect(globMatchesPath("packages/[!a]*", "packages/b")).toBe(true);
    expect(globMatchesPath("packages/[!a]*", "packages/a")).toBe(false);
    expect(globMatchesPath("**/x", "a/b/x")).toBe(true);
    expect(globMatchesPath("?", "ab")).toBe(false);
  });

  it("expand member globs one component at a time", async () => {
    await write("packages/a/x/pyproject.toml", "");
    await write("packages/b/pyproject.toml", "");
    await write("packages/file.txt", "");
    expect(await expandGlob(root, "packages/*")).toEqual([
      join(root, "packages/a"),
      join(root, "packages/b"),
      join(root, "packages/file.txt"),
    ]);
    expect(await expandGlob(root, "./packages/a/../b")).toEqual([join(root, "packages/b")]);
    expect(await expandGlob(root, "packages/**/x")).toEqual([join(root, "packages/a/x")]);
    expect(await expandGlob(root, "missing")).toEqual([]);
  });
});
