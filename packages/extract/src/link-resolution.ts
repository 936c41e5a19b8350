import type { PathModel } from "./member-path.ts";

const MAX_HOPS = 40;

/**
 * Resolves `target` (a symlink target, relative to the directory `base`) the way the OS will,
 * following the symlinks the archive has created so far, and returns the resulting components
 * relative to the destination, or `undefined` if it leaves the destination (or loops). Lookups
 * go through {@link PathModel}'s case- and normalisation-insensitive keys, so a case-insensitive
 * filesystem cannot resolve a path differently from this model.
 */
export function resolveInside(
  model: PathModel,
  base: readonly string[],
  target: string,
  hops = 0,
): string[] | undefined {
  if (target.startsWith("/")) return undefined;
  let current = [...base];
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (current.length === 0) return undefined;
      current.pop();
      continue;
    }
    current.push(part);
    const link = model.symlinkTarget(current.join("/"));
    if (link !== undefined) {
      if (hops >= MAX_HOPS) return undefined;
      const resolved = resolveInside(model, current.slice(0, -1), link, hops + 1);
      if (resolved === undefined) return undefined;
      current = resolved;
    }
  }
  return current;
}
