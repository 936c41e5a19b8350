import { fileURLToPath } from "node:url";
import { hasFeature, oracleAvailable, runOracle } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Version, VersionSpecifiers } from "../src/index.ts";
import {
  commonShapeText,
  garbageText,
  normalVersionText,
  specifiersText,
  specifierText,
  validSpecifiersText,
  versionText,
} from "./arbitraries.ts";

const ORACLE = fileURLToPath(new URL("./oracle_pep440.py", import.meta.url));
const SEED = 440;

interface OracleAnswer {
  versions: { valid: boolean; str: string | null }[];
  pairs: (number | null)[];
  specifiers: { valid: boolean; items: (string | null)[] | null }[];
  contains: ([boolean, boolean, boolean] | null)[];
}

/**
 * Deliberate differences from `packaging`, each with the reason. A disagreement is allowed only
 * when one of these predicates says it is expected.
 */
const DELIBERATE = {
  /**
   * Version numbers must fit a JavaScript number exactly (up to 2^53 - 1), so that versions
   * compare correctly; uv accepts up to u64 and `packaging` any size.
   */
  numberBeyondSafeInteger: (version: string) =>
    (version.match(/\d+/g) ?? []).some((digits) => Number(digits) > Number.MAX_SAFE_INTEGER),
  /**
   * uv parses the operand of `===` as a PEP 440 version (and rejects wildcards there);
   * `packaging` takes any string.
   */
  arbitraryEqualityNeedsVersion: (specifiers: string) =>
    specifiers.split(",").some((item) => {
      const m = /^\s*===\s*(\S*)\s*$/.exec(item);
      if (m === null) return false;
      const operand = m[1]!;
      return Version.tryParse(operand) === undefined;
    }),
  /**
   * uv compares `===` on normalised strings (`===1.0ALPHA1` matches `1.0a1`); `packaging`
   * compares the raw operand, lowercased, with `str(version)`.
   */
  arbitraryEqualityNormalises: (specifiers: string) =>
    specifiers.split(",").some((item) => {
      const m = /^\s*===\s*(\S*)\s*$/.exec(item);
      if (m === null) return false;
      const operand = m[1]!;
      return Version.tryParse(operand)?.toString() !== operand.toLowerCase();
    }),
};

function sample<T>(arb: fc.Arbitrary<T>, numRuns: number, seed: number): T[] {
  return fc.sample(arb, { numRuns, seed });
}

describe.skipIf(!hasFeature("python") || !oracleAvailable())("differential: packaging 26.3", () => {
  const versions = [
    ...sample(versionText, 2500, SEED),
    ...sample(normalVersionText, 1500, SEED + 1),
    ...sample(garbageText, 1500, SEED + 2),
    ...sample(commonShapeText, 2000, SEED + 9),
  ];
  const validCount = 4000;
  // Each spelled version again in our normal form: pairs of the two must compare equal.
  const respelled = versions.slice(0, 1000).map((v) => Version.tryParse(v)?.toString() ?? v);
  const respelledStart = versions.length;
  versions.push(...respelled);
  const pairs: [number, number][] = [
    ...sample(
      fc.tuple(
        fc.integer({ min: 0, max: validCount - 1 }),
        fc.integer({ min: 0, max: validCount - 1 }),
      ),
      6000,
      SEED + 3,
    ),
    ...respelled.map((_, i): [number, number] => [i, respelledStart + i]),
  ];
  const specifiers = [
    ...sample(validSpecifiersText, 2000, SEED + 4),
    ...sample(specifiersText, 1000, SEED + 8),
    ...sample(specifierText, 500, SEED + 5),
    ...sample(
      garbageText.map((g) => `>=${g}`),
      300,
      SEED + 6,
    ),
  ];
  const containsCases = sample(
    fc.tuple(validSpecifiersText, fc.oneof(normalVersionText, versionText)),
    6000,
    SEED + 7,
  );

  const answer = runOracle<OracleAnswer>(ORACLE, {
    versions,
    pairs,
    specifiers,
    contains: containsCases,
  });

  it("agrees on version validity and normalised form", () => {
    const disagreements: string[] = [];
    versions.forEach((text, i) => {
      const ours = Version.tryParse(text);
      const theirs = answer.versions[i]!;
      if (ours === undefined && theirs.valid && DELIBERATE.numberBeyondSafeInteger(text)) return;
      if (
        (ours !== undefined) !== theirs.valid ||
        (ours !== undefined && ours.toString() !== theirs.str)
      ) {
        disagreements.push(
          `${JSON.stringify(text)}: ours ${ours ?? "invalid"}, packaging ${theirs.str ?? "invalid"}`,
        );
      }
    });
    expect(disagreements).toEqual([]);
    // The sample must exercise both outcomes.
    expect(answer.versions.filter((v) => v.valid).length).toBeGreaterThan(3000);
    expect(answer.versions.filter((v) => !v.valid).length).toBeGreaterThan(500);
  });

  it("agrees on the order of version pairs", () => {
    const disagreements: string[] = [];
    let compared = 0;
    pairs.forEach(([i, j], k) => {
      const theirs = answer.pairs[k];
      if (theirs === null || theirs === undefined) return;
      compared++;
      const a = Version.parse(versions[i]!);
      const b = Version.parse(versions[j]!);
      if (a.compare(b) !== theirs) {
        disagreements.push(`${a} vs ${b}: ours ${a.compare(b)}, packaging ${theirs}`);
      }
    });
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
    expect(answer.pairs.filter((c) => c === 0).length).toBeGreaterThan(900);
  });

  it("agrees on specifier validity and normalised form", () => {
    const disagreements: string[] = [];
    let deliberate = 0;
    specifiers.forEach((text, i) => {
      const ours = VersionSpecifiers.tryParse(text);
      const theirs = answer.specifiers[i]!;
      if ((ours !== undefined) !== theirs.valid) {
        if (DELIBERATE.arbitraryEqualityNeedsVersion(text)) {
          deliberate++;
          return;
        }
        disagreements.push(
          `${JSON.stringify(text)}: ours ${ours ?? "invalid"}, packaging ${theirs.valid ? "valid" : "invalid"}`,
        );
        return;
      }
      if (ours === undefined) return;
      const mine = ours.specifiers.map(String).sort();
      const theirsItems = (theirs.items ?? []).map(String).sort();
      if (JSON.stringify(mine) !== JSON.stringify(theirsItems)) {
        disagreements.push(`${JSON.stringify(text)}: ours ${mine}, packaging ${theirsItems}`);
      }
    });
    expect(disagreements).toEqual([]);
    expect(answer.specifiers.filter((s) => s.valid).length).toBeGreaterThan(1000);
    expect(answer.specifiers.filter((s) => !s.valid).length).toBeGreaterThan(300);
    expect(deliberate).toBeLessThan(specifiers.length / 10);
  });

  it("agrees on contains, with prereleases default, true and false", () => {
    const disagreements: string[] = [];
    let checked = 0;
    const outcomes = new Set<string>();
    containsCases.forEach(([specText, versionStr], k) => {
      const theirs = answer.contains[k];
      const specs = VersionSpecifiers.tryParse(specText);
      const version = Version.tryParse(versionStr);
      if (theirs === null || theirs === undefined || specs === undefined || version === undefined) {
        return;
      }
      checked++;
      const ours = [
        specs.contains(version),
        specs.contains(version, { prereleases: true }),
        specs.contains(version, { prereleases: false }),
      ];
      outcomes.add(JSON.stringify(ours));
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        if (DELIBERATE.arbitraryEqualityNormalises(specText)) return;
        disagreements.push(`${specText} contains ${version}: ours ${ours}, packaging ${theirs}`);
      }
    });
    expect(disagreements).toEqual([]);
    expect(checked).toBeGreaterThan(3000);
    // Both answers, and the pre-release policy, must actually occur in the sample.
    expect(outcomes).toContain("[true,true,true]");
    expect(outcomes).toContain("[false,false,false]");
    expect(outcomes).toContain("[true,true,false]");
  });
});
