import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  executableNames,
  formatPythonRequest,
  formatVersionRequest,
  PythonSpecifiers,
  PythonVersion,
  parsePythonRequest,
  parseVersionRequest,
} from "../src/index.ts";

const cwd = mkdtempSync(join(tmpdir(), "uv-ts-python-request-"));

describe("parsePythonRequest", () => {
  const cases: [string, string][] = [
    ["3", "Python 3"],
    ["3.12", "Python 3.12"],
    ["312", "Python 3.12"],
    ["3.12.1", "Python 3.12.1"],
    ["3.13rc1", "Python 3.13rc1"],
    ["3.13.0rc1", "Python 3.13rc1"],
    ["3.13t", "Python 3.13+freethreaded"],
    [">=3.11,<3.13", "Python >=3.11, <3.13"],
    ["python3.12", "Python 3.12"],
    ["python@3.12", "Python 3.12"],
    ["cpython@3.12", "CPython 3.12"],
    ["cpython3.12", "CPython 3.12"],
    ["cp312", "CPython 3.12"],
    ["pypy", "PyPy"],
    ["pypy3.10", "PyPy 3.10"],
    ["cpython-3.12", "CPython 3.12"],
    ["any", "any Python"],
    ["default", "a default Python"],
    ["foo-bar-python", "executable name `foo-bar-python`"],
    ["@3.12", "executable name `@3.12`"],
    ["python@latest", "executable name `python@latest`"],
    ["./nonexist", "path `./nonexist`"],
    ["/usr/bin/python-that-is-not-there", "path `/usr/bin/python-that-is-not-there`"],
  ];
  for (const [input, expected] of cases) {
    it(`classifies ${input}`, () => {
      expect(formatPythonRequest(parsePythonRequest(input, cwd))).toBe(expected);
    });
  }

  it("classifies_existing_paths_as_files_or_directories", () => {
    writeFileSync(join(cwd, "python"), "");
    expect(parsePythonRequest("python", cwd)).toEqual({ kind: "file", path: "python" });
    expect(parsePythonRequest(cwd, "/")).toEqual({ kind: "directory", path: cwd });
  });
});

describe("parseVersionRequest", () => {
  it("rejects_versions_uv_rejects", () => {
    for (const bad of ["3.12.post1", "3.12.dev0", "3.12+local", "abc", "3rc1", "3.12.1.2", "==="]) {
      expect(() => parseVersionRequest(bad), bad).toThrow(/Invalid version request/);
    }
  });

  it("round_trips_through_its_display_form", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        (major, minor, patch) => {
          const text = [major, minor, minor === undefined ? undefined : patch]
            .filter((n) => n !== undefined)
            .join(".");
          const request = parseVersionRequest(text);
          expect(formatVersionRequest(parseVersionRequest(formatVersionRequest(request)))).toBe(
            formatVersionRequest(request),
          );
        },
      ),
      { seed: 42 },
    );
  });
});

describe("PythonSpecifiers", () => {
  const contains = (spec: string, version: string) =>
    PythonSpecifiers.parse(spec)!.contains(PythonVersion.parse(version)!);

  it("follows_pep440_for_release_and_pre_release_versions", () => {
    expect(contains(">=3.11,<3.13", "3.12.1")).toBe(true);
    expect(contains(">=3.11,<3.13", "3.13.0")).toBe(false);
    expect(contains(">=3.11,<3.13", "3.10.13")).toBe(false);
    expect(contains("<3.13", "3.13.0rc1")).toBe(false);
    expect(contains("<3.13rc2", "3.13.0rc1")).toBe(true);
    expect(contains("==3.12.*", "3.12.7")).toBe(true);
    expect(contains("!=3.12.*", "3.12.7")).toBe(false);
    expect(contains("~=3.10", "3.13.0")).toBe(true);
    expect(contains("~=3.10.2", "3.11.0")).toBe(false);
    expect(contains("==3.12", "3.12.0")).toBe(true);
    expect(contains(">3.12", "3.12.0")).toBe(false);
  });

  it("rejects_text_that_is_not_a_specifier_set", () => {
    expect(PythonSpecifiers.parse("3.12")).toBeUndefined();
    expect(PythonSpecifiers.parse(">=3.12.*")).toBeUndefined();
    expect(PythonSpecifiers.parse("~=3")).toBeUndefined();
  });
});

describe("executableNames", () => {
  it("prefers_specific_names_for_versions_and_python_first_by_default", () => {
    expect(executableNames(parseVersionRequest("3.12"), undefined)).toEqual([
      "python3.12",
      "python3",
      "python",
    ]);
    expect(executableNames(parseVersionRequest("3.12.1"), undefined)).toEqual([
      "python3.12.1",
      "python3.12",
      "python3",
      "python",
    ]);
    expect(executableNames({ kind: "default" }, undefined)).toEqual(["python", "python3"]);
    expect(executableNames({ kind: "any" }, undefined)).toEqual([
      "python",
      "python3",
      "cpython",
      "cpython3",
      "pypy",
      "pypy3",
      "graalpy",
      "graalpy3",
      "pyodide",
      "pyodide3",
    ]);
    expect(executableNames(parseVersionRequest("4"), undefined)).toEqual(["python4", "python"]);
    expect(executableNames({ kind: "default" }, "pypy")).toEqual([
      "pypy",
      "pypy3",
      "python",
      "python3",
    ]);
    expect(executableNames(parseVersionRequest("3.10"), "pypy")).toEqual([
      "pypy3.10",
      "pypy3",
      "pypy",
      "python3.10",
      "python3",
      "python",
    ]);
    expect(executableNames(parseVersionRequest("3.13rc2"), undefined)).toEqual([
      "python3.13rc2",
      "python3.13",
      "python3",
      "python",
    ]);
    expect(executableNames(parseVersionRequest("3t"), undefined)).toEqual([
      "python3t",
      "python3",
      "pythont",
      "python",
    ]);
    expect(executableNames(parseVersionRequest("3.13t"), undefined)).toEqual([
      "python3.13t",
      "python3.13",
      "python3t",
      "python3",
      "pythont",
      "python",
    ]);
  });
});
