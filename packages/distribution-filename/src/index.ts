export { BuildTag, BuildTagError } from "./build-tag.ts";
export {
  type DistFilename,
  DistFilenameError,
  parseDistFilename,
  parseDistFilenameWithReason,
} from "./dist-filename.ts";
export { EggInfoFilename, EggInfoFilenameError } from "./egg-info-filename.ts";
export { type ExpandedTag, ExpandedTagError, ExpandedTags } from "./expanded-tags.ts";
export {
  type DistExtension,
  distExtensionFromPath,
  ExtensionError,
  isPep625Compliant,
  pathExtension,
  type SourceDistExtension,
  sourceDistExtensionFromPath,
} from "./extension.ts";
export { normalizedPackageNameMatches } from "./name-matches.ts";
export {
  SourceDistFilename,
  SourceDistFilenameError,
  type SourceDistFilenameErrorKind,
} from "./source-dist-filename.ts";
export { WheelFilename, WheelFilenameError } from "./wheel-filename.ts";
