// `uv-ts venv`, after uv's `crates/uv/tests/python/venv.rs`.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assertSnapshot, hasFeature, TestContext } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";

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

  it("seed_is_not_supported_yet", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["venv", "--seed", "--python", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: \`--seed\` is not supported yet: uv-ts cannot install packages until the installer lands

      hint: Create the environment without \`--seed\`, then install \`pip\` into it with its own \`ensurepip\` (\`.venv/bin/python -m ensurepip\`)
      `,
    );
    expect(existsSync(ctx.venv)).toBe(false);
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
