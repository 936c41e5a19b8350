import type { PackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";

/** Where a preferred version comes from; a pre-release pinned in a file is kept. */
export type PreferenceSource = "requirements-txt" | "lock" | "environment" | "resolver";

/**
 * A version to keep when it still fits, such as a pin from an existing `pip compile` output, so
 * that re-running a resolution does not churn versions.
 */
export interface Preference {
  readonly name: PackageName;
  readonly version: Version;
  readonly source: PreferenceSource;
}
