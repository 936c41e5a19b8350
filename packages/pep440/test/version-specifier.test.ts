import { describe, expect, it } from "vitest";
import {
  Version,
  VersionSpecifier,
  VersionSpecifierParseError,
  VersionSpecifiers,
  VersionSpecifiersParseError,
} from "../src/index.ts";

const v = (s: string) => Version.parse(s);
const spec = (s: string) => VersionSpecifier.parse(s);

describe("VersionSpecifier.contains", () => {
  // uv's `test_specifiers_true` (from packaging's test suite).
  it.each([
    ["2.0", "==2"],
    ["2.0", "==2.0.0"],
    ["2.0+deadbeef", "==2"],
    ["2.0+deadbeef", "==2.0+deadbeef"],
    ["2.0+deadbeef.0", "==2.0.0+deadbeef.00"],
    ["2.dev1", "==2.*"],
    ["2a1.post1", "==2.*"],
    ["2c1.post1.dev1", "==2.0.*"],
    ["2", "==2.0.*"],
    ["2", "==0!2.*"],
    ["2.1+local.version", "==2.1.*"],
    ["2.1", "!=2"],
    ["2.0", "!=2.0+deadbeef"],
    ["2.0", "!=3.*"],
    ["2.1", "!=2.0.*"],
    ["2", "!=2.1.*"],
    ["2+local", "!=2.1.*"],
    ["2.0.post1.dev1", ">=2"],
    ["3", ">=2"],
    ["2.0c1.post1.dev1", "<=2"],
    ["2.0+local", "<=2"],
    ["2.1+local.version", ">2"],
    ["2.post2", ">2.post1"],
    ["1", "<2"],
    ["2.0.dev0", "<2.1"],
    ["0.1a1", "<0.1a2"],
    ["0.1dev1", "<0.1dev2"],
    ["0.1dev1", "<0.1a1"],
    ["1", "~=1.0"],
    ["1.9999999", "~=1.0"],
    ["1.1", "~=1.0a1"],
    ["2022.01.01", "~=2022.01.01"],
    ["2!1.0", "~=2!1.0"],
    ["2!1.0", "==2!1.*"],
    ["2!1.0", "!=1.0"],
    ["1.0", "<=2!0.1"],
    ["2!1.0", ">2.0"],
    ["2.0.5", ">2.0dev"],
    // `<V.postN` admits pre-releases of V but not of V.postN (packaging 26.1, uv #20229).
    ["1.0a1", "<1.0.post1"],
    ["1.0.post0.dev0", "<1.0.post1"],
    ["1!1.0a1", "<1!1.0.post1"],
    // `>V` excludes only V's own post-releases: a later public version is fine.
    ["1.0.post1", ">1.0a1"],
    ["1.0.post1", ">1.0.dev1"],
    ["1.2a1", "===1.2a1"],
  ])("%s satisfies %s", (version, specifier) => {
    expect(spec(specifier).contains(v(version))).toBe(true);
  });

  // uv's `test_specifier_false`.
  it.each([
    ["2.1", "==2.0.0"],
    ["2.0", "==2.0+deadbeef"],
    ["2.1", "==2.0.*"],
    ["2", "==2.1.*"],
    ["2+local", "==2.1.*"],
    ["2.0+deadbeef", "!=2"],
    ["2.0+deadbeef.0", "!=2.0.0+deadbeef.00"],
    ["2c1.post1.dev1", "!=2.0.*"],
    ["2.0a1", ">=2"],
    ["2.0.post1", "<=2"],
    ["2.0.post1.dev1", "<=2"],
    ["2.0a1", ">2"],
    ["2.0", ">2"],
    ["2.post2", ">2"],
    ["2.0.post1.dev1", ">2"],
    ["2.0+local.version", ">2"],
    ["1.0.post0+local", ">1.0.post0"],
    ["2.0.dev1", "<2"],
    ["2.0rc1", "<2"],
    ["2.post1", "<2"],
    ["2.post1.dev1", "<2"],
    ["1.0.post1.dev0", "<1.0.post1"],
    ["2.0", "~=1.0"],
    ["1.1.post1", "~=1.0.0"],
    ["1.0", "~=2!1.0"],
    ["2!1.0", "==1.*"],
    ["2!1.0", "!=2!1.0"],
    ["1.2a1+local", "===1.2a1"],
    // `===` compares normalised strings, so trailing zeros matter.
    ["1.0.0", "===1.0"],
  ])("%s does not satisfy %s", (version, specifier) => {
    expect(spec(specifier).contains(v(version))).toBe(false);
  });
});

describe("VersionSpecifier.parse", () => {
  it("models wildcards as their own operators", () => {
    const eq = spec("==  1.1.*");
    expect(eq.operator).toBe("==*");
    expect(eq.version.toString()).toBe("1.1");
    expect(eq.toString()).toBe("==1.1.*");
    expect(spec("!=     1.1.*").toString()).toBe("!=1.1.*");
    expect(spec(" >= v1.0ALPHA ").toString()).toBe(">=1.0a0");
    expect(spec("===1.0").operator).toBe("===");
  });

  it.each([
    ["2.0", "Unexpected end of version specifier, expected operator. Did you mean `==2.0`?"],
    ["1.2.*", "Unexpected end of version specifier, expected operator. Did you mean `==1.2.*`?"],
    ["blergh", "Unexpected end of version specifier, expected operator"],
    ["=>2.0", 'no such comparison operator "=>", must be one of ~= == != <= >= < > ==='],
    ["==", "Unexpected end of version specifier, expected version"],
    [
      "~=1.0+5",
      "Operator ~= is incompatible with versions containing non-empty local segments (`+5`)",
    ],
    [
      ">=1.0+deadbeef",
      "Operator >= is incompatible with versions containing non-empty local segments (`+deadbeef`)",
    ],
    [
      "<1.0+1.0",
      "Operator < is incompatible with versions containing non-empty local segments (`+1.0`)",
    ],
    ["~=1.0.*", "Operator ~= cannot be used with a wildcard version specifier"],
    [">=1.0.*", "Operator >= cannot be used with a wildcard version specifier"],
    ["===1.0.*", "Operator === cannot be used with a wildcard version specifier"],
    ["==1.0.*+5", "wildcards in versions must be at the end"],
    ["==1.0.*.5", "wildcards in versions must be at the end"],
    ["==2.0a1.*", "after parsing `2.0a1`, found `.*`, which is not part of a valid version"],
    [
      "!=2.0.post1.*",
      "after parsing `2.0.post1`, found `.*`, which is not part of a valid version",
    ],
    ["==1.0.dev1.*", "after parsing `1.0.dev1`, found `.*`, which is not part of a valid version"],
    [
      "==1.0+5.*",
      "found a `.` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the `.`",
    ],
    ["~=1", "The ~= operator requires at least two segments in the release version"],
    ["==1.0 foo", "Trailing `foo` is not allowed"],
    [
      "===foobar",
      "expected version to start with a number, but no leading ASCII digits were found",
    ],
  ])("rejects %j with uv's message", (input, message) => {
    expect(() => spec(input)).toThrow(VersionSpecifierParseError);
    expect(() => spec(input)).toThrow(message);
    try {
      spec(input);
    } catch (e) {
      expect((e as VersionSpecifierParseError).message).toBe(message);
    }
  });

  it("checks operator and version in VersionSpecifier.from", () => {
    expect(VersionSpecifier.from("~=", v("1.4.5")).toString()).toBe("~=1.4.5");
    expect(() => VersionSpecifier.from("~=", v("1"))).toThrow(
      "The ~= operator requires at least two segments in the release version",
    );
    expect(() => VersionSpecifier.from("==*", v("1.0a1"))).toThrow(
      "after parsing `1.0a1`, found `.*`, which is not part of a valid version",
    );
  });

  it("compares ~= by release length, others by version", () => {
    expect(spec("==1.2").equals(spec("==1.2.0"))).toBe(true);
    expect(spec("~=2.2").equals(spec("~=2.2.0"))).toBe(false);
    expect(spec("~=2.2.0").equals(spec("~=2.2.0"))).toBe(true);
  });
});

describe("VersionSpecifiers", () => {
  it("sorts by version then operator and prints like uv", () => {
    expect(VersionSpecifiers.parse(">= 3.7").toString()).toBe(">=3.7");
    expect(VersionSpecifiers.parse(">=3.7, <      4.0, != 3.9.0").toString()).toBe(
      ">=3.7, !=3.9.0, <4.0",
    );
    expect(VersionSpecifiers.parse("<=1.4.4, >=1.4.4").toString()).toBe("<=1.4.4, >=1.4.4");
    expect(VersionSpecifiers.parse(">=1.4.4, <=1.4.4").toString()).toBe("<=1.4.4, >=1.4.4");
    expect(VersionSpecifiers.parse("~= 0.9, >= 1.0, != 1.3.4.*, < 2.0").toString()).toBe(
      "~=0.9, >=1.0, !=1.3.4.*, <2.0",
    );
  });

  it("treats the empty string as no specifiers", () => {
    const empty = VersionSpecifiers.parse("");
    expect(empty.isEmpty()).toBe(true);
    expect(empty.toString()).toBe("");
    expect(empty.contains(v("1.0a1"))).toBe(true);
    expect(empty.contains(v("1.0a1"), { prereleases: false })).toBe(false);
  });

  it("follows packaging's prereleases option", () => {
    const specs = VersionSpecifiers.parse(">=1.0,!=1.0.1");
    expect(specs.contains(v("1.2.3"))).toBe(true);
    expect(specs.contains(v("1.0.1"))).toBe(false);
    expect(specs.contains(v("1.3.0a1"))).toBe(true);
    expect(specs.contains(v("1.3.0a1"), { prereleases: true })).toBe(true);
    expect(specs.contains(v("1.3.0a1"), { prereleases: false })).toBe(false);
    expect(specs.contains(v("1.3.0.dev1"), { prereleases: false })).toBe(false);
    expect(specs.contains(v("1.3.0.post1"), { prereleases: false })).toBe(true);
  });

  it.each([
    [
      "~= 0.9, %= 1.0, != 1.3.4.*",
      "Failed to parse version: Unexpected end of version specifier, expected operator:\n~= 0.9, %= 1.0, != 1.3.4.*\n       ^^^^^^^\n",
    ],
    [
      "3.12",
      "Failed to parse version: Unexpected end of version specifier, expected operator. Did you mean `==3.12`?:\n3.12\n^^^^\n",
    ],
    [
      "blergh",
      "Failed to parse version: Unexpected end of version specifier, expected operator:\nblergh\n^^^^^^\n",
    ],
    [
      ">=1.2.3, 5.4.3, >=3.4.5",
      "Failed to parse version: Unexpected end of version specifier, expected operator. Did you mean `==5.4.3`?:\n>=1.2.3, 5.4.3, >=3.4.5\n        ^^^^^^\n",
    ],
    // Carets follow display width: the ideographic space is two columns wide.
    [
      ">=3.7,\u3000<4.0,>5.%",
      "Failed to parse version: after parsing `5`, found `.%`, which is not part of a valid version:\n>=3.7,\u3000<4.0,>5.%\n             ^^^^\n",
    ],
    // uv rejects empty items, where packaging drops them.
    [
      ">=1.0,",
      "Failed to parse version: Unexpected end of version specifier, expected operator:\n>=1.0,\n      \n",
    ],
  ])("reports %j like uv", (input, message) => {
    let error: unknown;
    try {
      VersionSpecifiers.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VersionSpecifiersParseError);
    expect((error as VersionSpecifiersParseError).message).toBe(message);
    expect((error as VersionSpecifiersParseError).inner).toBeInstanceOf(VersionSpecifierParseError);
    expect(VersionSpecifiers.tryParse(input)).toBeUndefined();
  });

  it("reports where the failing item is", () => {
    const error = (() => {
      try {
        VersionSpecifiers.parse(">=3.7, <4.0,>5.%");
      } catch (e) {
        return e as VersionSpecifiersParseError;
      }
      throw new Error("expected an error");
    })();
    expect([error.start, error.end]).toEqual([12, 16]);
    expect(error.line).toBe(">=3.7, <4.0,>5.%");
  });
});
