import { Version, VersionRange, VersionSpecifiers } from "@uv-ts/pep440";
import { describe, expect, it } from "vitest";
import {
  collapseNoVersions,
  DefaultStringReporter,
  NoSolutionError,
  OfflineDependencyProvider,
  type Ranges,
  resolve,
  treePackages,
  type VersionSet,
  type VersionSetFactory,
} from "../src/index.ts";
import { compareSemver, num, numRegistry, semver, solve } from "./helpers.ts";

// The examples of Dart pub's doc/solver.md, as pubgrub-rs's tests/examples.rs and examples/ run
// them. Reports are pubgrub-rs's output (astral-sh/pubgrub), verbatim, after
// `collapse_no_versions` as its examples do.

/** The same registry over two version set types: our generic `Ranges` and pep440's. */
interface Flavour<V, R extends VersionSet<V, R>> {
  readonly name: string;
  readonly sets: VersionSetFactory<V, R>;
  readonly v: (s: string) => V;
  readonly between: (a: string, b: string) => R;
  readonly higherThan: (a: string) => R;
  readonly lowerThan: (b: string) => R;
  readonly compare: (a: V, b: V) => number;
}

const genericRanges: Flavour<string, Ranges<string>> = {
  name: "generic Ranges",
  sets: semver,
  v: (s: string) => s,
  between: (a: string, b: string) => semver.between(a, b),
  higherThan: (a: string) => semver.higherThan(a),
  lowerThan: (b: string) => semver.strictlyLowerThan(b),
  compare: compareSemver,
};

const pep440Ranges: Flavour<Version, VersionRange> = {
  name: "pep440 VersionRange",
  sets: VersionRange,
  v: (s: string) => Version.parse(s),
  between: (a: string, b: string) => VersionRange.between(Version.parse(a), Version.parse(b)),
  higherThan: (a: string) => VersionRange.higherThan(Version.parse(a)),
  lowerThan: (b: string) => VersionRange.strictlyLowerThan(Version.parse(b)),
  compare: (a: Version, b: Version) => a.compare(b),
};

function suite<V, R extends VersionSet<V, R>>(f: Flavour<V, R>): void {
  const registry = (
    entries: [string, string, [string, R][]][],
  ): OfflineDependencyProvider<string, V, R> => {
    const provider = new OfflineDependencyProvider<string, V, R>({ compare: f.compare });
    for (const [name, version, deps] of entries) provider.add(name, f.v(version), deps);
    return provider;
  };
  const run = async (
    provider: OfflineDependencyProvider<string, V, R>,
  ): Promise<Record<string, string> | string> => {
    try {
      const solution = await resolve(provider, "root", f.v("1.0.0"), { sets: f.sets });
      return Object.fromEntries([...solution].map(([p, v]) => [p, String(v)]));
    } catch (error) {
      if (!(error instanceof NoSolutionError)) throw error;
      return DefaultStringReporter.report(collapseNoVersions(error.tree));
    }
  };
  const caret = (v: string): R => f.between(v, `${Number(v.split(".")[0]) + 1}.0.0`);

  describe(f.name, () => {
    it("no_conflict", async () => {
      const p = registry([
        ["root", "1.0.0", [["foo", caret("1.0.0")]]],
        ["foo", "1.0.0", [["bar", caret("1.0.0")]]],
        ["bar", "1.0.0", []],
        ["bar", "2.0.0", []],
      ]);
      expect(await run(p)).toEqual({ root: "1.0.0", foo: "1.0.0", bar: "1.0.0" });
    });

    it("avoiding_conflict_during_decision_making", async () => {
      const p = registry([
        [
          "root",
          "1.0.0",
          [
            ["foo", caret("1.0.0")],
            ["bar", caret("1.0.0")],
          ],
        ],
        ["foo", "1.1.0", [["bar", caret("2.0.0")]]],
        ["foo", "1.0.0", []],
        ["bar", "1.0.0", []],
        ["bar", "1.1.0", []],
        ["bar", "2.0.0", []],
      ]);
      expect(await run(p)).toEqual({ root: "1.0.0", foo: "1.0.0", bar: "1.1.0" });
    });

    it("conflict_resolution", async () => {
      const p = registry([
        ["root", "1.0.0", [["foo", f.higherThan("1.0.0")]]],
        ["foo", "2.0.0", [["bar", caret("1.0.0")]]],
        ["foo", "1.0.0", []],
        ["bar", "1.0.0", [["foo", caret("1.0.0")]]],
      ]);
      expect(await run(p)).toEqual({ root: "1.0.0", foo: "1.0.0" });
    });

    it("conflict_with_partial_satisfier", async () => {
      const p = registry([
        [
          "root",
          "1.0.0",
          [
            ["foo", caret("1.0.0")],
            ["target", caret("2.0.0")],
          ],
        ],
        [
          "foo",
          "1.1.0",
          [
            ["left", caret("1.0.0")],
            ["right", caret("1.0.0")],
          ],
        ],
        ["foo", "1.0.0", []],
        ["left", "1.0.0", [["shared", f.higherThan("1.0.0")]]],
        ["right", "1.0.0", [["shared", f.lowerThan("2.0.0")]]],
        ["shared", "2.0.0", []],
        ["shared", "1.0.0", [["target", caret("1.0.0")]]],
        ["target", "2.0.0", []],
        ["target", "1.0.0", []],
      ]);
      expect(await run(p)).toEqual({ root: "1.0.0", foo: "1.0.0", target: "2.0.0" });
    });

    it("linear_error_reporting", async () => {
      const p = registry([
        [
          "root",
          "1.0.0",
          [
            ["foo", caret("1.0.0")],
            ["baz", caret("1.0.0")],
          ],
        ],
        ["foo", "1.0.0", [["bar", caret("2.0.0")]]],
        ["bar", "2.0.0", [["baz", caret("3.0.0")]]],
        ["baz", "1.0.0", []],
        ["baz", "3.0.0", []],
      ]);
      expect(await run(p)).toBe(
        [
          "Because bar >=2.0.0, <3.0.0 depends on baz >=3.0.0, <4.0.0 and foo ==1.0.0 depends on bar >=2.0.0, <3.0.0, foo ==1.0.0 depends on baz >=3.0.0, <4.0.0.",
          "And because root ==1.0.0 depends on foo >=1.0.0, <2.0.0 and root ==1.0.0 depends on baz >=1.0.0, <2.0.0, root ==1.0.0 is forbidden.",
        ].join("\n"),
      );
    });

    it("branching_error_reporting", async () => {
      const p = registry([
        ["root", "1.0.0", [["foo", caret("1.0.0")]]],
        [
          "foo",
          "1.0.0",
          [
            ["a", caret("1.0.0")],
            ["b", caret("1.0.0")],
          ],
        ],
        [
          "foo",
          "1.1.0",
          [
            ["x", caret("1.0.0")],
            ["y", caret("1.0.0")],
          ],
        ],
        ["a", "1.0.0", [["b", caret("2.0.0")]]],
        ["b", "1.0.0", []],
        ["b", "2.0.0", []],
        ["x", "1.0.0", [["y", caret("2.0.0")]]],
        ["y", "1.0.0", []],
        ["y", "2.0.0", []],
      ]);
      expect(await run(p)).toBe(
        [
          "Because a >=1.0.0, <2.0.0 depends on b >=2.0.0, <3.0.0 and foo ==1.0.0 depends on a >=1.0.0, <2.0.0, foo ==1.0.0 depends on b >=2.0.0, <3.0.0.",
          "And because foo ==1.0.0 depends on b >=1.0.0, <2.0.0, foo ==1.0.0 is forbidden. (1)",
          "",
          "Because x >=1.0.0, <2.0.0 depends on y >=2.0.0, <3.0.0 and foo ==1.1.0 depends on x >=1.0.0, <2.0.0, foo ==1.1.0 depends on y >=2.0.0, <3.0.0.",
          "And because foo ==1.1.0 depends on y >=1.0.0, <2.0.0, foo ==1.1.0 is forbidden.",
          "And because foo ==1.0.0 is forbidden (1), foo >=1.0.0, <2.0.0 is forbidden.",
          "And because root ==1.0.0 depends on foo >=1.0.0, <2.0.0, root ==1.0.0 is forbidden.",
        ].join("\n"),
      );
    });
  });
}

suite(genericRanges);
suite(pep440Ranges);

describe("pubgrub-rs tests/examples.rs", () => {
  it("double_choices", async () => {
    const p = numRegistry()
      .add("a", 0, [
        ["b", num.full()],
        ["c", num.full()],
      ])
      .add("b", 0, [["d", num.singleton(0)]])
      .add("b", 1, [["d", num.singleton(1)]])
      .add("c", 0)
      .add("c", 1, [["d", num.singleton(2)]])
      .add("d", 0);
    expect(await solve(p, "a", 0, num)).toEqual({ solution: { a: 0, b: 0, c: 0, d: 0 } });
  });

  it("confusing_with_lots_of_holes", async () => {
    const p = numRegistry().add("root", 1, [
      ["foo", num.full()],
      ["baz", num.full()],
    ]);
    for (let i = 1; i < 6; i++) p.add("foo", i, [["bar", num.full()]]);
    // Part of the dependency tree, but not of the conflict.
    p.add("baz", 1);
    const error = await resolve(p, "root", 1, { sets: num }).catch((e: unknown) => e);
    if (!(error instanceof NoSolutionError)) throw new Error("expected no solution");
    expect(DefaultStringReporter.report(error.tree)).toBe(
      [
        "Because there is no available version for bar and foo ==1 | ==2 | ==3 | ==4 | ==5 depends on bar, foo ==1 | ==2 | ==3 | ==4 | ==5 is forbidden.",
        "And because there is no version of foo in <1 | >1, <2 | >2, <3 | >3, <4 | >4, <5 | >5 and root ==1 depends on foo, root ==1 is forbidden.",
      ].join("\n"),
    );
    const collapsed = collapseNoVersions(error.tree);
    expect(DefaultStringReporter.report(collapsed)).toBe(
      "Because foo depends on bar and root ==1 depends on foo, root ==1 is forbidden.",
    );
    // baz is not part of the explanation.
    expect([...treePackages(collapsed)].sort()).toEqual(["bar", "foo", "root"]);
  });

  it("same_result_on_repeated_runs", async () => {
    const p = numRegistry()
      .add("c", 0)
      .add("c", 2)
      .add("b", 0)
      .add("b", 1, [["c", num.between(0, 1)]])
      .add("a", 0, [
        ["b", num.full()],
        ["c", num.full()],
      ]);
    const first = await solve(p, "a", 0, num);
    for (let i = 0; i < 10; i++) expect(await solve(p, "a", 0, num)).toEqual(first);
  });

  it("should_always_find_a_satisfier", async () => {
    const p = numRegistry().add("a", 0, [["b", num.empty()]]);
    expect(await solve(p, "a", 0, num)).toEqual({
      report: "a ==0 depends on b ∅",
    });
    p.add("c", 0, [["a", num.full()]]);
    expect(await solve(p, "c", 0, num, { collapse: false })).toEqual({
      report: [
        "Because there is no version of a in <0 | >0 and a ==0 depends on b ∅, a * is forbidden.",
        "And because c ==0 depends on a, c ==0 is forbidden.",
      ].join("\n"),
    });
  });

  it("depend_on_self", async () => {
    const p = numRegistry().add("a", 0, [["a", num.full()]]);
    expect(await solve(p, "a", 0, num)).toEqual({ solution: { a: 0 } });
    p.add("a", 66, [["a", num.singleton(111)]]);
    expect(await solve(p, "a", 66, num)).toEqual({ report: "a ==66 depends on a ==111" });
  });
});

describe("README", () => {
  it("example_with_pep440_ranges", async () => {
    const v = (s: string) => Version.parse(s);
    const r = (s: string) => VersionRange.fromSpecifiers(VersionSpecifiers.parse(s));
    const registry = new OfflineDependencyProvider<string, Version, VersionRange>({
      compare: (a, b) => a.compare(b),
    })
      .add("root", v("1.0.0"), [["foo", r(">=1.0,<2.0")]])
      .add("foo", v("1.0.0"), [["bar", r(">=2.0")]])
      .add("bar", v("1.0.0"));
    const error = await resolve(registry, "root", v("1.0.0"), { sets: VersionRange }).catch(
      (e: unknown) => e,
    );
    if (!(error instanceof NoSolutionError)) throw new Error("expected no solution");
    expect(DefaultStringReporter.report(collapseNoVersions(error.tree))).toBe(
      "Because foo >=1.0.0, <2.0 depends on bar >=2.0 and root ==1.0.0 depends on foo >=1.0, <2.0, root ==1.0.0 is forbidden.",
    );
  });
});
