import { describe, expect, it } from "vitest";
import { parseRangeHint, rangeHintAfterRead, sameRangeHint } from "../src/range-hint.ts";

describe("range hint", () => {
  it("remembers_the_tail_a_read_needed_unless_it_is_far_more_than_was_read", () => {
    expect(rangeHintAfterRead(1_000_000, 950_000, 60_000)).toEqual({
      size: 1_000_000,
      tail: 50_000,
    });
    // A little more than was read (the bytes between METADATA and the directory): still worth it.
    expect(rangeHintAfterRead(1_000_000, 900_000, 40_000)).toEqual({
      size: 1_000_000,
      tail: 100_000,
    });
    // METADATA at the start of a big wheel: one request for the whole file is not worth it.
    expect(rangeHintAfterRead(1_000_000, 0, 20_000)).toBeUndefined();
    expect(rangeHintAfterRead(100, 100, 100)).toBeUndefined();
  });

  it("only_well_formed_hints_are_read_back", () => {
    expect(parseRangeHint({ size: 10, tail: 10 })).toEqual({ size: 10, tail: 10 });
    expect(parseRangeHint({ size: 10, tail: 4, extra: true })).toEqual({ size: 10, tail: 4 });
    for (const bad of [
      undefined,
      null,
      7,
      "x",
      [],
      { size: 10 },
      { tail: 4 },
      { size: "10", tail: 4 },
      { size: 10, tail: 0 },
      { size: 10, tail: -4 },
      { size: 10, tail: 11 },
      { size: 10, tail: 4.5 },
      { size: 2 ** 60, tail: 4 },
    ]) {
      expect(parseRangeHint(bad)).toBeUndefined();
    }
    expect(sameRangeHint(undefined, undefined)).toBe(true);
    expect(sameRangeHint({ size: 1, tail: 1 }, { size: 1, tail: 1 })).toBe(true);
    expect(sameRangeHint({ size: 2, tail: 1 }, { size: 1, tail: 1 })).toBe(false);
    expect(sameRangeHint(undefined, { size: 1, tail: 1 })).toBe(false);
  });
});
