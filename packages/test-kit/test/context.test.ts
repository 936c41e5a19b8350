import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { UV_TS_BIN } from "../src/command.ts";
import { TestContext } from "../src/context.ts";

/** Runs `body` with `vars` set in `process.env`, restoring the previous values afterwards. */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("TestContext layout", () => {
  it("makes the temp root with its directories and a .git placeholder", async () => {
    const ctx = await TestContext.create();
    try {
      expect(ctx.root.startsWith(join(realpathSync(tmpdir()), "uv-ts-test-"))).toBe(true);
      for (const dir of ["temp", "cache", "home", "bin", "python", ".git"]) {
        expect(statSync(join(ctx.root, dir)).isDirectory(), dir).toBe(true);
      }
      expect(ctx.tempDir).toBe(join(ctx.root, "temp"));
      expect(ctx.venv).toBe(join(ctx.root, "temp", ".venv"));
    } finally {
      await ctx.cleanup();
    }
    expect(existsSync(ctx.root)).toBe(false);
    await ctx.cleanup();
  });

  it("cleans up at the end of an `await using` scope", async () => {
    let root: string;
    {
      await using ctx = await TestContext.create();
      root = ctx.root;
      expect(existsSync(root)).toBe(true);
    }
    expect(existsSync(root)).toBe(false);
  });

  it("puts a failing `git` first on PATH when the git feature is off", async () => {
    await withEnv({ UV_TS_TEST_FEATURES: "slow" }, async () => {
      await using ctx = await TestContext.create();
      const result = spawnSync("git", ["status"], { env: ctx.env(), encoding: "utf8" });
      expect(result.status).toBe(127);
      expect(result.stderr).toContain("`git` operations are not allowed");
    });
    await withEnv({ UV_TS_TEST_FEATURES: "git" }, async () => {
      await using ctx = await TestContext.create();
      expect(existsSync(join(ctx.binDir, "git"))).toBe(false);
    });
  });

  it("refuses an interpreter it cannot find before creating anything", async () => {
    await withEnv({ UV_TS_TEST_PYTHON_ROOT: "/nonexistent" }, async () => {
      await expect(TestContext.create({ python: ["3.12"] })).rejects.toThrow(
        /Could not find Python 3\.12/,
      );
    });
  });
});

describe("TestContext commands", () => {
  it("runs the bundled CLI under this Node in temp/", async () => {
    await using ctx = await TestContext.create({ env: { EXTRA: "1" } });
    const spec = ctx.command(["--version"]);
    expect(spec.program).toBe(process.execPath);
    expect(spec.args).toEqual([UV_TS_BIN, "--version"]);
    expect(spec.cwd).toBe(ctx.tempDir);
    expect(spec.env.UV_CACHE_DIR).toBe(ctx.cacheDir);
    expect(spec.env.EXTRA).toBe("1");
    expect(ctx.command([], { cwd: "sub/dir" }).cwd).toBe(join(ctx.tempDir, "sub", "dir"));
  });

  it("activates the venv as uv's harness does, unless told otherwise", async () => {
    await using ctx = await TestContext.create();
    expect(ctx.command(["pip", "list"]).env.VIRTUAL_ENV).toBe(ctx.venv);
    expect(ctx.command(["venv"]).env.VIRTUAL_ENV).toBeUndefined();
    expect(ctx.command(["sync"], { activateVenv: true }).env.VIRTUAL_ENV).toBe(ctx.venv);
    expect(ctx.command(["run", "x"]).env.UV_SHOW_RESOLUTION).toBe("1");
    expect(
      ctx.command(["pip", "list"], { env: { VIRTUAL_ENV: undefined } }).env,
    ).not.toHaveProperty("VIRTUAL_ENV");
  });

  it("snapshots any process with the context's filters", async () => {
    await using ctx = await TestContext.create();
    const spec = {
      ...ctx.command([]),
      program: "sh",
      args: ["-c", 'echo "cwd: $PWD"; echo "Resolved 1 package in 12ms" >&2; exit 2'],
    };
    expect(await ctx.snapshotCommand(spec)).toBe(
      "exit_code: 2 (failure)\n----- stdout -----\ncwd: [TEMP_DIR]/\n\n----- stderr -----\nResolved 1 package in [TIME]\n",
    );
  });
});

describe("TestContext filters", () => {
  it("replaces the context's paths, most specific first", async () => {
    await using ctx = await TestContext.create();
    const text = [
      `${ctx.venv}/bin/python`,
      `${ctx.tempDir}/pyproject.toml`,
      `${ctx.cacheDir}/wheels-v5`,
      `${ctx.homeDir}/.config/uv/uv.toml`,
      `${ctx.homeDir}/.gitconfig`,
      `${ctx.binDir}/git`,
      `${tmpdir()}/.tmpAbC12/x`,
      `${tmpdir()}/other-dir/x`,
      "http://127.0.0.1:41234/simple/",
      "file:///somewhere",
      "Installed 2 packages in 3ms  ",
    ].join("\n");
    expect(ctx.filterText(text)).toBe(
      [
        "[VENV]/bin/python",
        "[TEMP_DIR]/pyproject.toml",
        "[CACHE_DIR]/wheels-v5",
        "[UV_USER_CONFIG_DIR]/uv.toml",
        "[HOME]/.gitconfig",
        "[BIN]/git",
        "[TMP]/x",
        "[TMP]/x",
        "http://[LOCALHOST]/simple/",
        "file://somewhere",
        "Installed 2 packages in [TIME]  ",
      ].join("\n"),
    );
  });

  it("adds per-test filters after the context's own", async () => {
    await using ctx = await TestContext.create();
    ctx.withFilter(/\[TEMP_DIR\]\/(\w+)/, "<$1>").withFilteredCounts();
    expect(ctx.filterText(`${ctx.tempDir}/foo Resolved 3 packages`)).toBe(
      "<foo> Resolved [N] packages",
    );
  });

  it("matches paths through a symlinked temp directory", async () => {
    const real = realpathSync(mkdtempSync(join(tmpdir(), "uv-ts-real-")));
    const link = `${real}-link`;
    symlinkSync(real, link);
    try {
      await withEnv({ TMPDIR: link }, async () => {
        await using ctx = await TestContext.create();
        expect(ctx.root.startsWith(real)).toBe(true);
        const aliased = join(link, basename(ctx.root), "temp", "x");
        expect(ctx.filterText(`${aliased} ${ctx.tempDir}/y`)).toBe("[TEMP_DIR]/x [TEMP_DIR]/y");
      });
    } finally {
      rmSync(link, { force: true });
      rmSync(real, { recursive: true, force: true });
    }
  });

  it("reads files relative to temp/, filtered", async () => {
    await using ctx = await TestContext.create();
    await ctx.writeFile("sub/out.txt", `home = ${ctx.homeDir}\ncache = ${ctx.cacheDir}\n`);
    expect(await ctx.readFile("sub/out.txt")).toBe("home = [HOME]/\ncache = [CACHE_DIR]/\n");
  });
});
