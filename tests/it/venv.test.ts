// `uv-ts venv`, after uv's `crates/uv/tests/python/venv.rs`.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
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

const python = (venv: string, code: string) =>
  execFileSync(join(venv, "bin", "python"), ["-c", code], {
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin" },
  }).trim();

describe.skipIf(!hasFeature("python"))("venv", () => {
  it("create_venv", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    expect(existsSync(join(ctx.venv, "pyvenv.cfg"))).toBe(true);
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--python", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      error: Failed to create virtual environment
        cause: A virtual environment already exists at: .venv

      hint: Use the \`--clear\` flag or set \`UV_VENV_CLEAR=1\` to replace the existing virtual environment
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--clear", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_defaults_to_cwd_and_works", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    const [prefix, sitePackages] = JSON.parse(
      python(
        ctx.venv,
        "import sys, site, json; print(json.dumps([sys.prefix, site.getsitepackages()]))",
      ),
    );
    expect(prefix).toBe(ctx.venv);
    expect(sitePackages).toEqual([ctx.sitePackages()]);
    expect(readlinkSync(join(ctx.venv, "bin", "python3.12"))).toBe("python");
  });

  it("create_venv_ignores_virtual_env_variable", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv"], { env: { VIRTUAL_ENV: join(ctx.tempDir, "does-not-exist") } }),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_reads_request_from_python_version_files", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.11.[X] interpreter at: [PYTHON-3.11]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    await ctx.writeFile(".python-version", "3.12");
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    // An explicit request wins over the file.
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear", "--python", "3.11"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.11.[X] interpreter at: [PYTHON-3.11]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_reads_request_from_python_versions_file", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    await ctx.writeFile(".python-versions", "3.12\n3.11");
    assertSnapshot(
      await ctx.snapshot(["venv"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_respects_pyproject_requires_python", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    await ctx.writeFile(
      "pyproject.toml",
      '[project]\nname = "foo"\nversion = "1.0.0"\nrequires-python = ">=3.12"\ndependencies = []\n',
    );
    assertSnapshot(
      await ctx.snapshot(["venv"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    // `--no-project` ignores it.
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear", "--no-project"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.11.[X] interpreter at: [PYTHON-3.11]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_reads_multiline_requires_python", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    // Forms a line-based reader gets wrong: a literal multi-line string and a comment.
    await ctx.writeFile(
      "pyproject.toml",
      "[project]\nname = \"foo\"\nversion = \"1.0.0\"\nrequires-python = '''\n>=3.12'''  # not 3.11\n",
    );
    assertSnapshot(
      await ctx.snapshot(["venv"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_warns_when_python_is_incompatible_with_requires_python", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(
      "pyproject.toml",
      '[project]\nname = "foo"\nversion = "1.0.0"\nrequires-python = ">=3.13"\n',
    );
    assertSnapshot(
      await ctx.snapshot(["venv", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      warning: The requested interpreter resolved to Python 3.12.[X], which is incompatible with the project's Python requirement: \`>=3.13\` (from \`project.requires-python\`)
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    // uv's warnings are silenced by `--quiet`.
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear", "--python", "3.12", "--quiet"]),
      `
      exit_code: 0 (success)
      `,
    );
    await ctx.writeFile(".python-version", "3.12\n");
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      warning: The Python request from \`.python-version\` resolved to Python 3.12.[X], which is incompatible with the project's Python requirement: \`>=3.13\` (from \`project.requires-python\`)
      Use \`uv python pin\` to update the \`.python-version\` file to a compatible version
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    // An interpreter that satisfies it: no warning.
    await ctx.writeFile(
      "pyproject.toml",
      '[project]\nname = "foo"\nversion = "1.0.0"\nrequires-python = ">=3.12,<3.13"\n',
    );
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("create_venv_warns_with_workspace_requires_python_sources", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(
      "pyproject.toml",
      '[project]\nname = "Foo_Pkg"\nversion = "1.0.0"\nrequires-python = ">=3.13"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    );
    await ctx.writeFile(
      "packages/bar/pyproject.toml",
      '[project]\nname = "bar"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n',
    );
    assertSnapshot(
      await ctx.snapshot(["venv", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      warning: The requested interpreter resolved to Python 3.12.[X], which is incompatible with the project's Python requirement: \`>=3.13\` (from workspace member \`foo-pkg\`'s \`project.requires-python\`).
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    await ctx.writeFile(
      "packages/bar/pyproject.toml",
      '[project]\nname = "bar"\nversion = "1.0.0"\nrequires-python = "~=3.14"\n',
    );
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      warning: The \`requires-python\` specifier (\`~=3.14\`) in \`bar\` uses the tilde specifier (\`~=\`) without a patch version. This will be interpreted as \`>=3.14, <4\`. Did you mean \`~=3.14.0\` to constrain the version as \`>=3.14.0, <3.15\`? We recommend only using the tilde specifier with a patch version to avoid ambiguity.
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      warning: The requested interpreter resolved to Python 3.12.[X], which is incompatible with the project's Python requirement: \`>=3.14, <4\`.
      The following \`requires-python\` declarations do not permit this version:
      - bar: ~=3.14
      - foo-pkg: >=3.13
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    await ctx.writeFile(
      "packages/bar/pyproject.toml",
      '[project]\nname = "bar"\nversion = "1.0.0"\nrequires-python = "<3.12"\n',
    );
    assertSnapshot(
      await ctx.snapshot(["venv", "--clear", "--python", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: Found conflicting Python requirements:
      - bar: <3.12
      - foo-pkg: >=3.13
      `,
    );
  });

  it("create_venv_unknown_python_minor", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--python", "3.100"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No interpreter found for Python 3.100 in managed installations or search path
      `,
    );
    expect(existsSync(ctx.venv)).toBe(false);
  });

  it("create_venv_broken_interpreter", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("brokenpy", "#!/bin/sh\necho broken >&2\nexit 3\n");
    execFileSync("chmod", ["+x", join(ctx.tempDir, "brokenpy")]);
    assertSnapshot(
      await ctx.snapshot(["venv", "--python", "./brokenpy"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: Failed to inspect Python interpreter from provided path at \`./brokenpy\`
        cause: Querying Python at \`./brokenpy\` failed with exit status exit status: 3

               [stderr]
               broken
      `,
    );
    expect(existsSync(ctx.venv)).toBe(false);
  });

  it("file_exists", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(".venv", "");
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--python", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      error: Failed to create virtual environment
        cause: File exists at \`.venv\`
      `,
    );
  });

  it("empty_dir_exists", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await mkdir(ctx.venv);
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    expect(existsSync(join(ctx.venv, "pyvenv.cfg"))).toBe(true);
  });

  it("non_empty_dir_exists", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await mkdir(ctx.venv);
    await writeFile(join(ctx.venv, "file"), "");
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--python", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      error: Failed to create virtual environment
        cause: A directory already exists at: .venv

      hint: Use the \`--clear\` flag or set \`UV_VENV_CLEAR=1\` to replace the existing directory
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--clear", "--python", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      error: Failed to create virtual environment
        cause: uv will not clear a directory that is not a virtual environment

      hint: Use the \`--force\` flag to remove the existing directory anyway
      `,
    );
    expect(readdirSync(ctx.venv)).toEqual(["file"]);
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--allow-existing", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    expect(readdirSync(ctx.venv)).toContain("file");
    assertSnapshot(
      await ctx.snapshot(["venv", ctx.venv, "--clear", "--force", "--python", "3.12"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
    expect(readdirSync(ctx.venv)).not.toContain("file");
  });

  it("verify_pyvenv_cfg", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    expect((await ctx.run(["venv", "--python", "3.12", "--prompt", "my-prompt"])).exitCode).toBe(0);
    const cfg = (await ctx.readFile(".venv/pyvenv.cfg")).replace(/^uv = .*$/m, "uv = [VERSION]");
    expect(cfg).toMatch(
      /^home = .*\nimplementation = CPython\nuv = \[VERSION\]\nversion_info = 3\.12\.\[X\]\ninclude-system-site-packages = false\nprompt = my-prompt\n$/,
    );
  });

  it("verify_pyvenv_cfg_relocatable_and_system_site_packages", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    expect(
      (await ctx.run(["venv", "--python", "3.12", "--relocatable", "--system-site-packages"]))
        .exitCode,
    ).toBe(0);
    const cfg = await ctx.readFile(".venv/pyvenv.cfg");
    expect(cfg).toContain("include-system-site-packages = true\nrelocatable = true\n");
    expect(existsSync(join(ctx.venv, "bin", "activate.csh"))).toBe(false);
    const paths = python(ctx.venv, "import sys; print('\\n'.join(sys.path))").split("\n");
    expect(
      paths.some(
        (p) => p.startsWith("/") && !p.startsWith(ctx.venv) && p.endsWith("site-packages"),
      ),
    ).toBe(true);
  });
});

// `--seed`, against the local index's stand-ins for `pip`, `setuptools` and `wheel`.
describe.skipIf(!hasFeature("python"))("venv --seed", () => {
  let server: IndexServer;
  beforeAll(async () => {
    server = await startIndexServer({ scenarios: ["install-seed"] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("seed_installs_pip", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv", "--seed", "--python", "3.12", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment with seed packages at: .venv
       + pip==25.2
      Activate with: source .venv/[BIN]/activate
      `,
    );
    expect(await ctx.readFile(".venv/pyvenv.cfg")).toContain("seed = true\n");
    expect(python(ctx.venv, "import pip; print(pip.__version__)")).toBe("25.2");
    // Already there at the chosen version: nothing to install.
    assertSnapshot(
      await ctx.snapshot([
        "venv",
        "--seed",
        "--allow-existing",
        "--python",
        "3.12",
        "-i",
        server.simpleUrl,
      ]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment with seed packages at: .venv
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("seed_older_python_adds_setuptools_and_wheel", async () => {
    await using ctx = await TestContext.create({ python: ["3.8"] });
    assertSnapshot(
      await ctx.snapshot(["venv", "--seed", "--python", "3.8", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.8.[X] interpreter at: [PYTHON-3.8]
      Creating virtual environment with seed packages at: .venv
       + pip==24.0
       + setuptools==75.0.0
       + wheel==0.44.0
      Activate with: source .venv/[BIN]/activate
      `,
    );
  });

  it("seed_offline_without_cache", async () => {
    await using ctx = await TestContext.create({ python: ["3.11"] });
    assertSnapshot(
      await ctx.snapshot([
        "venv",
        "--seed",
        "--python",
        "3.11",
        "--offline",
        "-i",
        server.simpleUrl,
      ]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Using CPython 3.11.[X] interpreter at: [PYTHON-3.11]
      Creating virtual environment with seed packages at: .venv
      error: Failed to install seed packages into virtual environment
        cause: No solution found when resolving: \`pip\`, \`setuptools\`, \`wheel\`
        cause: Because pip was not found in the cache and you require pip, we can conclude that your requirements are unsatisfiable.

      hint: Packages were unavailable because the network was disabled. When the network is disabled, registry packages may only be read from the cache.
      `,
    );
  });

  it("seed_exclude_newer", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot([
        "venv",
        "--seed",
        "--python",
        "3.12",
        "--exclude-newer",
        "2023-01-01T00:00:00Z",
        "-i",
        server.simpleUrl,
      ]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment with seed packages at: .venv
      error: Failed to install seed packages into virtual environment
        cause: No solution found when resolving: \`pip\`
        cause: Because there are no versions of pip and you require pip, we can conclude that your requirements are unsatisfiable.

      hint: \`pip\` was filtered by \`exclude-newer\` to only include packages uploaded before 2023-01-01T00:00:00Z. The latest version satisfying the requirement is v25.2, published at 2024-01-01T00:00:00Z. Consider using \`exclude-newer-package\` to override the cutoff for this package.
      `,
    );
  });
});

// Real `pip` from PyPI, pinned by date; it must run afterwards.
// The network to PyPI can fail once; a second failure is not the network's.
describe.skipIf(!hasFeature("python") || !hasFeature("pypi"))(
  "venv --seed from PyPI",
  { retry: 1 },
  () => {
    it("seed_real_pip", async () => {
      await using ctx = await TestContext.create({ python: ["3.12"] });
      assertSnapshot(
        await ctx.snapshot(["venv", "--seed", "--python", "3.12", "--exclude-newer", "2025-01-01"]),
        `
      exit_code: 0 (success)
      ----- stderr -----
      Using CPython 3.12.[X] interpreter at: [PYTHON-3.12]
      Creating virtual environment with seed packages at: .venv
       + pip==24.3.1
      Activate with: source .venv/[BIN]/activate
      `,
      );
      const version = execFileSync(join(ctx.venv, "bin", "python"), ["-m", "pip", "--version"], {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin" },
      });
      expect(version).toMatch(/^pip 24\.3\.1 from .*\(python 3\.12\)\n$/);
      expect(
        execFileSync(join(ctx.venv, "bin", "pip"), ["--version"], { encoding: "utf8" }),
      ).toMatch(/^pip 24\.3\.1 /);
    });
  },
);
