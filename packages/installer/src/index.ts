export { fileCacheInfo, sameCacheInfo } from "./cache-info.ts";
export {
  type EntryPoints,
  importName,
  parseEntryPoints,
  parseScript,
  type Script,
} from "./entry-points.ts";
export { environmentLockPath, lockEnvironment } from "./environment-lock.ts";
export {
  InstallIoError,
  InvalidWheelError,
  MismatchedNameError,
  MismatchedVersionError,
  MissingRecordError,
  RecordError,
  ReservedScriptNameError,
} from "./install-error.ts";
export { installInOrder } from "./install-in-order.ts";
export { InstallPlanner } from "./install-planner.ts";
export {
  type InstalledWheel,
  type InstallStep,
  type InstallWheelOptions,
  installWheel,
  planFits,
  planWheelInstall,
  type WheelInstallPlan,
  type WheelPlanOptions,
} from "./install-wheel.ts";
export type { Layout, Scheme } from "./layout.ts";
export { LinkWorker, LinkWorkerError, type LinkWorkerFailure } from "./link-worker.ts";
export { Linker, type LinkerOptions } from "./linker.ts";
export {
  type PartialInstall,
  parsePartialDistInfoName,
  partialDistInfoName,
  removePartialInstall,
} from "./partial-install.ts";
export {
  type Plan,
  type PlanOptions,
  plan,
  type ResolvedDist,
  type ResolvedSource,
  type Satisfaction,
  satisfies,
} from "./plan.ts";
export {
  isPrelinkDirName,
  type PrelinkedTree,
  Prelinker,
  removePrelinkLeftovers,
  wheelRootFiles,
} from "./prelink.ts";
export {
  compareRecordEntries,
  formatRecord,
  parseRecord,
  type RecordEntry,
  recordHash,
} from "./record.ts";
export type { UninstallSummary } from "./remove-recorded.ts";
export {
  formatShebang,
  reservedScriptName,
  scriptLauncher,
} from "./script.ts";
export {
  displayInstalled,
  type InstalledDist,
  readInstalledDist,
  SitePackages,
} from "./site-packages.ts";
export { missingRecordWarning, type UninstallOptions, uninstall } from "./uninstall.ts";
export {
  findDistInfoPrefix,
  type NameAndVersion,
  readNameAndVersion,
} from "./wheel-contents.ts";
export { parseWheelFile, type WheelFile } from "./wheel-file.ts";
