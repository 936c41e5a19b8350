import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MarkerTree, Pep508Error, Requirement } from "../src/index.ts";
import { ENVIRONMENTS, EXTRAS, markerArbitrary, requirementArbitrary } from "./arbitraries.ts";

function tryParse<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof Pep508Error) return undefined;
    throw e;
  }
}

function evaluations(marker: MarkerTree): boolean[] {
  return ENVIRONMENTS.flatMap((env) =>
    EXTRAS.map((extra) => marker.evaluate(env, extra === "" ? [] : [extra])),
  );
}

const parsedMarker = markerArbitrary
  .map((m) => tryParse(() => MarkerTree.parse(m.text)))
  .filter((m): m is MarkerTree => m !== undefined);

describe("marker_properties", () => {
  it("to_string_round_trips", () => {
    fc.assert(
      fc.property(parsedMarker, (marker) => {
        // A marker of only ignored comparisons is TRUE, which prints as "" (no marker).
        fc.pre(!marker.isTrue());
        const text = marker.toString();
        const again = MarkerTree.parse(text);
        expect(again.toString()).toBe(text);
        expect(evaluations(again)).toEqual(evaluations(marker));
      }),
      { numRuns: 300 },
    );
  });

  it("and_is_conjunction_and_or_is_disjunction", () => {
    fc.assert(
      fc.property(parsedMarker, parsedMarker, (a, b) => {
        const ea = evaluations(a);
        const eb = evaluations(b);
        expect(evaluations(a.and(b))).toEqual(ea.map((x, i) => x && eb[i] === true));
        expect(evaluations(a.or(b))).toEqual(ea.map((x, i) => x || eb[i] === true));
      }),
      { numRuns: 300 },
    );
  });

  it("parenthesised_text_combination_matches_tree_combination", () => {
    fc.assert(
      fc.property(parsedMarker, parsedMarker, (a, b) => {
        // A constant-true side prints as "", which is not a marker; skip those.
        fc.pre(!a.isTrue() && !b.isTrue());
        const and = MarkerTree.parse(`(${a}) and (${b})`);
        const or = MarkerTree.parse(`(${a}) or (${b})`);
        expect(evaluations(and)).toEqual(evaluations(a.and(b)));
        expect(evaluations(or)).toEqual(evaluations(a.or(b)));
      }),
      { numRuns: 200 },
    );
  });
});

describe("requirement_properties", () => {
  it("to_string_round_trips", () => {
    fc.assert(
      fc.property(requirementArbitrary, (generated) => {
        const r = tryParse(() => Requirement.parse(generated.text));
        fc.pre(r !== undefined);
        if (r === undefined) return;
        const text = r.toString();
        const again = Requirement.parse(text);
        expect(again.toString()).toBe(text);
        expect(again.name).toBe(r.name);
        expect(again.extras).toEqual(r.extras);
        expect(again.url).toBe(r.url);
        expect(evaluations(again.marker)).toEqual(evaluations(r.marker));
      }),
      { numRuns: 300 },
    );
  });

  it("errors_point_inside_the_input", () => {
    const noisy = fc.string({
      unit: fc.constantFrom(..."ab1 [],;()<=>~!@'\"._-#".split("")),
      maxLength: 24,
    });
    fc.assert(
      fc.property(noisy, (text) => {
        try {
          Requirement.parse(text);
        } catch (e) {
          if (!(e instanceof Pep508Error)) throw e;
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.start + e.len).toBeLessThanOrEqual(text.length + 1);
          if (text !== "") {
            const lines = e.message.split("\n");
            expect(lines.at(-2)).toBe(text);
            expect(lines.at(-1)).toMatch(/^ *\^*$/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
