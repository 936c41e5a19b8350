import {
  collapseNoVersions,
  DefaultStringReporter,
  NoSolutionError,
  OfflineDependencyProvider,
  type Ranges,
  type RangesFactory,
  rangesOf,
  resolve,
} from "../src/index.ts";

/** `1.2.3` versions, ordered numerically part by part. */
export function compareSemver(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = (x[i] ?? 0) - (y[i] ?? 0);
    if (c !== 0) return c;
  }
  return 0;
}

/** Ranges over `1.2.3` strings, printed like pubgrub-rs's `SemanticVersion`. */
export const semver = rangesOf<string>(compareSemver);
/** Ranges over integers, like pubgrub-rs's `Ranges<u32>`. */
export const num = rangesOf<number>((a, b) => a - b);

export type Registry<V> = OfflineDependencyProvider<string, V, Ranges<V>>;

/** A fresh in-memory registry of semver packages. */
export function semverRegistry(): Registry<string> {
  return new OfflineDependencyProvider<string, string, Ranges<string>>({ compare: compareSemver });
}

/** A fresh in-memory registry of integer-versioned packages. */
export function numRegistry(): Registry<number> {
  return new OfflineDependencyProvider<string, number, Ranges<number>>({
    compare: (a, b) => a - b,
  });
}

/** The solution as a plain object, or the report (after collapsing no-versions) on failure. */
export async function solve<V>(
  registry: Registry<V>,
  root: string,
  version: V,
  sets: RangesFactory<V>,
  options: { collapse?: boolean } = {},
): Promise<{ solution: Record<string, V> } | { report: string }> {
  try {
    const solution = await resolve(registry, root, version, { sets });
    return { solution: Object.fromEntries(solution) };
  } catch (error) {
    if (!(error instanceof NoSolutionError)) throw error;
    const tree = options.collapse === false ? error.tree : collapseNoVersions(error.tree);
    return { report: DefaultStringReporter.report(tree) };
  }
}
