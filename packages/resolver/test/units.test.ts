import type { PackageName } from "@uv-ts/normalize";
import { Version, VersionRange, VersionSpecifiers } from "@uv-ts/pep440";
import { MarkerTree, Requirement } from "@uv-ts/pep508";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatPackage,
  formatPackageRange,
  narrowToKnown,
  PythonRequirement,
  packageFor,
  requirementsFor,
  simplifyRangeOver,
  stripSentinels,
  trimmedRelease,
  widenToGap,
} from "../src/index.ts";
import { LINUX_312_ENV } from "./harness.ts";

const v = (s: string) => Version.parse(s);
const r = (s: string) => VersionRange.fromSpecifiers(VersionSpecifiers.parse(s));
const known = ["1.0.0", "1.5.0", "2.0.0"].map(v);

describe("version_gaps", () => {
  it("widens_a_version_to_the_gap_around_it", () => {
    expect(String(widenToGap(v("1.5.0"), known))).toBe(">1.0.0, <2.0.0");
    expect(String(widenToGap(v("2.0.0"), known))).toBe(">1.5.0");
    expect(String(widenToGap(v("1.0.0"), known))).toBe("<1.5.0");
    expect(widenToGap(v("1.0.0"), [v("1.0.0")]).isFull()).toBe(true);
    expect(String(widenToGap(v("1.0.0"), []))).toBe("==1.0.0");
  });

  it("widened_gap_holds_no_other_known_version", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (minors, pick) => {
          const versions = [...minors].sort((a, b) => a - b).map((m) => v(`1.${m}`));
          const chosen = versions[pick % versions.length]!;
          const gap = widenToGap(chosen, versions);
          expect(versions.filter((x) => gap.contains(x))).toEqual([chosen]);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("widened_gap_is_bounded_by_the_nearest_known_versions", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 40 }),
        (minors, probe) => {
          const versions = [...minors].sort((a, b) => a - b).map((m) => v(`1.${m}`));
          const below = minors.filter((m) => m < probe).sort((a, b) => b - a)[0];
          const above = minors.filter((m) => m > probe).sort((a, b) => a - b)[0];
          const gap = widenToGap(v(`1.${probe}`), versions);
          let expected = VersionRange.full();
          if (below !== undefined) {
            expected = expected.intersection(VersionRange.strictlyHigherThan(v(`1.${below}`)));
          }
          if (above !== undefined) {
            expected = expected.intersection(VersionRange.strictlyLowerThan(v(`1.${above}`)));
          }
          if (versions.length === 0) expected = VersionRange.singleton(v(`1.${probe}`));
          expect(String(gap)).toBe(String(expected));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it("narrows_widened_sets_back_to_known_versions", () => {
    expect(String(narrowToKnown(r(">1.0.0"), known))).toBe(">=1.5.0");
    expect(String(narrowToKnown(r(">1.0.0,<2.0.0"), known))).toBe("==1.5.0");
    expect(narrowToKnown(r(">=0.1"), known).isFull()).toBe(true);
  });
});

describe("report_ranges", () => {
  it("simplifies_ranges_over_listed_versions_like_pubgrub", () => {
    // Both ends open past the first and last listed version.
    expect(String(simplifyRangeOver(r(">=1.0.0,<2.5"), known))).toBe("*");
    expect(String(simplifyRangeOver(r(">=1.2"), known))).toBe(">=1.2");
    expect(String(simplifyRangeOver(r("<1.2"), known))).toBe("<1.2");
    // Never simplified to nothing.
    expect(String(simplifyRangeOver(r(">3"), known))).toBe(">3");
  });

  it("prints_ranges_as_uv_does", () => {
    const show = (spec: string) => formatPackageRange("foo", stripSentinels(r(spec)), "dependency");
    expect(show("==1.0")).toBe("foo==1.0");
    expect(show("<=1.0")).toBe("foo<=1.0");
    expect(show(">1.0")).toBe("foo>1.0");
    expect(show("<2")).toBe("foo<2");
    expect(show("~=1.4")).toBe("foo>=1.4,<2.dev0");
    expect(show("==1.4.*")).toBe("foo==1.4.*");
    expect(show("!=1.0")).toBe("one of:\n    foo<1.0\n    foo>1.0\n");
    expect(formatPackageRange("foo", VersionRange.full(), "compatibility")).toBe(
      "all versions of foo",
    );
  });

  it("names_proxies_like_uv", () => {
    const name = "foo" as PackageName;
    expect(formatPackage(packageFor(name, "bar" as never, MarkerTree.TRUE))).toBe("foo[bar]");
    expect(
      formatPackage(packageFor(name, undefined, MarkerTree.parse("sys_platform == 'linux'"))),
    ).toBe("foo{sys_platform == 'linux'}");
    // Extra expressions are tracked by the package, not its marker.
    expect(formatPackage(packageFor(name, undefined, MarkerTree.parse("extra == 'x'")))).toBe(
      "foo",
    );
  });
});

describe("python_requirement", () => {
  it("admits_releases_by_their_lower_bound_only", () => {
    const python = new PythonRequirement({ target: "3.12", installed: "3.12.1" });
    const admits = (spec: string) => python.admits(VersionSpecifiers.parse(spec));
    expect(admits(">=3.8")).toBe(true);
    expect(admits(">=3.12")).toBe(true);
    expect(admits(">=3.12.0")).toBe(true);
    expect(admits(">=3.13")).toBe(false);
    expect(admits(">3.12")).toBe(false);
    expect(admits("<3.10")).toBe(true);
    expect(admits("~=3.11")).toBe(true);
    expect(python.targetText()).toBe(">=3.12");
    expect(python.isInstalledTarget()).toBe(false);
    // Asked again (answers are kept per list), the same.
    expect(admits(">=3.13")).toBe(false);
    expect(admits(">=3.8")).toBe(true);
  });

  it("trims_only_what_a_release_bound_needs", () => {
    for (const [given, trimmed] of [
      ["3.12", "3.12"],
      ["3.12.0", "3.12"],
      ["3.0.0", "3"],
      ["0", "0"],
      ["3.12.1", "3.12.1"],
      ["3.13rc1", "3.13"],
      ["3.8.post1", "3.8"],
      ["1!3.8.0", "1!3.8"],
      ["3.8+local", "3.8"],
    ] as const) {
      expect(String(trimmedRelease(v(given)))).toBe(trimmed);
    }
    const bare = v("3.12");
    expect(trimmedRelease(bare)).toBe(bare);
  });
});

describe("requirements_for", () => {
  const requiresDist = [
    "dep-a",
    "dep-b ; sys_platform == 'win32'",
    "dep-c>=1 ; extra == 'fast'",
    "pkg[fast]>1 ; extra == 'all'",
    "dep-d ; extra == 'all'",
  ].map((s) => Requirement.parse(s));
  const names = (extra: string | undefined) =>
    requirementsFor("pkg" as PackageName, extra, requiresDist, LINUX_312_ENV).map(String);

  it("takes_the_base_requirements_that_apply", () => {
    expect(names(undefined)).toEqual(["dep-a"]);
  });

  it("takes_only_the_extras_own_requirements", () => {
    expect(names("fast")).toEqual(["dep-c>=1 ; extra == 'fast'"]);
  });

  it("flattens_self_referencing_extras_keeping_their_bound", () => {
    expect(names("all")).toEqual([
      "dep-d ; extra == 'all'",
      "dep-c>=1 ; extra == 'fast'",
      "pkg>1 ; extra == 'all'",
    ]);
  });
});
