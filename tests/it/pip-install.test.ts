// `uv-ts pip install`, after uv's `crates/uv/tests/pip_install/*.rs`, against the local index
// server. The expected outputs are those of uv 0.13.8 run against the same index.
import { execFileSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
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
  server = await startIndexServer({
    scenarios: ["basic", "entry-points", "extension", "pip-versions", "install-resolve"],
  });
});

afterAll(async () => {
  await server?.close();
});

const venvContext = () => TestContext.withVenv({ python: ["3.12"] });

const python = (ctx: TestContext, code: string) =>
  execFileSync(join(ctx.venv, "bin", "python"), ["-c", code], {
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin" },
  }).trim();

describe.skipIf(!hasFeature("python"))("pip install", () => {
  it("install_pinned_no_deps_then_already_installed", async () => {
    await using ctx = await venvContext();
    const args = ["pip", "install", "basic-package==1.0.0", "--no-deps", "-i", server.simpleUrl];
    assertSnapshot(
      await ctx.snapshot(args),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + basic-package==1.0.0
      `,
    );
    expect(python(ctx, "import basic_package; print(basic_package.__version__)")).toBe("1.0.0");
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "pip-versions-pkg", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + pip-versions-pkg==1.0.0
      `,
    );
    // Installed and without dependencies: nothing to resolve.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "pip-versions-pkg", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      `,
    );
  });

  it("install_resolves_transitive_dependencies", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package==1.0.0", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 3 packages in [TIME]
      Prepared 3 packages in [TIME]
      Installed 3 packages in [TIME]
       + basic-package==1.0.0
       + dep-a==1.0.0
       + dep-b==1.0.0
      `,
    );
    expect(python(ctx, "import dep_a, dep_b; print(dep_a.__version__)")).toBe("1.0.0");
    // Everything (recursively) installed already: nothing is resolved.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package", "--dry-run", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      Would make no changes
      `,
    );
  });

  it("no_solution_messages", async () => {
    await using ctx = await venvContext();
    const index = ["--no-deps", "-i", server.simpleUrl];
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "dep-b==9.0.0", ...index]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because there is no version of dep-b==9.0.0 and you require dep-b==9.0.0, we can conclude that your requirements are unsatisfiable.
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package>=3", ...index]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because only basic-package<=2.0.0a1 is available and you require basic-package>=3, we can conclude that your requirements are unsatisfiable.
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "does-not-exist==1.0", ...index]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because does-not-exist was not found in the package registry and you require does-not-exist==1.0, we can conclude that your requirements are unsatisfiable.
      `,
    );
  });

  it("version_selection_and_yanked", async () => {
    await using ctx = await venvContext();
    const index = ["--no-deps", "--dry-run", "-i", server.simpleUrl];
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Would download 1 package
      Would install 1 package
       + basic-package==1.0.0
      `,
    );
    // Only a pre-release fits: it is taken.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package>1.0", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Would download 1 package
      Would install 1 package
       + basic-package==2.0.0a1
      `,
    );
    // A yanked release only when pinned exactly, with uv's warning.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package<0.6", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Would download 1 package
      Would install 1 package
       + basic-package==0.1.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "basic-package==0.5.0", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Would download 1 package
      Would install 1 package
       + basic-package==0.5.0
      warning: \`basic-package==0.5.0\` is yanked (reason: "Broken build")
      `,
    );
  });

  it("install_wheel_file_and_reinstall", async () => {
    await using ctx = await venvContext();
    const wheel = "dep_b-1.0.0-py3-none-any.whl";
    writeFileSync(join(ctx.tempDir, wheel), server.file(wheel).bytes);
    assertSnapshot(
      await ctx.snapshot(["pip", "install", `./${wheel}`]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + dep-b==1.0.0 (from file://[TEMP_DIR]/dep_b-1.0.0-py3-none-any.whl)
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", `./${wheel}`]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", `./${wheel}`, "--reinstall", "--dry-run"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Would download 1 package
      Would uninstall 1 package
      Would install 1 package
       - dep-b==1.0.0 (from file://[TEMP_DIR]/dep_b-1.0.0-py3-none-any.whl)
       + dep-b @ file://[TEMP_DIR]/dep_b-1.0.0-py3-none-any.whl
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", `./${wheel}`, "--reinstall"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 1 package in [TIME]
       ~ dep-b==1.0.0 (from file://[TEMP_DIR]/dep_b-1.0.0-py3-none-any.whl)
      `,
    );
  });

  it("install_url_wheel", async () => {
    await using ctx = await venvContext();
    const url = server.fileUrl("pip_versions_pkg-0.9.0-py3-none-any.whl");
    assertSnapshot(
      await ctx.snapshot(["pip", "install", `pip-versions-pkg @ ${url}`]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + pip-versions-pkg==0.9.0 (from http://[LOCALHOST]/files/pip_versions_pkg-0.9.0-py3-none-any.whl)
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "pip-versions-pkg==1.0.0", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 1 package in [TIME]
       - pip-versions-pkg==0.9.0 (from http://[LOCALHOST]/files/pip_versions_pkg-0.9.0-py3-none-any.whl)
       + pip-versions-pkg==1.0.0
      `,
    );
  });

  it("install_console_scripts_and_run_them", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "hello-pkg", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + hello-pkg==1.0.0
      `,
    );
    const bin = join(ctx.venv, "bin");
    const run = (name: string) =>
      execFileSync(join(bin, name), { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } }).trim();
    expect(run("hello")).toBe("Hello from hello-pkg!");
    expect(run("hello-data")).toBe("Hello from a .data script!");
  });

  it("install_compiled_extension_and_import_it", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "speedups", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + speedups==1.0.0
      `,
    );
    expect(python(ctx, "import speedups; print(speedups.add(40, 2))")).toBe("42");
  });

  it("extension_wheel_incompatible_with_other_python", async () => {
    await using ctx = await TestContext.create({ python: ["3.11"] });
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "speedups==1.0.0", "-i", server.simpleUrl]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because speedups==1.0.0 has no wheels with a matching Python implementation tag (e.g., \`cp311\`) and you require speedups==1.0.0, we can conclude that your requirements are unsatisfiable.

      hint: You require CPython 3.11 (\`cp311\`), but we only found wheels for \`speedups\` (v1.0.0) with the following Python implementation tag: \`cp312\`
      `,
    );
  });

  it("reinstall_package_and_link_mode_copy", async () => {
    await using ctx = await venvContext();
    const index = ["-i", server.simpleUrl];
    expect((await ctx.run(["pip", "install", "dep-b==1.0.0", ...index])).exitCode).toBe(0);
    const module = join(ctx.sitePackages(), "dep_b", "__init__.py");
    expect(statSync(module).nlink).toBeGreaterThan(1);
    assertSnapshot(
      await ctx.snapshot([
        "pip",
        "install",
        "dep-b==1.0.0",
        "pip-versions-pkg==1.0.0",
        "--reinstall-package",
        "dep-b",
        "--link-mode",
        "copy",
        ...index,
      ]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 2 packages in [TIME]
       ~ dep-b==1.0.0
       + pip-versions-pkg==1.0.0
      `,
    );
    expect(statSync(module).nlink).toBe(1);
  });

  it("find_links_no_index_and_offline", async () => {
    await using ctx = await venvContext();
    const args = ["pip", "install", "dep-b==1.0.0", "--no-index", "-f", server.linksUrl];
    assertSnapshot(
      await ctx.snapshot(args),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + dep-b==1.0.0
      `,
    );
    await ctx.createVenv();
    assertSnapshot(
      await ctx.snapshot([...args, "--offline"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Installed 1 package in [TIME]
       + dep-b==1.0.0
      `,
    );
    expect(existsSync(join(ctx.sitePackages(), "dep_b", "__init__.py"))).toBe(true);
  });

  it("offline_cold_cache", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "dep-b==1.0.0", "--offline", "-i", server.simpleUrl]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because dep-b was not found in the cache and you require dep-b==1.0.0, we can conclude that your requirements are unsatisfiable.

      hint: Packages were unavailable because the network was disabled. When the network is disabled, registry packages may only be read from the cache.
      `,
    );
  });
});

// Dependency resolution, against the `install-resolve` scenario.
describe.skipIf(!hasFeature("python"))("pip install resolution", () => {
  const index = () => ["-i", server.simpleUrl];

  it("install_keeps_installed_versions_that_still_fit", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app==1.0.0", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Installed 2 packages in [TIME]
       + ir-app==1.0.0
       + ir-lib==2.0.0
      `,
    );
    // `ir-app==1.0.0` still satisfies `ir-app`: kept, nothing resolved.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      `,
    );
    // A new requirement moves a dependency; the other installed packages are not looked at.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-legacy", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 2 packages in [TIME]
       + ir-legacy==1.0.0
       - ir-lib==2.0.0
       + ir-lib==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-legacy", "ir-app==2.0.0", ...index()]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because all versions of ir-legacy depend on ir-lib<2 and ir-app>=2.0.0 depends on ir-lib>=2.0, we can conclude that ir-app>=2.0.0 and all versions of ir-legacy are incompatible.
               And because you require ir-legacy and ir-app==2.0.0, we can conclude that your requirements are unsatisfiable.
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app", "--upgrade", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 3 packages in [TIME]
      Prepared 3 packages in [TIME]
      Uninstalled 2 packages in [TIME]
      Installed 3 packages in [TIME]
       - ir-app==1.0.0
       + ir-app==2.0.0
       - ir-lib==1.0.0
       + ir-lib==2.0.0
       + ir-util==1.0.0
      `,
    );
    expect(python(ctx, "import ir_app, ir_util; print(ir_app.__version__)")).toBe("2.0.0");
  });

  it("install_keeps_a_wheel_file_install_as_a_dependency", async () => {
    await using ctx = await venvContext();
    const wheel = "ir_lib-1.0.0-py3-none-any.whl";
    writeFileSync(join(ctx.tempDir, wheel), server.file(wheel).bytes);
    expect((await ctx.run(["pip", "install", `./${wheel}`])).exitCode).toBe(0);
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-legacy", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + ir-legacy==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 3 packages in [TIME]
      Prepared 3 packages in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 3 packages in [TIME]
       + ir-app==2.0.0
       - ir-lib==1.0.0 (from file://[TEMP_DIR]/ir_lib-1.0.0-py3-none-any.whl)
       + ir-lib==2.0.0
       + ir-util==1.0.0
      `,
    );
  });

  it("install_upgrade_package", async () => {
    await using ctx = await venvContext();
    expect(
      (await ctx.run(["pip", "install", "ir-app==1.0.0", "ir-lib==1.0.0", ...index()])).exitCode,
    ).toBe(0);
    const args = ["pip", "install", "ir-app", "--upgrade-package", "ir-lib", ...index()];
    assertSnapshot(
      await ctx.snapshot([...args, "--dry-run"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Would download 1 package
      Would uninstall 1 package
      Would install 1 package
       - ir-lib==1.0.0
       + ir-lib==2.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(args),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 1 package in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 1 package in [TIME]
       - ir-lib==1.0.0
       + ir-lib==2.0.0
      `,
    );
  });

  it("install_constraints_and_overrides", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("constraints.txt", "ir-lib<2\n");
    await ctx.writeFile("overrides.txt", "ir-lib==1.0.0\n");
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app", "-c", "constraints.txt", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Installed 2 packages in [TIME]
       + ir-app==1.0.0
       + ir-lib==1.0.0
      `,
    );
    // The constraint is met by what is installed: nothing to resolve.
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app", "-c", "constraints.txt", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app==2.0.0", "-c", "constraints.txt", ...index()]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because ir-app>=2.0.0 depends on ir-lib>=2.0 and ir-lib<2, we can conclude that ir-app>=2.0.0 cannot be used.
               And because you require ir-app==2.0.0, we can conclude that your requirements are unsatisfiable.
      `,
    );
    // An override replaces `ir-app`'s own requirement on `ir-lib`.
    const overridden = ["pip", "install", "ir-app==2.0.0", "--overrides", "overrides.txt"];
    assertSnapshot(
      await ctx.snapshot([...overridden, ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 3 packages in [TIME]
      Prepared 2 packages in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 2 packages in [TIME]
       - ir-app==1.0.0
       + ir-app==2.0.0
       + ir-util==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot([...overridden, ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 1 package in [TIME]
      `,
    );
  });

  it("install_extras_and_markers", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-extra[cli]", "ir-marker", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 5 packages in [TIME]
      Prepared 5 packages in [TIME]
      Installed 5 packages in [TIME]
       + ir-cli==1.0.0
       + ir-extra==1.0.0
       + ir-marker==1.0.0
       + ir-on-linux==1.0.0
       + ir-util==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app[nope]", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 3 packages in [TIME]
      Prepared 2 packages in [TIME]
      Installed 2 packages in [TIME]
       + ir-app==2.0.0
       + ir-lib==2.0.0
      warning: The package \`ir-app==2.0.0\` does not have an extra named \`nope\`
      `,
    );
  });

  it("install_exclude_newer_and_resolution_lowest", async () => {
    await using ctx = await venvContext();
    assertSnapshot(
      await ctx.snapshot([
        "pip",
        "install",
        "ir-app",
        "--exclude-newer",
        "2024-03-01",
        "--dry-run",
        ...index(),
      ]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Would download 2 packages
      Would install 2 packages
       + ir-app==1.0.0
       + ir-lib==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "ir-app", "--resolution", "lowest", ...index()]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      warning: The direct dependency \`ir-app\` is unpinned. Consider setting a lower bound when using \`--resolution lowest\` or \`--resolution lowest-direct\` to avoid using outdated versions.
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Installed 2 packages in [TIME]
       + ir-app==1.0.0
       + ir-lib==1.0.0
      `,
    );
  });

  it("install_require_hashes_covers_dependencies", async () => {
    await using ctx = await venvContext();
    const hash = server.file("ir_app-1.0.0-py3-none-any.whl").sha256;
    await ctx.writeFile("requirements.txt", `ir-app==1.0.0 --hash=sha256:${hash}\n`);
    assertSnapshot(
      await ctx.snapshot([
        "pip",
        "install",
        "-r",
        "requirements.txt",
        "--require-hashes",
        ...index(),
      ]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: Hash-checking is required, but no trusted hash was provided for: \`ir-lib\`
      `,
    );
    const libHash = server.file("ir_lib-2.0.0-py3-none-any.whl").sha256;
    await ctx.writeFile(
      "requirements.txt",
      `ir-app==1.0.0 --hash=sha256:${hash}\nir-lib==2.0.0 --hash=sha256:${libHash}\n`,
    );
    assertSnapshot(
      await ctx.snapshot([
        "pip",
        "install",
        "-r",
        "requirements.txt",
        "--require-hashes",
        ...index(),
      ]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Installed 2 packages in [TIME]
       + ir-app==1.0.0
       + ir-lib==2.0.0
      `,
    );
  });
});

// Real packages from PyPI, pinned exactly; imported afterwards.
// The network to PyPI (through this machine's proxy) can fail once; a second failure is ours.
describe.skipIf(!hasFeature("python") || !hasFeature("pypi"))(
  "pip install from PyPI",
  { retry: 1 },
  () => {
    it("pypi_install_real_set", async () => {
      await using ctx = await venvContext();
      await ctx.writeFile(
        "requirements.txt",
        [
          "requests==2.32.3",
          "certifi==2024.8.30",
          "charset-normalizer==3.4.0",
          "idna==3.10",
          "urllib3==2.2.3",
          "numpy==2.1.3",
          "markupsafe==3.0.2",
          "",
        ].join("\n"),
      );
      assertSnapshot(
        await ctx.snapshot(["pip", "sync", "requirements.txt"]),
        `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 7 packages in [TIME]
      Prepared 7 packages in [TIME]
      Installed 7 packages in [TIME]
       + certifi==2024.8.30
       + charset-normalizer==3.4.0
       + idna==3.10
       + markupsafe==3.0.2
       + numpy==2.1.3
       + requests==2.32.3
       + urllib3==2.2.3
      `,
      );
      expect(
        python(
          ctx,
          "import requests, numpy, markupsafe; print(requests.__version__, numpy.arange(3).sum(), markupsafe.escape('<'))",
        ),
      ).toBe("2.32.3 3 &lt;");
    });
  },
);
