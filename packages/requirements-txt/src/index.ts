export {
  type ParseRequirementsTxtOptions,
  parseRequirementsTxt,
  parseRequirementsTxtString,
} from "./parse.ts";
export {
  MakeEditableError,
  type ParsedUrl,
  ParsedUrlError,
} from "./parsed-url.ts";
export {
  decodeRequirementsFile,
  ReadError,
  type ReadRequirementsFile,
  readLocalRequirementsFile,
} from "./read-file.ts";
export {
  type ParsedRequirement,
  parseRequirementsTxtRequirement,
  type RequirementOptions,
  type RequirementsTxtRequirement,
} from "./requirement.ts";
export type {
  PackageSelection,
  RequirementEntry,
  RequirementSource,
  RequirementsTxt,
} from "./requirements-txt.ts";
export {
  type ErrorLocation,
  RequirementsTxtError,
  type RequirementsTxtErrorKind,
} from "./requirements-txt-error.ts";
export { UnnamedRequirement } from "./unnamed-requirement.ts";
