// `uv-ts pip freeze`, after uv's `crates/uv/tests/pip/pip_freeze.rs`. Venvs are populated by
// hand or with the reference `uv pip install` from the local index.
import { cp, mkdir, writeFile } from "node:fs/promises";
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

describe.skipIf(!hasFeature("python"))("pip freeze", () => {
  it("freeze_empty", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("freeze_duplicate", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "pip", "21.3.1");
    await writeDistInfo(ctx.sitePackages(), "pip", "22.1.1");
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--strict"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      pip==21.3.1
      pip==22.1.1

      ----- stderr -----
      warning: The package \`pip\` has multiple installed distributions:
        - [SITE_PACKAGES]/pip-21.3.1.dist-info
        - [SITE_PACKAGES]/pip-22.1.1.dist-info
      `,
    );
  });

  it("freeze_direct_archive_hashes", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "project", "1.0.0", {
      directUrl:
        '{"url":"https://example.com/project-1.0.0.tar.gz","subdirectory":"src","archive_info":{"hashes":{"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}}',
    });
    await writeDistInfo(ctx.sitePackages(), "legacy", "1.0.0", {
      directUrl:
        '{"url":"https://example.com/legacy-1.0.0.tar.gz","archive_info":{"hash":"sha256=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}',
    });
    await writeDistInfo(ctx.sitePackages(), "cred", "1.0.0", {
      directUrl: '{"url":"https://user:secret@example.com/cred-1.0.0.whl","archive_info":{}}',
    });
    await writeDistInfo(ctx.sitePackages(), "vcs", "0.1.0", {
      directUrl:
        '{"url":"https://github.com/org/vcs","vcs_info":{"vcs":"git","commit_id":"0123456789abcdef0123456789abcdef01234567"},"subdirectory":"pkg"}',
    });
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      cred @ https://user:****@example.com/cred-1.0.0.whl
      legacy @ https://example.com/legacy-1.0.0.tar.gz#sha256=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
      project @ https://example.com/project-1.0.0.tar.gz#subdirectory=src&sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      vcs @ git+https://github.com/org/vcs@0123456789abcdef0123456789abcdef01234567#subdirectory=pkg
      `,
    );
  });

  it("freeze_with_editable", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    const project = join(ctx.tempDir, "poetry_editable");
    await mkdir(project);
    await writeDistInfo(ctx.sitePackages(), "poetry-editable", "0.1.0", {
      directUrl: JSON.stringify({ url: `file://${project}`, dir_info: { editable: true } }),
      metadata: "Requires-Dist: anyio\n",
    });
    await writeDistInfo(ctx.sitePackages(), "anyio", "4.3.0", {
      metadata: "Requires-Dist: idna>=2.8\nRequires-Dist: sniffio>=1.1\n",
    });
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--strict"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      anyio==4.3.0
      -e file://[TEMP_DIR]/poetry_editable

      ----- stderr -----
      warning: The package \`anyio\` requires \`idna>=2.8\`, but it's not installed
      warning: The package \`anyio\` requires \`sniffio>=1.1\`, but it's not installed
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--exclude-editable"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      anyio==4.3.0
      `,
    );
  });

  it("freeze_with_egg_info", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    const site = ctx.sitePackages();
    await mkdir(join(site, "zstandard-0.22.0-py3.12.egg-info"));
    await writeFile(join(site, "zstandard-0.22.0-py3.12.egg-info", "PKG-INFO"), "");
    await mkdir(join(site, "nover.egg-info"));
    await writeFile(
      join(site, "nover.egg-info", "PKG-INFO"),
      "Metadata-Version: 1.1\nName: nover\nVersion: 1.2\n",
    );
    await writeFile(
      join(site, "pycurl-7.45.1-py3.12.egg-info"),
      "Metadata-Version: 1.1\nName: pycurl\nVersion: 7.45.1\n",
    );
    await writeFile(
      join(site, "vtk.egg-info"),
      "Metadata-Version: 1.1\nName: vtk\nVersion: 9.2.6\n",
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      nover==1.2
      pycurl==7.45.1
      vtk==9.2.6
      zstandard==0.22.0
      `,
    );
  });

  it("freeze_with_legacy_editable", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    const target = join(ctx.tempDir, "zstandard_project");
    await mkdir(join(target, "zstandard.egg-info"), { recursive: true });
    await writeFile(
      join(target, "zstandard.egg-info", "PKG-INFO"),
      "Metadata-Version: 2.1\nName: zstandard\nVersion: 0.22.0\n",
    );
    await writeFile(join(ctx.sitePackages(), "zstandard.egg-link"), target);
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      -e [TEMP_DIR]/zstandard_project
      `,
    );
  });

  it("freeze_path_target_prefix_exclude", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(join(ctx.tempDir, "install-path"), "markupsafe", "2.1.3");
    await writeDistInfo(join(ctx.tempDir, "install-path"), "tomli", "2.0.1");
    await writeDistInfo(
      join(ctx.tempDir, "prefix", "lib", "python3.12", "site-packages"),
      "tomli",
      "2.0.1",
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--path", "install-path"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      markupsafe==2.1.3
      tomli==2.0.1
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--target", "install-path", "--exclude", "MarkupSafe"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      tomli==2.0.1
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--prefix", "prefix"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      tomli==2.0.1
      `,
    );
    // Like pip, a path that does not exist lists nothing.
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--path", "blahblah"]),
      `
      exit_code: 0 (success)
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze"]),
      `
      exit_code: 0 (success)
      `,
    );
  });

  it("freeze_with_quiet_flag", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await writeDistInfo(ctx.sitePackages(), "markupsafe", "2.1.3");
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--quiet"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      markupsafe==2.1.3
      `,
    );
  });
});

describe.skipIf(!hasFeature("python") || uv === undefined)("pip freeze against uv", () => {
  let server: IndexServer;
  beforeAll(async () => {
    server = await startIndexServer({ packages: INSPECT_PACKAGES, scenarios: ["basic"] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("freeze_many_matches_uv", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.createVenv();
    await referenceInstall(uv!, ctx, server.simpleUrl, [
      "app",
      "basic-package",
      `lib-d @ ${server.fileUrl("lib_d-1.0.0-py3-none-any.whl")}`,
    ]);
    assertSnapshot(
      await ctx.snapshot(["pip", "freeze", "--strict"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      app==1.0.0
      basic-package==1.0.0
      dep-a==1.0.0
      dep-b==1.0.0
      lib-a==1.0.0
      lib-c==2.0.0
      lib-d @ http://[LOCALHOST]/files/lib_d-1.0.0-py3-none-any.whl
      `,
    );
    // A copy of the whole venv listed through `--path` next to the venv's own directory.
    const copy = join(ctx.tempDir, "copy");
    await cp(ctx.sitePackages(), copy, { recursive: true });
    for (const args of [
      ["pip", "freeze"],
      ["pip", "freeze", "--strict", "--exclude", "lib-a"],
      ["pip", "freeze", "--path", "copy"],
    ]) {
      const [ours, theirs] = [await ctx.run(args), await runReferenceUv(uv!, ctx, args)];
      expect({ args, ...ours }).toEqual({ args, ...theirs });
    }
  });
});
