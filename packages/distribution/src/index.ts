export { bestWheel, type WheelChoice } from "./best-wheel.ts";
export {
  DistributionError,
  DownloadWheelError,
  ExtractArchiveError,
  OfflineWheelError,
  ReadWheelError,
} from "./errors.ts";
export { interpreterPlatform, interpreterTags } from "./interpreter-tags.ts";
export { readLocalWheelMetadata } from "./local-wheel-metadata.ts";
export {
  defaultExtractThreads,
  type FetchWheelOptions,
  type LocalWheel,
  maxExtractThreads,
  WheelFetcher,
  type WheelFetcherOptions,
} from "./wheel-fetcher.ts";
export {
  registryWheelsDir,
  registryWheelsRoot,
  type WheelSource,
  wheelPointerPath,
  wheelSourceUrl,
} from "./wheel-source.ts";
