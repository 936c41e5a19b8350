export {
  type CoreMetadata,
  type MetadataParseOptions,
  parseCoreMetadata,
} from "./core-metadata.ts";
export {
  type DirectUrl,
  type DirectUrlArchive,
  type DirectUrlDirectory,
  DirectUrlError,
  type DirectUrlVcs,
  directUrlToUrl,
  parseDirectUrl,
  serializeDirectUrl,
  type VcsKind,
} from "./direct-url.ts";
export {
  HASH_ALGORITHMS_PREFERRED,
  type HashAlgorithm,
  HashError,
  type Hashes,
  isHashAlgorithm,
  parseHashDigest,
  parseHashFragment,
  preferredHash,
} from "./hashes.ts";
export {
  type HeaderDocument,
  type HeaderField,
  parseHeaderDocument,
  parseHeaders,
} from "./headers.ts";
export { decodeHtmlEntities } from "./html-entities.ts";
export {
  type LenientOptions,
  type LenientParse,
  parseLenientRequirement,
  parseLenientVersionSpecifiers,
  parseWithFixups,
} from "./lenient.ts";
export { MetadataError } from "./metadata-error.ts";
export {
  isStaticForResolution,
  parseMetadataVersion,
  parsePkgInfoResolutionMetadata,
  parseResolutionMetadata,
  parseResolutionMetadataRecord,
  type ResolutionMetadata,
  type ResolutionMetadataRecord,
  resolutionMetadataFromRecord,
  toResolutionMetadata,
} from "./resolution-metadata.ts";
export {
  hasCoreMetadata,
  isYanked,
  type ProjectStatus,
  type ProjectStatusKind,
  SimpleApiError,
  type SimpleFile,
  type SimpleFileRecord,
} from "./simple-file.ts";
export {
  parseSimpleHtml,
  parseSimpleHtmlRecords,
  parseSimpleIndexHtml,
  type SimpleHtmlPage,
  type SimpleHtmlRecords,
} from "./simple-html.ts";
export {
  type HtmlPageLinks,
  type LazyHtmlFile,
  type LazyHtmlPage,
  parseHtmlAnchor,
  scanSimpleHtml,
  scanSimpleHtmlLinks,
} from "./simple-html-lazy.ts";
export {
  type LazyJsonFile,
  type LazyJsonProject,
  parseSimpleIndexJson,
  parseSimpleJson,
  parseSimpleJsonFile,
  parseSimpleJsonRecords,
  SIMPLE_JSON_MEDIA_TYPE,
  type SimpleJsonProject,
  type SimpleJsonRecords,
  scanSimpleJson,
} from "./simple-json.ts";
export { parseTimestamp, parseTimestampMillis } from "./upload-time.ts";
