import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Ranges } from "../src/index.ts";
import { num, numRegistry, solve } from "./helpers.ts";
import { generateCases, type RangeExpr } from "./oracle/cases.ts";

// What pubgrub-rs (astral-sh/pubgrub, the fork uv uses) answers for each generated registry:
// produced by the reference solver, see oracle/README.md.
type Expected =
  | { readonly solution: readonly (readonly [string, number])[] }
  | { readonly report: string; readonly collapsedReport: string };
const expected: Expected[] = JSON.parse(
  readFileSync(new URL("./oracle/expected.json", import.meta.url), "utf8"),
);

function range(e: RangeExpr): Ranges<number> {
  if ("between" in e) return num.between(e.between[0], e.between[1]);
  if ("higher" in e) return num.higherThan(e.higher);
  if ("lower" in e) return num.strictlyLowerThan(e.lower);
  if ("single" in e) return num.singleton(e.single);
  if ("full" in e) return num.full();
  if ("empty" in e) return num.empty();
  if ("union" in e) return range(e.union[0]).union(range(e.union[1]));
  return range(e.complement).complement();
}

describe("same answers as pubgrub-rs", () => {
  const cases = generateCases();

  it("has one expectation per generated case", () => {
    expect(expected).toHaveLength(cases.length);
  });

  it("finds the same solutions and writes the same reports, word for word", async () => {
    const mismatches: string[] = [];
    for (const [i, c] of cases.entries()) {
      const registry = numRegistry();
      for (const p of c.packages) {
        for (const v of p.versions) {
          registry.add(
            p.name,
            v.version,
            v.deps.map(([name, e]) => [name, range(e)] as const),
          );
        }
      }
      const want = expected[i]!;
      if ("solution" in want) {
        const got = await solve(registry, "root", 0, num);
        const wanted = { solution: Object.fromEntries(want.solution) };
        if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(wanted))) {
          mismatches.push(`case ${i}: ${JSON.stringify(got)} != ${JSON.stringify(wanted)}`);
        }
      } else {
        const raw = await solve(registry, "root", 0, num, { collapse: false });
        const collapsed = await solve(registry, "root", 0, num);
        const got = { report: reportOf(raw), collapsedReport: reportOf(collapsed) };
        if (got.report !== want.report || got.collapsedReport !== want.collapsedReport) {
          mismatches.push(
            `case ${i}:\n${JSON.stringify(got, null, 1)}\n!=\n${JSON.stringify(want, null, 1)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

function sorted(x: object): object {
  if (!("solution" in x)) return x;
  const s = x.solution as Record<string, number>;
  return Object.fromEntries(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function reportOf(x: { solution: unknown } | { report: string }): string {
  return "report" in x ? x.report : `(solved: ${JSON.stringify(x.solution)})`;
}
