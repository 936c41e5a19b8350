// `uv-ts pip sync` links the cached wheels of `==` pins into a hidden directory of site-packages
// while the resolution still runs, and the install moves them into place (a scheduling choice
// of uv-ts; uv links after resolving). What the user sees, and the environment after the run,
// must be exactly what linking after the resolution gives, failures included.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertSnapshot,
  hasFeature,
  type IndexServer,
  type PackageSpec,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Enough missing packages for the early link thread (8), with nested files and a namespace
// directory (`plns/`) that every wheel shares.
const NAMES = Array.from({ length: 9 }, (_, i) => `pl-${i}`);
const PACKAGES: PackageSpec[] = NAMES.map((name, i) => ({
  name,
  versions: [
    {
      version: "1.0.0",
      wheels: ["py3-none-any"],
      files: {
        [`pl_${i}/__init__.py`]: `N = ${i}\n`,
        [`pl_${i}/sub/deep.py`]: `D = ${i}\n`,
        [`plns/part_${i}/__init__.py`]: `P = ${i}\n`,
      },
    },
  ],
}));
const PINS = `${NAMES.map((name) => `${name}==1.0.0`).join("\n")}\n`;

let server: IndexServer;

beforeAll(async () => {
  if (!hasFeature("python")) return;
  // Pages revalidated on every run, as behind a proxy that strips their `Cache-Control`: a held
  // back page holds the resolution back even with a warm cache.
  server = await startIndexServer({ packages: PACKAGES, pageCacheControl: "no-cache" });
});

afterAll(async () => {
  await server?.close();
});

const PRELINK = /^\.uv-ts-prelink-[0-9a-f]+$/;

/** The files in the hidden directories of site-packages, relative to it. */
function hidden(sitePackages: string): string[] {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(sitePackages, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const name of readdirSync(sitePackages)) if (PRELINK.test(name)) walk(name);
  return files;
}

/** A venv whose cache holds every wheel (installed once, then uninstalled). */
async function warmVenv(): Promise<TestContext> {
  const ctx = await TestContext.withVenv({ python: ["3.12"] });
  writeFileSync(join(ctx.tempDir, "requirements.txt"), PINS);
  const warm = await ctx.run(["pip", "sync", "requirements.txt", "-i", server.simpleUrl]);
  expect(warm.exitCode).toBe(0);
  const removed = await ctx.run(["pip", "uninstall", ...NAMES]);
  expect(removed.exitCode).toBe(0);
  expect(readdirSync(ctx.sitePackages()).filter((n) => n.startsWith("pl"))).toEqual([]);
  return ctx;
}

/** Polls `probe` until it returns something, for up to `ms`. */
async function within<T>(ms: number, probe: () => T | undefined): Promise<T | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe.skipIf(!hasFeature("python"))("pip sync, cached wheels linked while resolving", () => {
  it("links_cached_wheels_before_the_resolution_ends", async () => {
    await using ctx = await warmVenv();
    const sitePackages = ctx.sitePackages();
    // The last page comes 2 s late: the resolution cannot end before.
    const slow = server.setFault({ kind: "slow", headersDelayMs: 2000, path: "/simple/pl-8/" });
    try {
      const running = ctx.snapshot(["pip", "sync", "requirements.txt", "-i", server.simpleUrl]);
      // Meanwhile the other wheels are linked, out of sight.
      const ahead = await within(1800, () => {
        const files = hidden(sitePackages);
        return files.some((f) => f.endsWith("/pl_0/sub/deep.py")) ? files : undefined;
      });
      expect(ahead, "files linked ahead").toBeDefined();
      expect(readdirSync(sitePackages).filter((n) => n.startsWith("pl"))).toEqual([]);
      assertSnapshot(
        await running,
        `
        exit_code: 0 (success)
        ----- stderr -----
        Resolved 9 packages in [TIME]
        Installed 9 packages in [TIME]
         + pl-0==1.0.0
         + pl-1==1.0.0
         + pl-2==1.0.0
         + pl-3==1.0.0
         + pl-4==1.0.0
         + pl-5==1.0.0
         + pl-6==1.0.0
         + pl-7==1.0.0
         + pl-8==1.0.0
        `,
      );
    } finally {
      slow.remove();
    }
    expect(slow.hits).toBeGreaterThan(0);
    // Nothing hidden is left, and everything is in place and importable.
    expect(readdirSync(sitePackages).filter((n) => n.startsWith("."))).toEqual([]);
    const check = await ctx.run(["pip", "freeze"]);
    expect(check.stdout).toBe(`${NAMES.map((n) => `${n}==1.0.0`).join("\n")}\n`);
    const imported = execFileSync(
      join(ctx.venv, "bin", "python"),
      [
        "-c",
        "import pl_0.sub.deep, pl_8.sub.deep, plns.part_0, plns.part_8; print(pl_8.sub.deep.D)",
      ],
      { encoding: "utf8" },
    );
    expect(imported.trim()).toBe("8");
  }, 30_000);

  it("a_failed_resolution_leaves_the_environment_as_it_was", async () => {
    await using ctx = await warmVenv();
    const sitePackages = ctx.sitePackages();
    writeFileSync(join(ctx.tempDir, "requirements.txt"), `${PINS}pl-missing==1.0.0\n`);
    // The failing page comes late: the wheels are linked ahead before the resolution fails.
    const slow = server.setFault({
      kind: "slow",
      headersDelayMs: 1500,
      path: "/simple/pl-missing/",
    });
    const before = readdirSync(sitePackages).sort();
    try {
      const running = ctx.snapshot(["pip", "sync", "requirements.txt", "-i", server.simpleUrl]);
      const ahead = await within(1400, () => (hidden(sitePackages).length > 0 ? true : undefined));
      expect(ahead, "files linked ahead").toBe(true);
      assertSnapshot(
        await running,
        `
        exit_code: 1 (failure)
        ----- stderr -----
        error: No solution found when resolving dependencies
          cause: Because pl-missing was not found in the package registry and you require pl-missing==1.0.0, we can conclude that your requirements are unsatisfiable.
        `,
      );
    } finally {
      slow.remove();
    }
    expect(readdirSync(sitePackages).sort()).toEqual(before);
  }, 30_000);

  it("removes_what_a_killed_run_linked_ahead", async () => {
    await using ctx = await warmVenv();
    const sitePackages = ctx.sitePackages();
    const leftover = join(sitePackages, ".uv-ts-prelink-0123456789ab");
    mkdirSync(join(leftover, "3", "pl_3"), { recursive: true });
    writeFileSync(join(leftover, "3", "pl_3", "__init__.py"), "N = 3\n");
    // A dry run changes nothing.
    const dry = await ctx.run([
      "pip",
      "sync",
      "requirements.txt",
      "--dry-run",
      "-i",
      server.simpleUrl,
    ]);
    expect(dry.exitCode).toBe(0);
    expect(existsSync(leftover)).toBe(true);
    const run = await ctx.run(["pip", "sync", "requirements.txt", "-i", server.simpleUrl]);
    expect(run.exitCode).toBe(0);
    expect(existsSync(leftover)).toBe(false);
    expect(readdirSync(sitePackages).filter((n) => n.startsWith("."))).toEqual([]);
  }, 30_000);
});
