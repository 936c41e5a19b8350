/**
 * Why a wheel's tags do not fit an environment, from least to most specific: when several of a
 * wheel's tags fail, the one that got furthest (the most specific reason) is reported.
 */
export type IncompatibleTag =
  /** No tag could be read at all. */
  | "invalid"
  /** No Python tag fits the interpreter. */
  | "python"
  /** A Python tag fits, but no ABI tag does. */
  | "abi"
  /** The interpreter is free-threaded and the wheel only offers GIL ABIs (`abi3`, `cp313`). */
  | "freethreaded-abi"
  /** The ABI's Python version is outside `requires-python` (decided by callers, not by `Tags`). */
  | "abi-python-version"
  /** Python and ABI fit, but no platform tag does. */
  | "platform";

const INCOMPATIBLE_RANK: Readonly<Record<IncompatibleTag, number>> = {
  invalid: 0,
  python: 1,
  abi: 2,
  "freethreaded-abi": 3,
  "abi-python-version": 4,
  platform: 5,
};

/**
 * Whether a wheel fits a set of tags. A compatible wheel carries the priority of its best tag:
 * higher is better, and the environment's best tag has the highest priority.
 */
export type TagCompatibility =
  | { readonly compatible: true; readonly priority: number }
  | { readonly compatible: false; readonly reason: IncompatibleTag };

/** Orders compatibilities: every compatible one above every incompatible one (negative if `a < b`). */
export function compareTagCompatibility(a: TagCompatibility, b: TagCompatibility): number {
  if (a.compatible && b.compatible) return a.priority - b.priority;
  if (a.compatible) return 1;
  if (b.compatible) return -1;
  return INCOMPATIBLE_RANK[a.reason] - INCOMPATIBLE_RANK[b.reason];
}

/** The better of two compatibilities by {@link compareTagCompatibility}. */
export function maxTagCompatibility(a: TagCompatibility, b: TagCompatibility): TagCompatibility {
  return compareTagCompatibility(a, b) >= 0 ? a : b;
}
