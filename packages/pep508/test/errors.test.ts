import { readFileSync } from "node:fs";
import { UvError } from "@uv-ts/error";
import { describe, expect, it } from "vitest";
import { MarkerTree, Pep508Error, Requirement } from "../src/index.ts";

// Captured from `uv pip compile` (uv 0.13.8): each entry is the requirement line and the
// `cause:` block uv printed for it (message, input line, carets), de-indented.
const UV_ERRORS: [string, string][] = JSON.parse(
  readFileSync(new URL("./uv-errors.json", import.meta.url), "utf8"),
);

function errorOf(f: () => unknown): Pep508Error {
  try {
    f();
  } catch (e) {
    if (e instanceof Pep508Error) return e;
    throw e;
  }
  throw new Error("expected a Pep508Error");
}

describe("errors_match_uv", () => {
  it("has_enough_captured_cases", () => {
    expect(UV_ERRORS.length).toBeGreaterThanOrEqual(15);
  });

  for (const [input, expected] of UV_ERRORS) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(errorOf(() => Requirement.parse(input)).message).toBe(expected);
    });
  }
});

describe("error_shape", () => {
  it("carries_span_and_input", () => {
    const error = errorOf(() => Requirement.parse("foo[bar"));
    expect(error).toBeInstanceOf(UvError);
    expect(error.code).toBe("pep508.invalid-requirement");
    expect(error.reason).toBe(
      "Missing closing bracket (expected ']', found end of dependency specification)",
    );
    expect(error.input).toBe("foo[bar");
    expect([error.start, error.len]).toEqual([3, 1]);
  });

  it("empty_input_is_an_error", () => {
    expect(errorOf(() => Requirement.parse("")).message).toBe(
      "Empty field is not allowed for PEP508",
    );
    expect(errorOf(() => Requirement.parse("   ")).message).toBe(
      "Empty field is not allowed for PEP508\n   \n^",
    );
  });

  it("carets_count_display_columns_not_code_units", () => {
    // `é` is one column (two bytes in uv); a CJK character is two columns.
    expect(errorOf(() => Requirement.parse("foo; os_name == 'é' x")).message).toBe(
      `Unexpected character 'x', expected 'and', 'or' or end of input\nfoo; os_name == 'é' x\n${" ".repeat(20)}^`,
    );
    expect(errorOf(() => Requirement.parse("foo; os_name == '日本' x")).message).toBe(
      `Unexpected character 'x', expected 'and', 'or' or end of input\nfoo; os_name == '日本' x\n${" ".repeat(23)}^`,
    );
  });

  it("paths_without_a_name_get_the_unnamed_hint", () => {
    expect(errorOf(() => Requirement.parse("./foo/bar")).message).toBe(
      "URL requirement must be preceded by a package name. Add the name of the package before the URL (e.g., `package_name @ /path/to/file`).\n./foo/bar\n^^^^^^^^^",
    );
    expect(errorOf(() => Requirement.parse("foo/bar.whl")).reason).toBe(
      "URL requirement must be preceded by a package name. Add the name of the package before the URL (e.g., `package_name @ https://...`).",
    );
    expect(errorOf(() => Requirement.parse("requests-2.26.0.tar.gz")).reason).toMatch(
      /^URL requirement must be preceded by a package name/,
    );
  });

  it("relative_paths_need_a_working_directory", () => {
    expect(errorOf(() => Requirement.parse("foo @ ./bar")).message).toBe(
      "relative path without a working directory: ./bar\nfoo @ ./bar\n      ^^^^^",
    );
  });

  it("marker_errors_use_the_marker_as_input", () => {
    expect(errorOf(() => MarkerTree.parse("os_name = 'nt'")).message).toBe(
      "Expected a valid marker operator (such as `>=` or `not in`), found `=`\nos_name = 'nt'\n        ^",
    );
  });
});
