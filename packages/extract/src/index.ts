export { type ArchiveFormat, archiveFormat, extractArchive } from "./extract-archive.ts";
export {
  EXTRACT_ERROR_CODES,
  ExtractError,
  type ExtractErrorCode,
} from "./extract-error.ts";
export type {
  ArchiveSource,
  ExpectedHashes,
  ExtractedFile,
  ExtractOptions,
  ExtractResult,
} from "./extract-options.ts";
export { extractTar, extractTarGz, type TarCompression } from "./extract-tar.ts";
export { extractZip } from "./extract-zip.ts";
export {
  formatDigest,
  HASH_ALGORITHMS,
  type HashAlgorithm,
  type HashDigest,
  HashingStream,
  HashMismatchError,
  hashStream,
  MultiHasher,
  verifyHashes,
} from "./hash.ts";
export { DEFAULT_LIMITS, type ExtractLimits } from "./limits.ts";
export {
  collisionKey,
  type MemberPath,
  parseMemberPath,
  validateMemberName,
} from "./member-path.ts";
export { type GrowingThreadsOptions, MemberThreads } from "./member-threads.ts";
export { MemberWorker } from "./member-worker.ts";
export { topLevelDirectory } from "./top-level.ts";
