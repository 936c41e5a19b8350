/**
 * Test features, as uv's cargo features (`test-python`, `test-pypi`, ...): what a test needs
 * beyond the machine's CPU and disk. Selected by `UV_TS_TEST_FEATURES`, a comma-separated list;
 * unset means all of them. `pnpm test:offline` turns the network features off.
 */
export const ALL_FEATURES = ["python", "pypi", "crates-io", "git", "slow"] as const;

/** One test feature. */
export type Feature = (typeof ALL_FEATURES)[number];

/** The features enabled for this run. */
export function enabledFeatures(env: NodeJS.ProcessEnv = process.env): Set<Feature> {
  const raw = env.UV_TS_TEST_FEATURES;
  if (raw === undefined) return new Set(ALL_FEATURES);
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = names.filter((n) => !(ALL_FEATURES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `UV_TS_TEST_FEATURES names unknown features: ${unknown.join(", ")} (known: ${ALL_FEATURES.join(", ")})`,
    );
  }
  return new Set(names as Feature[]);
}

/** Whether every one of `features` is enabled. */
export function hasFeature(...features: Feature[]): boolean {
  const enabled = enabledFeatures();
  return features.every((f) => enabled.has(f));
}
