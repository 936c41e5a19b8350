// `uv-ts init`, after uv's `crates/uv/tests/project/init.rs`. Expected texts are what uv 0.13.8
// writes for the same commands (with `uv` → `uv-ts` where the tool names itself).
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { assertSnapshot, hasFeature, TestContext } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";

/**
 * Every file under `dir` (relative to `temp/`), sorted, with its filtered contents: what a
 * command wrote, in one snapshot. `.git/` and `.gitignore` are left out (see the `git` tests),
 * so that the snapshots do not depend on whether the `git` feature is on.
 */
async function tree(ctx: TestContext, dir = "."): Promise<string> {
  const root = join(ctx.tempDir, dir);
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    for (const entry of (await readdir(path)).sort()) {
      if (entry === ".git" || entry === ".gitignore") continue;
      const full = join(path, entry);
      if ((await stat(full)).isDirectory()) await walk(full);
      else files.push(relative(ctx.tempDir, full));
    }
  };
  await walk(root);
  const parts: string[] = [];
  for (const file of files) parts.push(`--- ${file}\n${await ctx.readFile(file)}`);
  return parts.join("\n");
}

const UV_BUILD_TABLE = `[build-system]
requires = ["uv_build>=0.13.8,<0.14.0"]
build-backend = "uv_build"`;

/** The table indented like the snapshots it is interpolated into (their common indentation). */
const UV_BUILD = UV_BUILD_TABLE.split("\n").join("\n      ");

describe.skipIf(!hasFeature("python"))("init", { concurrent: true }, () => {
  it("init", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await tree(ctx),
      `
      --- foo/.python-version
      3.12

      --- foo/README.md

      --- foo/pyproject.toml
      [project]
      name = "foo"
      version = "0.1.0"
      description = "Add your description here"
      readme = "README.md"
      requires-python = ">=3.12"
      dependencies = []

      [project.scripts]
      foo = "foo:main"

      ${UV_BUILD}

      --- foo/src/foo/__init__.py
      def main() -> None:
          print("Hello from foo!")
      `,
    );
  });

  it("init_bare", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo", "--bare"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await tree(ctx),
      `
      --- foo/pyproject.toml
      [project]
      name = "foo"
      version = "0.1.0"
      requires-python = ">=3.12"
      dependencies = []
      `,
    );
  });

  it("init_application", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("foo/.keep", "");
    assertSnapshot(
      await ctx.snapshot(["init", "--app"], { cwd: "foo" }),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\`
      `,
    );
    assertSnapshot(
      await ctx.readFile("foo/pyproject.toml"),
      `
      [project]
      name = "foo"
      version = "0.1.0"
      description = "Add your description here"
      readme = "README.md"
      requires-python = ">=3.12"
      dependencies = []

      [project.scripts]
      foo = "foo:main"

      ${UV_BUILD}
      `,
    );
  });

  it("init_application_no_package", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo", "--app", "--no-package"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await tree(ctx),
      `
      --- foo/.python-version
      3.12

      --- foo/README.md

      --- foo/main.py
      def main():
          print("Hello from foo!")


      if __name__ == "__main__":
          main()

      --- foo/pyproject.toml
      [project]
      name = "foo"
      version = "0.1.0"
      description = "Add your description here"
      readme = "README.md"
      requires-python = ">=3.12"
      dependencies = []
      `,
    );
  });

  it("init_library", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo", "--lib"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await tree(ctx),
      `
      --- foo/.python-version
      3.12

      --- foo/README.md

      --- foo/pyproject.toml
      [project]
      name = "foo"
      version = "0.1.0"
      description = "Add your description here"
      readme = "README.md"
      requires-python = ">=3.12"
      dependencies = []

      ${UV_BUILD}

      --- foo/src/foo/__init__.py
      def hello() -> str:
          return "Hello from foo!"

      --- foo/src/foo/py.typed
      `,
    );
  });

  it("init_package", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo", "--package"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    expect(await ctx.readFile("foo/src/foo/__init__.py")).toBe(
      'def main() -> None:\n    print("Hello from foo!")\n',
    );
  });

  it.each([
    ["init_bare_lib", "--lib"],
    ["init_bare_package", "--package"],
  ])("%s", async (_name, flag) => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo", "--bare", flag]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await tree(ctx),
      `
      --- foo/pyproject.toml
      [project]
      name = "foo"
      version = "0.1.0"
      requires-python = ">=3.12"
      dependencies = []

      ${UV_BUILD}
      `,
    );
  });

  it("init_no_readme_no_pin_python_and_description", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot([
        "init",
        "foo",
        "--no-readme",
        "--no-pin-python",
        "--description",
        "A project",
        "--app",
        "--no-package",
      ]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await tree(ctx),
      `
      --- foo/main.py
      def main():
          print("Hello from foo!")


      if __name__ == "__main__":
          main()

      --- foo/pyproject.toml
      [project]
      name = "foo"
      version = "0.1.0"
      description = "A project"
      requires-python = ">=3.12"
      dependencies = []
      `,
    );
  });

  it("init_without_description", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.run(["init", "foo", "--no-description", "--lib"]);
    assertSnapshot(
      await ctx.readFile("foo/pyproject.toml"),
      `
      [project]
      name = "foo"
      version = "0.1.0"
      readme = "README.md"
      requires-python = ">=3.12"
      dependencies = []

      ${UV_BUILD}
      `,
    );
  });

  it("init_normalized_names", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo-bar", "--name", "Foo_Bar.Baz", "--lib"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo-bar-baz\` at \`[TEMP_DIR]/foo-bar\`
      `,
    );
    expect(await ctx.readFile("foo-bar/src/foo_bar_baz/__init__.py")).toBe(
      'def hello() -> str:\n    return "Hello from foo-bar-baz!"\n',
    );
  });

  it("init_requires_python_version", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    // A plain `X.Y` request needs no interpreter.
    await ctx.run(["init", "foo", "--python", "3.9"]);
    expect(await ctx.readFile("foo/pyproject.toml")).toContain('requires-python = ">=3.9"\n');
    expect(await ctx.readFile("foo/.python-version")).toBe("3.9\n");
  });

  it("init_requires_python_version_file", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(".python-version", "3.11\n");
    await ctx.run(["init", "foo"]);
    expect(await ctx.readFile("foo/pyproject.toml")).toContain('requires-python = ">=3.11"\n');
    expect(await ctx.readFile("foo/.python-version")).toBe("3.11\n");
  });
});

// uv's `init_app_build_backend_*` and `init_lib_build_backend_*`, one table for every backend.
const BACKENDS: Record<string, { readonly buildSystem: string; readonly files: string }> = {
  uv: { buildSystem: UV_BUILD_TABLE, files: "" },
  hatch: {
    buildSystem: '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"',
    files: "",
  },
  flit: {
    buildSystem:
      '[build-system]\nrequires = ["flit_core>=3.2,<4"]\nbuild-backend = "flit_core.buildapi"',
    files: "",
  },
  pdm: {
    buildSystem: '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"',
    files: "",
  },
  poetry: {
    buildSystem:
      '[build-system]\nrequires = ["poetry-core>=2,<3"]\nbuild-backend = "poetry.core.masonry.api"',
    files: "",
  },
  setuptools: {
    buildSystem:
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"',
    files: "",
  },
  maturin: {
    buildSystem: `[tool.maturin]
module-name = "foo._core"
python-packages = ["foo"]
python-source = "src"

[tool.uv]
cache-keys = [{ file = "pyproject.toml" }, { file = "src/**/*.rs" }, { file = "Cargo.toml" }, { file = "Cargo.lock" }]

[build-system]
requires = ["maturin>=1.0,<2.0"]
build-backend = "maturin"`,
    files: "Cargo.toml,src/foo/_core.pyi,src/lib.rs",
  },
  scikit: {
    buildSystem: `[tool.scikit-build]
minimum-version = "build-system.requires"
build-dir = "build/{wheel_tag}"

[tool.uv]
cache-keys = [{ file = "pyproject.toml" }, { file = "src/**/*.{h,c,hpp,cpp}" }, { file = "CMakeLists.txt" }]

[build-system]
requires = ["scikit-build-core>=0.12", "pybind11>=3"]
build-backend = "scikit_build_core.build"`,
    files: "CMakeLists.txt,src/foo/_core.pyi,src/main.cpp",
  },
};

const NATIVE_FILES: Record<string, string> = {
  "Cargo.toml": `[package]
name = "foo"
version = "0.1.0"
edition = "2024"

[lib]
name = "_core"
# "cdylib" is necessary to produce a shared library for Python to import from.
crate-type = ["cdylib"]

[dependencies]
# "extension-module" tells pyo3 we want to build an extension module (skips linking against libpython.so)
# "abi3-py39" tells pyo3 (and maturin) to build using the stable ABI with minimum Python version 3.9
pyo3 = { version = "0.28.2", features = ["extension-module", "abi3-py39"] }
`,
  "src/lib.rs": `use pyo3::prelude::*;

/// A Python module implemented in Rust. The name of this module must match
/// the \`lib.name\` setting in the \`Cargo.toml\`, else Python will not be able to
/// import the module.
#[pymodule]
mod _core {
    use pyo3::prelude::*;

    #[pyfunction]
    fn hello_from_bin() -> String {
        "Hello from foo!".to_string()
    }
}
`,
  "CMakeLists.txt": `cmake_minimum_required(VERSION 3.15...4.0)
project(\${SKBUILD_PROJECT_NAME} LANGUAGES CXX)

find_package(pybind11 CONFIG REQUIRED)

pybind11_add_module(_core MODULE src/main.cpp)
install(TARGETS _core DESTINATION \${SKBUILD_PROJECT_NAME})
`,
  "src/main.cpp": `#include <pybind11/pybind11.h>

std::string hello_from_bin() { return "Hello from foo!"; }

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "pybind11 hello module";

  m.def("hello_from_bin", &hello_from_bin, R"pbdoc(
      A function that returns a Hello string.
  )pbdoc");
}
`,
  "src/foo/_core.pyi": "def hello_from_bin() -> str: ...\n",
};

describe.skipIf(!hasFeature("python"))("init build backends", { concurrent: true }, () => {
  const cases = Object.entries(BACKENDS).flatMap(([backend, spec]) =>
    (["app", "lib"] as const).map(
      (kind) => [`init_${kind}_build_backend_${backend}`, kind, backend, spec] as const,
    ),
  );
  it.each(cases)("%s", async (_name, kind, backend, spec) => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "foo", `--${kind}`, "--build-backend", backend]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    const native = spec.files !== "";
    const init =
      kind === "lib"
        ? native
          ? "from foo._core import hello_from_bin\n\n\ndef hello() -> str:\n    return hello_from_bin()\n"
          : 'def hello() -> str:\n    return "Hello from foo!"\n'
        : native
          ? "from foo._core import hello_from_bin\n\n\ndef main() -> None:\n    print(hello_from_bin())\n"
          : 'def main() -> None:\n    print("Hello from foo!")\n';
    const scripts = kind === "app" ? '[project.scripts]\nfoo = "foo:main"\n\n' : "";
    const pyproject = `[project]
name = "foo"
version = "0.1.0"
description = "Add your description here"
readme = "README.md"
requires-python = ">=3.12"
dependencies = []

${scripts}${spec.buildSystem}
`;
    const expected: Record<string, string> = {
      "foo/.python-version": "3.12\n",
      "foo/README.md": "",
      "foo/pyproject.toml": pyproject,
      "foo/src/foo/__init__.py": init,
    };
    if (kind === "lib") expected["foo/src/foo/py.typed"] = "";
    for (const file of native ? spec.files.split(",") : []) {
      expected[`foo/${file}`] = NATIVE_FILES[file]!;
    }
    const actual: Record<string, string> = {};
    for (const file of (await tree(ctx)).split(/^--- /m).filter((p) => p !== "")) {
      const newline = file.indexOf("\n");
      actual[file.slice(0, newline)] = await ctx.readFile(file.slice(0, newline));
    }
    expect(actual).toEqual(expected);
  });
});

describe.skipIf(!hasFeature("python"))("init scripts", { concurrent: true }, () => {
  it("init_script", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "--script", "hello.py"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized script at \`hello.py\`
      `,
    );
    assertSnapshot(
      await ctx.readFile("hello.py"),
      `
      # /// script
      # requires-python = ">=3.12"
      # dependencies = []
      # ///


      def main() -> None:
          print("Hello from hello.py!")


      if __name__ == "__main__":
          main()
      `,
    );
  });

  it("init_script_bare", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.run(["init", "--script", "hello.py", "--bare"]);
    expect(await ctx.readFile("hello.py")).toBe(
      '# /// script\n# requires-python = ">=3.12"\n# dependencies = []\n# ///\n',
    );
  });

  it("init_script_shebang", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("hello.py", "#!/usr/bin/env python3\nprint('hi')\n");
    assertSnapshot(
      await ctx.snapshot(["init", "--script", "hello.py"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      warning: If you execute hello.py directly, it might ignore its inline metadata.
      Consider replacing its shebang with: #!/usr/bin/env -S uv run --script
      Initialized script at \`hello.py\`
      `,
    );
    assertSnapshot(
      await ctx.readFile("hello.py"),
      `
      #!/usr/bin/env python3
      #
      # /// script
      # requires-python = ">=3.12"
      # dependencies = []
      # ///

      print('hi')
      `,
    );
  });

  it("init_script_file_conflicts", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.run(["init", "--script", "name_conflict.py"]);
    assertSnapshot(
      await ctx.snapshot(["init", "--script", "name_conflict.py"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: \`name_conflict.py\` is already a PEP 723 script; use \`uv-ts run\` to execute it
      `,
    );
  });

  it("init_script_no_ops", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "--script", "a.py", "--no-readme", "--no-workspace"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      warning: \`--no-workspace\` is a no-op for Python scripts, which are standalone
      warning: \`--no-readme\` is a no-op for Python scripts, which are standalone
      Initialized script at \`a.py\`
      `,
    );
  });
});

const ROOT_PROJECT = `[project]
name = "project"
version = "0.1.0"
requires-python = ">=3.12"
`;

describe.skipIf(!hasFeature("python"))("init workspaces", { concurrent: true }, () => {
  it("init_workspace", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("pyproject.toml", `${ROOT_PROJECT}\n[tool.uv.workspace]\nmembers = []\n`);
    assertSnapshot(
      await ctx.snapshot(["init", "foo"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Adding \`foo\` as member of workspace \`[TEMP_DIR]/\`
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await ctx.readFile("pyproject.toml"),
      `
      [project]
      name = "project"
      version = "0.1.0"
      requires-python = ">=3.12"

      [tool.uv.workspace]
      members = [
          "foo",
      ]
      `,
    );
  });

  it("init_workspace_relative_sub_package", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    // A project without `[tool.uv.workspace]` is an implicit workspace root.
    await ctx.writeFile("pyproject.toml", `${ROOT_PROJECT}dependencies = ["anyio==3.7.0"]\n`);
    assertSnapshot(
      await ctx.snapshot(["init", "--lib", "foo"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Adding \`foo\` as member of workspace \`[TEMP_DIR]/\`
      Initialized project \`foo\` at \`[TEMP_DIR]/foo\`
      `,
    );
    assertSnapshot(
      await ctx.readFile("pyproject.toml"),
      `
      [project]
      name = "project"
      version = "0.1.0"
      requires-python = ">=3.12"
      dependencies = ["anyio==3.7.0"]

      [tool.uv.workspace]
      members = [
          "foo",
      ]
      `,
    );
  });

  it("init_project_inside_project", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("pyproject.toml", ROOT_PROJECT);
    await ctx.run(["init", "foo"]);
    assertSnapshot(
      await ctx.snapshot(["init", "bar"], { cwd: "foo" }),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Adding \`bar\` as member of workspace \`[TEMP_DIR]/\`
      Initialized project \`bar\` at \`[TEMP_DIR]/foo/bar\`
      `,
    );
    assertSnapshot(
      await ctx.readFile("pyproject.toml"),
      `
      [project]
      name = "project"
      version = "0.1.0"
      requires-python = ">=3.12"

      [tool.uv.workspace]
      members = [
          "foo",
          "foo/bar",
      ]
      `,
    );
  });

  it("init_requires_python_workspace", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(
      "pyproject.toml",
      '[project]\nname = "project"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n[tool.uv.workspace]\nmembers = []\n',
    );
    await ctx.run(["init", "foo"]);
    expect(await ctx.readFile("foo/pyproject.toml")).toContain('requires-python = ">=3.10"\n');
    expect(await ctx.readFile("foo/.python-version")).toBe("3.12\n");
  });

  it("init_no_workspace", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("pyproject.toml", ROOT_PROJECT);
    await ctx.writeFile("foo/.keep", "");
    assertSnapshot(
      await ctx.snapshot(["init", "--no-workspace"], { cwd: "foo" }),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Initialized project \`foo\`
      `,
    );
    expect(await ctx.readFile("pyproject.toml")).toBe(ROOT_PROJECT);
    // `--no-workspace` also survives a parent that cannot be parsed.
    await ctx.writeFile("pyproject.toml", "[project\n");
    await ctx.writeFile("bar/.keep", "");
    expect((await ctx.run(["init", "--no-workspace"], { cwd: "bar" })).exitCode).toBe(0);
  });

  it("init_matches_members_and_exclude", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(
      "pyproject.toml",
      '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/bar"]\n',
    );
    assertSnapshot(
      await ctx.snapshot(["init", "packages/foo"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Project \`foo\` is already a member of workspace \`[TEMP_DIR]/\`
      Initialized project \`foo\` at \`[TEMP_DIR]/packages/foo\`
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["init", "packages/bar"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Project \`bar\` is excluded by workspace \`[TEMP_DIR]/\`
      Initialized project \`bar\` at \`[TEMP_DIR]/packages/bar\`
      `,
    );
    expect(await ctx.readFile("pyproject.toml")).toBe(
      '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/bar"]\n',
    );
  });
});

describe.skipIf(!hasFeature("python"))("init errors", { concurrent: true }, () => {
  it("init_already_initialized", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("foo/pyproject.toml", "");
    assertSnapshot(
      await ctx.snapshot(["init", "foo"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: Cannot initialize a project in \`[TEMP_DIR]/foo\` because \`pyproject.toml\` already exists
      `,
    );
  });

  it("init_invalid_directory_name", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    assertSnapshot(
      await ctx.snapshot(["init", "1bad!"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: The target directory (\`1bad!\`) is not a valid package name. Please provide a package name with \`--name\`.
      `,
    );
  });

  it("init_malformed_workspace", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("pyproject.toml", "[tool]\nuv = { workspace = { members = [] } }\n");
    assertSnapshot(
      await ctx.snapshot(["init", "foo"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: Workspace in \`pyproject.toml\` is malformed
      `,
    );
  });

  it("init_parent_without_project", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile("pyproject.toml", "[tool.black]\nline-length = 100\n");
    const out = await ctx.snapshot(["init", "foo"]);
    expect(out).toContain(
      "error: Failed to discover parent workspace; use `uv-ts init --no-workspace` to ignore\n",
    );
    expect(out).toContain("No `project` table found in: [TEMP_DIR]/pyproject.toml");
  });
});

describe.skipIf(!hasFeature("python", "git"))("init git", { concurrent: true }, () => {
  it("init_git", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.run(["init", "foo"]);
    assertSnapshot(
      await ctx.readFile("foo/.gitignore"),
      `
      # Python-generated files
      __pycache__/
      *.py[oc]
      build/
      dist/
      wheels/
      *.egg-info

      # Virtual environments
      .venv
      `,
    );
    expect((await stat(join(ctx.tempDir, "foo/.git"))).isDirectory()).toBe(true);
  });

  it("init_vcs_none", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.run(["init", "foo", "--vcs", "none"]);
    await expect(stat(join(ctx.tempDir, "foo/.gitignore"))).rejects.toThrow();
    await expect(stat(join(ctx.tempDir, "foo/.git"))).rejects.toThrow();
  });

  it("init_inside_git_repo", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.snapshotCommand({ ...ctx.command([]), program: "git", args: ["init", "-q"] });
    await ctx.run(["init", "foo"]);
    await expect(stat(join(ctx.tempDir, "foo/.gitignore"))).rejects.toThrow();
  });

  it("init_with_author", async () => {
    await using ctx = await TestContext.create({ python: ["3.12"] });
    await ctx.writeFile(
      "../home/.gitconfig",
      '[user]\n\tname = Alice \\"The\\" Dev\n\temail = alice@example.com\n',
    );
    await ctx.run(["init", "foo", "--lib"]);
    assertSnapshot(
      await ctx.readFile("foo/pyproject.toml"),
      `
      [project]
      name = "foo"
      version = "0.1.0"
      description = "Add your description here"
      readme = "README.md"
      authors = [
          { name = 'Alice "The" Dev', email = "alice@example.com" }
      ]
      requires-python = ">=3.12"
      dependencies = []

      ${UV_BUILD}
      `,
    );
    // Unpackaged applications get no author unless asked.
    await ctx.run(["init", "bar", "--app", "--no-package"]);
    expect(await ctx.readFile("bar/pyproject.toml")).not.toContain("authors");
  });
});
