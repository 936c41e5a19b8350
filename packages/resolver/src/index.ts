export {
  type Candidate,
  CandidateSelector,
  namesPrerelease,
  type PrereleaseSelection,
} from "./candidate-selector.ts";
export { SourceBuildUnsupportedError, UnsupportedRequirementError } from "./errors.ts";
export {
  type IncompatibleDist,
  type IncompatibleSource,
  type IncompatibleWheel,
  incompatibleDistText,
} from "./incompatibility.ts";
export { type Manifest, ManifestRules, requirementsFor } from "./manifest.ts";
export {
  MetadataIndex,
  type ResolverClient,
  type SourceMetadataProvider,
  type VersionsResponse,
} from "./metadata-index.ts";
export { NoSolutionError, type ReportContext } from "./no-solution-error.ts";
export {
  type PackageSelection,
  type PrereleaseMode,
  type ResolutionMode,
  type ResolverOptions,
  selects,
  type UpgradeSelection,
} from "./options.ts";
export {
  basePackage,
  comparePackages,
  formatPackage,
  type PythonPackage,
  packageFor,
  packageKey,
  packageName,
  ROOT_PACKAGE,
  TARGET_PYTHON,
} from "./package.ts";
export type { Preference, PreferenceSource } from "./preferences.ts";
export { Priorities } from "./priorities.ts";
export {
  PythonRequirement,
  type PythonRequirementSource,
  trimmedRelease,
} from "./python-requirement.ts";
export { formatPackageRange, stripSentinels } from "./report/range-display.ts";
export { simplifyRangeOver } from "./report/simplify.ts";
export type { ErrorTree } from "./report/tree.ts";
export { Resolution, type ResolvedDist, type ResolvedPackage } from "./resolution.ts";
export {
  type ResolveRequest,
  type ResolverReporter,
  type ResolverTarget,
  resolve,
} from "./resolver.ts";
export type {
  UnavailablePackage,
  UnavailableReason,
  UnavailableVersion,
} from "./unavailable.ts";
export { gapBetween, narrowToKnown, widenToGap } from "./version-gaps.ts";
export { type CompatibleDist, PrioritizedDist, VersionMap } from "./version-map.ts";
