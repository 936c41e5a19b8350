export {
  VersionParseError,
  VersionSpecifierParseError,
  VersionSpecifiersParseError,
} from "./errors.ts";
export type { Operator } from "./operator.ts";
export { ParseMemo } from "./parse-memo.ts";
export { compareVersions, Version } from "./version.ts";
export type { PreKind, PreRelease, VersionParts } from "./version-parts.ts";
export { type Bound, type Interval, VersionRange } from "./version-range.ts";
export { VersionSpecifier } from "./version-specifier.ts";
export { type ContainsOptions, VersionSpecifiers } from "./version-specifiers.ts";
export { isRustWhitespaceCode } from "./whitespace.ts";
