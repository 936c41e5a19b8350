// `uv-ts pip show`, after uv's `crates/uv/tests/pip/pip_show.rs`. Venvs are populated with the
// reference `uv pip install` from the local index, or by hand.
import { mkdir } from "node:fs/promises";
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

describe.skipIf(!hasFeature("python"))("pip show", () => {
  it("show_empty", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["pip", "show"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      warning: Please provide a package name or names.
      `,
    );
  });

  it("show_not_found", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "markupsafe", "2.1.3");
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "flask", "Zope.Interface"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      warning: Package(s) not found for: flask, zope-interface
      `,
    );
    // `--quiet` silences both the warning and the details, but not the exit code.
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "flask", "--quiet"]),
      `
      exit_code: 1 (failure)
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "markupsafe", "flask", "--quiet"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("show_editable", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    const project = join(ctx.tempDir, "poetry_editable");
    await mkdir(project);
    await writeDistInfo(ctx.sitePackages(), "poetry-editable", "0.1.0", {
      directUrl: JSON.stringify({ url: `file://${project}`, dir_info: { editable: true } }),
      metadata: "Requires-Dist: anyio\n",
    });
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "poetry-editable"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Name: poetry-editable
      Version: 0.1.0
      Location: [SITE_PACKAGES]/
      Editable project location: [TEMP_DIR]/poetry_editable
      Requires: anyio
      Required-by:
      `,
    );
  });

  it("show_missing_record", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "norecord", "1.0");
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "norecord", "--files"]),
      `
      exit_code: 2 (failure)
      ----- stdout -----
      Name: norecord
      Version: 1.0
      Location: [SITE_PACKAGES]/
      Requires:
      Required-by:

      ----- stderr -----
      error: failed to open file \`[SITE_PACKAGES]/norecord-1.0.dist-info/RECORD\`: No such file or directory (os error 2)
      `,
    );
  });
});

describe.skipIf(!hasFeature("python") || uv === undefined)("pip show against uv", () => {
  let server: IndexServer;
  beforeAll(async () => {
    server = await startIndexServer({ packages: INSPECT_PACKAGES });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("show_requires_and_required_by", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await referenceInstall(uv!, ctx, server.simpleUrl, ["app", "other"]);
    // `lib-b` (Windows only), `lib-c` (Python < 3.8 only) and the `fast` extra's `lib-d` do not
    // apply; `lib-a` is listed once although `app` requires it twice.
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "app", "lib-a"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Name: app
      Version: 1.0.0
      Location: [SITE_PACKAGES]/
      Requires: lib-a
      Required-by:
      ---
      Name: lib-a
      Version: 1.0.0
      Location: [SITE_PACKAGES]/
      Requires: lib-c
      Required-by: app, other
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "show", "lib-c", "--files"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Name: lib-c
      Version: 2.0.0
      Location: [SITE_PACKAGES]/
      Requires:
      Required-by: lib-a
      Files:
        lib_c-2.0.0.dist-info/INSTALLER
        lib_c-2.0.0.dist-info/METADATA
        lib_c-2.0.0.dist-info/RECORD
        lib_c-2.0.0.dist-info/REQUESTED
        lib_c-2.0.0.dist-info/WHEEL
        lib_c/__init__.py
      `,
    );
    for (const args of [
      ["pip", "show", "other", "APP", "lib_a", "lib-c", "nope"],
      ["pip", "show", "lib-c", "--files", "--strict"],
      ["pip", "show", "nope", "--quiet"],
      ["pip", "show", "lib-a", "--python", ".venv/bin/python"],
    ]) {
      const [ours, theirs] = [await ctx.run(args), await runReferenceUv(uv!, ctx, args)];
      expect({ args, ...ours }).toEqual({ args, ...theirs });
    }
  });
});
