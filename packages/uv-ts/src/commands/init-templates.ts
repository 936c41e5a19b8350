// The files `uv init` writes, as uv 0.13.8 writes them. The texts are uv's output format (data);
// they are assembled here by our own code.
import { tomlInlineTable } from "@uv-ts/workspace";

/** `--build-backend` values. */
export type BuildBackend =
  | "uv"
  | "hatch"
  | "flit"
  | "pdm"
  | "poetry"
  | "setuptools"
  | "maturin"
  | "scikit";

/** The author `init` fills in from git configuration. */
export interface Author {
  readonly name?: string | undefined;
  readonly email?: string | undefined;
}

/**
 * uv writes a requirement on its own build backend bounded to its current minor series. uv-ts
 * reproduces uv 0.13.8's output, so these are uv's bounds, not uv-ts's version.
 */
export const UV_BUILD_REQUIREMENT = "uv_build>=0.13.8,<0.14.0";

/** The pyo3 version of the maturin template's `Cargo.toml`. */
export const PYO3_VERSION = "0.28.2";

/** `.gitignore` of a new repository. */
export const GITIGNORE = `# Python-generated files
__pycache__/
*.py[oc]
build/
dist/
wheels/
*.egg-info

# Virtual environments
.venv
`;

/** The `[project]` table. */
export function projectTable(options: {
  readonly name: string;
  readonly requiresPython: string;
  readonly author: Author | undefined;
  readonly description: string | undefined;
  readonly noDescription: boolean;
  readonly noReadme: boolean;
}): string {
  const lines = ["[project]", `name = "${options.name}"`, 'version = "0.1.0"'];
  // uv interpolates the description without escaping; so do we, to write the same bytes.
  if (!options.noDescription) {
    lines.push(`description = "${options.description ?? "Add your description here"}"`);
  }
  if (!options.noReadme) lines.push('readme = "README.md"');
  if (options.author !== undefined) {
    const entries: [string, string][] = [];
    if (options.author.name !== undefined) entries.push(["name", options.author.name]);
    if (options.author.email !== undefined) entries.push(["email", options.author.email]);
    lines.push("authors = [", `    ${tomlInlineTable(entries)}`, "]");
  }
  lines.push(`requires-python = "${options.requiresPython}"`, "dependencies = []");
  return `${lines.join("\n")}\n`;
}

/** `[project.scripts]` with the entry point of a packaged application. */
export function projectScripts(name: string, moduleName: string): string {
  return `[project.scripts]\n${name} = "${moduleName}:main"\n`;
}

const BUILD_SYSTEMS: Record<Exclude<BuildBackend, "maturin">, readonly string[]> = {
  uv: ["[build-system]", `requires = ["${UV_BUILD_REQUIREMENT}"]`, 'build-backend = "uv_build"'],
  hatch: ["[build-system]", 'requires = ["hatchling"]', 'build-backend = "hatchling.build"'],
  flit: [
    "[build-system]",
    'requires = ["flit_core>=3.2,<4"]',
    'build-backend = "flit_core.buildapi"',
  ],
  pdm: ["[build-system]", 'requires = ["pdm-backend"]', 'build-backend = "pdm.backend"'],
  setuptools: [
    "[build-system]",
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
  ],
  poetry: [
    "[build-system]",
    'requires = ["poetry-core>=2,<3"]',
    'build-backend = "poetry.core.masonry.api"',
  ],
  scikit: [
    "[tool.scikit-build]",
    'minimum-version = "build-system.requires"',
    'build-dir = "build/{wheel_tag}"',
    "",
    "[tool.uv]",
    'cache-keys = [{ file = "pyproject.toml" }, { file = "src/**/*.{h,c,hpp,cpp}" }, { file = "CMakeLists.txt" }]',
    "",
    "[build-system]",
    'requires = ["scikit-build-core>=0.12", "pybind11>=3"]',
    'build-backend = "scikit_build_core.build"',
  ],
};

/** The `[build-system]` table, preceded by the backend's `[tool]` tables where it needs them. */
export function buildSystem(backend: BuildBackend, moduleName: string): string {
  if (backend === "maturin") {
    return `${[
      "[tool.maturin]",
      `module-name = "${moduleName}._core"`,
      `python-packages = ["${moduleName}"]`,
      'python-source = "src"',
      "",
      "[tool.uv]",
      'cache-keys = [{ file = "pyproject.toml" }, { file = "src/**/*.rs" }, { file = "Cargo.toml" }, { file = "Cargo.lock" }]',
      "",
      "[build-system]",
      'requires = ["maturin>=1.0,<2.0"]',
      'build-backend = "maturin"',
    ].join("\n")}\n`;
  }
  return `${BUILD_SYSTEMS[backend].join("\n")}\n`;
}

/** `Cargo.toml` of the maturin template. */
export function cargoToml(moduleName: string): string {
  return `[package]
name = "${moduleName}"
version = "0.1.0"
edition = "2024"

[lib]
name = "_core"
# "cdylib" is necessary to produce a shared library for Python to import from.
crate-type = ["cdylib"]

[dependencies]
# "extension-module" tells pyo3 we want to build an extension module (skips linking against libpython.so)
# "abi3-py39" tells pyo3 (and maturin) to build using the stable ABI with minimum Python version 3.9
pyo3 = { version = "${PYO3_VERSION}", features = ["extension-module", "abi3-py39"] }
`;
}

/** `CMakeLists.txt` of the scikit-build template. */
export const CMAKE_LISTS = `cmake_minimum_required(VERSION 3.15...4.0)
project(\${SKBUILD_PROJECT_NAME} LANGUAGES CXX)

find_package(pybind11 CONFIG REQUIRED)

pybind11_add_module(_core MODULE src/main.cpp)
install(TARGETS _core DESTINATION \${SKBUILD_PROJECT_NAME})
`;

/** `src/lib.rs` of the maturin template. */
export function libRs(name: string): string {
  return `use pyo3::prelude::*;

/// A Python module implemented in Rust. The name of this module must match
/// the \`lib.name\` setting in the \`Cargo.toml\`, else Python will not be able to
/// import the module.
#[pymodule]
mod _core {
    use pyo3::prelude::*;

    #[pyfunction]
    fn hello_from_bin() -> String {
        "Hello from ${name}!".to_string()
    }
}
`;
}

/** `src/main.cpp` of the scikit-build template. */
export function mainCpp(name: string): string {
  return `#include <pybind11/pybind11.h>

std::string hello_from_bin() { return "Hello from ${name}!"; }

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "pybind11 hello module";

  m.def("hello_from_bin", &hello_from_bin, R"pbdoc(
      A function that returns a Hello string.
  )pbdoc");
}
`;
}

/** The stub of the native `_core` module. */
export const CORE_PYI = "def hello_from_bin() -> str: ...\n";

/** `src/<module>/__init__.py`. */
export function packageInit(options: {
  readonly name: string;
  readonly moduleName: string;
  readonly library: boolean;
  readonly native: boolean;
}): string {
  const { name, moduleName, library, native } = options;
  if (native) {
    const body = library
      ? "def hello() -> str:\n    return hello_from_bin()\n"
      : "def main() -> None:\n    print(hello_from_bin())\n";
    return `from ${moduleName}._core import hello_from_bin\n\n\n${body}`;
  }
  return library
    ? `def hello() -> str:\n    return "Hello from ${name}!"\n`
    : `def main() -> None:\n    print("Hello from ${name}!")\n`;
}

/** `main.py` of an unpackaged application. */
export function mainPy(name: string): string {
  return `def main():\n    print("Hello from ${name}!")\n\n\nif __name__ == "__main__":\n    main()\n`;
}
