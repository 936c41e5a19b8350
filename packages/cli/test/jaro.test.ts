import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { didYouMean, jaro } from "../src/index.ts";

describe("jaro", () => {
  it("matches strsim's values", () => {
    expect(jaro("", "")).toBe(1);
    expect(jaro("", "a")).toBe(0);
    expect(jaro("martha", "marhta")).toBeCloseTo(0.9444444444, 9);
    expect(jaro("dixon", "dicksonx")).toBeCloseTo(0.7666666667, 9);
    expect(jaro("jellyfish", "smellyfish")).toBeCloseTo(0.8962962963, 9);
    expect(jaro("venvv", "venv")).toBeCloseTo(0.9333333333, 9);
    expect(jaro("venvv", "v")).toBeCloseTo(0.7333333333, 9);
    expect(jaro("pythn", "python")).toBeCloseTo(0.9444444444, 9);
    expect(jaro("abc", "xyz")).toBe(0);
  });

  it("is symmetric and bounded", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = jaro(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaro(b, a)).toBeCloseTo(s, 12);
      }),
    );
  });
});

describe("didYouMean", () => {
  it("keeps candidates above 0.7, least similar first", () => {
    expect(didYouMean("tst", ["test", "possible", "values"])).toEqual(["test"]);
    expect(didYouMean("te", ["test", "temp", "possible", "values"])).toEqual(["test", "temp"]);
    expect(didYouMean("hahaahahah", ["test", "possible", "values"])).toEqual([]);
    expect(
      didYouMean("alignmentScorr", [
        "test",
        "possible",
        "values",
        "alignmentStart",
        "alignmentScore",
      ]),
    ).toEqual(["alignmentStart", "alignmentScore"]);
  });
});
