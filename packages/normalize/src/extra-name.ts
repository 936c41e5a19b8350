import { validateAndNormalize } from "./name.ts";

/** A PEP 685 normalised extra name, e.g. `socks`. */
export type ExtraName = string & { readonly __brand: "ExtraName" };

/** Validates and normalises an extra name; throws `InvalidNameError` when it is not one. */
export function parseExtraName(s: string): ExtraName {
  return validateAndNormalize(s) as ExtraName;
}
