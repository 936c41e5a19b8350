import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasFeature, ScratchDirs } from "@uv-ts/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DiscoveryOptions,
  discoverVersionFile,
  findAllPythonInstallations,
  findPythonInstallation,
  parsePythonRequest,
} from "../src/index.ts";

const ROOT = "/root/.pyenv/versions";
const scratch = new ScratchDirs("uv-ts-discovery-");
afterAll(() => scratch.removeAll());

const PY = { "3.11": `${ROOT}/3.11.7/bin/python3.11`, "3.12": `${ROOT}/3.12.1/bin/python3.12` };

/** A temp root with one search-path directory per interpreter, as uv's test harness makes. */
function setup(versions: (keyof typeof PY)[]) {
  const root = scratch.make();
  const dirs = versions.map((v) => {
    const dir = join(root, "python", v);
    mkdirSync(dir, { recursive: true });
    symlinkSync(PY[v], join(dir, `python${v}`));
    symlinkSync(PY[v], join(dir, "python3"));
    return dir;
  });
  const cwd = join(root, "work");
  mkdirSync(cwd);
  const options = (extra: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
    cwd,
    cacheDir: join(root, "cache"),
    env: { PATH: "/usr/bin:/bin", UV_PYTHON_SEARCH_PATH: dirs.join(":") },
    environments: "only-system",
    ...extra,
  });
  return { root, cwd, dirs, options };
}

describe.skipIf(!hasFeature("python"))("findPythonInstallation", () => {
  it("takes_the_first_interpreter_on_the_search_path_by_default", async () => {
    const { options, dirs } = setup(["3.11", "3.12"]);
    const found = await findPythonInstallation({ kind: "default" }, options());
    expect(found.interpreter.version.toString()).toBe("3.11.7");
    expect(found.interpreter.path).toBe(join(dirs[0]!, "python3"));
    expect(found.source).toBe("search-path");
  });

  it("finds_versions_ranges_and_implementations", async () => {
    const { options, cwd } = setup(["3.11", "3.12"]);
    for (const [request, version] of [
      ["3.12", "3.12.1"],
      ["3", "3.11.7"],
      [">=3.12", "3.12.1"],
      ["cpython@3.12", "3.12.1"],
      ["python3.12", "3.12.1"],
      ["3.12.1", "3.12.1"],
    ] as const) {
      const found = await findPythonInstallation(parsePythonRequest(request, cwd), options());
      expect(found.interpreter.version.toString(), request).toBe(version);
    }
  });

  it("reports_what_it_searched_when_nothing_matches", async () => {
    const { options, cwd } = setup(["3.12"]);
    await expect(
      findPythonInstallation(parsePythonRequest("3.20", cwd), options()),
    ).rejects.toThrow(
      "No interpreter found for Python 3.20 in managed installations or search path",
    );
    await expect(
      findPythonInstallation(parsePythonRequest("3.20", cwd), options({ environments: "any" })),
    ).rejects.toThrow(
      "No interpreter found for Python 3.20 in virtual environments, managed installations, or search path",
    );
    await expect(
      findPythonInstallation(parsePythonRequest("./nope", cwd), options()),
    ).rejects.toThrow("No interpreter found at path `./nope`");
    await expect(findPythonInstallation(parsePythonRequest("2.7", cwd), options())).rejects.toThrow(
      "Invalid version request: Python <3.6 is not supported but 2.7 was requested.",
    );
  });

  it("prefers_the_active_and_the_discovered_environment_when_environments_are_allowed", async () => {
    const { options, cwd, root } = setup(["3.11", "3.12"]);
    // A minimal venv: `bin/python3` pointing at 3.12 and a `pyvenv.cfg` naming its home.
    const venv = join(cwd, ".venv");
    mkdirSync(join(venv, "bin"), { recursive: true });
    symlinkSync(PY["3.12"], join(venv, "bin", "python3"));
    writeFileSync(join(venv, "pyvenv.cfg"), `home = ${ROOT}/3.12.1/bin\n`);
    const found = await findPythonInstallation(
      { kind: "default" },
      options({ environments: "any" }),
    );
    expect(found.source).toBe("discovered-environment");
    expect(found.interpreter.isVirtualenv).toBe(true);
    expect(found.interpreter.sysPrefix).toBe(venv);
    // `venv` wants a system interpreter: the `.venv` is skipped.
    const system = await findPythonInstallation({ kind: "default" }, options());
    expect(system.interpreter.isVirtualenv).toBe(false);
    // An active `VIRTUAL_ENV` comes first.
    const active = await findPythonInstallation(
      { kind: "default" },
      options({
        environments: "any",
        env: { VIRTUAL_ENV: venv, UV_PYTHON_SEARCH_PATH: join(root, "python", "3.11") },
      }),
    );
    expect(active.source).toBe("active-environment");
  });

  it("lists_every_matching_interpreter", async () => {
    const { options } = setup(["3.11", "3.12"]);
    const all = await findAllPythonInstallations({ kind: "any" }, options());
    expect(all.map((i) => i.interpreter.path.split("/").slice(-2).join("/")).sort()).toEqual([
      "3.11/python3",
      "3.11/python3.11",
      "3.12/python3",
      "3.12/python3.12",
    ]);
  });
});

describe("discoverVersionFile", () => {
  it("finds_the_nearest_file_and_skips_comments_and_executable_names", async () => {
    const root = scratch.make("uv-ts-version-file-");
    const nested = join(root, "a", "b");
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(root, ".python-version"), "# pinned\n\n3.12\nnot-a-python\n");
    const warnings: string[] = [];
    const file = await discoverVersionFile(nested, {
      env: { HOME: root },
      warn: (m) => warnings.push(m),
    });
    expect(file?.path).toBe(join(root, ".python-version"));
    expect(file?.requests).toEqual([parsePythonRequest("3.12", root)]);
    expect(warnings).toEqual([
      `Ignoring unsupported Python request \`not-a-python\` in version file: ${join(root, ".python-version")}`,
    ]);
    writeFileSync(join(nested, ".python-versions"), "3.11\n3.12\n");
    const versions = await discoverVersionFile(nested, { env: { HOME: root } });
    expect(versions?.requests).toHaveLength(2);
    expect(await discoverVersionFile(nested, { noConfig: true })).toBeUndefined();
  });
});
