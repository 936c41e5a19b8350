import { VersionSpecifiers } from "@uv-ts/pep440";
import { Requirement } from "@uv-ts/pep508";
import { describe, expect, it } from "vitest";
import {
  parseLenientRequirement,
  parseLenientVersionSpecifiers,
  parseWithFixups,
} from "../src/index.ts";

// Each repaired input must equal the strict parse of the corrected text (uv's test cases).
const specifierCases: [string, string][] = [
  [">=7.2.0<8.0.0", ">=7.2.0,<8.0.0"],
  ["!=~5.0,>=4.12", "!=5.0.*,>=4.12"],
  ["!=~5,>=4.12", "!=5.*,>=4.12"],
  [">=1.9.*", ">=1.9"],
  [">=1.*", ">=1"],
  [">= 3.5.*", ">=3.5"],
  [">=2.7,!=3.0*,!=3.1*,!=3.2*", ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*"],
  [">=3.6,", ">=3.6"],
  [">=3.6, ", ">=3.6"],
  [">= '2.7'", ">= 2.7"],
  ['>="3.6"', ">=3.6"],
  [
    ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*,",
    ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*",
  ],
  [">=2.7,!=3.0.*,!=3.1.*,<3.4.*", ">=2.7,!=3.0.*,!=3.1.*,<3.4"],
  [">=2.7, !=3.0.*, !=3.1.*', !=3.2.*, !=3.3.*'", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*"],
  [">=3.6'", ">=3.6"],
  [">dev", ">0.0.0dev"],
  [">=9.0.0a1.0", ">=9.0.0a1"],
  [">=9.0a1.0", ">=9.0a1"],
  [">=9a1.0", ">=9a1"],
];

const requirementCases: [string, string][] = [
  ["elasticsearch-dsl (>=7.2.0<8.0.0)", "elasticsearch-dsl (>=7.2.0,<8.0.0)"],
  ["jupyter-core (!=~5.0,>=4.12)", "jupyter-core (!=5.0.*,>=4.12)"],
  ["jupyter-core (!=~5,>=4.12)", "jupyter-core (!=5.*,>=4.12)"],
  ["torch (>=1.9.*)", "torch (>=1.9)"],
  ["torch (>= 1.9.*)", "torch (>=1.9)"],
  ["pyzmq (>=2.7,!=3.0*,!=3.1*,!=3.2*)", "pyzmq (>=2.7,!=3.0.*,!=3.1.*,!=3.2.*)"],
  ["pyzmq >=3.6,", "pyzmq >=3.6"],
  ["botocore>=1.3.0,<1.4.0',", "botocore>=1.3.0,<1.4.0"],
  ['numpy >=1.19; python_version >= "3.7"', 'numpy >=1.19; python_version >= "3.7"'],
  ['numpy ">=1.19"; python_version >= "3.7"', 'numpy >=1.19; python_version >= "3.7"'],
  ['\'numpy\' >=1.19"; python_version >= "3.7"', 'numpy >=1.19; python_version >= "3.7"'],
];

describe("lenient parsing", () => {
  it("repairs_version_specifiers_like_uv", () => {
    for (const [input, expected] of specifierCases) {
      expect(parseLenientVersionSpecifiers(input).toString(), input).toBe(
        VersionSpecifiers.parse(expected).toString(),
      );
    }
  });

  it("repairs_requirements_like_uv", () => {
    for (const [input, expected] of requirementCases) {
      expect(parseLenientRequirement(input).toString(), input).toBe(
        Requirement.parse(expected).toString(),
      );
    }
  });

  it("throws_the_original_error_when_nothing_helps", () => {
    let strict: unknown;
    try {
      Requirement.parse("foo (>=1.0");
    } catch (error) {
      strict = error;
    }
    expect(() => parseLenientRequirement("foo (>=1.0")).toThrow((strict as Error).message);
    expect(() => parseLenientVersionSpecifiers("not a specifier")).toThrow();
  });

  it("reports_which_fixes_were_applied", () => {
    const result = parseWithFixups(">=2.7,!=3.0*,", (s) => VersionSpecifiers.parse(s));
    expect(result.fixes).toEqual(["inserting missing dot", "removing trailing comma"]);
    expect(result.patched).toBe(">=2.7,!=3.0.*");
    const warnings: string[] = [];
    parseLenientVersionSpecifiers(">=3.6,", { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      "Fixing invalid version specifier by removing trailing comma (before: `>=3.6,`; after: `>=3.6`)",
    ]);
    expect(parseWithFixups(">=3.6", (s) => VersionSpecifiers.parse(s)).fixes).toEqual([]);
  });
});
