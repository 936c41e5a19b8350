import type { PackageName } from "@uv-ts/normalize";

/** `--resolution`: which version of each package to try first. */
export type ResolutionMode = "highest" | "lowest" | "lowest-direct";

/**
 * `--prerelease`. `if-necessary` (the default) and its deprecated alias
 * `if-necessary-or-explicit` prefer stable versions and fall back to pre-releases only when no
 * stable version fits; `explicit` allows them only for packages whose requirements name a
 * pre-release; `allow` treats them like any version; `disallow` never picks them.
 */
export type PrereleaseMode =
  | "disallow"
  | "allow"
  | "if-necessary"
  | "explicit"
  | "if-necessary-or-explicit";

/** `--no-build` / `--no-binary`: everything, nothing, or the named packages. */
export type PackageSelection = boolean | ReadonlySet<PackageName>;

/** `--upgrade` (`true`) or `--upgrade-package` (the set): which preferences to drop. */
export type UpgradeSelection = boolean | ReadonlySet<PackageName>;

/** The knobs of a resolution. Every field has uv's default. */
export interface ResolverOptions {
  /** Default `highest`. */
  readonly resolution?: ResolutionMode;
  /** Default `if-necessary`. */
  readonly prerelease?: PrereleaseMode;
  /** Per-package `--prerelease-package` overrides. */
  readonly prereleasePackages?: ReadonlyMap<PackageName, PrereleaseMode>;
  /** `--exclude-newer`: files uploaded at or after this instant are ignored (PEP 700). */
  readonly excludeNewer?: Date | undefined;
  /** Per-package `--exclude-newer-package` cutoffs. */
  readonly excludeNewerPackages?: ReadonlyMap<PackageName, Date>;
  /** `--no-build`: source distributions cannot be used. */
  readonly noBuild?: PackageSelection;
  /** `--no-binary`: wheels cannot be used. */
  readonly noBinary?: PackageSelection;
  /** `--upgrade`: ignore the preferences (of the named packages). */
  readonly upgrade?: UpgradeSelection;
  /** `--no-deps`: only the requirements themselves. */
  readonly noDeps?: boolean;
  /** Metadata fetches in flight at once (default 50, uv's `UV_CONCURRENT_DOWNLOADS`). */
  readonly concurrency?: number;
}

/** Whether a selection covers `name`. */
export function selects(selection: PackageSelection | undefined, name: PackageName): boolean {
  if (selection === undefined || selection === false) return false;
  if (selection === true) return true;
  return selection.has(name);
}
