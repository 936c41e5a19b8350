export {
  type AbiTag,
  type CPythonAbiVariants,
  formatAbiTag,
  isStableAbi,
  NO_ABI_VARIANTS,
  parseAbiTag,
  prettyAbiTag,
  tryParseAbiTag,
} from "./abi-tag.ts";
export { type Arch, archMachine, minimumManylinuxMinor, parseArch } from "./arch.ts";
export { compatiblePlatformTags } from "./compatible-platform-tags.ts";
export { PlatformError, type TagKind, TagParseError, TagsError } from "./errors.ts";
export {
  formatLanguageTag,
  type LanguageTag,
  parseLanguageTag,
  prettyLanguageTag,
  tryParseLanguageTag,
} from "./language-tag.ts";
export { detectLibc, type LibcVersion, parseGlibcVersion, parseMuslLoaderOutput } from "./libc.ts";
export { type Os, type Platform, prettyPlatform } from "./platform.ts";
export {
  type AndroidAbi,
  type BinaryFormat,
  formatPlatformTag,
  type IosMultiarch,
  isManylinuxTag,
  type PlatformTag,
  parsePlatformTag,
  prettyPlatformTag,
  type ReleaseArchOs,
  tryParsePlatformTag,
} from "./platform-tag.ts";
export {
  compareTagCompatibility,
  type IncompatibleTag,
  maxTagCompatibility,
  type TagCompatibility,
} from "./tag-compatibility.ts";
export { formatTagTriple, parseTag, type TagTriple } from "./tag-triple.ts";
export { type PrioritizedTag, Tags, type TagsOptions } from "./tags.ts";
