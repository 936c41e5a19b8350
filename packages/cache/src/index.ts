export { newArchiveId } from "./archive-id.ts";
export { findArchiveReferences } from "./archive-references.ts";
export { BUCKET_NAMES, CACHE_BUCKETS, type CacheBucket, ROOT_MARKERS } from "./bucket.ts";
export {
  Cache,
  CacheInitError,
  type CacheOptions,
  type Freshness,
  PersistArchiveError,
} from "./cache.ts";
export { humanReadableBytes } from "./human-bytes.ts";
export {
  type ArchiveDigest,
  type ArchivePointer,
  isArchiveId,
  POINTER_SUFFIX,
  POINTER_VERSION,
  PointerPathError,
  parsePointer,
  serializePointer,
} from "./pointer.ts";
export { pruneCache } from "./prune.ts";
export {
  combineRefresh,
  mustRevalidatePackage,
  type Refresh,
  refreshCutoff,
  refreshFromArgs,
} from "./refresh.ts";
export { Removal, removeContents, removePath } from "./removal.ts";
export { removePackage } from "./remove-package.ts";
