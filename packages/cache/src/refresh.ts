import { resolve } from "node:path";
import type { PackageName } from "@uv-ts/normalize";

/**
 * Which cache entries must be revalidated, as uv's `Refresh` (`--refresh`,
 * `--refresh-package`, and the implied refresh of `--reinstall` / `--upgrade`). `timestamp`
 * (epoch milliseconds, the start of the run) spares entries written during this run: only those
 * older than it are stale.
 */
export type Refresh =
  | { readonly kind: "none"; readonly timestamp: number }
  | { readonly kind: "all"; readonly timestamp: number }
  | {
      readonly kind: "packages";
      readonly packages: readonly PackageName[];
      /** Local source paths to refresh (absolute). */
      readonly paths: readonly string[];
      readonly timestamp: number;
    };

/** The policy for `--refresh` / `--no-refresh` (`refresh`) and `--refresh-package` names. */
export function refreshFromArgs(
  refresh: boolean | undefined,
  packages: readonly PackageName[],
  timestamp: number = Date.now(),
): Refresh {
  if (refresh === true) return { kind: "all", timestamp };
  if (refresh === false || packages.length === 0) return { kind: "none", timestamp };
  return { kind: "packages", packages, paths: [], timestamp };
}

/** The union of two policies, with the later timestamp (uv's `Refresh::combine`). */
export function combineRefresh(a: Refresh, b: Refresh): Refresh {
  const timestamp = Math.max(a.timestamp, b.timestamp);
  if (a.kind === "all" || b.kind === "all") return { kind: "all", timestamp };
  if (a.kind === "none" && b.kind === "none") return { kind: "none", timestamp };
  const packages = [
    ...(a.kind === "packages" ? a.packages : []),
    ...(b.kind === "packages" ? b.packages : []),
  ];
  const paths = [
    ...(a.kind === "packages" ? a.paths : []),
    ...(b.kind === "packages" ? b.paths : []),
  ];
  return { kind: "packages", packages, paths, timestamp };
}

/** Whether entries of `name` must be revalidated whatever their age. */
export function mustRevalidatePackage(refresh: Refresh, name: PackageName): boolean {
  if (refresh.kind === "none") return false;
  if (refresh.kind === "all") return true;
  return refresh.packages.includes(name);
}

/**
 * The time before which an entry for `name` (or for the local source at `path`) is stale, or
 * `undefined` when the policy leaves it alone. An entry of no particular package is covered by
 * any package refresh, as in uv.
 */
export function refreshCutoff(
  refresh: Refresh,
  name?: PackageName,
  path?: string,
): number | undefined {
  if (refresh.kind === "none") return undefined;
  if (refresh.kind === "all") return refresh.timestamp;
  if (name === undefined || refresh.packages.includes(name)) return refresh.timestamp;
  if (path !== undefined && refresh.paths.some((p) => resolve(p) === resolve(path))) {
    return refresh.timestamp;
  }
  return undefined;
}
