import { validateAndNormalize } from "./name.ts";

/** A PEP 735 dependency-group name, normalised like package names, e.g. `dev`. */
export type GroupName = string & { readonly __brand: "GroupName" };

/** Validates and normalises a dependency-group name; throws `InvalidNameError` when it is not one. */
export function parseGroupName(s: string): GroupName {
  return validateAndNormalize(s) as GroupName;
}
