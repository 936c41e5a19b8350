// Reliability §5 B4, C and D through the CLI: concurrent `uv-ts pip sync` into one venv and one
// cache, lock holders killed with SIGKILL, failpoints after each install step, and a loop of
// random-time SIGKILLs followed by repairing runs. Every test ends with the invariants: the
// environment is exactly the intended set, `pip check` is clean, no staging or temp directory
// survives in site-packages or the cache.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertSnapshot,
  type CommandOutput,
  hasFeature,
  type IndexServer,
  runCommand,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveIds, distInfos, listTree, strays } from "./pip-reliability-support.ts";

let server: IndexServer;

beforeAll(async () => {
  if (!hasFeature("python")) return;
  server = await startIndexServer({ scenarios: ["reliability-many", "basic", "entry-points"] });
});

afterAll(async () => {
  await server?.close();
});

const many = (n: number) =>
  Array.from({ length: n }, (_, i) => `rel-many-${String(i + 1).padStart(2, "0")}==1.0.0`);

const venvContext = () =>
  TestContext.withVenv({
    python: ["3.12"],
    env: { UV_TEST_NO_HTTP_RETRY_DELAY: "1" },
  });

/** `pip freeze` of the venv at `venv` (default: the context's). */
async function freeze(ctx: TestContext, venv = ctx.venv): Promise<string> {
  const out = await ctx.run(["pip", "freeze"], { env: { VIRTUAL_ENV: venv } });
  expect(out.exitCode, out.stderr).toBe(0);
  return out.stdout;
}

/** The environment is exactly `requirements`, consistent, and free of leftovers. */
async function assertEnvironment(ctx: TestContext, requirements: readonly string[]) {
  expect(await freeze(ctx)).toBe(
    [...requirements]
      .sort()
      .map((r) => `${r}\n`)
      .join(""),
  );
  expect(distInfos(ctx)).toHaveLength(requirements.length);
  await assertConsistent(ctx);
}

/** `pip check` is clean and no staging or temp directory is left anywhere. */
async function assertConsistent(ctx: TestContext) {
  const check = await ctx.run(["pip", "check"]);
  expect(check.exitCode, check.stderr).toBe(0);
  expect(strays(ctx)).toEqual({ cache: [], sitePackages: [] });
  // No hidden temp files next to scripts either.
  expect(readdirSync(join(ctx.venv, "bin")).filter((n) => n.startsWith("."))).toEqual([]);
}

/** Site-packages and scripts without bytecode caches: what "the same end state" compares. */
function installedTree(ctx: TestContext): string[] {
  return [
    ...listTree(ctx.sitePackages(), (rel) => rel.endsWith("__pycache__")),
    ...listTree(join(ctx.venv, "bin")),
  ];
}

describe.skipIf(!hasFeature("python"))("pip sync: concurrency and interruption", () => {
  it("c1_parallel_syncs_into_one_venv", async () => {
    await using ctx = await venvContext();
    const requirements = many(10);
    await ctx.writeFile("requirements.txt", `${requirements.join("\n")}\n`);
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    const runs = await Promise.all(Array.from({ length: 6 }, () => ctx.run(args)));
    for (const run of runs) expect(run.exitCode, run.stderr).toBe(0);
    // Exactly one process installed the packages; the others found them installed.
    const installers = runs.filter((r) => r.stderr.includes("Installed 10 packages"));
    expect(installers).toHaveLength(1);
    for (const run of runs) {
      if (run !== installers[0]) expect(run.stderr).toMatch(/(Checked|Resolved) 10 packages/);
      expect(run.stderr).not.toMatch(/error|ENOENT|EEXIST/);
    }
    await assertEnvironment(ctx, requirements);
  });

  it("c4_two_venvs_one_cold_cache", async () => {
    await using ctx = await venvContext();
    const requirements = many(10);
    await ctx.writeFile("requirements.txt", `${requirements.join("\n")}\n`);
    const second = join(ctx.tempDir, "second");
    const venv = await ctx.run(["venv", second, "--python", ctx.pythonPath()]);
    expect(venv.exitCode, venv.stderr).toBe(0);
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    const [a, b] = await Promise.all([
      ctx.run(args),
      ctx.run(args, { env: { VIRTUAL_ENV: second } }),
    ]);
    expect(a?.exitCode, a?.stderr).toBe(0);
    expect(b?.exitCode, b?.stderr).toBe(0);
    const expected = (await freeze(ctx)).trim().split("\n");
    expect(expected).toEqual(requirements);
    expect(await freeze(ctx, second)).toBe(await freeze(ctx));
    await assertEnvironment(ctx, requirements);
    // Each wheel's pointer names one complete archive; a racing loser's copy is only prunable.
    const prune = await ctx.run(["cache", "prune"]);
    expect(prune.exitCode, prune.stderr).toBe(0);
    expect(archiveIds(ctx)).toHaveLength(10);
    // Both venvs still import from what the pointers reference (hard links or copies survive).
    const again = await ctx.run(args, { env: { VIRTUAL_ENV: second } });
    expect(again.stderr).toContain("Checked 10 packages");
  });

  it("c3_killed_lock_holders_do_not_block", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\nhello-pkg==1.0.0\n");
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    // Killed while holding the environment lock (and the shared cache lock).
    const killed = await ctx.run(args, { env: { UV_TS_FAILPOINT: "after-scripts:hello-pkg" } });
    expect(killed.signal).toBe("SIGKILL");
    // With a one-second timeout, a lock left behind by the dead process would fail these.
    assertSnapshot(
      await ctx.snapshot(args, { env: { UV_LOCK_TIMEOUT: "1" } }),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Installed 1 package in [TIME]
       + hello-pkg==1.0.0
      `,
    );
    await assertEnvironment(ctx, ["dep-b==1.0.0", "hello-pkg==1.0.0"]);
    const again = await ctx.run(args, { env: { UV_TS_FAILPOINT: "after-dist-info:dep-b" } });
    expect(again.exitCode).toBe(0);
    // `cache clean` needs the exclusive lock: the dead process's shared one must not count.
    await ctx.run(
      ["pip", "sync", "requirements.txt", "--reinstall", "--index-url", server.simpleUrl],
      {
        env: { UV_TS_FAILPOINT: "after-link:dep-b" },
      },
    );
    const clean = await ctx.run(["cache", "clean"], { env: { UV_LOCK_TIMEOUT: "1" } });
    expect(clean.exitCode, clean.stderr).toBe(0);
  });

  it("d1_killed_after_each_install_step_then_repaired", async () => {
    await using ctx = await venvContext();
    const requirements = ["dep-b==1.0.0", "hello-pkg==1.0.0"];
    await ctx.writeFile("requirements.txt", `${requirements.join("\n")}\n`);
    await ctx.writeFile("empty.txt", "dep-b==1.0.0\n");
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    const reset = ["pip", "sync", "empty.txt", "--index-url", server.simpleUrl];
    expect((await ctx.run(args)).exitCode).toBe(0);
    const reference = installedTree(ctx);
    for (const step of ["staged", "link", "data", "scripts", "dist-info"]) {
      expect((await ctx.run(reset)).exitCode).toBe(0);
      const killed = await ctx.run(args, { env: { UV_TS_FAILPOINT: `after-${step}:hello-pkg` } });
      expect(killed.signal, step).toBe("SIGKILL");
      const repaired = await ctx.run(args);
      expect(repaired.exitCode, repaired.stderr).toBe(0);
      expect(installedTree(ctx), step).toEqual(reference);
      await assertConsistent(ctx);
    }
    await assertEnvironment(ctx, requirements);
  });

  it("b4_cached_archive_without_digests_is_not_trusted", async () => {
    await using ctx = await venvContext();
    const sha = server.file("dep_b-1.0.0-py3-none-any.whl").sha256;
    await ctx.writeFile("plain.txt", "dep-b==1.0.0\n");
    await ctx.writeFile("hashed.txt", `dep-b==1.0.0 --hash=sha256:${sha}\n`);
    const index = ["--index-url", server.simpleUrl];
    expect((await ctx.run(["pip", "sync", "plain.txt", ...index])).exitCode).toBe(0);
    // Strip the digests from every pointer, as an older or foreign writer might have left them.
    const pointers = listTree(ctx.cacheDir).filter((p) => p.endsWith(".pointer"));
    expect(pointers).toHaveLength(1);
    for (const pointer of pointers) {
      const path = join(ctx.cacheDir, pointer);
      const text = readFileSync(path, "utf8");
      writeFileSync(path, text.replace(/"hashes":\[[^\]]*\]/, '"hashes":[]'));
      expect(readFileSync(path, "utf8")).not.toContain(sha);
    }
    await ctx.createVenv();
    const before = server.requests.filter((r) => r.pathname.endsWith(".whl")).length;
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "hashed.txt", "--require-hashes", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + dep-b==1.0.0
      `,
    );
    // The wheel was downloaded and verified again rather than trusted from the cache.
    expect(server.requests.filter((r) => r.pathname.endsWith(".whl")).length).toBe(before + 1);
    await assertEnvironment(ctx, ["dep-b==1.0.0"]);
  });
});

/** A small deterministic PRNG (mulberry32), so the loop's choices repeat from run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `uv-ts <args>` and SIGKILLs it after `delayMs` unless it finished first. */
function runAndKill(ctx: TestContext, args: readonly string[], delayMs: number) {
  const spec = ctx.command(args);
  return new Promise<{ killed: boolean; code: number | null }>((resolve, reject) => {
    const child = spawn(spec.program, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: "ignore",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === "SIGKILL", code });
    });
  });
}

describe.skipIf(!hasFeature("python") || !hasFeature("slow"))("pip sync: kill loop", () => {
  it("d2_random_sigkills_then_repair_converge", async () => {
    await using ctx = await venvContext();
    const requirements = many(15);
    await ctx.writeFile("requirements.txt", `${requirements.join("\n")}\n`);
    const index = ["--index-url", server.simpleUrl];
    const args = ["pip", "sync", "requirements.txt", ...index];
    // The reference end state, and how long a full sync from a cold cache takes here.
    const started = performance.now();
    const first: CommandOutput = await runCommand(ctx.command(args));
    const coldMs = performance.now() - started;
    expect(first.exitCode, first.stderr).toBe(0);
    const reference = installedTree(ctx);
    await assertEnvironment(ctx, requirements);

    // The other state the loop alternates with: about half the packages and an extraneous one,
    // so that every killed run has downloads, unpacking, uninstalls and installs to do.
    const random = prng(20260821);
    const other = [...requirements.filter(() => random() < 0.5), "dep-b==1.0.0"];
    await ctx.writeFile("other.txt", `${other.join("\n")}\n`);
    const otherArgs = ["pip", "sync", "other.txt", ...index];
    const otherFirst = await ctx.run(otherArgs);
    expect(otherFirst.exitCode, otherFirst.stderr).toBe(0);
    const otherReference = installedTree(ctx);
    await assertEnvironment(ctx, other);

    let kills = 0;
    const log: string[] = [];
    for (let round = 0; round < 10; round++) {
      const [target, expected] = round % 2 === 0 ? [args, reference] : [otherArgs, otherReference];
      // Every third round starts from a cold cache, so that kills also land in downloads.
      if (round % 3 === 0) rmSync(ctx.cacheDir, { recursive: true, force: true });
      // Warm runs are shorter than the cold one; kill within the span most runs need.
      const outcome = await runAndKill(ctx, target, Math.floor(random() * 0.7 * coldMs));
      log.push(outcome.killed ? "killed" : "finished");
      if (outcome.killed) kills++;
      else expect(outcome.code).toBe(0);
      const repaired = await ctx.run(target);
      expect(repaired.exitCode, `round ${round}: ${repaired.stderr}`).toBe(0);
      // The same paths as after a clean sync: no lost package, no orphaned file.
      expect(installedTree(ctx), `round ${round}`).toEqual(expected);
      await assertConsistent(ctx);
    }
    // The last round (odd) targeted the other state.
    await assertEnvironment(ctx, other);
    // Most rounds must actually have been interrupted for the loop to prove anything.
    expect(kills, log.join(", ")).toBeGreaterThanOrEqual(5);
  });
});
