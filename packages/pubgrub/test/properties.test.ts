import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  collapseNoVersions,
  DefaultStringReporter,
  type Dependencies,
  type DependencyProvider,
  NoSolutionError,
  type Ranges,
  resolve,
  Term,
} from "../src/index.ts";
import { num, numRegistry } from "./helpers.ts";

const SEED = 5005;

// Ranges over integer bounds 0..8; probing every integer and every half between them (and past
// both ends) tells any two such sets apart.
const PROBES = Array.from({ length: 23 }, (_, i) => i / 2 - 1);
const bound = fc.integer({ min: 0, max: 8 });
const basicRange: fc.Arbitrary<Ranges<number>> = fc.oneof(
  fc.tuple(bound, bound).map(([a, b]) => num.between(Math.min(a, b), Math.max(a, b) + 1)),
  bound.map((v) => num.singleton(v)),
  bound.map((v) => num.higherThan(v)),
  bound.map((v) => num.strictlyHigherThan(v)),
  bound.map((v) => num.lowerThan(v)),
  bound.map((v) => num.strictlyLowerThan(v)),
  fc.constant(num.full()),
  fc.constant(num.empty()),
);
const range: fc.Arbitrary<Ranges<number>> = fc.oneof(
  basicRange,
  fc.tuple(basicRange, basicRange).map(([a, b]) => a.union(b)),
  fc.tuple(basicRange, basicRange).map(([a, b]) => a.union(b).complement()),
  fc
    .tuple(basicRange, basicRange, basicRange)
    .map(([a, b, c]) => a.union(b).intersection(c.complement())),
);
const members = (r: Ranges<number>): string =>
  PROBES.map((p) => (r.contains(p) ? "1" : "0")).join("");

describe("Ranges algebra", () => {
  it("agrees with set membership", () => {
    fc.assert(
      fc.property(range, range, (a, b) => {
        const and = a.intersection(b);
        const or = a.union(b);
        const not = a.complement();
        for (const p of PROBES) {
          if (and.contains(p) !== (a.contains(p) && b.contains(p))) return false;
          if (or.contains(p) !== (a.contains(p) || b.contains(p))) return false;
          if (not.contains(p) === a.contains(p)) return false;
        }
        const same = members(a) === members(b);
        return (
          a.equals(b) === same &&
          // Canonical: equal sets print the same.
          (!same || a.toString() === b.toString()) &&
          a.subsetOf(b) === PROBES.every((p) => !a.contains(p) || b.contains(p)) &&
          a.isDisjoint(b) === PROBES.every((p) => !a.contains(p) || !b.contains(p)) &&
          a.isEmpty() === PROBES.every((p) => !a.contains(p))
        );
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

// A term's truth over every assignment: the package absent, or selected at one of the probes.
const ASSIGNMENTS: (number | undefined)[] = [undefined, ...PROBES];
type T = Term<number, Ranges<number>>;
const term: fc.Arbitrary<T> = fc
  .tuple(fc.boolean(), range)
  .map(([positive, r]) => (positive ? Term.positive(r) : Term.negative(r)));
const holds = (t: T, a: number | undefined): boolean =>
  a === undefined ? !t.positive : t.set.contains(a) === t.positive;

describe("Term algebra", () => {
  it("agrees with the truth of terms over assignments", () => {
    fc.assert(
      fc.property(term, term, (t, s) => {
        const and = t.intersection(s);
        const or = t.union(s);
        const not = t.negate();
        for (const a of ASSIGNMENTS) {
          if (holds(and, a) !== (holds(t, a) && holds(s, a))) return false;
          if (holds(or, a) !== (holds(t, a) || holds(s, a))) return false;
          if (holds(not, a) === holds(t, a)) return false;
        }
        const disjoint = ASSIGNMENTS.every((a) => !holds(t, a) || !holds(s, a));
        // `s` stands for the intersection of the partial solution's terms about the package.
        const satisfied = ASSIGNMENTS.every((a) => !holds(s, a) || holds(t, a));
        const relation = satisfied ? "satisfied" : disjoint ? "contradicted" : "inconclusive";
        return (
          t.isDisjoint(s) === disjoint &&
          t.subsetOf(s) === ASSIGNMENTS.every((a) => !holds(t, a) || holds(s, a)) &&
          t.relationWith(s) === relation
        );
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

// Random registries: up to 8 packages with up to 6 versions each, dependencies on any package
// (itself and one that does not exist included), some versions with unavailable dependencies.
interface RegistryVersion {
  readonly version: number;
  readonly unavailable: boolean;
  readonly deps: readonly (readonly [string, Ranges<number>])[];
}
type Registry = ReadonlyMap<string, readonly RegistryVersion[]>;

const NAMES = ["root", "a", "b", "c", "d", "e", "f", "g"];
const registry: fc.Arbitrary<Registry> = fc
  .integer({ min: 1, max: 8 })
  .chain((size) => {
    const names = NAMES.slice(0, size);
    const dep = fc.tuple(fc.constantFrom(...names, "ghost"), range);
    const versions = (isRoot: boolean) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: 8 }), { minLength: isRoot ? 1 : 0, maxLength: 6 })
        .chain((vs) =>
          fc.tuple(
            ...(isRoot ? [0] : vs).map((version) =>
              fc.record({
                version: fc.constant(version),
                unavailable: isRoot
                  ? fc.constant(false)
                  : fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
                deps: fc.array(dep, { maxLength: 3 }),
              }),
            ),
          ),
        );
    return fc.tuple(...names.map((n) => versions(n === "root").map((vs) => [n, vs] as const)));
  })
  .map(
    (entries) =>
      new Map(entries.map(([n, vs]) => [n, [...vs].sort((x, y) => x.version - y.version)])),
  );

function providerOf(reg: Registry): DependencyProvider<string, number, Ranges<number>> {
  const inner = numRegistry();
  for (const [name, versions] of reg) for (const v of versions) inner.add(name, v.version, v.deps);
  return {
    prioritize: (p, r, s) => inner.prioritize(p, r, s),
    chooseVersion: (p, r) => inner.chooseVersion(p, r),
    getDependencies: (p, v): Dependencies<string, Ranges<number>> =>
      reg.get(p)?.find((x) => x.version === v)?.unavailable === true
        ? { kind: "unavailable", reason: "(test)" }
        : inner.getDependencies(p, v),
  };
}

/** Whether `solution` selects the root and satisfies every dependency of every selection. */
function violations(reg: Registry, solution: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  if (solution.get("root") !== 0) out.push("root is not selected at 0");
  for (const [name, version] of solution) {
    const entry = reg.get(name)?.find((v) => v.version === version);
    if (entry === undefined) {
      out.push(`${name} ${version} does not exist`);
      continue;
    }
    if (entry.unavailable) out.push(`${name} ${version} has unavailable dependencies`);
    for (const [dep, r] of entry.deps) {
      const chosen = solution.get(dep);
      if (chosen === undefined || !r.contains(chosen)) {
        out.push(`${name} ${version} needs ${dep} ${r}, got ${chosen}`);
      }
    }
  }
  return out;
}

/**
 * Exhaustive search for any selection closed under dependencies: take the first unmet
 * dependency and try every version that meets it. Complete, because any solution restricted to
 * what the search reaches is one of the branches.
 */
function bruteForceSolvable(reg: Registry): boolean {
  const usable = (name: string) => (reg.get(name) ?? []).filter((v) => !v.unavailable);
  const search = (selection: Map<string, number>): boolean => {
    for (const [name, version] of selection) {
      const entry = usable(name).find((v) => v.version === version)!;
      for (const [dep, r] of entry.deps) {
        const chosen = selection.get(dep);
        if (chosen !== undefined) {
          if (!r.contains(chosen)) return false;
          continue;
        }
        for (const candidate of usable(dep)) {
          if (!r.contains(candidate.version)) continue;
          if (search(new Map(selection).set(dep, candidate.version))) return true;
        }
        return false;
      }
    }
    return true;
  };
  return usable("root").some((v) => v.version === 0) && search(new Map([["root", 0]]));
}

describe("resolve on random registries", () => {
  it("returns only valid solutions, and fails only when none exists", async () => {
    let solved = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(registry, async (reg) => {
        try {
          const solution = await resolve(providerOf(reg), "root", 0, { sets: num });
          expect(violations(reg, solution)).toEqual([]);
          solved++;
        } catch (error) {
          if (!(error instanceof NoSolutionError)) throw error;
          expect(bruteForceSolvable(reg)).toBe(false);
          // Every failure explains itself down to the root, before and after collapsing.
          for (const tree of [error.tree, collapseNoVersions(error.tree)]) {
            const report = DefaultStringReporter.report(tree);
            if (tree.type === "derived") expect(report).toMatch(/, root ==0 is forbidden\.$/);
            else expect(report).toMatch(/^root ==0 depends on /);
          }
          failed++;
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
    // Both outcomes are well represented.
    expect(solved).toBeGreaterThan(400);
    expect(failed).toBeGreaterThan(400);
  });
});
