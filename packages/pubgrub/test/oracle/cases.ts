/**
 * The random registries of the pubgrub-rs differential fixture (see README.md here). The
 * generator is deterministic (a fixed-seed PRNG), so the test regenerates the same cases the
 * fixture was computed from.
 */

/** A version range as an expression both the Rust harness and the test evaluate. */
export type RangeExpr =
  | { readonly between: readonly [number, number] }
  | { readonly higher: number }
  | { readonly lower: number }
  | { readonly single: number }
  | { readonly full: true }
  | { readonly empty: true }
  | { readonly union: readonly [RangeExpr, RangeExpr] }
  | { readonly complement: RangeExpr };

/** One registry: packages with versions and their dependencies. `root` 0 is resolved. */
export interface OracleCase {
  readonly packages: readonly {
    readonly name: string;
    readonly versions: readonly {
      readonly version: number;
      readonly deps: readonly (readonly [string, RangeExpr])[];
    }[];
  }[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["a", "b", "c", "d", "e", "f", "g"];

/** The fixture's cases: 250 registries of up to 7 packages with up to 5 versions each. */
export function generateCases(): OracleCase[] {
  const rand = mulberry32(0x5eed);
  const int = (n: number): number => Math.floor(rand() * n);
  const range = (depth = 0): RangeExpr => {
    const r = int(depth > 0 ? 6 : 9);
    const x = int(7);
    const y = x + 1 + int(4);
    switch (r) {
      case 0:
        return { between: [x, y] };
      case 1:
        return { higher: x };
      case 2:
        return { lower: y };
      case 3:
        return { single: x };
      case 4:
        return { full: true };
      case 5:
        return rand() < 0.3 ? { empty: true } : { between: [x, y] };
      case 6:
      case 7:
        return { union: [range(depth + 1), range(depth + 1)] };
      default:
        return { complement: range(depth + 1) };
    }
  };

  const cases: OracleCase[] = [];
  for (let n = 0; n < 250; n++) {
    const names = NAMES.slice(0, 1 + int(7));
    // Some dependencies name a package that has no versions at all.
    const targets = [...names, "missing"];
    const packages: OracleCase["packages"][number][] = [];
    for (const name of ["root", ...names]) {
      const versions: OracleCase["packages"][number]["versions"][number][] = [];
      const versionCount = name === "root" ? 1 : int(6);
      const available = [0, 1, 2, 3, 4, 5, 6, 7].sort(() => rand() - 0.5).slice(0, versionCount);
      for (const version of name === "root" ? [0] : available.sort((p, q) => p - q)) {
        const deps: [string, RangeExpr][] = [];
        const depCount = name === "root" ? 1 + int(3) : int(4);
        for (let i = 0; i < depCount; i++) {
          const dep = targets[int(targets.length)]!;
          // Self-dependencies are left out: pubgrub-rs stores them as two terms on one package,
          // which this solver deliberately does not (see the README).
          if (dep === name) continue;
          if (dep === "missing" && rand() < 0.7) continue;
          deps.push([dep, range()]);
        }
        versions.push({ version, deps });
      }
      // Leaving the root unregistered makes its dependencies "unavailable".
      if (name === "root" && n % 50 === 7) continue;
      packages.push({ name, versions });
    }
    cases.push({ packages });
  }
  return cases;
}
