import { describe, expect, it } from "vitest";
import { defaultExtractThreads, maxExtractThreads } from "../src/index.ts";

describe("unpacking threads by default", () => {
  it("none_on_one_core", () => {
    expect(defaultExtractThreads(1)).toBe(0);
  });

  it("one_on_two_cores_where_the_main_thread_needs_the_other", () => {
    expect(defaultExtractThreads(2)).toBe(1);
  });

  it("one_per_core_beyond_the_first_up_to_four_on_bigger_machines", () => {
    expect([3, 4, 5, 8, 64].map(defaultExtractThreads)).toEqual([2, 3, 4, 4, 4]);
  });
});

describe("unpacking threads at most, counting those started for a deep backlog", () => {
  it("none_on_one_core", () => {
    expect(maxExtractThreads(1)).toBe(0);
  });

  it("one_per_core_up_to_four_since_the_main_thread_idles_in_the_tail", () => {
    expect([2, 3, 4, 5, 8].map(maxExtractThreads)).toEqual([2, 3, 4, 4, 4]);
  });
});
