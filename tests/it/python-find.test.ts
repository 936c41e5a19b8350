// `uv-ts python find`, after uv's `crates/uv/tests/python/python_find.rs`.
import { assertSnapshot, hasFeature, TestContext } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";

describe.skipIf(!hasFeature("python"))("python find", () => {
  it("python_find", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    assertSnapshot(
      await ctx.snapshot(["python", "find"], { env: { UV_PYTHON_SEARCH_PATH: "" } }),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No interpreter found in virtual environments, managed installations, or search path
      `,
    );
    for (const [request, expected] of [
      [undefined, "[PYTHON-3.11]"],
      ["3.12", "[PYTHON-3.12]"],
      ["==3.12.*", "[PYTHON-3.12]"],
      ["3.11", "[PYTHON-3.11]"],
      ["cpython", "[PYTHON-3.11]"],
      ["cpython@3.12", "[PYTHON-3.12]"],
      ["cpython-3.12", "[PYTHON-3.12]"],
      ["any-3.12-any", "[PYTHON-3.12]"],
      [">=3.11,<3.12", "[PYTHON-3.11]"],
      ["python3.12", "[PYTHON-3.12]"],
    ] as const) {
      const args = request === undefined ? ["python", "find"] : ["python", "find", request];
      expect(await ctx.snapshot(args), request).toBe(
        `exit_code: 0 (success)\n----- stdout -----\n${expected}\n`,
      );
    }
    assertSnapshot(
      await ctx.snapshot(["python", "find", "pypy"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No interpreter found for PyPy in virtual environments, managed installations, or search path
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["python", "find", "3.20"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No interpreter found for Python 3.20 in virtual environments, managed installations, or search path
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["python", "find", "2.7"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: Invalid version request: Python <3.6 is not supported but 2.7 was requested.
      `,
    );
  });

  it("python_find_pin_and_show_version", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    await ctx.writeFile(".python-version", "3.12\n");
    assertSnapshot(
      await ctx.snapshot(["python", "find"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.12]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["python", "find", "--show-version"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      3.12.[X]
      `,
    );
    // An explicit request wins over the pin.
    assertSnapshot(
      await ctx.snapshot(["python", "find", "3.11"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.11]
      `,
    );
  });

  it("python_find_venv", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    expect((await ctx.run(["venv", "--python", "3.12"])).exitCode).toBe(0);
    assertSnapshot(
      await ctx.snapshot(["python", "find"], { activateVenv: false }),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [VENV]/bin/python
      `,
    );
    // `--system` skips virtual environments.
    assertSnapshot(
      await ctx.snapshot(["python", "find", "--system"], { activateVenv: false }),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.11]
      `,
    );
  });
  it("python_find_requires_python", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    // A multi-line string: the project's `requires-python` picks the interpreter.
    await ctx.writeFile(
      "pyproject.toml",
      '[project]\nname = "foo"\nversion = "1.0.0"\nrequires-python = """\n>=3.12"""\n',
    );
    assertSnapshot(
      await ctx.snapshot(["python", "find"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.12]
      `,
    );
    // An explicit request that the project does not allow is used, with uv's warning.
    assertSnapshot(
      await ctx.snapshot(["python", "find", "3.11"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.11]

      ----- stderr -----
      warning: The requested interpreter resolved to Python 3.11.[X], which is incompatible with the project's Python requirement: \`>=3.12\` (from \`project.requires-python\`)
      `,
    );
    // `--no-project` ignores the project.
    assertSnapshot(
      await ctx.snapshot(["python", "find", "--no-project"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.11]
      `,
    );
  });
  it("python_find_skips_missing_active_venv", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    // A `VIRTUAL_ENV` naming nothing is skipped, as uv does; a directory with a `pyvenv.cfg` but no
    // interpreter is a broken environment and an error.
    assertSnapshot(
      await ctx.snapshot(["python", "find"], {
        activateVenv: false,
        env: { VIRTUAL_ENV: `${ctx.tempDir}/missing` },
      }),
      `
      exit_code: 0 (success)
      ----- stdout -----
      [PYTHON-3.12]
      `,
    );
    await ctx.writeFile("broken/pyvenv.cfg", "");
    assertSnapshot(
      await ctx.snapshot(["python", "find"], {
        activateVenv: false,
        env: { VIRTUAL_ENV: `${ctx.tempDir}/broken` },
      }),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: Failed to inspect Python interpreter from active virtual environment at \`[TEMP_DIR]/broken/bin/python\`
        cause: Python interpreter not found at \`[TEMP_DIR]/broken/bin/python\`
      `,
    );
  });
});
