import { hasFeature, oracleAvailable, runOracle } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MarkerTree, Requirement } from "../src/index.ts";
import {
  type Difference,
  ENVIRONMENTS,
  EXTRAS,
  type GeneratedMarker,
  type GeneratedRequirement,
  markerArbitrary,
  requirementArbitrary,
} from "./arbitraries.ts";

/**
 * Deliberate differences between uv (our target) and packaging 26.3. Generated cases that touch
 * one of these are still parsed by both sides, but the listed aspect is not compared.
 */
const DELIBERATE: Record<Difference, string> = {
  "version-in-is-list":
    "`python_version in '3.8 3.9'`: uv matches whole versions (so it can do marker algebra); packaging does a substring test, so `3.1` is `in '3.11'`",
  "string-ordering":
    "`<`, `>=` etc. on string markers: uv compares lexicographically; packaging 26 treats them as undefined (`<`/`>` false, `<=`/`>=` equality)",
  "platform-release-is-string":
    "`platform_release`: uv compares it as a string; packaging compares it as a PEP 440 version when both sides parse",
  "tilde-on-string":
    "`os_name ~= 'x'`: uv ignores the comparison (with a warning); packaging raises UndefinedComparison when evaluating",
  "invalid-version-ignored":
    "a version marker compared with a non-version (`python_version >= '3.*'`, `~= '3'`, `'3.*' == python_version`): uv drops the comparison; packaging falls back to string comparison",
  "triple-equal-marker": "`===` in a marker: uv rejects it as an operator; packaging accepts it",
  "invalid-extra-name":
    "`extra == 'foo bar'` or `extra == ''`: uv treats a comparison with an invalid extra name as false (for `!=` too); packaging compares the strings",
  "python-version-star-quirk":
    "`python_version != '3.10.1.*'`: uv's rewrite to `python_full_version` makes any star comparison with a non-zero third segment false; packaging evaluates it",
  "reversed-tilde":
    "`'3.12' ~= python_full_version`: uv reads it as `python_full_version ~= '3.12'`; packaging tests `3.12` against `~=<environment value>`",
  "triple-equal-specifier":
    "`===` in version specifiers: packaging takes any text up to whitespace (commas too, so `===1.0,>=2` does not parse); uv parses a PEP 440 version",
};

// Differences that change whether the text parses at all.
const VALIDITY: readonly Difference[] = ["triple-equal-marker", "triple-equal-specifier"];

interface OracleEval {
  readonly ok: boolean;
  readonly error?: string;
  readonly eval?: (boolean | string)[][] | null;
}

interface OracleRequirement extends OracleEval {
  readonly name?: string;
  readonly extras?: string[];
  readonly specifiers?: string[];
  readonly url?: string | null;
}

interface OracleOutput {
  readonly requirements: OracleRequirement[];
  readonly markers: OracleEval[];
}

function evaluateAll(marker: MarkerTree): boolean[][] {
  return ENVIRONMENTS.map((env) =>
    EXTRAS.map((extra) => marker.evaluate(env, extra === "" ? [] : [extra])),
  );
}

function tryParse<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

const requirements: GeneratedRequirement[] = fc.sample(requirementArbitrary, {
  numRuns: 2500,
  seed: 508,
});
const markers: GeneratedMarker[] = fc.sample(markerArbitrary, { numRuns: 2500, seed: 685 });

describe.skipIf(!hasFeature("python") || !oracleAvailable())("differential_vs_packaging", () => {
  const oracle = runOracle<OracleOutput>(new URL("./oracle_pep508.py", import.meta.url).pathname, {
    requirements: requirements.map((r) => r.text),
    markers: markers.map((m) => m.text),
    envs: ENVIRONMENTS,
    extras: EXTRAS,
  });

  it("every_deliberate_difference_is_documented", () => {
    for (const reason of Object.values(DELIBERATE)) expect(reason.length).toBeGreaterThan(20);
  });

  it("requirements_agree", () => {
    const disagreements: string[] = [];
    let compared = 0;
    requirements.forEach((generated, i) => {
      const theirs = oracle.requirements[i];
      const ours = tryParse(() => Requirement.parse(generated.text));
      if (theirs === undefined) throw new Error("oracle output too short");
      const documented = generated.differences.length > 0;
      if ((ours !== undefined) !== theirs.ok) {
        if (!generated.differences.some((d) => VALIDITY.includes(d))) {
          disagreements.push(
            `${JSON.stringify(generated.text)}: uv-ts ${ours ? "accepts" : "rejects"}, packaging ${theirs.ok ? "accepts" : `rejects (${theirs.error})`}`,
          );
        }
        return;
      }
      if (ours === undefined) return;
      compared++;
      const mine = {
        name: ours.name,
        extras: [...new Set(ours.extras)].sort(),
        specifiers: (ours.version?.specifiers.map(String) ?? []).sort(),
        url: ours.url ?? null,
      };
      const expected = {
        name: theirs.name,
        extras: theirs.extras,
        specifiers: theirs.specifiers,
        url: theirs.url,
      };
      if (JSON.stringify(mine) !== JSON.stringify(expected)) {
        disagreements.push(
          `${JSON.stringify(generated.text)}: ${JSON.stringify(mine)} vs ${JSON.stringify(expected)}`,
        );
      }
      if (!documented && theirs.eval !== null && theirs.eval !== undefined) {
        const evals = evaluateAll(ours.marker);
        if (JSON.stringify(evals) !== JSON.stringify(theirs.eval)) {
          disagreements.push(
            `${JSON.stringify(generated.text)}: eval ${JSON.stringify(evals)} vs ${JSON.stringify(theirs.eval)}`,
          );
        }
      }
    });
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });

  it("markers_agree", () => {
    const disagreements: string[] = [];
    let evaluated = 0;
    markers.forEach((generated, i) => {
      const theirs = oracle.markers[i];
      if (theirs === undefined) throw new Error("oracle output too short");
      const ours = tryParse(() => MarkerTree.parse(generated.text));
      if ((ours !== undefined) !== theirs.ok) {
        if (!generated.differences.some((d) => VALIDITY.includes(d))) {
          disagreements.push(
            `${JSON.stringify(generated.text)}: validity ${ours !== undefined} vs ${theirs.ok} (${theirs.error})`,
          );
        }
        return;
      }
      if (ours === undefined || generated.differences.length > 0) return;
      evaluated++;
      const evals = evaluateAll(ours);
      if (JSON.stringify(evals) !== JSON.stringify(theirs.eval)) {
        disagreements.push(
          `${JSON.stringify(generated.text)}: ${JSON.stringify(evals)} vs ${JSON.stringify(theirs.eval)}`,
        );
      }
    });
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(evaluated).toBeGreaterThan(1000);
  });
});
