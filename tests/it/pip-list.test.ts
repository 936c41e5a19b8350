// `uv-ts pip list`, after uv's `crates/uv/tests/pip/pip_list.rs`. Venvs are populated by hand or
// with the reference `uv pip install` from the local index; where uv is available, uv-ts's
// output is also compared with uv's on the same venv.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  assertSnapshot,
  hasFeature,
  type IndexServer,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findReferenceUv,
  INSPECT_PACKAGES,
  referenceInstall,
  runReferenceUv,
  writeDistInfo,
} from "./pip-inspect-support.ts";

const uv = findReferenceUv();

describe.skipIf(!hasFeature("python"))("pip list", () => {
  it("list_empty_columns", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format", "columns"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("list_empty_freeze", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format", "freeze"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("list_empty_json", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format", "json"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      []
      `,
    );
  });

  it("list_editable_non_file_url", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "project", "1.0.0", {
      directUrl: '{"url":"https://example.com/project","dir_info":{"editable":true}}',
    });
    assertSnapshot(
      await ctx.snapshot(["pip", "list"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version
      ------- -------
      project 1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format=json"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [{"name":"project","version":"1.0.0"}]
      `,
    );
    // It is editable all the same, just without a local project directory to show.
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--exclude-editable"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("list_editable_columns_and_filters", async () => {
    await using ctx = (await TestContext.create({ python: ["3.12"] }))
      .withFilter(/------+.*/, "[UNDERLINE]")
      .withFilter(/ {2,}/, " ");
    await ctx.createVenv();
    const project = join(ctx.tempDir, "poetry_editable");
    await mkdir(project);
    await writeDistInfo(ctx.sitePackages(), "poetry_editable", "0.1.0", {
      directUrl: JSON.stringify({ url: `file://${project}`, dir_info: { editable: true } }),
    });
    await writeDistInfo(ctx.sitePackages(), "anyio", "4.3.0");
    await writeDistInfo(ctx.sitePackages(), "idna", "3.6");
    assertSnapshot(
      await ctx.snapshot(["pip", "list"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version Editable project location
      [UNDERLINE]
      anyio 4.3.0
      idna 3.6
      poetry-editable 0.1.0 [TEMP_DIR]/poetry_editable
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--editable"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version Editable project location
      [UNDERLINE]
      poetry-editable 0.1.0 [TEMP_DIR]/poetry_editable
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--exclude-editable"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version
      [UNDERLINE]
      anyio 4.3.0
      idna 3.6
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format=json"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [{"name":"anyio","version":"4.3.0"},{"name":"idna","version":"3.6"},{"name":"poetry-editable","version":"0.1.0","editable_project_location":"[TEMP_DIR]/poetry_editable"}]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format=freeze", "--editable", "--quiet"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      poetry-editable==0.1.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--exclude", "numpy", "--exclude", "poetry-editable"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version
      [UNDERLINE]
      anyio 4.3.0
      idna 3.6
      `,
    );
    // uv lists `--cache-dir` first in the usage line (its harness passes it as a flag, uv-ts's
    // as `UV_CACHE_DIR`); the conflict itself is the same.
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--editable", "--exclude-editable"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: the argument '--editable' cannot be used with '--exclude-editable'

      Usage: uv-ts pip list --editable --cache-dir [CACHE_DIR]

      For more information, try '--help'.
      `,
    );
  });

  it("list_legacy_editable", async () => {
    await using ctx = (await TestContext.create({ python: ["3.12"] }))
      .withFilter(/------+.*/, "[UNDERLINE]")
      .withFilter(/ {2,}/, " ");
    await ctx.createVenv();
    const target = join(ctx.tempDir, "zstandard_project");
    await mkdir(join(target, "zstandard.egg-info"), { recursive: true });
    await writeFile(
      join(target, "zstandard.egg-info", "PKG-INFO"),
      "Metadata-Version: 2.1\nName: zstandard\nVersion: 0.22.0\n",
    );
    await writeFile(join(ctx.sitePackages(), "zstandard.egg-link"), target);
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--editable"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version Editable project location
      [UNDERLINE]
      zstandard 0.22.0 [TEMP_DIR]/zstandard_project
      `,
    );
  });

  it("list_outdated_freeze", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--outdated", "--format", "freeze"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: \`--outdated\` cannot be used with \`--format freeze\`
      `,
    );
  });

  // Deliberate gap: `--outdated` needs the registry client; uv-ts says so instead of guessing.
  it("list_outdated_unsupported", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "anyio", "3.0.0");
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--outdated"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: \`--outdated\` is not supported yet

      hint: Compare \`uv-ts pip list --format json\` with the versions on your index
      `,
    );
  });

  it("list_reports_non_default_environment", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "anyio", "4.3.0");
    await mkdir(join(ctx.tempDir, "sub"));
    // From a subdirectory the venv is found upwards, and is not "the default `.venv`" any more.
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format", "freeze"], {
        cwd: "sub",
        activateVenv: false,
      }),
      `
      exit_code: 0 (success)
      ----- stdout -----
      anyio==4.3.0

      ----- stderr -----
      Using Python 3.12.[X] environment at: [VENV]/
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--format", "freeze", "--python", ".venv/bin/python"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      anyio==4.3.0
      `,
    );
  });

  it("list_target_and_prefix", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(join(ctx.tempDir, "target"), "tomli", "2.0.1");
    await writeDistInfo(
      join(ctx.tempDir, "prefix", "lib", "python3.12", "site-packages"),
      "markupsafe",
      "2.1.3",
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--target", "target"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package Version
      ------- -------
      tomli   2.0.1
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--prefix", "prefix"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package    Version
      ---------- -------
      markupsafe 2.1.3
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("list_strict", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "app", "1.0.0", {
      metadata:
        "Requires-Python: >=3.13\nRequires-Dist: lib-a>=2\nRequires-Dist: lib-b\nRequires-Dist: lib-win; sys_platform == 'win32'\n",
    });
    await writeDistInfo(ctx.sitePackages(), "lib-a", "1.0.0");
    await writeDistInfo(ctx.sitePackages(), "nowheel", "1.0.0", { wheel: false });
    const native = await writeDistInfo(ctx.sitePackages(), "native", "1.0.0");
    await writeFile(
      join(native, "WHEEL"),
      "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp312-cp312-win_amd64\n",
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--strict", "--format", "freeze"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      app==1.0.0
      lib-a==1.0.0
      native==1.0.0
      nowheel==1.0.0

      ----- stderr -----
      warning: The package \`app\` requires Python >=3.13, but \`3.12.[X]\` is installed
      warning: The package \`app\` requires \`lib-a>=2\`, but \`1.0.0\` is installed
      warning: The package \`app\` requires \`lib-b\`, but it's not installed
      warning: The package \`native\` was built for a different platform
      warning: The package \`nowheel\` is broken or incomplete (unable to read \`WHEEL\` file). Consider recreating the virtualenv, or removing the package directory at: [SITE_PACKAGES]/nowheel-1.0.0.dist-info.
      `,
    );
  });

  it("list_environment_not_found", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["pip", "list", "--python", "3.7"], { activateVenv: false }),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No virtual environment or system Python installation found for Python 3.7; run \`uv venv\` to create an environment
      `,
    );
  });
});

describe.skipIf(!hasFeature("python") || uv === undefined)("pip list against uv", () => {
  let server: IndexServer;
  beforeAll(async () => {
    server = await startIndexServer({ packages: INSPECT_PACKAGES, scenarios: ["basic"] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("list_installed_matches_uv", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await referenceInstall(uv!, ctx, server.simpleUrl, ["app", "other", "basic-package"]);
    assertSnapshot(
      await ctx.snapshot(["pip", "list"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Package       Version
      ------------- -------
      app           1.0.0
      basic-package 1.0.0
      dep-a         1.0.0
      dep-b         1.0.0
      lib-a         1.0.0
      lib-c         2.0.0
      other         3.1.0
      `,
    );
    for (const args of [
      ["pip", "list"],
      ["pip", "list", "--format", "json"],
      ["pip", "list", "--format", "freeze", "--exclude", "lib-a"],
      ["pip", "list", "--strict"],
      ["pip", "list", "--python", ".venv"],
    ]) {
      const [ours, theirs] = [await ctx.run(args), await runReferenceUv(uv!, ctx, args)];
      expect({ args, ...ours }).toEqual({ args, ...theirs });
    }
  });
});
