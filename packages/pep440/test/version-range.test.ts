import { describe, expect, it } from "vitest";
import { Version, VersionRange, VersionSpecifier, VersionSpecifiers } from "../src/index.ts";

const v = (s: string) => Version.parse(s);
const range = (s: string) => VersionRange.fromSpecifiers(VersionSpecifiers.parse(s));

describe("VersionRange.fromSpecifier", () => {
  it.each([
    ["~=1.4.5", ">=1.4.5, <1.5"],
    ["~=1.4", ">=1.4, <2"],
    ["~=2!1.4.5a1", ">=2!1.4.5a1, <2!1.5"],
    ["==1.2.*", ">=1.2.dev0, <1.3"],
    ["!=1.2.*", "<1.2 | >=1.3.dev0"],
    ["==1.0", "==1.0"],
    ["==1.0+local", "==1.0+local"],
    ["!=1.0", "<1.0 | >=1.0.post0.dev0"],
    ["<=1.0", "<=1.0"],
    ["<2.0", "<2.0"],
    ["<1.0.post1", "<1.0.post1"],
    ["<1.0a1", "<1.0a1"],
    [">1.0", ">1.0"],
    [">1.0a1", ">=1.0a2.dev0"],
    [">1.0.post1", ">=1.0.post2.dev0"],
    [">1.0.dev1", ">=1.0.dev2"],
    [">=1.0", ">=1.0"],
    ["===1.0", "==1.0"],
    [">=3.7, <4.0, != 3.9.0", ">=3.7, <3.9.0 | >=3.9.0.post0.dev0, <4.0"],
    ["<0", "∅"],
    [">=0.dev0", "*"],
    ["", "*"],
  ])("%s becomes %s", (specifiers, expected) => {
    expect(range(specifiers).toString()).toBe(expected);
  });

  // uv's `exclusive_post_release_ordering` and `less_than_post_release_intersections`.
  it.each([
    ["<1.0.post1", "1.0.post1.dev0", false],
    ["<1.0.post0", "1.0.post0.dev0", false],
    ["<1.0.post1", "1.0.dev0", true],
    ["<1.0.post1", "1.0rc1", true],
    ["<1.0.post1", "1.0.post0.dev0", true],
    ["<1.0.post10", "1.0.post9.dev0", true],
    ["<1.0.post1", "1.0+local", true],
    ["<1.0.post1", "1.0.post0+local", true],
    ["<1.0.post1", "1.0.post1", false],
    ["<1!1.0.post1", "1!1.0a1", true],
    ["<1!1.0.post1", "1!1.0.post1.dev0", false],
    ["<1.0a1.post1", "1.0a1.post1.dev0", true],
    [">1.0.post0", "1.0.post0+local", false],
    [">1.0.post0", "1.0.post1.dev0", true],
    ["==1.0.dev0,<1.0.post1", "1.0.dev0", true],
    [">=1.0,<1.0.post1", "1.0.post0", true],
    [">=1.0,<1.0.post1", "1.0.dev0", false],
    [">=1.0.dev0,<1.0.post1,!=1.0,!=1.0.post0", "1.0.post0.dev0", true],
    ["<0.12.0", "0.12.0a1", false],
    ["<0.12.0", "0.12.0.dev0", false],
    ["<0.12.0", "0.12.0.post1", false],
    ["<0.12.0b1", "0.12.0a1", true],
    ["<0.12.0b1", "0.12.0.dev0", true],
    [">1.0", "1.0.post5+local", false],
    [">1.0", "1.0.0.1.dev0", true],
  ])("%s contains %s: %s", (specifiers, version, expected) => {
    expect(range(specifiers).contains(v(version))).toBe(expected);
    expect(VersionSpecifiers.parse(specifiers).contains(v(version))).toBe(expected);
  });

  it("matches uv: `===` ranges are singletons, unlike `===`'s string comparison", () => {
    const arbitrary = VersionSpecifier.parse("===1.0");
    expect(VersionRange.fromSpecifier(arbitrary).contains(v("1.0.0"))).toBe(true);
    expect(arbitrary.contains(v("1.0.0"))).toBe(false);
  });
});

describe("VersionRange algebra", () => {
  it("builds the basic ranges", () => {
    expect(VersionRange.empty().toString()).toBe("∅");
    expect(VersionRange.full().toString()).toBe("*");
    expect(VersionRange.singleton(v("1.0")).toString()).toBe("==1.0");
    expect(VersionRange.higherThan(v("1.0")).toString()).toBe(">=1.0");
    expect(VersionRange.strictlyHigherThan(v("1.0")).toString()).toBe(">1.0");
    expect(VersionRange.lowerThan(v("1.0")).toString()).toBe("<=1.0");
    expect(VersionRange.strictlyLowerThan(v("1.0.1")).toString()).toBe("<1.0.1");
    expect(VersionRange.between(v("1.0"), v("2.0")).toString()).toBe(">=1.0, <2.0");
    expect(VersionRange.between(v("2.0"), v("1.0")).isEmpty()).toBe(true);
    expect(VersionRange.strictlyLowerThan(v("0.dev0")).isEmpty()).toBe(true);
  });

  it("unions, intersects and complements", () => {
    const a = VersionRange.between(v("1.0"), v("2.0"));
    const b = VersionRange.between(v("1.5"), v("3.0"));
    const c = VersionRange.singleton(v("3.0"));
    expect(a.union(b).toString()).toBe(">=1.0, <3.0");
    expect(a.union(b).union(c).toString()).toBe(">=1.0, <=3.0");
    expect(a.intersection(b).toString()).toBe(">=1.5, <2.0");
    expect(a.union(c).toString()).toBe(">=1.0, <2.0 | ==3.0");
    expect(a.complement().toString()).toBe("<1.0 | >=2.0");
    expect(a.complement().complement().equals(a)).toBe(true);
    expect(VersionRange.empty().complement().isFull()).toBe(true);
    expect(a.intersection(b).subsetOf(a)).toBe(true);
    expect(a.subsetOf(b)).toBe(false);
    expect(a.isDisjoint(c)).toBe(true);
    expect(a.isDisjoint(b)).toBe(false);
    expect(a.difference(b).toString()).toBe(">=1.0, <1.5");
    expect(c.asSingleton()?.toString()).toBe("3.0");
    expect(a.asSingleton()).toBeUndefined();
  });

  it("merges touching intervals but keeps a gap at an excluded point", () => {
    const low = VersionRange.strictlyLowerThan(v("1.0"));
    const high = VersionRange.strictlyHigherThan(v("1.0"));
    expect(low.union(high).toString()).toBe("<1.0 | >1.0");
    expect(
      low
        .union(high)
        .union(VersionRange.singleton(v("1.0")))
        .isFull(),
    ).toBe(true);
    expect(low.union(VersionRange.higherThan(v("1.0"))).isFull()).toBe(true);
  });

  it("treats equal versions as the same bound", () => {
    expect(VersionRange.singleton(v("1.0")).equals(VersionRange.singleton(v("1.0.0")))).toBe(true);
  });
});
