// `uv-ts pip check`, after uv's `crates/uv/tests/pip_check.rs`, against the local index server.
// The expected outputs are those of uv 0.13.8 on the same environments.
import { mkdirSync } from "node:fs";
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
  server = await startIndexServer({ scenarios: ["install-resolve"] });
});

afterAll(async () => {
  await server?.close();
});

const venvContext = () => TestContext.withVenv({ python: ["3.12"] });

describe.skipIf(!hasFeature("python"))("pip check", () => {
  it("check_compatible_packages", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "check"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 0 packages in [TIME]
      All installed packages are compatible
      `,
    );
    const install = ["pip", "install", "ir-app", "ir-extra[cli]", "-i", server.simpleUrl];
    expect((await ctx.run(install)).exitCode).toBe(0);
    assertSnapshot(
      await ctx.snapshot(["pip", "check"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 5 packages in [TIME]
      All installed packages are compatible
      `,
    );
  });

  it("check_missing_and_incompatible_dependencies", async () => {
    await using ctx = await venvContext();
    const index = ["-i", server.simpleUrl];
    expect(
      (await ctx.run(["pip", "install", "ir-app==2.0.0", "--no-deps", ...index])).exitCode,
    ).toBe(0);
    assertSnapshot(
      await ctx.snapshot(["pip", "check"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Checked 1 package in [TIME]
      Found 2 incompatibilities
      The package \`ir-app\` requires \`ir-lib>=2.0\`, but it's not installed
      The package \`ir-app\` requires \`ir-util\`, but it's not installed
      `,
    );
    expect((await ctx.run(["pip", "install", "ir-lib==1.0.0", "ir-util", ...index])).exitCode).toBe(
      0,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "check"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Checked 3 packages in [TIME]
      Found 1 incompatibility
      The package \`ir-app\` requires \`ir-lib>=2.0\`, but \`1.0.0\` is installed
      `,
    );
    // Resolving again repairs the environment.
    expect((await ctx.run(["pip", "install", "ir-app", ...index])).exitCode).toBe(0);
    assertSnapshot(
      await ctx.snapshot(["pip", "check"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 3 packages in [TIME]
      All installed packages are compatible
      `,
    );
  });

  it("check_python_flag_and_markers", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    expect((await ctx.run(["venv", ".other", "--python", "3.12"])).exitCode).toBe(0);
    const index = ["-i", server.simpleUrl, "--python", ".other"];
    expect((await ctx.run(["pip", "install", "ir-marker", "--no-deps", ...index])).exitCode).toBe(
      0,
    );
    // Only the Linux-only dependency applies on this platform.
    assertSnapshot(
      await ctx.snapshot(["pip", "check", "--python", ".other"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Using Python 3.12.[X] environment at: .other
      Checked 1 package in [TIME]
      Found 1 incompatibility
      The package \`ir-marker\` requires \`ir-on-linux ; sys_platform == 'linux'\`, but it's not installed
      `,
    );
  });

  it("check_broken_distribution", async () => {
    await using ctx = await venvContext();
    expect((await ctx.run(["pip", "install", "ir-util", "-i", server.simpleUrl])).exitCode).toBe(0);
    // A `.dist-info` without `METADATA`.
    mkdirSync(join(ctx.sitePackages(), "ir_broken-1.0.0.dist-info"));
    assertSnapshot(
      await ctx.snapshot(["pip", "check"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Checked 2 packages in [TIME]
      Found 1 incompatibility
      The package \`ir-broken\` is broken or incomplete (unable to read \`METADATA\`). Consider recreating the virtualenv, or removing the package directory at: [SITE_PACKAGES]/ir_broken-1.0.0.dist-info.
      `,
    );
  });
});
