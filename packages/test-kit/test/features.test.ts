import { describe, expect, it } from "vitest";
import { ALL_FEATURES, enabledFeatures } from "../src/features.ts";

describe("enabledFeatures", () => {
  it("enables everything when UV_TS_TEST_FEATURES is unset", () => {
    expect([...enabledFeatures({})]).toEqual([...ALL_FEATURES]);
  });

  it("enables only the listed features (the offline run has no network ones)", () => {
    const offline = enabledFeatures({ UV_TS_TEST_FEATURES: "python, slow" });
    expect([...offline].sort()).toEqual(["python", "slow"]);
    expect(offline.has("pypi")).toBe(false);
    expect(enabledFeatures({ UV_TS_TEST_FEATURES: "" }).size).toBe(0);
  });

  it("rejects unknown feature names", () => {
    expect(() => enabledFeatures({ UV_TS_TEST_FEATURES: "python,network" })).toThrow(
      /unknown features: network/,
    );
  });
});
