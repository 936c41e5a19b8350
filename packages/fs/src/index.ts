export {
  defaultLinkMode,
  HARDLINK_FALLBACK_WARNING,
  LINK_MODES,
  LinkError,
  type LinkMode,
  type LinkOperations,
  type LinkTreeOptions,
  linkTree,
  onceWarner,
  parseLinkMode,
  SYMLINK_FALLBACK_WARNING,
} from "./link-mode.ts";
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  LockError,
  LockedFile,
  type LockMode,
  type LockOptions,
  LockTimeoutError,
  lockTimeoutFromEnv,
} from "./lock.ts";
export { hostDigest, processStartToken, processStat } from "./process-identity.ts";
export { removeAll } from "./remove-all.ts";
export { replaceSymlink } from "./replace-symlink.ts";
export {
  rebuildError,
  type SerializedError,
  type SourceThread,
  type SpareThreads,
  startSourceThread,
  startSpareThread,
  type ThreadData,
  type ThreadHelpers,
  type ThreadProgram,
} from "./source-thread.ts";
export { userDisplay } from "./user-display.ts";
export { withTempDir } from "./with-temp-dir.ts";
export { writeFileAtomic } from "./write-file-atomic.ts";
