export {
  collapseNoVersions,
  type DerivationTree,
  type Derived,
  type External,
  treePackages,
} from "./derivation-tree.ts";
export {
  CancelledError,
  ChooseVersionError,
  GetDependenciesError,
  InvalidVersionChoiceError,
  NoSolutionError,
} from "./errors.ts";
export {
  Incompatibility,
  type IncompatibilityId,
  type IncompatibilityKind,
  type PackageId,
} from "./incompatibility.ts";
export { OfflineDependencyProvider } from "./offline-provider.ts";
export { PartialSolution, type SatisfierSearch } from "./partial-solution.ts";
export { comparePriority, PackagePriorityQueue, type Priority } from "./priority.ts";
export {
  type Dependencies,
  type DependencyProvider,
  type MaybePromise,
  PackageResolutionStatistics,
} from "./provider.ts";
export {
  type RangeBound,
  type RangeSegment,
  Ranges,
  type RangesFactory,
  rangesOf,
} from "./ranges.ts";
export {
  DefaultStringReporter,
  DefaultStringReportFormatter,
  type ReportFormatter,
} from "./report.ts";
export { type ResolveOptions, resolve } from "./solver.ts";
export {
  type PropagationResult,
  type SatisfierCause,
  SolverState,
  type SolverStateOptions,
} from "./state.ts";
export { Term, type TermRelation } from "./term.ts";
export {
  isDisjoint,
  isFullSet,
  isSubset,
  type VersionSet,
  type VersionSetFactory,
} from "./version-set.ts";
