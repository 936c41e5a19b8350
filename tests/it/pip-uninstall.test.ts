// `uv-ts pip uninstall`, after uv's `crates/uv/tests/pip_uninstall.rs`.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  assertSnapshot,
  hasFeature,
  type IndexServer,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: IndexServer;

beforeAll(async () => {
  if (!hasFeature("python")) return;
  server = await startIndexServer({ scenarios: ["basic", "entry-points"] });
});

afterAll(async () => {
  await server?.close();
});

/** A venv holding `dep-b` and `hello-pkg`. */
async function installedContext(): Promise<TestContext> {
  const ctx = await TestContext.create({ python: ["3.12"] });
  await ctx.createVenv();
  const output = await ctx.run([
    "pip",
    "install",
    "dep-b==1.0.0",
    "hello-pkg==1.0.0",
    "-i",
    server.simpleUrl,
  ]);
  expect(output.exitCode).toBe(0);
  return ctx;
}

describe.skipIf(!hasFeature("python"))("pip uninstall", () => {
  it("uninstall_then_not_installed", async () => {
    await using ctx = await installedContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "hello-pkg", "dep-b", "--dry-run"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Would uninstall 2 packages
       - dep-b==1.0.0
       - hello-pkg==1.0.0
      `,
    );
    expect(existsSync(join(ctx.venv, "bin", "hello"))).toBe(true);
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "hello-pkg", "dep-b"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Uninstalled 2 packages in [TIME]
       - dep-b==1.0.0
       - hello-pkg==1.0.0
      `,
    );
    // Scripts, modules and metadata are gone; nothing but the venv's own files remain.
    expect(existsSync(join(ctx.venv, "bin", "hello"))).toBe(false);
    expect(existsSync(join(ctx.venv, "bin", "hello-data"))).toBe(false);
    expect(readdirSync(ctx.sitePackages())).toEqual([]);
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "hello-pkg"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      warning: Skipping hello-pkg as it is not installed
      warning: No packages to uninstall
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "hello-pkg", "--dry-run"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Would make no changes
      `,
    );
  });

  it("uninstall_from_requirements_file", async () => {
    await using ctx = await installedContext();
    await ctx.writeFile("requirements.txt", "hello-pkg>=1.0\n");
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "-r", "requirements.txt"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Uninstalled 1 package in [TIME]
       - hello-pkg==1.0.0
      `,
    );
  });

  it("uninstall_missing_venv", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "dep-b"], { activateVenv: false }),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No virtual environment found; run \`uv venv\` to create an environment, or pass \`--system\` to install into a non-virtual environment
      `,
    );
  });
});
