// `uv-ts pip sync`, after uv's `crates/uv/tests/pip_sync.rs`, against the local index server.
import { execFileSync } from "node:child_process";
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
  server = await startIndexServer({
    scenarios: ["basic", "entry-points", "pip-versions", "install-resolve"],
  });
});

afterAll(async () => {
  await server?.close();
});

/** A context with `temp/.venv` (Python 3.12) and no retry backoff. */
const venvContext = () =>
  TestContext.withVenv({
    python: ["3.12"],
    env: { UV_TEST_NO_HTTP_RETRY_DELAY: "1" },
  });

const run = (program: string, args: readonly string[] = []) =>
  execFileSync(program, args, { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } }).trim();

describe.skipIf(!hasFeature("python"))("pip sync", () => {
  it("install_then_noop", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\nhello-pkg==1.0.0\n");
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    assertSnapshot(
      await ctx.snapshot(args),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Prepared 2 packages in [TIME]
      Installed 2 packages in [TIME]
       + dep-b==1.0.0
       + hello-pkg==1.0.0
      `,
    );
    // The console script runs with the venv's interpreter.
    expect(run(join(ctx.venv, "bin", "hello"))).toBe("Hello from hello-pkg!");
    assertSnapshot(
      await ctx.snapshot(args),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Checked 2 packages in [TIME]
      `,
    );
  });

  it("sync_removes_extraneous_and_changes_versions", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("a.txt", "dep-b==1.0.0\npip-versions-pkg==0.9.0\n");
    await ctx.writeFile("b.txt", "pip-versions-pkg==1.0.0\n");
    const index = ["--index-url", server.simpleUrl];
    expect((await ctx.run(["pip", "sync", "a.txt", ...index])).exitCode).toBe(0);
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "b.txt", ...index, "--dry-run"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Would download 1 package
      Would uninstall 2 packages
      Would install 1 package
       - dep-b==1.0.0
       - pip-versions-pkg==0.9.0
       + pip-versions-pkg==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "b.txt", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Uninstalled 2 packages in [TIME]
      Installed 1 package in [TIME]
       - dep-b==1.0.0
       - pip-versions-pkg==0.9.0
       + pip-versions-pkg==1.0.0
      `,
    );
    expect(readdirSync(ctx.sitePackages()).filter((n) => n.endsWith(".dist-info"))).toEqual([
      "pip_versions_pkg-1.0.0.dist-info",
    ]);
    // Back down, from the cache this time.
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "a.txt", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 2 packages in [TIME]
       + dep-b==1.0.0
       - pip-versions-pkg==1.0.0
       + pip-versions-pkg==0.9.0
      `,
    );
  });

  it("sync_does_not_install_dependencies", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "ir-app==2.0.0\n");
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + ir-app==2.0.0
      `,
    );
    await ctx.writeFile("requirements.txt", "ir-app==2.0.0\nir-lib==9.0.0\n");
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because there is no version of ir-lib==9.0.0 and you require ir-lib==9.0.0, we can conclude that your requirements are unsatisfiable.
      `,
    );
  });

  it("sync_reinstall", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\n");
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    expect((await ctx.run(args)).exitCode).toBe(0);
    assertSnapshot(
      await ctx.snapshot([...args, "--reinstall"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Uninstalled 1 package in [TIME]
      Installed 1 package in [TIME]
       ~ dep-b==1.0.0
      `,
    );
  });

  it("sync_no_requirements", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "# nothing\n");
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "requirements.txt"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      No requirements found (hint: use \`--allow-empty-requirements\` to clear the environment)
      `,
    );
  });

  it("missing_venv", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\n");
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl], {
        activateVenv: false,
      }),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No virtual environment found; run \`uv venv\` to create an environment, or pass \`--system\` to install into a non-virtual environment
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "missing.txt"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: File not found: missing.txt
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "requirements.txt", "--system", "--python", "3.99"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: No system Python installation found for Python 3.99
      `,
    );
  });

  it("sync_python_flag_selects_environment", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\n");
    // Not activated: the environment comes from `--python`, and is reported.
    assertSnapshot(
      await ctx.snapshot(
        [
          "pip",
          "sync",
          join(ctx.tempDir, "requirements.txt"),
          "--index-url",
          server.simpleUrl,
          "--python",
          join(ctx.venv, "bin", "python"),
        ],
        { activateVenv: false, cwd: ctx.homeDir },
      ),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Using Python 3.12.[X] environment at: [VENV]/
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + dep-b==1.0.0
      `,
    );
  });

  it("hash_mismatch", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", `dep-b==1.0.0 --hash=sha256:${"0".repeat(64)}\n`);
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`dep-b==1.0.0\`
        cause: Hash mismatch for \`dep-b==1.0.0\`

               Expected:
                 sha256:0000000000000000000000000000000000000000000000000000000000000000

               Computed:
                 sha256:${server.file("dep_b-1.0.0-py3-none-any.whl").sha256}
      `,
    );
    expect(existsSync(join(ctx.sitePackages(), "dep_b"))).toBe(false);
    // Nothing unverified entered the cache: no archive was persisted.
    expect(readdirSync(ctx.cacheDir)).not.toContain("archive-v0");
  });

  it("require_hashes", async () => {
    await using ctx = await venvContext();
    const sha = server.file("dep_b-1.0.0-py3-none-any.whl").sha256;
    await ctx.writeFile("missing-hash.txt", "dep-b==1.0.0\n");
    await ctx.writeFile("unpinned.txt", `dep-b --hash=sha256:${sha}\n`);
    await ctx.writeFile("good.txt", `dep-b==1.0.0 --hash=sha256:${sha}\n`);
    const index = ["--index-url", server.simpleUrl, "--require-hashes"];
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "missing-hash.txt", ...index]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: In \`--require-hashes\` mode, all requirements must have a hash, but none were provided for: dep-b==1.0.0
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "unpinned.txt", ...index]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: In \`--require-hashes\` mode, all requirements must have their versions pinned with \`==\`, but found: dep-b
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["pip", "sync", "good.txt", ...index]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + dep-b==1.0.0
      `,
    );
  });

  it("offline_cold_then_warm_cache", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\n");
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    assertSnapshot(
      await ctx.snapshot([...args, "--offline"]),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      error: No solution found when resolving dependencies
        cause: Because dep-b was not found in the cache and you require dep-b==1.0.0, we can conclude that your requirements are unsatisfiable.

      hint: Packages were unavailable because the network was disabled. When the network is disabled, registry packages may only be read from the cache.
      `,
    );
    // Fill the cache, empty the venv, then install again with the network off.
    expect((await ctx.run(args)).exitCode).toBe(0);
    await ctx.createVenv();
    const before = server.requests.length;
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
    expect(server.requests.length).toBe(before);
  });

  it("retries_server_errors_then_succeeds", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\n");
    const fault = server.setFault({
      kind: "status",
      status: 500,
      path: "/files/dep_b-1.0.0-py3-none-any.whl",
      times: 2,
    });
    try {
      assertSnapshot(
        await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl]),
        `
        exit_code: 0 (success)
        ----- stderr -----
        Resolved 1 package in [TIME]
        Prepared 1 package in [TIME]
        Installed 1 package in [TIME]
         + dep-b==1.0.0
        `,
      );
      expect(fault.hits).toBe(2);
    } finally {
      fault.remove();
    }
  });

  it("server_errors_exhaust_retries", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "hello-pkg==1.0.0\n");
    const fault = server.setFault({
      kind: "status",
      status: 500,
      path: "/files/hello_pkg-1.0.0-py3-none-any.whl",
    });
    try {
      assertSnapshot(
        await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl], {
          env: { UV_HTTP_RETRIES: "2" },
        }),
        `
        exit_code: 1 (failure)
        ----- stderr -----
        Resolved 1 package in [TIME]
        error: Failed to download \`hello-pkg==1.0.0\`
          cause: Request failed after 2 retries in [TIME]
          cause: Failed to fetch: \`http://[LOCALHOST]/files/hello_pkg-1.0.0-py3-none-any.whl\`
          cause: HTTP status server error (500 Internal Server Error) for url (http://[LOCALHOST]/files/hello_pkg-1.0.0-py3-none-any.whl)
        `,
      );
      expect(fault.hits).toBe(3);
    } finally {
      fault.remove();
    }
    expect(existsSync(join(ctx.venv, "bin", "hello"))).toBe(false);
  });

  it("truncated_download_is_retried", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "pip-versions-pkg==1.0.0\n");
    const fault = server.setFault({
      kind: "truncate",
      path: "/files/pip_versions_pkg-1.0.0-py3-none-any.whl",
      times: 1,
    });
    try {
      assertSnapshot(
        await ctx.snapshot(["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl]),
        `
        exit_code: 0 (success)
        ----- stderr -----
        Resolved 1 package in [TIME]
        Prepared 1 package in [TIME]
        Installed 1 package in [TIME]
         + pip-versions-pkg==1.0.0
        `,
      );
      expect(fault.hits).toBe(1);
    } finally {
      fault.remove();
    }
  });

  it("truncated_download_every_time_is_a_clear_error", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "pip-versions-pkg==0.9.0\n");
    const fault = server.setFault({
      kind: "truncate",
      path: "/files/pip_versions_pkg-0.9.0-py3-none-any.whl",
    });
    try {
      const output = await ctx.snapshot(
        ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl],
        { env: { UV_HTTP_RETRIES: "1" } },
      );
      expect(output).toContain("exit_code: 1 (failure)");
      expect(output).toContain("error: Failed to download `pip-versions-pkg==0.9.0`");
      expect(output).toContain("cause: Request failed after 1 retry in [TIME]");
      expect(fault.hits).toBe(2);
    } finally {
      fault.remove();
    }
  });

  it("killed_mid_install_then_repaired", async () => {
    await using ctx = await venvContext();
    await ctx.writeFile("requirements.txt", "dep-b==1.0.0\nhello-pkg==1.0.0\n");
    const args = ["pip", "sync", "requirements.txt", "--index-url", server.simpleUrl];
    const killed = await ctx.run(args, { env: { UV_TS_FAILPOINT: "after-link:hello-pkg" } });
    expect(killed.signal).toBe("SIGKILL");
    // The package files are there, but it does not count as installed.
    const site = ctx.sitePackages();
    expect(existsSync(join(site, "hello_pkg", "__init__.py"))).toBe(true);
    expect(existsSync(join(site, "hello_pkg-1.0.0.dist-info"))).toBe(false);
    expect(readdirSync(site).some((n) => n.startsWith(".hello_pkg-1.0.0.dist-info.partial-"))).toBe(
      true,
    );
    assertSnapshot(
      await ctx.snapshot(args),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 2 packages in [TIME]
      Installed 1 package in [TIME]
       + hello-pkg==1.0.0
      `,
    );
    expect(readdirSync(site).filter((n) => n.startsWith("."))).toEqual([]);
    expect(run(join(ctx.venv, "bin", "hello"))).toBe("Hello from hello-pkg!");
  });
});
