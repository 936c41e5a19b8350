import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findUv, hasFeature, type WheelSpec } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fileCacheInfo,
  installWheel,
  type Layout,
  parseRecord,
  recordHash,
  SitePackages,
  uninstall,
} from "../src/index.ts";
import {
  cleanup,
  realVenv,
  snapshotTree,
  tempDir,
  type UnpackedWheel,
  unpackedWheel,
} from "./helpers.ts";

const DEMO: WheelSpec = {
  name: "Demo-Pkg",
  version: "1.0.0",
  files: {
    "demo_pkg/__init__.py": "def main():\n    print('hello from demo')\n",
    "demo_pkg/sub/__init__.py": "class main:\n    attr = staticmethod(lambda: print('attr'))\n",
  },
  scripts: { demo: "demo_pkg:main", "demo-x": "demo_pkg.sub:main.attr" },
  guiScripts: { "demo-gui": "demo_pkg:main" },
  data: {
    "scripts/tool": "#!python\nprint('tool ran')\n",
    "scripts/plain.sh": "#!/bin/sh\necho plain\n",
    "data/share/demo/x.txt": "x\n",
    "headers/demo.h": "int x;\n",
    "purelib/extra_mod.py": "X = 1\n",
  },
};

function run(file: string, args: string[] = []): string {
  return execFileSync(file, args, { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
}

describe.skipIf(!hasFeature("python"))("installWheel into a real venv", () => {
  let root: string;
  let wheel: UnpackedWheel;
  let venv: string;
  let layout: Layout;
  let before: Map<string, Buffer>;
  const warnings: string[] = [];

  beforeAll(async () => {
    root = tempDir("real");
    wheel = await unpackedWheel(DEMO, root);
    venv = join(root, "venv");
    layout = realVenv(venv);
    before = snapshotTree(venv);
    await installWheel(wheel.dir, wheel.filename, layout, {
      linkMode: "clone",
      directUrl: { kind: "archive", url: pathToFileURL(wheel.wheelPath).href, archiveInfo: {} },
      onWarning: (m) => warnings.push(m),
    });
  });
  afterAll(() => cleanup(root));

  it("install_wheel_importable_and_scripts_run", () => {
    const python = join(venv, "bin", "python");
    expect(run(python, ["-c", "import demo_pkg, extra_mod; print(extra_mod.X)"])).toBe("1\n");
    expect(run(join(venv, "bin", "demo"))).toBe("hello from demo\n");
    expect(run(join(venv, "bin", "demo-x"))).toBe("attr\n");
    expect(run(join(venv, "bin", "demo-gui"))).toBe("hello from demo\n");
    expect(run(join(venv, "bin", "tool"))).toBe("tool ran\n");
    expect(run(join(venv, "bin", "plain.sh"))).toBe("plain\n");
    expect(warnings).toEqual([]);
  });

  it("install_wheel_data_scripts_get_interpreter_shebang_and_exec_bit", () => {
    const tool = readFileSync(join(venv, "bin", "tool"), "utf8");
    expect(tool).toBe(`#!${join(venv, "bin", "python")}\nprint('tool ran')\n`);
    for (const name of ["tool", "plain.sh", "demo", "demo-gui", "demo-x"]) {
      expect(statSync(join(venv, "bin", name)).mode & 0o111).toBe(0o111);
    }
    // Scripts without the placeholder are left alone.
    expect(readFileSync(join(venv, "bin", "plain.sh"), "utf8")).toBe("#!/bin/sh\necho plain\n");
    expect(readFileSync(join(venv, "share", "demo", "x.txt"), "utf8")).toBe("x\n");
    expect(
      readFileSync(join(venv, "include", "site", "python3.12", "demo-pkg", "demo.h"), "utf8"),
    ).toBe("int x;\n");
    expect(existsSync(join(layout.scheme.purelib, "demo_pkg-1.0.0.data"))).toBe(false);
  });

  it("install_wheel_writes_installer_metadata", () => {
    const distInfo = join(layout.scheme.purelib, "demo_pkg-1.0.0.dist-info");
    expect(readFileSync(join(distInfo, "INSTALLER"), "utf8")).toBe("uv");
    expect(readFileSync(join(distInfo, "REQUESTED"), "utf8")).toBe("");
    expect(readFileSync(join(distInfo, "direct_url.json"), "utf8")).toBe(
      `{"url":"${pathToFileURL(wheel.wheelPath).href}","archive_info":{}}`,
    );
    const [dist] = SitePackages.read(layout).get("demo-pkg" as never);
    expect(dist?.installer).toBe("uv");
    expect(dist?.requested).toBe(true);
    expect(dist?.directUrl?.kind).toBe("archive");
  });

  it("install_wheel_record_lists_exactly_what_was_written", () => {
    const sitePackages = layout.scheme.purelib;
    const record = parseRecord(
      readFileSync(join(sitePackages, "demo_pkg-1.0.0.dist-info", "RECORD"), "utf8"),
    );
    const after = snapshotTree(venv);
    // Running the scripts above compiled modules; Python's caches are not the installer's.
    const written = [...after.keys()]
      .filter((path) => !before.has(path) && !path.includes("__pycache__"))
      .sort();
    const recorded = record.map((e) => join(sitePackages, e.path).slice(venv.length + 1)).sort();
    expect(recorded).toEqual(written);
    for (const entry of record) {
      const bytes = after.get(join(sitePackages, entry.path).slice(venv.length + 1))!;
      if (entry.path.endsWith("/RECORD")) {
        expect(entry.hash).toBeUndefined();
        continue;
      }
      expect(entry.hash).toBe(recordHash(bytes));
      expect(entry.size).toBe(bytes.length);
    }
    expect(record.some((e) => e.path === "../../../bin/tool")).toBe(true);
  });

  it("uninstall_removes_exactly_the_installed_files", () => {
    // Importing wrote `__pycache__` directories that RECORD does not list.
    run(join(venv, "bin", "python"), ["-c", "import demo_pkg.sub"]);
    const [dist] = SitePackages.read(layout).get("demo-pkg" as never);
    const summary = uninstall(dist!, layout);
    expect(summary.fileCount).toBeGreaterThan(10);
    const after = snapshotTree(venv);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(existsSync(join(layout.scheme.purelib, "demo_pkg"))).toBe(false);
    // As uv, only directories below site-packages are pruned; `share/demo` stays, empty.
    expect(existsSync(join(venv, "share", "demo", "x.txt"))).toBe(false);
    expect(existsSync(layout.scheme.purelib)).toBe(true);
    expect(SitePackages.read(layout).distributions).toEqual([]);
  });
});

const uv = hasFeature("python") ? findUv() : undefined;

describe.skipIf(uv === undefined)("installWheel matches uv byte for byte", () => {
  let root: string;
  beforeAll(() => {
    root = tempDir("uv");
  });
  afterAll(() => cleanup(root));

  it("install_wheel_matches_uv_pip_install", async () => {
    const wheel = await unpackedWheel(DEMO, root);
    const venv = join(root, "venv");
    const layout = realVenv(venv);
    const before = snapshotTree(venv);
    execFileSync(
      uv!.path,
      [
        "pip",
        "install",
        "--no-cache",
        "--offline",
        "--no-config",
        "--python",
        join(venv, "bin", "python"),
        wheel.wheelPath,
      ],
      { env: { PATH: process.env.PATH ?? "", HOME: root }, stdio: "pipe" },
    );
    const byUv = snapshotTree(venv);
    cleanup(venv);
    realVenv(venv);
    await installWheel(wheel.dir, wheel.filename, layout, {
      directUrl: { kind: "archive", url: pathToFileURL(wheel.wheelPath).href, archiveInfo: {} },
      cacheInfo: fileCacheInfo(wheel.wheelPath),
    });
    const byUs = snapshotTree(venv);
    const added = (tree: Map<string, Buffer>) =>
      new Map([...tree].filter(([path]) => !before.has(path) && path !== ".lock"));
    const ours = added(byUs);
    const theirs = added(byUv);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, bytes] of theirs) {
      expect(ours.get(path)?.toString("utf8"), path).toBe(bytes.toString("utf8"));
    }
    const record = "lib/python3.12/site-packages/demo_pkg-1.0.0.dist-info/RECORD";
    expect(ours.get(record)?.toString()).toContain("demo_pkg-1.0.0.dist-info/uv_cache.json");
  });
});

describe.skipIf(!hasFeature("python"))("installWheel with a compiled extension", () => {
  let root: string;
  beforeAll(() => {
    root = tempDir("ext");
  });
  afterAll(() => cleanup(root));

  it("install_wheel_with_extension_module_goes_to_platlib_and_imports", async () => {
    const wheel = await unpackedWheel(
      {
        name: "speedups",
        version: "1.0.0",
        files: { "speedups/__init__.py": "from speedups._speedups import add\n" },
        extension: {
          module: "speedups._speedups",
          python: "3.12",
          source: [
            "#include <Python.h>",
            'static PyObject *add(PyObject *s, PyObject *a) { long x, y; if (!PyArg_ParseTuple(a, "ll", &x, &y)) return NULL; return PyLong_FromLong(x + y); }',
            'static PyMethodDef m[] = {{"add", add, METH_VARARGS, ""}, {NULL, NULL, 0, NULL}};',
            'static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, m};',
            "PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&d); }",
          ].join("\n"),
        },
      },
      root,
    );
    const venv = join(root, "venv");
    const layout = realVenv(venv);
    // In a venv platlib is site-packages too; a distinct one proves where platlib wheels go.
    const platLayout = {
      ...layout,
      scheme: { ...layout.scheme, purelib: join(root, "unused-purelib") },
    };
    await installWheel(wheel.dir, wheel.filename, platLayout, { linkMode: "hardlink" });
    expect(existsSync(join(root, "unused-purelib"))).toBe(false);
    const so = join(layout.scheme.platlib, "speedups", "_speedups.cpython-312-x86_64-linux-gnu.so");
    expect(statSync(so).mode & 0o111).toBe(0o111);
    const out = run(join(venv, "bin", "python"), [
      "-c",
      "import speedups; print(speedups.add(40, 2))",
    ]);
    expect(out).toBe("42\n");
  });
});
