import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  removeAll,
  replaceSymlink,
  userDisplay,
  withTempDir,
  writeFileAtomic,
} from "../src/index.ts";

const scratch = () => mkdtemp(join(tmpdir(), "uv-ts-fs-test-"));

describe("writeFileAtomic", () => {
  it("writes_and_replaces_a_file_without_leaving_temporaries", async () => {
    const dir = await scratch();
    const path = join(dir, "data.json");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(readdirSync(dir)).toEqual(["data.json"]);
    await removeAll(dir);
  });

  it("writes_pieces_in_order_without_joining_them_first", async () => {
    const dir = await scratch();
    const path = join(dir, "entry");
    const pieces = [
      Buffer.from("head\n"),
      new Uint8Array([1, 2, 3]),
      Buffer.alloc(0),
      Buffer.from("tail"),
    ];
    await writeFileAtomic(path, pieces);
    expect(readFileSync(path)).toEqual(Buffer.concat(pieces));
    expect(readdirSync(dir)).toEqual(["entry"]);
    await removeAll(dir);
  });

  it("applies_the_requested_mode", async () => {
    const dir = await scratch();
    const path = join(dir, "script");
    await writeFileAtomic(path, "#!/bin/sh\n", { mode: 0o755 });
    expect(statSync(path).mode & 0o777).toBe(0o755);
    await removeAll(dir);
  });

  it("fails_in_a_missing_directory_and_leaves_nothing", async () => {
    const dir = await scratch();
    await expect(writeFileAtomic(join(dir, "missing", "f"), "x")).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(readdirSync(dir)).toEqual([]);
    await removeAll(dir);
  });

  it.skipIf(process.getuid?.() === 0)("fails_in_a_read_only_directory", async () => {
    const dir = await scratch();
    await chmod(dir, 0o555);
    await expect(writeFileAtomic(join(dir, "f"), "x")).rejects.toMatchObject({ code: "EACCES" });
    await chmod(dir, 0o755);
    await removeAll(dir);
  });
});

describe("withTempDir", () => {
  it("removes_the_directory_after_success_and_after_failure", async () => {
    const parent = await scratch();
    let seen = "";
    const result = await withTempDir(
      async (dir) => {
        seen = dir;
        await writeFile(join(dir, "f"), "x");
        return 42;
      },
      { parent },
    );
    expect(result).toBe(42);
    expect(existsSync(seen)).toBe(false);
    await expect(
      withTempDir(
        async (dir) => {
          seen = dir;
          throw new Error("boom");
        },
        { parent },
      ),
    ).rejects.toThrow("boom");
    expect(existsSync(seen)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
    await removeAll(parent);
  });
});

describe("removeAll", () => {
  it("removes_trees_ignores_missing_paths_and_does_not_follow_symlinks", async () => {
    const dir = await scratch();
    const outside = await scratch();
    await writeFile(join(outside, "keep"), "x");
    await mkdir(join(dir, "a", "b"), { recursive: true });
    await writeFile(join(dir, "a", "b", "f"), "x");
    await symlink(outside, join(dir, "a", "link"));
    await removeAll(join(dir, "a"));
    expect(existsSync(join(dir, "a"))).toBe(false);
    expect(existsSync(join(outside, "keep"))).toBe(true);
    await removeAll(join(dir, "does-not-exist"));
    await removeAll(dir);
    await removeAll(outside);
  });
});

describe("replaceSymlink", () => {
  it("creates_and_replaces_links", async () => {
    const dir = await scratch();
    const link = join(dir, "python");
    await replaceSymlink("/usr/bin/one", link);
    expect(readlinkSync(link)).toBe("/usr/bin/one");
    await replaceSymlink("two", link);
    expect(readlinkSync(link)).toBe("two");
    await writeFile(join(dir, "file"), "x");
    await replaceSymlink("three", join(dir, "file"));
    expect(lstatSync(join(dir, "file")).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["file", "python"]);
    await removeAll(dir);
  });
});

describe("userDisplay", () => {
  it("shows_paths_below_the_working_directory_relative_to_it", () => {
    expect(userDisplay("/home/me/project/.venv", "/home/me/project")).toBe(".venv");
    expect(userDisplay("/home/me/project", "/home/me/project")).toBe(".");
    expect(userDisplay("/home/me/projects/x", "/home/me/project")).toBe("/home/me/projects/x");
    expect(userDisplay("relative/path", "/home/me")).toBe("relative/path");
    expect(userDisplay("/usr/bin/python3", "/")).toBe("/usr/bin/python3");
  });
});
