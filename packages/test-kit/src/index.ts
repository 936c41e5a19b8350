export {
  activatesVenvByDefault,
  type CommandOutput,
  type CommandSpec,
  formatOutput,
  runCommand,
  UV_TS_BIN,
} from "./command.ts";
export { type RunOptions, TestContext, type TestContextOptions } from "./context.ts";
export {
  type EnvironmentDirs,
  PASSTHROUGH_ENV,
  SCRUBBED_PREFIXES,
  testEnvironment,
} from "./environment.ts";
export { ALL_FEATURES, enabledFeatures, type Feature, hasFeature } from "./features.ts";
export {
  applyFilters,
  escapeRegExp,
  type Filter,
  filter,
  pathFilters,
  pathPatterns,
  STANDARD_FILTERS,
  TEST_TIMESTAMP,
} from "./filters.ts";
export {
  type BuildOptions,
  type CompiledExtension,
  compileExtension,
} from "./fixtures/extension.ts";
export { writeFindLinksDir } from "./fixtures/find-links.ts";
export { FixtureError } from "./fixtures/fixture-error.ts";
export { FIXTURES_CACHE_DIR } from "./fixtures/fixtures-cache.ts";
export { recordHash, sha256Hex } from "./fixtures/hash.ts";
export { buildIndexFiles } from "./fixtures/index-files.ts";
export { renderCoreMetadata } from "./fixtures/metadata.ts";
export {
  type InterpreterInfo,
  interpreterWheelTag,
  queryInterpreter,
} from "./fixtures/python-interpreter.ts";
export {
  loadScenario,
  mergePackages,
  parseScenario,
  SCENARIOS_DIR,
  type Scenario,
} from "./fixtures/scenario.ts";
export { buildSdist, renderPyproject } from "./fixtures/sdist.ts";
export {
  type BuiltDist,
  DEFAULT_UPLOAD_TIME,
  type DistributionSpec,
  type ExtensionSpec,
  type IndexFile,
  type PackageSpec,
  type SdistSpec,
  type VersionSpec,
  type WheelSpec,
  type WheelTarget,
} from "./fixtures/spec.ts";
export { buildWheel, expandTags, WHEEL_GENERATOR } from "./fixtures/wheel.ts";
export {
  type FaultHandle,
  type FaultKind,
  type FaultRule,
  type FaultScope,
  MAX_FAULT_DELAY_MS,
} from "./index-server/faults.ts";
export { negotiateSimpleMediaType, type SimpleMediaType } from "./index-server/negotiate.ts";
export { type ByteRange, parseRange } from "./index-server/range.ts";
export type { RequestLog } from "./index-server/request-log.ts";
export {
  type IndexServer,
  type IndexServerOptions,
  startIndexServer,
} from "./index-server/server.ts";
export { findTestPython, type TestPython, testPythonRoot } from "./python-interpreters.ts";
export { ORACLE_PYTHON, oracleAvailable, REPO_ROOT, runOracle } from "./python-oracle.ts";
export { ScratchDirs } from "./scratch-dirs.ts";
export {
  assertSnapshot,
  type CheckSnapshotOptions,
  checkSnapshot,
  SnapshotMismatchError,
} from "./snapshot.ts";
export { type DiffLine, diffLines, formatDiff } from "./snapshot-diff.ts";
export { normalizeSnapshot } from "./snapshot-normalize.ts";
export {
  type CallSite,
  callSiteFromStack,
  listPending,
  type PendingEntry,
  type PendingSnapshot,
  pendingDir,
} from "./snapshot-store.ts";
export {
  type FindUvOptions,
  findUv,
  isOracleUv,
  ORACLE_UV_VERSION,
  type UvBinary,
} from "./uv-binary.ts";
