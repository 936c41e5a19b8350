import { UvError } from "@uv-ts/error";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  distInfoName,
  InvalidNameError,
  isValidName,
  normalizeName,
  parseExtraName,
  parseGroupName,
  parsePackageName,
} from "../src/index.ts";

describe("normalizeName", () => {
  it("normalizes_case_and_separator_runs", () => {
    for (const input of [
      "friendly-bard",
      "Friendly-Bard",
      "FRIENDLY-BARD",
      "friendly.bard",
      "friendly_bard",
      "friendly--bard",
      "friendly-.bard",
      "FrIeNdLy-._.-bArD",
    ]) {
      expect(normalizeName(input)).toBe("friendly-bard");
      expect(parsePackageName(input)).toBe("friendly-bard");
    }
  });

  it("leaves_normalized_names_unchanged", () => {
    for (const input of ["friendly-bard", "1okay", "okay2", "a"]) {
      expect(parsePackageName(input)).toBe(input);
    }
  });
});

describe("validation", () => {
  const failures = [
    "",
    " starts-with-space",
    "-starts-with-dash",
    "ends-with-dash-",
    "ends-with-space ",
    "includes!invalid-char",
    "space in middle",
    "alpha-α",
    ".",
    "_a",
    "a.",
  ];

  it("rejects_invalid_names", () => {
    for (const input of failures) {
      expect(isValidName(input), input).toBe(false);
      expect(() => parsePackageName(input), input).toThrow(InvalidNameError);
      expect(() => parseExtraName(input), input).toThrow(InvalidNameError);
      expect(() => parseGroupName(input), input).toThrow(InvalidNameError);
    }
  });

  it("rejects_non_ascii_letters_that_case_fold_to_ascii", () => {
    // U+017F (long s) and U+212A (Kelvin sign) fold to ASCII under Unicode case folding.
    expect(isValidName("ſ")).toBe(false);
    expect(isValidName("\u212a")).toBe(false);
  });

  it("reports_uv_message", () => {
    let error: unknown;
    try {
      parsePackageName("foo!");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UvError);
    expect(error).toBeInstanceOf(InvalidNameError);
    expect((error as InvalidNameError).code).toBe("normalize.invalid-name");
    expect((error as Error).message).toBe(
      'Not a valid package or extra name: "foo!". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.',
    );
  });

  it("normalizes_extras_and_groups_like_packages", () => {
    expect(parseExtraName("Security_Extra")).toBe("security-extra");
    expect(parseGroupName("Dev.Tools")).toBe("dev-tools");
  });

  it("dist_info_name_uses_underscores", () => {
    expect(distInfoName(parsePackageName("Typing.Extensions"))).toBe("typing_extensions");
  });
});

describe("properties", () => {
  const nameChars = fc.constantFrom(..."aZ09._-xY".split(""));
  const anyName = fc.string({ unit: nameChars, minLength: 0, maxLength: 12 });
  const validName = fc
    .tuple(
      fc.constantFrom(..."aB3".split("")),
      fc.string({ unit: nameChars, maxLength: 10 }),
      fc.constantFrom(..."cD7".split("")),
    )
    .map(([a, b, c]) => a + b + c);

  it("normalization_is_idempotent", () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const once = normalizeName(name);
        expect(normalizeName(once)).toBe(once);
      }),
    );
  });

  it("valid_names_stay_valid_after_normalization", () => {
    fc.assert(
      fc.property(validName, (name) => {
        expect(isValidName(name)).toBe(true);
        const normalized = parsePackageName(name);
        expect(isValidName(normalized)).toBe(true);
        expect(normalized).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      }),
    );
  });

  it("parse_accepts_exactly_the_valid_names", () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const valid = isValidName(name);
        if (valid) expect(parsePackageName(name)).toBe(normalizeName(name));
        else expect(() => parsePackageName(name)).toThrow(InvalidNameError);
      }),
    );
  });

  // The parsers scan names instead of running the grammar's regular expressions; they must agree
  // with those expressions on every input, including non-ASCII and already normalised names.
  it("scanning_agrees_with_the_name_grammar", () => {
    const grammar = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;
    const reference = (name: string) => name.replace(/[-_.]+/g, "-").toLowerCase();
    const unit = fc.constantFrom(..."abz09AZ-._ -\u212a\u0130é/".split(""));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), (name) => {
        expect(normalizeName(name)).toBe(reference(name));
        if (grammar.test(name)) expect(parsePackageName(name)).toBe(reference(name));
        else expect(() => parseExtraName(name)).toThrow(InvalidNameError);
      }),
      { numRuns: 5000, seed: 503 },
    );
  });
});
