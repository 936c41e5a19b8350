// Integration tests of the test harness itself, against the bundled CLI: the snapshot format and
// filters, the scrubbed environment, and the interpreter provisioning.
import { readlinkSync } from "node:fs";
import { join } from "node:path";
import { assertSnapshot, hasFeature, runCommand, TestContext } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";

describe("harness", () => {
  it("version", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["--version"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      uv-ts [VERSION]
      `,
    );
  });

  it("scrubs the host environment", async () => {
    const leaked = {
      UV_INDEX_URL: "https://leak.invalid/simple",
      UV_CACHE_DIR: "/leak/cache",
      VIRTUAL_ENV: "/leak/.venv",
      PIP_INDEX_URL: "https://leak.invalid/pip",
      CONDA_PREFIX: "/leak/conda",
      PYTHONPATH: "/leak/path",
      PYTHONHOME: "/leak/home",
    };
    const saved = Object.fromEntries(Object.keys(leaked).map((k) => [k, process.env[k]]));
    Object.assign(process.env, leaked);
    try {
      await using ctx = await TestContext.create();
      // `env` run exactly as the CLI would be: same environment builder, same cwd.
      const output = await runCommand({ ...ctx.command(["venv"]), program: "env", args: [] });
      const env = new Map(
        output.stdout
          .trimEnd()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      for (const name of Object.keys(leaked).filter((n) => n !== "UV_CACHE_DIR")) {
        expect(env.has(name), name).toBe(false);
      }
      expect(env.get("UV_CACHE_DIR")).toBe(ctx.cacheDir);
      expect(env.get("HOME")).toBe(ctx.homeDir);
      expect(env.get("UV_PYTHON_SEARCH_PATH")).toBe("");
      const uvVars = [...env.keys()].filter((k) => k.startsWith("UV_")).sort();
      expect(uvVars).toEqual([
        "UV_CACHE_DIR",
        "UV_NO_SYSTEM_CONFIG",
        "UV_NO_WRAP",
        "UV_PYTHON_DOWNLOADS",
        "UV_PYTHON_SEARCH_PATH",
        "UV_TEST_NO_CLI_PROGRESS",
      ]);
      // And the CLI itself still runs in that environment.
      expect((await ctx.run(["--version"])).exitCode).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("filters files written during a test", async () => {
    await using ctx = await TestContext.create();
    await ctx.writeFile(
      "report.txt",
      [
        `project = ${ctx.tempDir}/project`,
        `venv = ${ctx.venv}`,
        `cache = ${ctx.cacheDir}/archive-v0/AbC_d-12`,
        "index = http://127.0.0.1:8080/simple",
        "Resolved 4 packages in 1.20s   ",
        "",
      ].join("\n"),
    );
    assertSnapshot(
      await ctx.readFile("report.txt"),
      `
      project = [TEMP_DIR]/project
      venv = [VENV]/
      cache = [CACHE_DIR]/archive-v0/[HASH]
      index = http://[LOCALHOST]/simple
      Resolved 4 packages in [TIME]
      `,
    );
  });
});

describe.skipIf(!hasFeature("python"))("harness with python", () => {
  it("provides only the requested interpreters", async () => {
    await using ctx = await TestContext.create({ python: ["3.12", "3.11.7"] });
    const python = ctx.pythonPath("3.12");
    expect(python).toBe(join(ctx.root, "python", "3.12", "python3"));
    expect(readlinkSync(python)).toMatch(/\/3\.12\.\d+\/bin\/python3\.12$/);
    const env = ctx.env();
    expect(env.UV_PYTHON_SEARCH_PATH).toBe(
      [join(ctx.pythonDir, "3.12"), join(ctx.pythonDir, "3.11.7")].join(":"),
    );
    expect(env.PATH?.split(":").slice(0, 3)).toEqual([
      ctx.binDir,
      join(ctx.pythonDir, "3.12"),
      join(ctx.pythonDir, "3.11.7"),
    ]);

    // `python3.12` on PATH is the requested one; the unpinned patch is filtered, the pinned kept.
    const script = [
      "python3.12 --version",
      'python3.12 -c "import sys; print(sys.executable)"',
      `"${ctx.pythonPath("3.11.7")}" --version`,
    ].join("; ");
    const snapshot = await ctx.snapshotCommand({
      ...ctx.command([]),
      program: "sh",
      args: ["-c", script],
    });
    assertSnapshot(
      snapshot,
      `
      exit_code: 0 (success)
      ----- stdout -----
      Python 3.12.[X]
      [PYTHON-3.12]
      Python 3.11.7
      `,
    );
    expect(ctx.filterText(`${ctx.pythons[0]?.executable} ${ctx.pythons[1]?.executable}`)).toBe(
      "[PYTHON-3.12] [PYTHON-3.11.7]",
    );
    expect(ctx.sitePackages()).toBe(join(ctx.venv, "lib", "python3.12", "site-packages"));
    expect(ctx.filterText(`${ctx.sitePackages()}/anyio`)).toBe("[SITE_PACKAGES]/anyio");
    expect(() => ctx.pythonPath("3.10")).toThrow(/was not requested/);
  });
});
