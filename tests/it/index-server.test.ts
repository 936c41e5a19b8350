// The local index against real clients: `fetch` for the Simple API and hashes, `pip` for a
// PEP 503/691 install, and uv itself for the compiled-extension and entry-point wheels. If these
// pass, the fixtures and the server are spec-correct enough to test uv-ts against.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  findTestPython,
  findUv,
  hasFeature,
  type IndexServer,
  sha256Hex,
  startIndexServer,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const python = hasFeature("python");
const uv = findUv();
const uvAvailable = uv !== undefined;

let server: IndexServer;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "uv-ts-index-it-"));
  server = await startIndexServer({
    scenarios: ["basic", "entry-points", ...(python ? ["extension"] : [])],
  });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** The environment for pip and uv: nothing from the host's `PIP_*`/`UV_*` configuration. */
function clientEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("PIP_") && !k.startsWith("UV_") && k !== "VIRTUAL_ENV") env[k] = v;
  }
  return { ...env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1", NO_COLOR: "1" };
}

const execFileAsync = promisify(execFile);

/**
 * Runs a client asynchronously: the server lives in this process, so a synchronous spawn would
 * block the very event loop that has to answer the client.
 */
async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, {
      encoding: "utf8",
      env: clientEnv(),
      cwd: root,
      timeout: 60_000,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    throw new Error(
      `\`${cmd} ${args.join(" ")}\` failed (${String(e.code)}):\n${e.stdout}\n${e.stderr}`,
    );
  }
}

describe("local index with fetch", () => {
  it("downloaded_wheel_matches_the_sha256_fragment", async () => {
    const page = await fetch(`${server.simpleUrl}basic-package/`, {
      headers: { accept: "text/html" },
    });
    const html = await page.text();
    const href = /href="([^"]*basic_package-1\.0\.0-py3-none-any\.whl#sha256=[0-9a-f]{64})"/.exec(
      html,
    )?.[1];
    expect(href).toBeDefined();
    const url = new URL(href as string, page.url);
    const expected = url.hash.slice("#sha256=".length);
    url.hash = "";
    const wheel = await fetch(url);
    expect(wheel.status).toBe(200);
    expect(sha256Hex(Buffer.from(await wheel.arrayBuffer()))).toBe(expected);
  });
});

describe.skipIf(!python)("local index with real installers", () => {
  let venvPython: string;
  let bin: string;

  beforeAll(() => {
    const venv = join(root, "venv");
    execFileSync(findTestPython("3.12").executable, ["-m", "venv", venv], { env: clientEnv() });
    bin = join(venv, "bin");
    venvPython = join(bin, "python");
  });

  it("pip_installs_from_the_simple_index", async () => {
    const before = server.requests.length;
    await run(venvPython, [
      "-m",
      "pip",
      "install",
      "--index-url",
      server.simpleUrl,
      "--no-cache-dir",
      "basic-package==1.0.0",
    ]);
    const out = await run(venvPython, [
      "-c",
      "import basic_package, dep_a, dep_b; print(basic_package.__version__)",
    ]);
    expect(out.trim()).toBe("1.0.0");
    const paths = server.requests.slice(before).map((r) => r.pathname);
    expect(paths).toContain("/simple/basic-package/");
    expect(paths).toContain("/simple/dep-a/");
    expect(paths).toContain("/files/basic_package-1.0.0-py3-none-any.whl");
  });

  it.skipIf(!uvAvailable)("uv_installs_extension_and_entry_point_wheels", async () => {
    const before = server.requests.length;
    await run(uv!.path, [
      "pip",
      "install",
      "--no-config",
      "--python",
      venvPython,
      "--index-url",
      server.simpleUrl,
      "--no-cache",
      "speedups==1.0.0",
      "hello-pkg==1.0.0",
    ]);
    // uv negotiates the JSON form and reads PEP 658 metadata instead of whole wheels.
    const logged = server.requests.slice(before);
    const page = logged.find((r) => r.pathname === "/simple/speedups/");
    expect(page?.accept).toContain("application/vnd.pypi.simple.v1+json");
    expect(logged.map((r) => r.pathname)).toContain(
      "/files/speedups-1.0.0-cp312-cp312-linux_x86_64.whl.metadata",
    );

    expect((await run(join(bin, "hello"), [])).trim()).toBe("Hello from hello-pkg!");
    expect((await run(join(bin, "hello-data"), [])).trim()).toBe("Hello from a .data script!");
    expect(existsSync(join(bin, "hello-gui"))).toBe(true);
    expect(
      (await run(venvPython, ["-c", "import speedups; print(speedups.add(2, 40))"])).trim(),
    ).toBe("42");
  });

  it.skipIf(!uvAvailable)("uv_reads_metadata_by_range_requests_without_pep_658", async () => {
    server.setFault({ kind: "noMetadata" });
    try {
      const before = server.requests.length;
      await run(uv!.path, [
        "pip",
        "install",
        "--no-config",
        "--dry-run",
        "--python",
        venvPython,
        "--index-url",
        server.simpleUrl,
        "--no-cache",
        "dep-b==1.0.0",
        "--reinstall",
      ]);
      const wheel = "/files/dep_b-1.0.0-py3-none-any.whl";
      const ranged = server.requests
        .slice(before)
        .filter((r) => r.pathname === wheel && r.range !== undefined);
      expect(ranged.length).toBeGreaterThan(0);
      expect(ranged.every((r) => r.status === 206)).toBe(true);
    } finally {
      server.clearFaults();
    }
  });
});
