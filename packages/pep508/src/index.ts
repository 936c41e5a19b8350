export type { MarkerEnvironment } from "./marker-environment.ts";
export {
  type ExtrasContext,
  evaluateMarkerExpression,
  formatMarkerExpression,
  type MarkerExpression,
  type MarkerListKey,
  type MarkerStringKey,
  type MarkerStringOperator,
  type MarkerVersionKey,
} from "./marker-expression.ts";
export { type MarkerNode, MarkerTree } from "./marker-tree.ts";
export { Pep508Error } from "./pep508-error.ts";
export { Requirement } from "./requirement.ts";
export { looksLikeArchive } from "./requirement-parse.ts";
export {
  expandEnvVars,
  invalidUrlReason,
  parseVerbatimUrl,
  splitScheme,
  type UrlOptions,
  UrlParseFailure,
  type VerbatimUrl,
} from "./verbatim-url.ts";
