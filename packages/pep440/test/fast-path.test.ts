// `Version.parse` reads the common shapes of versions with a fast path and everything else with
// the full parser; wherever the fast path accepts a text, the two must build the same version.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Version } from "../src/index.ts";
import { parseCommonVersion, versionFromParts } from "../src/version.ts";
import { parseVersionText } from "../src/version-parser.ts";
import { commonShapeText, normalVersionText, versionText } from "./arbitraries.ts";

/** The full parser's version for `text`, or `undefined` when it rejects it (or it is a pattern). */
function fullParse(text: string): Version | undefined {
  const outcome = parseVersionText(text);
  return outcome.ok && !outcome.wildcard ? versionFromParts(outcome.parts) : undefined;
}

function describeVersion(v: Version): unknown {
  return {
    epoch: v.epoch,
    release: v.release,
    pre: v.pre,
    post: v.post,
    dev: v.dev,
    local: v.local,
    string: v.toString(),
    hashKey: v.hashKey(),
    key: v.key,
    fastKey: v.fastKey,
    prerelease: v.isPrerelease(),
  };
}

const tokenSoup = fc
  .array(
    fc.constantFrom(
      "0",
      "1",
      "9",
      "00",
      "01",
      "10",
      "255",
      "256",
      "999999999999999",
      "9999999999999999",
      "9007199254740993",
      ".",
      ".",
      "a",
      "b",
      "rc",
      "c",
      "r",
      ".post",
      ".dev",
      "post",
      "dev",
      "-",
      "_",
      "+",
      "!",
      "v",
      "A",
      "RC",
      " ",
      "*",
      ".*",
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((tokens) => tokens.join(""));

describe("version fast path", () => {
  const texts = [
    ...fc.sample(commonShapeText, { numRuns: 6000, seed: 4401 }),
    ...fc.sample(tokenSoup, { numRuns: 6000, seed: 4402 }),
    ...fc.sample(versionText, { numRuns: 2000, seed: 4403 }),
    ...fc.sample(normalVersionText, { numRuns: 2000, seed: 4404 }),
  ];

  it("fast_path_agrees_with_the_full_parser", () => {
    const disagreements: string[] = [];
    let accepted = 0;
    for (const text of texts) {
      const fast = parseCommonVersion(text);
      if (fast === undefined) continue;
      accepted++;
      const full = fullParse(text);
      if (full === undefined) {
        disagreements.push(`${JSON.stringify(text)}: fast ${fast}, full parser rejects it`);
        continue;
      }
      if (JSON.stringify(describeVersion(fast)) !== JSON.stringify(describeVersion(full))) {
        disagreements.push(
          `${JSON.stringify(text)}: fast ${JSON.stringify(describeVersion(fast))}, full ${JSON.stringify(describeVersion(full))}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
    // Both paths must actually be exercised.
    expect(accepted).toBeGreaterThan(2000);
    expect(accepted).toBeLessThan(texts.length * 0.9);
  });

  it("fast_and_full_versions_order_the_same", () => {
    const pairs = fc.sample(
      fc.tuple(fc.oneof(commonShapeText, normalVersionText), commonShapeText),
      { numRuns: 6000, seed: 4405 },
    );
    const disagreements: string[] = [];
    let compared = 0;
    for (const [x, y] of pairs) {
      const a = parseCommonVersion(x);
      const b = parseCommonVersion(y);
      const fullA = fullParse(x);
      const fullB = fullParse(y);
      if (fullA === undefined || fullB === undefined) continue;
      compared++;
      const expected = fullA.compare(fullB);
      for (const [l, r] of [
        [a ?? fullA, b ?? fullB],
        [a ?? fullA, fullB],
        [fullA, b ?? fullB],
      ] as const) {
        if (l.compare(r) !== expected || r.compare(l) !== -expected) {
          disagreements.push(`${x} vs ${y}: ${l.compare(r)}, full parser ${expected}`);
        }
        if ((l.hashKey() === r.hashKey()) !== (expected === 0)) {
          disagreements.push(`${x} vs ${y}: hash keys disagree with the order`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });

  it("fast_path_takes_the_normalised_index_shapes", () => {
    for (const text of [
      "0",
      "1.0.0",
      "2024.10.31",
      "1.26.4rc1",
      "2.0b3",
      "3.0a12.dev4",
      "1.2.post3",
      "1.2.3.post1.dev2",
      "1.0rc1.post2.dev3",
      "999999999999999.1",
    ]) {
      const v = parseCommonVersion(text);
      expect(v?.toString()).toBe(text);
      expect(Version.parse(text).toString()).toBe(text);
    }
    // Leading zeros are accepted and normalised away.
    expect(parseCommonVersion("01.002a03.post04.dev05")?.toString()).toBe("1.2a3.post4.dev5");
  });

  it("fast_path_leaves_other_spellings_to_the_full_parser", () => {
    for (const text of [
      "v1.0",
      " 1.0",
      "1.0 ",
      "1!1.0",
      "1.0+local",
      "1.0A1",
      "1.0alpha1",
      "1.0c1",
      "1.0a",
      "1.0.a1",
      "1.0-1",
      "1.0post1",
      "1.0.post",
      "1.0.dev",
      "1.0-dev1",
      "1.*",
      "1.",
      "1..0",
      "9999999999999999",
      "1.9007199254740993",
      "1.0.dev1.post1",
    ]) {
      expect(parseCommonVersion(text)).toBeUndefined();
    }
    // ... which still reads what is valid.
    expect(Version.parse("V1.0-RC1").toString()).toBe("1.0rc1");
    expect(Version.parse("1.0.post").toString()).toBe("1.0.post0");
    expect(Version.tryParse("1.9007199254740993")).toBeUndefined();
    expect(Version.parse("1.9007199254740991").toString()).toBe("1.9007199254740991");
  });

  it("fast_key_orders_like_the_full_key", () => {
    // Numbers around the limits of the packed key's fields (8 bits per release number, 6 for the
    // pre-release number, 7 for post and dev).
    const n = fc.constantFrom(0, 0, 1, 2, 62, 63, 64, 125, 126, 127, 128, 254, 255, 256);
    const opt = (arb: fc.Arbitrary<string>) => fc.oneof(fc.constant(""), arb);
    const nearLimits = fc
      .tuple(
        fc.array(n, { minLength: 1, maxLength: 4 }),
        opt(fc.tuple(fc.constantFrom("a", "b", "rc"), n).map((p) => p.join(""))),
        opt(n.map((x) => `.post${x}`)),
        opt(n.map((x) => `.dev${x}`)),
      )
      .map(([release, ...rest]) => `${release.join(".")}${rest.join("")}`);
    const either = fc.oneof(nearLimits, nearLimits, normalVersionText, commonShapeText);
    const pairs = fc.sample(fc.tuple(either, either), {
      numRuns: 8000,
      seed: 4406,
    });
    const byKey = (a: readonly number[], b: readonly number[]): number => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      }
      return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
    };
    let bothFast = 0;
    const disagreements: string[] = [];
    for (const [x, y] of pairs) {
      const a = Version.tryParse(x);
      const b = Version.tryParse(y);
      if (a === undefined || b === undefined || a.isLocal() || b.isLocal()) continue;
      if (a.fastKey >= 0 && b.fastKey >= 0) bothFast++;
      const expected = byKey(a.key, b.key);
      if (a.compare(b) !== expected || a.comparePublic(b) !== expected) {
        disagreements.push(`${a} vs ${b}: ${a.compare(b)}, by key ${expected}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(bothFast).toBeGreaterThan(300);
  });
});
