// Parsed versions are shared by text (index pages repeat each version in every file of a release).
import { describe, expect, it } from "vitest";
import {
  Version,
  VersionParseError,
  VersionRange,
  VersionSpecifiers,
  VersionSpecifiersParseError,
} from "../src/index.ts";

describe("parse_memo", () => {
  it("shares_one_version_per_text", () => {
    expect(Version.parse("1.2.3")).toBe(Version.parse("1.2.3"));
    expect(Version.tryParse("1.2.3")).toBe(Version.parse("1.2.3"));
    // Equal versions spelt differently keep their own spelling.
    expect(String(Version.parse("1.0"))).toBe("1.0");
    expect(String(Version.parse("1.0.0"))).toBe("1.0.0");
    expect(String(Version.parse("v1.0-RC1"))).toBe("1.0rc1");
    expect(Version.parse("1.0").hashKey()).toBe(Version.parse("1.0.0").hashKey());
  });

  it("never_remembers_a_failure", () => {
    expect(Version.tryParse("1.*")).toBeUndefined();
    expect(() => Version.parse("1.*")).toThrow(VersionParseError);
    expect(Version.tryParse("not a version")).toBeUndefined();
    expect(() => Version.parse("not a version")).toThrow(VersionParseError);
  });

  it("stays_correct_past_its_capacity", () => {
    const first = Version.parse("0.0.1");
    for (let i = 0; i < 20_000; i++) Version.parse(`0.${i}.7`);
    const again = Version.parse("0.0.1");
    expect(again.equals(first)).toBe(true);
    expect(String(Version.parse("0.19999.7"))).toBe("0.19999.7");
  });
});

describe("specifiers_memo", () => {
  it("shares_one_list_and_one_range_per_text", () => {
    const a = VersionSpecifiers.parse(">=3.8, <4");
    expect(VersionSpecifiers.parse(">=3.8, <4")).toBe(a);
    expect(VersionSpecifiers.tryParse(">=3.8, <4")).toBe(a);
    expect(VersionRange.fromSpecifiers(a)).toBe(VersionRange.fromSpecifiers(a));
    expect(String(VersionRange.fromSpecifiers(a))).toBe(">=3.8, <4");
    // A plain list of specifiers is not remembered (it may change).
    const list = [...a];
    expect(VersionRange.fromSpecifiers(list)).not.toBe(VersionRange.fromSpecifiers(a));
    expect(VersionRange.fromSpecifiers(list).equals(VersionRange.fromSpecifiers(a))).toBe(true);
  });

  it("never_remembers_a_failure", () => {
    expect(VersionSpecifiers.tryParse(">=3.8,")).toBeUndefined();
    expect(() => VersionSpecifiers.parse(">=3.8,")).toThrow(VersionSpecifiersParseError);
    expect(VersionSpecifiers.tryParse(">=3.8,")).toBeUndefined();
  });

  it("a_range_prints_the_same_every_time", () => {
    const range = VersionRange.fromSpecifiers(VersionSpecifiers.parse("!=1.5, <2.0.post1"));
    const text = String(range);
    expect(String(range)).toBe(text);
    expect(text).toBe("<1.5 | >=1.5.post0.dev0, <2.0.post1");
  });
});
