import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { VersionSpecifiers } from "@uv-ts/pep440";
import { ScratchDirs } from "@uv-ts/test-kit";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  executableNames,
  formatPythonRequest,
  formatVersionRequest,
  PythonVersion,
  parsePythonRequest,
  parseVersionRequest,
  RequiresPython,
  tildeRequiresPythonWarning,
} from "../src/index.ts";

const scratch = new ScratchDirs("uv-ts-python-request-");
afterAll(() => scratch.removeAll());
const cwd = scratch.make();

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

describe("range requests", () => {
  const matches = (request: string, version: string) => {
    const parsed = parseVersionRequest(request);
    if (parsed.kind !== "range") throw new Error(`not a range: ${request}`);
    return parsed.specifiers.contains(PythonVersion.parse(version)!.pep440);
  };

  it("follows_pep440_for_release_and_pre_release_versions", () => {
    expect(matches(">=3.11,<3.13", "3.12.1")).toBe(true);
    expect(matches(">=3.11,<3.13", "3.13.0")).toBe(false);
    expect(matches(">=3.11,<3.13", "3.10.13")).toBe(false);
    expect(matches("<3.13", "3.13.0rc1")).toBe(false);
    expect(matches("<3.13rc2", "3.13.0rc1")).toBe(true);
    expect(matches("==3.12.*", "3.12.7")).toBe(true);
    expect(matches("!=3.12.*", "3.12.7")).toBe(false);
    expect(matches("~=3.10", "3.13.0")).toBe(true);
    expect(matches("~=3.10.2", "3.11.0")).toBe(false);
    expect(matches(">3.12", "3.12.0")).toBe(false);
  });

  it("rejects_text_that_is_not_a_specifier_set", () => {
    expect(() => parseVersionRequest(">=3.12.*")).toThrow("Invalid version request");
    expect(() => parseVersionRequest("~=3")).toThrow("Invalid version request");
    expect(() => parseVersionRequest(">=3.12,")).toThrow("Invalid version request");
  });

  it("turns_a_lone_equals_into_a_plain_version_request", () => {
    expect(formatVersionRequest(parseVersionRequest("==3.12"))).toBe("3.12");
    expect(parseVersionRequest("==3.12.*").kind).toBe("range");
  });
});

describe("RequiresPython", () => {
  const intersect = (...texts: string[]) =>
    RequiresPython.intersection(texts.map((t) => VersionSpecifiers.parse(t)));
  const shown = (...texts: string[]) => String(intersect(...texts));

  it("writes_the_intersection_back_as_uv_does", () => {
    // Each expectation is what uv 0.13.8 prints for a project with this `requires-python`.
    expect(shown(">=3.13")).toBe(">=3.13");
    expect(shown(">= 3.13")).toBe(">=3.13");
    expect(shown("~=3.13")).toBe(">=3.13, <4");
    expect(shown(">=3.13,<3.14")).toBe("==3.13.*");
    expect(shown("<3.12")).toBe("<3.12");
    expect(shown(">=3.8,!=3.12.*")).toBe(">=3.8, !=3.12.*");
    expect(shown("==3.11.*")).toBe("==3.11.*");
    expect(shown(">3.12.1")).toBe(">3.12.1");
    expect(shown("<3.12.0rc1")).toBe("<3.12.0");
    expect(shown(">=3.13.0b1")).toBe(">=3.13.0");
    expect(shown(">=3.10", ">=3.11", "<3.14")).toBe(">=3.11, <3.14");
    expect(shown(">=3.8", "!=3.9.1")).toBe(">=3.8, !=3.9.1");
  });

  it("has_no_intersection_for_disjoint_or_missing_declarations", () => {
    expect(intersect()).toBeUndefined();
    expect(intersect(">=3.13", "<3.12")).toBeNull();
  });

  it("compares_the_release_part_of_the_interpreter_version", () => {
    const requires = intersect(">=3.13")!;
    expect(requires.contains(PythonVersion.parse("3.13.0rc1")!)).toBe(true);
    expect(requires.contains(PythonVersion.parse("3.12.1")!)).toBe(false);
    expect(intersect("==3.12.*")!.contains(PythonVersion.parse("3.12.9")!)).toBe(true);
  });

  it("warns_about_a_tilde_specifier_without_patch", () => {
    expect(tildeRequiresPythonWarning(VersionSpecifiers.parse("~=3.13"), "foo")).toBe(
      "The `requires-python` specifier (`~=3.13`) in `foo` uses the tilde specifier (`~=`) without a patch version. This will be interpreted as `>=3.13, <4`. Did you mean `~=3.13.0` to constrain the version as `>=3.13.0, <3.14`? We recommend only using the tilde specifier with a patch version to avoid ambiguity.",
    );
    expect(tildeRequiresPythonWarning(VersionSpecifiers.parse("~=3.13.0"), "foo")).toBeUndefined();
    expect(tildeRequiresPythonWarning(VersionSpecifiers.parse(">=3.13"), "foo")).toBeUndefined();
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
