import type { WheelFilename } from "@uv-ts/distribution-filename";
import {
  compareTagCompatibility,
  type IncompatibleTag,
  type TagCompatibility,
  type Tags,
} from "@uv-ts/platform-tags";

/** The outcome of {@link bestWheel}. */
export type WheelChoice<T> =
  | { readonly kind: "compatible"; readonly item: T; readonly priority: number }
  /** No wheel fits; `reason` is the most specific reason among them (uv reports that one). */
  | { readonly kind: "incompatible"; readonly reason: IncompatibleTag }
  | { readonly kind: "none" };

/**
 * The wheel whose tags the environment ranks highest (uv's choice among a release's wheels); on
 * equal priority the higher build tag wins, then the first listed.
 */
export function bestWheel<T>(
  items: readonly T[],
  filenameOf: (item: T) => WheelFilename,
  tags: Tags,
): WheelChoice<T> {
  let best: { item: T; filename: WheelFilename; compatibility: TagCompatibility } | undefined;
  for (const item of items) {
    const filename = filenameOf(item);
    const compatibility = filename.compatibility(tags);
    if (best === undefined) {
      best = { item, filename, compatibility };
      continue;
    }
    const order = compareTagCompatibility(compatibility, best.compatibility);
    if (
      order > 0 ||
      (order === 0 && compatibility.compatible && higherBuild(filename, best.filename))
    ) {
      best = { item, filename, compatibility };
    }
  }
  if (best === undefined) return { kind: "none" };
  const c = best.compatibility;
  return c.compatible
    ? { kind: "compatible", item: best.item, priority: c.priority }
    : { kind: "incompatible", reason: c.reason };
}

function higherBuild(a: WheelFilename, b: WheelFilename): boolean {
  if (a.buildTag === undefined) return false;
  if (b.buildTag === undefined) return true;
  return a.buildTag.compare(b.buildTag) > 0;
}
