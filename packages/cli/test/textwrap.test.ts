import { describe, expect, it } from "vitest";
import { wrap } from "../src/index.ts";

describe("wrap", () => {
  it("breaks greedily on spaces and trims line ends", () => {
    expect(wrap("foo bar baz", 5)).toBe("foo\nbar\nbaz");
    expect(wrap("12345 12345 12345 12345", 20)).toBe("12345 12345 12345\n12345");
  });

  it("never moves a first word, however long", () => {
    expect(wrap("averyveryverylongword x", 5)).toBe("averyveryverylongword\nx");
  });

  it("wraps each line separately and repeats a line's indentation", () => {
    expect(wrap("a b c\n  - item one two", 8)).toBe("a b c\n  - item\n  one\n  two");
  });
});
