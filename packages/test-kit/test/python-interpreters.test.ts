import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findTestPython, testPythonRoot } from "../src/python-interpreters.ts";

describe("findTestPython", () => {
  const root = mkdtempSync(join(tmpdir(), "uv-ts-pythons-"));
  for (const version of ["3.12.1", "3.12.10", "3.12.9", "3.11.7", "3.13.0t"]) {
    const [major, minor] = version.split(".");
    mkdirSync(join(root, version, "bin"), { recursive: true });
    writeFileSync(join(root, version, "bin", `python${major}.${minor}`), "");
  }
  // An installation without its executable is passed over.
  mkdirSync(join(root, "3.12.11", "bin"), { recursive: true });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("picks the newest patch of a minor version, numerically", () => {
    expect(findTestPython("3.12", root)).toEqual({
      request: "3.12",
      version: "3.12.10",
      minor: "3.12",
      pinned: false,
      executable: join(root, "3.12.10", "bin", "python3.12"),
    });
  });

  it("honours a pinned patch version", () => {
    const python = findTestPython("3.12.1", root);
    expect(python.version).toBe("3.12.1");
    expect(python.pinned).toBe(true);
  });

  it("fails loudly, naming what exists", () => {
    expect(() => findTestPython("3.10", root)).toThrow(
      /Could not find Python 3\.10 .*found: 3\.11\.7, 3\.12\.1, 3\.12\.10, 3\.12\.11, 3\.12\.9/,
    );
    expect(() => findTestPython("three", root)).toThrow(/is not `X\.Y` or `X\.Y\.Z`/);
  });

  it("takes the root from UV_TS_TEST_PYTHON_ROOT, then PYENV_ROOT", () => {
    expect(testPythonRoot({ UV_TS_TEST_PYTHON_ROOT: "/x" })).toBe("/x");
    expect(testPythonRoot({ PYENV_ROOT: "/p" })).toBe("/p/versions");
  });
});
