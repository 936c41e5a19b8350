import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { list } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import {
  type BuiltDist,
  buildIndexFiles,
  buildSdist,
  buildWheel,
  expandTags,
  FixtureError,
  findTestPython,
  hasFeature,
  loadScenario,
  mergePackages,
  parseScenario,
  recordHash,
  renderCoreMetadata,
  renderPyproject,
  sha256Hex,
  type WheelSpec,
  writeFindLinksDir,
} from "../src/index.ts";

const work = mkdtempSync(join(tmpdir(), "uv-ts-fixtures-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HELLO: WheelSpec = {
  name: "Hello.Pkg",
  version: "1.0.0",
  summary: "Says hello",
  requiresDist: ["dep-a>=1.0", 'colorama; sys_platform == "win32"'],
  extras: { fast: ["dep-b>=1.0", 'uvloop; sys_platform != "win32"'] },
  providesExtra: ["empty"],
  requiresPython: ">=3.8, <4",
  files: {
    "hello_pkg/__init__.py": "def main():\n    print('hi')\n",
    "hello_pkg/sub/data.txt": "some, data\n",
  },
  scripts: { hello: "hello_pkg:main" },
  guiScripts: { "hello-gui": "hello_pkg:main" },
  data: { "scripts/hello-data": "#!python\nprint('data')\n", "data/share/hello.txt": "share\n" },
};

function save(dist: BuiltDist): string {
  const path = join(work, dist.filename);
  writeFileSync(path, dist.bytes);
  return path;
}

describe("buildWheel", () => {
  it("wheel_is_byte_for_byte_reproducible", async () => {
    const a = await buildWheel(HELLO);
    const b = await buildWheel({ ...HELLO });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).toBe(sha256Hex(a.bytes));
    expect(a.size).toBe(a.bytes.length);
    const c = await buildWheel({ ...HELLO, version: "1.0.1" });
    expect(c.sha256).not.toBe(a.sha256);
  });

  it("wheel_filename_uses_escaped_name_build_tag_and_tag", async () => {
    expect((await buildWheel(HELLO)).filename).toBe("hello_pkg-1.0.0-py3-none-any.whl");
    const built = await buildWheel({ ...HELLO, tag: "py2.py3-none-any", build: "7" });
    expect(built.filename).toBe("hello_pkg-1.0.0-7-py2.py3-none-any.whl");
  });

  it("expands_compressed_tag_sets", () => {
    expect(expandTags("py2.py3-none-any")).toEqual(["py2-none-any", "py3-none-any"]);
    expect(expandTags("cp312-abi3-manylinux1_x86_64.linux_x86_64")).toEqual([
      "cp312-abi3-manylinux1_x86_64",
      "cp312-abi3-linux_x86_64",
    ]);
    expect(() => expandTags("py3-none")).toThrow(FixtureError);
  });

  it("wheel_metadata_is_core_metadata_2_3", async () => {
    const built = await buildWheel(HELLO);
    expect(built.metadata).toBe(
      [
        "Metadata-Version: 2.3",
        "Name: Hello.Pkg",
        "Version: 1.0.0",
        "Summary: Says hello",
        "Requires-Python: >=3.8, <4",
        "Requires-Dist: dep-a>=1.0",
        'Requires-Dist: colorama; sys_platform == "win32"',
        'Requires-Dist: dep-b>=1.0; extra == "fast"',
        'Requires-Dist: uvloop; (sys_platform != "win32") and extra == "fast"',
        "Provides-Extra: empty",
        "Provides-Extra: fast",
        "",
      ].join("\n"),
    );
    expect(() => renderCoreMetadata({ name: "x", version: "1", summary: "a\nb" })).toThrow(
      /single line/,
    );
  });

  it("default_payload_is_one_module_named_after_the_project", async () => {
    const built = await buildWheel({ name: "dep-b", version: "2.0" });
    // Stored members are deflated, but the central directory keeps the names in clear text.
    expect(built.bytes.includes("dep_b/__init__.py")).toBe(true);
    expect(built.bytes.includes("dep_b-2.0.dist-info/RECORD")).toBe(true);
  });

  it("rejects_payload_paths_that_escape", async () => {
    await expect(
      buildWheel({ name: "x", version: "1", files: { "../evil.py": "" } }),
    ).rejects.toThrow("Invalid path in fixture: `../evil.py`");
    await expect(buildWheel({ name: "x", version: "1", files: { "/abs.py": "" } })).rejects.toThrow(
      FixtureError,
    );
  });
});

describe("buildSdist", () => {
  it("sdist_is_byte_for_byte_reproducible", () => {
    const a = buildSdist(HELLO);
    const b = buildSdist({ ...HELLO });
    expect(a.filename).toBe("hello_pkg-1.0.0.tar.gz");
    expect(a.bytes.equals(b.bytes)).toBe(true);
    // gzip header: magic, method, flags, then a four-byte mtime that must be zero.
    expect([...a.bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(a.bytes.readUInt32LE(4)).toBe(0);
  });

  it("sdist_members_have_fixed_owner_and_mtime", async () => {
    const path = save(buildSdist(HELLO));
    const entries: { path: string; mtime: number; uid: number; gid: number; uname: string }[] = [];
    await list({
      file: path,
      onReadEntry: (e) =>
        entries.push({
          path: e.path,
          mtime: e.mtime?.getTime() ?? -1,
          uid: e.uid ?? -1,
          gid: e.gid ?? -1,
          uname: e.uname ?? "",
        }),
    });
    expect(entries.map((e) => e.path)).toEqual([
      "hello_pkg-1.0.0/PKG-INFO",
      "hello_pkg-1.0.0/hello_pkg/__init__.py",
      "hello_pkg-1.0.0/hello_pkg/sub/data.txt",
      "hello_pkg-1.0.0/pyproject.toml",
    ]);
    for (const e of entries) expect(e).toMatchObject({ mtime: 0, uid: 0, gid: 0, uname: "root" });
  });

  it("long_paths_use_the_ustar_prefix", async () => {
    const deep = `${"d".repeat(60)}/${"e".repeat(60)}/mod.py`;
    const path = save(buildSdist({ name: "deep", version: "1", files: { [deep]: "x = 1\n" } }));
    const names: string[] = [];
    await list({ file: path, onReadEntry: (e) => names.push(e.path) });
    expect(names).toContain(`deep-1/${deep}`);
  });

  it("pyproject_declares_the_same_metadata_for_flit", () => {
    const doc = parse(renderPyproject(HELLO)) as Record<string, Record<string, unknown>>;
    expect(doc["build-system"]).toEqual({
      requires: ["flit_core>=3.2,<4"],
      "build-backend": "flit_core.buildapi",
    });
    expect(doc.project).toMatchObject({
      name: "Hello.Pkg",
      version: "1.0.0",
      "requires-python": ">=3.8, <4",
      dependencies: ["dep-a>=1.0", 'colorama; sys_platform == "win32"'],
      "optional-dependencies": {
        empty: [],
        fast: ["dep-b>=1.0", 'uvloop; sys_platform != "win32"'],
      },
      scripts: { hello: "hello_pkg:main" },
      "gui-scripts": { "hello-gui": "hello_pkg:main" },
    });
    // The module is `hello_pkg`, the project `Hello.Pkg` (`hello_pkg` once escaped): no override.
    expect(doc.tool).toBeUndefined();
    const other = parse(
      renderPyproject({ name: "hello-world", version: "1", files: { "hw/__init__.py": "" } }),
    ) as Record<string, unknown>;
    expect(other.tool).toEqual({ flit: { module: { name: "hw" } } });
  });
});

describe("scenarios", () => {
  it("reads_the_basic_scenario", async () => {
    const scenario = await loadScenario("basic");
    expect(scenario.name).toBe("basic");
    const basic = scenario.packages.find((p) => p.name === "basic-package");
    expect(basic?.versions.map((v) => v.version)).toEqual(["0.1.0", "0.5.0", "1.0.0", "2.0.0a1"]);
    const v1 = basic?.versions.find((v) => v.version === "1.0.0");
    expect(v1).toMatchObject({
      requiresDist: ["dep-a>=1.0"],
      requiresPython: ">=3.8, <4",
      extras: { fast: ["dep-b>=1.0"] },
      sdist: true,
      uploadTime: "2024-01-15T12:00:00Z",
    });
    expect(basic?.versions.find((v) => v.version === "0.5.0")?.yanked).toBe("Broken build");
  });

  it("every_scenario_file_parses", async () => {
    const dir = join(import.meta.dirname, "../../../crates-fixtures/scenarios");
    const names = readdirSync(dir).filter((f) => f.endsWith(".toml"));
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      const scenario = await loadScenario(join(dir, name));
      expect(scenario.packages.length).toBeGreaterThan(0);
    }
  });

  it("rejects_unknown_and_mistyped_fields", () => {
    expect(() => parseScenario('[packages.a.versions."1.0"]\nrequires_dist = []\n', "t")).toThrow(
      'Invalid scenario: unknown field `packages.a.versions."1.0".requires_dist`',
    );
    expect(() => parseScenario('[packages.a.versions."1.0"]\nsdist = "yes"\n', "t")).toThrow(
      'Invalid scenario: `packages.a.versions."1.0".sdist` must be a boolean',
    );
    expect(() => parseScenario("packages = [", "broken")).toThrow(
      "Failed to parse scenario `broken`",
    );
    expect(() =>
      parseScenario('[packages.a.versions."1.0".extension]\nmodule = "m"\n', "t"),
    ).toThrow("needs `module` and `python`");
  });

  it("parses_wheel_targets_yanked_and_dates", () => {
    const scenario = parseScenario(
      [
        'name = "custom"',
        '[packages.a.versions."1.0"]',
        'wheels = ["py2.py3-none-any", { tag = "py3-none-any", build = "1" }]',
        "yanked = true",
        "upload-time = 2024-03-01T10:20:30Z",
      ].join("\n"),
      "file",
    );
    expect(scenario.name).toBe("custom");
    expect(scenario.packages[0]?.versions[0]).toEqual({
      version: "1.0",
      wheels: [{ tag: "py2.py3-none-any" }, { tag: "py3-none-any", build: "1" }],
      yanked: true,
      uploadTime: "2024-03-01T10:20:30Z",
    });
  });

  it("merging_rejects_a_version_defined_twice", () => {
    const a = [{ name: "Foo", versions: [{ version: "1.0" }] }];
    const b = [{ name: "foo", versions: [{ version: "2.0" }] }];
    expect(mergePackages(a, b)).toEqual([
      { name: "Foo", versions: [{ version: "1.0" }, { version: "2.0" }] },
    ]);
    expect(() => mergePackages(a, a)).toThrow("Version `1.0` of `Foo` is defined more than once");
  });

  it("builds_index_files_with_defaults", async () => {
    const files = await buildIndexFiles([
      {
        name: "Foo_Bar",
        versions: [
          { version: "1.0", sdist: true, yanked: "bad" },
          { version: "2.0", wheels: [], sdist: true, uploadTime: "2025-01-01T00:00:00Z" },
        ],
      },
    ]);
    expect(files.map((f) => [f.filename, f.project, f.yanked, f.uploadTime])).toEqual([
      ["foo_bar-1.0-py3-none-any.whl", "foo-bar", "bad", "2024-01-01T00:00:00Z"],
      ["foo_bar-1.0.tar.gz", "foo-bar", "bad", "2024-01-01T00:00:00Z"],
      ["foo_bar-2.0.tar.gz", "foo-bar", false, "2025-01-01T00:00:00Z"],
    ]);
  });

  it("writes_a_find_links_directory", async () => {
    const dists = [await buildWheel(HELLO), buildSdist(HELLO)];
    const dir = join(work, "links");
    const paths = await writeFindLinksDir(dir, dists);
    expect(readdirSync(dir).sort()).toEqual(dists.map((d) => d.filename).sort());
    expect(paths).toEqual(dists.map((d) => join(dir, d.filename)));
  });
});

// Python's own zipfile/tarfile are the reference readers: if they accept the archives and every
// RECORD line checks out, pip and uv will too.
const CHECK_SCRIPT = `
import base64, csv, email.parser, hashlib, io, json, sys, tarfile, tempfile, tomllib, zipfile

def check_wheel(path):
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        infos = zf.infolist()
        names = [i.filename for i in infos]
        record_name = next(n for n in names if n.endswith(".dist-info/RECORD"))
        rows = list(csv.reader(io.TextIOWrapper(zf.open(record_name), "utf-8", newline="")))
        bad = []
        for name, digest, size in rows:
            if name == record_name:
                if digest or size:
                    bad.append(name)
                continue
            data = zf.read(name)
            expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if digest != expected or int(size) != len(data):
                bad.append(name)
        dist_info = record_name.rsplit("/", 1)[0]
        meta = email.parser.Parser().parsestr(zf.read(dist_info + "/METADATA").decode())
        eps = dist_info + "/entry_points.txt"
        return {
            "names": names,
            "recorded": sorted(r[0] for r in rows),
            "bad": bad,
            "dates": sorted({str(i.date_time) for i in infos}),
            "modes": {i.filename: i.external_attr >> 16 for i in infos},
            "wheel": zf.read(dist_info + "/WHEEL").decode(),
            "entry_points": zf.read(eps).decode() if eps in names else None,
            "requires_dist": meta.get_all("Requires-Dist"),
            "metadata_version": meta["Metadata-Version"],
        }

def check_sdist(path):
    with tarfile.open(path, "r:gz") as tf, tempfile.TemporaryDirectory() as tmp:
        tf.extractall(tmp, filter="data")
        members = tf.getmembers()
        top = members[0].name.split("/")[0]
        pyproject = tomllib.loads(tf.extractfile(top + "/pyproject.toml").read().decode())
        return {
            "names": [m.name for m in members],
            "owners": sorted({(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members}),
            "pkg_info": tf.extractfile(top + "/PKG-INFO").read().decode(),
            "project": pyproject["project"]["name"],
        }

jobs = json.load(sys.stdin)
print(json.dumps([check_wheel(p) if p.endswith(".whl") else check_sdist(p) for p in jobs]))
`;

describe.skipIf(!hasFeature("python"))("archives read by Python", () => {
  const python = hasFeature("python") ? findTestPython("3.12").executable : "";
  const check = <T>(paths: string[]): T[] =>
    JSON.parse(
      execFileSync(python, ["-c", CHECK_SCRIPT], {
        input: JSON.stringify(paths),
        encoding: "utf8",
      }),
    ) as T[];

  it("zipfile_opens_the_wheel_and_every_record_hash_matches", async () => {
    const wheel = await buildWheel(HELLO);
    const path = save(wheel);
    const [result] = check<{
      names: string[];
      recorded: string[];
      bad: string[];
      dates: string[];
      modes: Record<string, number>;
      wheel: string;
      entry_points: string;
      requires_dist: string[];
      metadata_version: string;
    }>([path]);
    expect(result?.bad).toEqual([]);
    expect(result?.recorded).toEqual([...(result?.names ?? [])].sort());
    expect(result?.names).toEqual([
      "hello_pkg-1.0.0.data/data/share/hello.txt",
      "hello_pkg-1.0.0.data/scripts/hello-data",
      "hello_pkg/__init__.py",
      "hello_pkg/sub/data.txt",
      "hello_pkg-1.0.0.dist-info/METADATA",
      "hello_pkg-1.0.0.dist-info/WHEEL",
      "hello_pkg-1.0.0.dist-info/entry_points.txt",
      "hello_pkg-1.0.0.dist-info/RECORD",
    ]);
    expect(result?.dates).toEqual(["(1980, 1, 1, 0, 0, 0)"]);
    expect(result?.modes["hello_pkg-1.0.0.data/scripts/hello-data"]).toBe(0o100755);
    expect(result?.modes["hello_pkg/__init__.py"]).toBe(0o100644);
    expect(result?.wheel).toBe(
      "Wheel-Version: 1.0\nGenerator: uv-ts-test-kit (0.0.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    );
    expect(result?.entry_points).toBe(
      "[console_scripts]\nhello = hello_pkg:main\n\n[gui_scripts]\nhello-gui = hello_pkg:main\n",
    );
    expect(result?.metadata_version).toBe("2.3");
    expect(result?.requires_dist).toHaveLength(4);
    // The RECORD digest form, against the well-known SHA-256 of the empty string.
    expect(recordHash("")).toBe("sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");

    const listing = execFileSync(python, ["-m", "zipfile", "-l", path], { encoding: "utf8" });
    expect(listing).toContain("hello_pkg-1.0.0.dist-info/RECORD");
    expect(listing).toContain("1980-01-01 00:00:00");
  });

  it("tarfile_extracts_the_sdist_with_the_data_filter", () => {
    const path = save(buildSdist(HELLO));
    const [result] = check<{
      names: string[];
      owners: unknown[];
      pkg_info: string;
      project: string;
    }>([path]);
    expect(result?.names).toHaveLength(4);
    expect(result?.owners).toEqual([[0, 0, "root", "root", 0]]);
    expect(result?.pkg_info).toBe(renderCoreMetadata(HELLO));
    expect(result?.project).toBe("Hello.Pkg");
    const listing = execFileSync("tar", ["-tzf", path], { encoding: "utf8" });
    expect(listing.trim().split("\n")).toEqual(result?.names);
  });

  it("extension_wheel_is_tagged_for_the_interpreter_and_cached", async () => {
    const cacheDir = join(work, "cache");
    const spec: WheelSpec = {
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
    };
    const first = await buildWheel(spec, { cacheDir });
    expect(first.filename).toBe("speedups-1.0.0-cp312-cp312-linux_x86_64.whl");
    const cached = readdirSync(cacheDir).filter((d) => d !== "interpreters");
    expect(cached).toHaveLength(1);
    expect(
      existsSync(join(cacheDir, cached[0] as string, "_speedups.cpython-312-x86_64-linux-gnu.so")),
    ).toBe(true);
    // The second build reads the cache and must give the very same bytes.
    const second = await buildWheel(spec, { cacheDir });
    expect(second.sha256).toBe(first.sha256);

    const path = save(first);
    const [result] = check<{ names: string[]; bad: string[]; wheel: string }>([path]);
    expect(result?.bad).toEqual([]);
    expect(result?.names).toContain("speedups/_speedups.cpython-312-x86_64-linux-gnu.so");
    expect(result?.wheel).toContain("Root-Is-Purelib: false\nTag: cp312-cp312-linux_x86_64\n");

    // Importing it straight from the wheel is impossible (zipimport skips .so), so unpack it.
    const dir = join(work, "speedups-unpacked");
    execFileSync(python, ["-m", "zipfile", "-e", path, dir]);
    const out = execFileSync(python, ["-c", "import speedups; print(speedups.add(40, 2))"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(out.trim()).toBe("42");
  });
});
