// `uv-ts cache dir|clean|prune`, after uv's `crates/uv/tests/build/cache_{clean,prune}.rs`.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertSnapshot, TestContext } from "@uv-ts/test-kit";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

async function write(path: string, contents = "x"): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, contents);
}

/** An unpacked wheel in the archive store and a pointer to it, as the installer leaves them. */
async function cachedWheel(ctx: TestContext, index: string, name: string, id: string) {
  await write(join(ctx.cacheDir, "archive-v0", id, name, "__init__.py"), "");
  await write(join(ctx.cacheDir, "archive-v0", id, `${name}-1.0.dist-info`, "RECORD"), "");
  await write(
    join(ctx.cacheDir, "wheels-v0", index, name, `${name}-1.0-py3-none-any.pointer`),
    JSON.stringify({
      version: 0,
      archive: id,
      filename: `${name}-1.0-py3-none-any.whl`,
      hashes: [],
    }),
  );
  await write(join(ctx.cacheDir, "wheels-v0", index, name, `${name}-1.0-py3-none-any.json`), "{}");
  await write(join(ctx.cacheDir, "simple-v0", index, `${name}.json`), "{}");
}

const sizes = (ctx: TestContext) =>
  ctx.withFilter(/\((?:at least )?\d+(?:\.\d+)?(?:B|KiB|MiB|GiB)\)/, "([SIZE])");

describe("cache", () => {
  let scratch: string;
  let holderScript: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "uv-ts-cache-it-"));
    holderScript = join(scratch, "lock-holder.mjs");
    // Another process holding the cache lock, with the real lock implementation.
    await build({
      entryPoints: [
        fileURLToPath(new URL("../../packages/fs/test/fixtures/lock-holder.ts", import.meta.url)),
      ],
      outfile: holderScript,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "silent",
    });
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function holdLock(path: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [holderScript, "hold", path, "shared"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    child.stdout!.setEncoding("utf8");
    const [line] = await once(child.stdout!, "data");
    expect(line).toBe("acquired\n");
    return child;
  }

  it("cache_dir", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["cache", "dir"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [CACHE_DIR]/
      `,
    );
  });

  it("cache_dir_no_cache_is_temporary", async () => {
    await using ctx = await TestContext.create();
    const output = await ctx.run(["cache", "dir", "--no-cache"]);
    expect(output.exitCode).toBe(0);
    const dir = output.stdout.trim();
    expect(dir).not.toBe(ctx.cacheDir);
    expect(existsSync(dir)).toBe(false);
  });

  it("clean_no_cache_found", async () => {
    await using ctx = await TestContext.create();
    await rm(ctx.cacheDir, { recursive: true });
    assertSnapshot(
      await ctx.snapshot(["cache", "clean"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      No cache found at: [CACHE_DIR]/
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["cache", "prune"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      No cache found at: [CACHE_DIR]/
      `,
    );
  });

  it("clean_empty", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["cache", "clean"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Clearing cache at: [CACHE_DIR]/
      No cache entries found
      `,
    );
  });

  it("clean_all", async () => {
    await using ctx = sizes(await TestContext.create());
    await cachedWheel(ctx, "0123456789abcdef", "iniconfig", "AAAAAAAAAAAAAAAA");
    await write(join(ctx.cacheDir, "interpreter-v0", "ab", "cd.json"), "{}");
    assertSnapshot(
      await ctx.snapshot(["cache", "clean", "--verbose"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Clearing cache at: [CACHE_DIR]/
      Removed 6 files ([SIZE])
      `,
    );
    // The root and its lock stay, as with uv 0.13.
    expect(readdirSync(ctx.cacheDir)).toEqual([".lock"]);
    // `cache clear` is an alias.
    await write(join(ctx.cacheDir, "simple-v0", "x.json"), "{}");
    assertSnapshot(
      await ctx.snapshot(["cache", "clear"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Clearing cache at: [CACHE_DIR]/
      Removed 1 file ([SIZE])
      `,
    );
    await mkdir(join(ctx.cacheDir, "empty-v0"));
    assertSnapshot(
      await ctx.snapshot(["cache", "clean"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Clearing cache at: [CACHE_DIR]/
      Removed 1 directory ([SIZE])
      `,
    );
  });

  it("clean_package", async () => {
    await using ctx = sizes(await TestContext.create());
    await cachedWheel(ctx, "0123456789abcdef", "iniconfig", "AAAAAAAAAAAAAAAA");
    await cachedWheel(ctx, "0123456789abcdef", "anyio", "BBBBBBBBBBBBBBBB");
    assertSnapshot(
      await ctx.snapshot(["cache", "clean", "iniconfig"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Removed 5 files ([SIZE])
      `,
    );
    expect(readdirSync(join(ctx.cacheDir, "archive-v0"))).toEqual(["BBBBBBBBBBBBBBBB"]);
    expect(readdirSync(join(ctx.cacheDir, "simple-v0", "0123456789abcdef"))).toEqual([
      "anyio.json",
    ]);
    // Names are normalised; nothing left for this one.
    assertSnapshot(
      await ctx.snapshot(["cache", "clean", "IniConfig"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      No cache entries found
      `,
    );
    // Running `cache prune` afterwards has no effect.
    assertSnapshot(
      await ctx.snapshot(["cache", "prune"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Pruning cache at: [CACHE_DIR]/
      No unused entries found
      `,
    );
  });

  it("clean_invalid_package_name", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["cache", "clean", "foo bar"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: invalid value 'foo bar' for '[PACKAGE]...': Not a valid package or extra name: "foo bar". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.

      For more information, try '--help'.
      `,
    );
  });

  it("prune_stale_directory_and_symlink", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["cache", "prune"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Pruning cache at: [CACHE_DIR]/
      No unused entries found
      `,
    );
    await mkdir(join(ctx.cacheDir, "simple-v4"));
    assertSnapshot(
      await ctx.snapshot(["cache", "prune"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Pruning cache at: [CACHE_DIR]/
      Removed 1 directory (0B)
      `,
    );
    // A pointer whose entry was removed leaves its archive dangling.
    await cachedWheel(ctx, "0123456789abcdef", "anyio", "BBBBBBBBBBBBBBBB");
    await rm(join(ctx.cacheDir, "wheels-v0"), { recursive: true });
    await symlink(ctx.tempDir, join(ctx.cacheDir, "escape"));
    assertSnapshot(
      await sizes(ctx).snapshot(["cache", "prune"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Pruning cache at: [CACHE_DIR]/
      Removed 3 files ([SIZE])
      `,
    );
    expect(existsSync(ctx.tempDir)).toBe(true);
    expect(readdirSync(join(ctx.cacheDir, "archive-v0"))).toEqual([]);
  });

  it("cache_timeout_and_force", async () => {
    await using ctx = await TestContext.create();
    await write(join(ctx.cacheDir, "simple-v0", "x.json"), "{}");
    const holder = await holdLock(join(ctx.cacheDir, ".lock"));
    try {
      assertSnapshot(
        await ctx.snapshot(["cache", "clean"], { env: { UV_LOCK_TIMEOUT: "1" } }),
        `
        exit_code: 2 (failure)
        ----- stderr -----
        Cache is currently in-use, waiting for other uv processes to finish (use \`--force\` to override)
        error: Timeout ([TIME]) when waiting for lock on \`[CACHE_DIR]/\` at \`[CACHE_DIR]/.lock\`, is another uv process running? You can set \`UV_LOCK_TIMEOUT\` to increase the timeout.
        `,
      );
      assertSnapshot(
        await ctx.snapshot(["cache", "prune"], { env: { UV_LOCK_TIMEOUT: "1" } }),
        `
        exit_code: 2 (failure)
        ----- stderr -----
        Cache is currently in-use, waiting for other uv processes to finish (use \`--force\` to override)
        error: Timeout ([TIME]) when waiting for lock on \`[CACHE_DIR]/\` at \`[CACHE_DIR]/.lock\`, is another uv process running? You can set \`UV_LOCK_TIMEOUT\` to increase the timeout.
        `,
      );
      assertSnapshot(
        await sizes(ctx).snapshot(["cache", "clean", "--force"]),
        `
        exit_code: 0 (success)
        ----- stderr -----
        Clearing cache at: [CACHE_DIR]/
        Removed 1 file ([SIZE])
        `,
      );
    } finally {
      const exited = once(holder, "exit");
      holder.stdin!.end("release\n");
      await exited;
    }
  });
});
