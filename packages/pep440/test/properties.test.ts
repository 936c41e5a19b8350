import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Version, VersionRange, VersionSpecifiers } from "../src/index.ts";
import { normalVersionText, validSpecifiersText, versionText } from "./arbitraries.ts";

const SEED = 4400;
const version = fc.oneof(normalVersionText, versionText).map((s) => Version.parse(s));
const specifiers = validSpecifiersText.map((s) => VersionSpecifiers.parse(s));

const basicRange: fc.Arbitrary<VersionRange> = fc.oneof(
  specifiers.map((s) => VersionRange.fromSpecifiers(s)),
  version.map((x) => VersionRange.singleton(x)),
  version.map((x) => VersionRange.higherThan(x)),
  version.map((x) => VersionRange.strictlyHigherThan(x)),
  version.map((x) => VersionRange.lowerThan(x)),
  version.map((x) => VersionRange.strictlyLowerThan(x)),
  fc.tuple(version, version).map(([a, b]) => VersionRange.between(a, b)),
  fc.constant(VersionRange.empty()),
  fc.constant(VersionRange.full()),
);
// Unions and complements make multi-interval ranges.
const range = fc.oneof(
  basicRange,
  fc.tuple(basicRange, basicRange).map(([a, b]) => a.union(b)),
  fc.tuple(basicRange, basicRange).map(([a, b]) => a.union(b).complement()),
);

const params = (numRuns: number) => ({ seed: SEED, numRuns });

/** `===` ranges are uv's singletons, which hold `1.0.0` while `===1.0` (a string match) does not. */
function hasArbitraryEquality(s: VersionSpecifiers): boolean {
  return s.specifiers.some((x) => x.operator === "===");
}

describe("Version properties", () => {
  it("round-trips through its normalised form", () => {
    fc.assert(
      fc.property(versionText, (text) => {
        const parsed = Version.parse(text);
        const again = Version.parse(parsed.toString());
        expect(again.toString()).toBe(parsed.toString());
        expect(again.compare(parsed)).toBe(0);
        expect(again.hashKey()).toBe(parsed.hashKey());
      }),
      params(2000),
    );
  });

  it("orders versions totally, consistently with equals and hashKey", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(a.compare(b)).toBe(-b.compare(a) || 0);
        expect(a.equals(b)).toBe(a.compare(b) === 0);
        expect(a.hashKey() === b.hashKey()).toBe(a.equals(b));
        if (a.compare(b) <= 0 && b.compare(c) <= 0) expect(a.compare(c)).toBeLessThanOrEqual(0);
        // Dropping the local label never moves a version above the original.
        expect(a.withoutLocal().compare(a)).toBeLessThanOrEqual(0);
      }),
      params(3000),
    );
  });
});

describe("VersionRange properties", () => {
  it("union and intersection are commutative and associative", () => {
    fc.assert(
      fc.property(range, range, range, (a, b, c) => {
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.intersection(b).equals(b.intersection(a))).toBe(true);
        expect(
          a
            .union(b)
            .union(c)
            .equals(a.union(b.union(c))),
        ).toBe(true);
        expect(
          a
            .intersection(b)
            .intersection(c)
            .equals(a.intersection(b.intersection(c))),
        ).toBe(true);
      }),
      params(1000),
    );
  });

  it("distributes, obeys De Morgan, and complements involutively", () => {
    fc.assert(
      fc.property(range, range, range, (a, b, c) => {
        expect(a.intersection(b.union(c)).equals(a.intersection(b).union(a.intersection(c)))).toBe(
          true,
        );
        expect(a.union(b.intersection(c)).equals(a.union(b).intersection(a.union(c)))).toBe(true);
        expect(a.union(b).complement().equals(a.complement().intersection(b.complement()))).toBe(
          true,
        );
        expect(a.intersection(b).complement().equals(a.complement().union(b.complement()))).toBe(
          true,
        );
        expect(a.complement().complement().equals(a)).toBe(true);
        expect(a.union(a.complement()).isFull()).toBe(true);
        expect(a.isDisjoint(a.complement())).toBe(true);
        expect(a.intersection(b).subsetOf(a)).toBe(true);
        expect(a.subsetOf(a.union(b))).toBe(true);
      }),
      params(1000),
    );
  });

  it("contains agrees with the boolean operations", () => {
    fc.assert(
      fc.property(range, range, version, (a, b, x) => {
        expect(a.union(b).contains(x)).toBe(a.contains(x) || b.contains(x));
        expect(a.intersection(b).contains(x)).toBe(a.contains(x) && b.contains(x));
        expect(a.complement().contains(x)).toBe(!a.contains(x));
        if (a.subsetOf(b) && a.contains(x)) expect(b.contains(x)).toBe(true);
      }),
      params(2000),
    );
  });

  it("fromSpecifiers holds exactly the versions the specifiers contain", () => {
    let both = 0;
    let neither = 0;
    fc.assert(
      fc.property(specifiers, version, (s, x) => {
        if (hasArbitraryEquality(s)) return;
        const inRange = VersionRange.fromSpecifiers(s).contains(x);
        expect(inRange, `${s} / ${x}`).toBe(s.contains(x));
        if (inRange) both++;
        else neither++;
      }),
      params(5000),
    );
    expect(both).toBeGreaterThan(300);
    expect(neither).toBeGreaterThan(300);
  });

  it("fromSpecifiers agrees on versions next to the specifier's own version", () => {
    // Random versions rarely land on the edge cases (`V.post0`, `V+local`, `V.dev0`), so derive
    // neighbours of each specifier's version.
    const neighbours = (base: Version): Version[] => {
      const out = [base, base.with({ local: ["x"] }), base.with({ dev: 0 }), base.withoutLocal()];
      out.push(base.with({ post: (base.post ?? 0) + 1 }), base.with({ post: 0, dev: 0 }));
      out.push(base.with({ pre: { kind: "a", number: 0 } }), base.with({ pre: undefined }));
      out.push(base.with({ release: [...base.release, 0, 1] }), base.with({ dev: undefined }));
      out.push(base.with({ post: undefined, local: [1] }));
      return out;
    };
    fc.assert(
      fc.property(specifiers, (s) => {
        if (hasArbitraryEquality(s)) return;
        const r = VersionRange.fromSpecifiers(s);
        for (const spec of s.specifiers) {
          for (const x of neighbours(spec.version)) {
            expect(r.contains(x), `${s} / ${x}`).toBe(s.contains(x));
          }
        }
      }),
      params(1000),
    );
  });
});
