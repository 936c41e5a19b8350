import { execFileSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { queryInterpreter } from "@uv-ts/python";
import { findUv, hasFeature, ScratchDirs } from "@uv-ts/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { createVenv, parsePyvenvCfg, promptFromArg, renderPyvenvCfg } from "../src/index.ts";

const PYTHONS = {
  "3.9": "/root/.pyenv/versions/3.9.18/bin/python3.9",
  "3.12": "/root/.pyenv/versions/3.12.1/bin/python3.12",
};

const scratch = new ScratchDirs("uv-ts-venv-");
afterAll(() => scratch.removeAll());
const cacheDir = scratch.make("uv-ts-venv-cache-");

async function make(
  version: keyof typeof PYTHONS,
  extra: Partial<Parameters<typeof createVenv>[0]> = {},
) {
  const cwd = scratch.make();
  const interpreter = await queryInterpreter(PYTHONS[version], { cwd, cacheDir });
  const options = {
    location: ".venv",
    cwd,
    interpreter,
    prompt: promptFromArg(undefined),
    systemSitePackages: false,
    onExisting: "fail" as const,
    relocatable: false,
    seed: false,
    toolVersion: "0.1.0",
    ...extra,
  };
  return { cwd, interpreter, options, venv: join(extra.cwd ?? cwd, options.location) };
}

/** Every entry below `root`: file contents, link targets, directories. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(path)}`;
      else if (st.isDirectory()) {
        out[rel] = "dir";
        walk(path);
      } else out[rel] = readFileSync(path, "utf8").replace(/^uv = .*$/m, "uv = [VERSION]");
    }
  };
  walk(root);
  return out;
}

const python = (venv: string, code: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(join(venv, "bin", "python"), ["-c", code], {
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin", ...env },
  }).trim();

describe("renderPyvenvCfg", () => {
  it("writes_uv_keys_in_uv_order", () => {
    const text = renderPyvenvCfg({
      home: "/usr/bin",
      implementation: "CPython",
      uv: "0.1.0",
      versionInfo: "3.12.1",
      includeSystemSitePackages: false,
      relocatable: true,
      seed: true,
      prompt: "hi",
    });
    expect(text).toBe(
      "home = /usr/bin\nimplementation = CPython\nuv = 0.1.0\nversion_info = 3.12.1\ninclude-system-site-packages = false\nrelocatable = true\nseed = true\nprompt = hi\n",
    );
    expect(parsePyvenvCfg(text).get("prompt")).toBe("hi");
  });
});

describe.skipIf(!hasFeature("python"))("createVenv", () => {
  it("creates_a_working_environment", async () => {
    const { options, venv } = await make("3.12");
    const created = await createVenv(options);
    expect(created.root).toBe(venv);
    expect(readFileSync(join(venv, "pyvenv.cfg"), "utf8")).toBe(
      "home = /root/.pyenv/versions/3.12.1/bin\nimplementation = CPython\nuv = 0.1.0\nversion_info = 3.12.1\ninclude-system-site-packages = false\n",
    );
    expect(readlinkSync(join(venv, "bin", "python"))).toBe(PYTHONS["3.12"]);
    expect(readlinkSync(join(venv, "bin", "python3.12"))).toBe("python");
    expect(readlinkSync(join(venv, "lib64"))).toBe("lib");
    expect(readFileSync(join(venv, ".gitignore"), "utf8")).toBe("*");
    expect(existsSync(join(venv, "lib", "python3.12", "site-packages", "_virtualenv.py"))).toBe(
      false,
    );
    const facts = JSON.parse(
      python(
        venv,
        "import sys, site, json; print(json.dumps([sys.prefix, sys.base_prefix, site.getsitepackages()]))",
      ),
    );
    expect(facts).toEqual([
      venv,
      "/root/.pyenv/versions/3.12.1",
      [join(venv, "lib", "python3.12", "site-packages")],
    ]);
    // Nothing is left beside the environment.
    expect(readdirSync(options.cwd)).toEqual([".venv"]);
  });

  it("activation_sets_virtual_env_path_and_prompt", async () => {
    const { options, venv } = await make("3.12", { prompt: promptFromArg("my prompt") });
    await createVenv(options);
    const out = execFileSync(
      "bash",
      [
        "-c",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
        'PS1="$ "; source .venv/bin/activate; echo "$VIRTUAL_ENV|$VIRTUAL_ENV_PROMPT|$PS1|$(command -v python)"; deactivate; echo "${VIRTUAL_ENV:-unset}"',
      ],
      { cwd: options.cwd, encoding: "utf8", env: { PATH: "/usr/bin:/bin" } },
    );
    expect(out).toBe(`${venv}|my prompt|(my prompt) $ |${venv}/bin/python\nunset\n`);
  });

  it("system_site_packages_sees_the_base_packages", async () => {
    const { options, venv } = await make("3.12", { systemSitePackages: true });
    await createVenv(options);
    const paths = python(venv, "import sys; print('\\n'.join(sys.path))").split("\n");
    expect(paths).toContain("/root/.pyenv/versions/3.12.1/lib/python3.12/site-packages");
    expect(paths).toContain(join(venv, "lib", "python3.12", "site-packages"));
  });

  it("writes_the_distutils_patch_for_python_3_9", async () => {
    const { options, venv } = await make("3.9");
    await createVenv(options);
    const site = join(venv, "lib", "python3.9", "site-packages");
    expect(readFileSync(join(site, "_virtualenv.pth"), "utf8")).toBe("import _virtualenv");
    expect(python(venv, "import _virtualenv, sys; print(sys.prefix)")).toBe(venv);
  });

  it("refuses_existing_targets_and_leaves_them_alone", async () => {
    const { options, venv, cwd } = await make("3.12");
    mkdirSync(venv);
    writeFileSync(join(venv, "file"), "");
    await expect(createVenv(options)).rejects.toMatchObject({
      message: "A directory already exists at: .venv",
      hint: "Use the `--clear` flag or set `UV_VENV_CLEAR=1` to replace the existing directory",
    });
    await expect(createVenv({ ...options, onExisting: "clear" })).rejects.toMatchObject({
      message: "uv will not clear a directory that is not a virtual environment",
      hint: "Use the `--force` flag to remove the existing directory anyway",
    });
    expect(readdirSync(venv)).toEqual(["file"]);
    await createVenv({ ...options, onExisting: "allow" });
    expect(readdirSync(venv)).toContain("file");
    expect(readdirSync(venv)).toContain("pyvenv.cfg");
    await expect(createVenv(options)).rejects.toMatchObject({
      message: "A virtual environment already exists at: .venv",
    });
    await createVenv({ ...options, onExisting: "clear" });
    expect(readdirSync(venv)).not.toContain("file");
    writeFileSync(join(cwd, "afile"), "");
    await expect(createVenv({ ...options, location: "afile" })).rejects.toMatchObject({
      message: "File exists at `afile`",
    });
    expect(readdirSync(cwd).sort()).toEqual([".venv", "afile"]);
  });

  it("fails_cleanly_when_the_parent_is_a_file", async () => {
    const { options, cwd } = await make("3.12");
    writeFileSync(join(cwd, "plain"), "");
    await expect(createVenv({ ...options, location: "plain/venv" })).rejects.toMatchObject({
      code: "virtualenv.io",
    });
    expect(readdirSync(cwd)).toEqual(["plain"]);
  });

  it("relocatable_environments_activate_from_a_new_place", async () => {
    const { options, venv, cwd } = await make("3.12", { relocatable: true });
    await createVenv(options);
    expect(existsSync(join(venv, "bin", "activate.csh"))).toBe(false);
    renameSync(venv, join(cwd, "moved"));
    const out = execFileSync("bash", ["-c", "source moved/bin/activate; echo $VIRTUAL_ENV"], {
      cwd,
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(out.trim()).toBe(join(cwd, "moved"));
  });

  const uv = findUv();
  it.skipIf(uv === undefined)("writes_the_same_files_as_uv", async () => {
    for (const [version, extra] of [
      ["3.12", {}],
      ["3.9", { prompt: promptFromArg('it\'s "quoted"'), systemSitePackages: true }],
      ["3.12", { relocatable: true }],
    ] as const) {
      const { options, venv, cwd } = await make(version, extra);
      const args = ["venv", "-q", "--no-project", "--python", PYTHONS[version], ".venv"];
      if ("prompt" in extra)
        args.push("--prompt", extra.prompt.kind === "static" ? extra.prompt.value : "");
      if ("systemSitePackages" in extra) args.push("--system-site-packages");
      if ("relocatable" in extra) args.push("--relocatable");
      execFileSync(uv!.path, args, {
        cwd,
        env: { ...process.env, UV_CACHE_DIR: cacheDir, UV_PYTHON_DOWNLOADS: "never" },
      });
      const expected = tree(venv);
      renameSync(venv, join(cwd, "uv-made"));
      await createVenv(options);
      expect(tree(venv)).toEqual(expected);
    }
  });
});
