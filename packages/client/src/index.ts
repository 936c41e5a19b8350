export { type CacheableRequest, CachedClient } from "./cached-client.ts";
export {
  basicAuthorization,
  CredentialStore,
  type CredentialStoreOptions,
  type Credentials,
  realmOf,
} from "./credentials.ts";
export { memoizedLookup, type ResolveAll } from "./dns-lookup.ts";
export {
  type DownloadOptions,
  type DownloadResult,
  type DownloadSink,
  downloadFile,
} from "./download.ts";
export { type ClientEnvSettings, clientSettingsFromEnv } from "./env.ts";
export {
  BadResponseError,
  CacheWriteError,
  ClientClosedError,
  ClientError,
  EnvVarError,
  FetchError,
  FindLinksError,
  HashMismatchError,
  HttpStatusError,
  NetworkError,
  NetworkTimeoutError,
  NoIndexError,
  OfflineError,
  PackageNotFoundError,
  RetriesExhaustedError,
  WheelMetadataError,
} from "./errors.ts";
export { readFlatIndex } from "./flat-index.ts";
export {
  DEFAULT_HEDGE_SETTINGS,
  HedgeLostError,
  HedgePolicy,
  type HedgeSettings,
  hedged,
} from "./hedge.ts";
export { type CacheControlDirectives, parseCacheControl } from "./http-cache/cache-control.ts";
export {
  type BeforeRequest,
  beforeRequest,
  buildPolicy,
  type CachePolicy,
  confirmsCached,
  isStorable,
  mergeNotModified,
  renewalMatters,
  revalidationHeaders,
} from "./http-cache/policy.ts";
export { SplitPayload } from "./http-cache/split-payload.ts";
export {
  CACHE_BUCKETS,
  type CacheBucket,
  type CacheEntryKey,
  FileHttpCacheStore,
  type HttpCacheStore,
  type StoredResponse,
  urlDigest,
} from "./http-cache/store.ts";
export {
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  headerValue,
} from "./http-client.ts";
export {
  type Index,
  type IndexArgs,
  type IndexFormat,
  IndexLocations,
} from "./index-locations.ts";
export { IndexUrl, type IndexUrlKind, PYPI_URL } from "./index-url.ts";
export { createLimiter, type Limiter } from "./limiter.ts";
export { type Netrc, type NetrcEntry, netrcLookup, parseNetrc } from "./netrc.ts";
export { PageThread, type PageThreadOptions } from "./page-thread.ts";
export { redactText, redactUrl, stripCredentials } from "./redact.ts";
export {
  createRegistryClient,
  type IndexCapabilities,
  type IndexStrategy,
  type RegistryClient,
  type RegistryClientOptions,
  type SimpleMetadata,
  simpleMetadataFromFiles,
  type WheelFileRef,
} from "./registry-client.ts";
export { defaultRetryDelayMs, isRetryableError, isRetryableStatus } from "./retry.ts";
export {
  decodeSimplePage,
  type PageThreads,
  type ParsedSimplePage,
  parseSimplePage,
  projectPageUrl,
  readSimplePage,
  SIMPLE_ACCEPT,
  type SimplePage,
  type SimplePageBody,
  type SimplePageHead,
  simpleMediaType,
} from "./simple.ts";
export {
  type DistsIndex,
  encodeDists,
  GroupedDists,
  type PageDists,
  type RegistryDist,
  StoredDists,
  type VersionUploads,
} from "./simple-dists.ts";
export { TLS_BUCKET } from "./tls-anchor-store.ts";
export type { SecureContextEvent } from "./tls-trust-connector.ts";
export {
  fetchWheelMetadata,
  TAIL_RANGE_BYTES,
  type WheelMetadataContext,
} from "./wheel-metadata.ts";
export {
  type ByteSource,
  bufferSource,
  findDistInfoMetadata,
  readWheelMetadataFromZip,
  SparseRangeReader,
} from "./zip-metadata.ts";
