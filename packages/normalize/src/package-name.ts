import { validateAndNormalize } from "./name.ts";

/** A PEP 503 normalised distribution name, e.g. `typing-extensions`. */
export type PackageName = string & { readonly __brand: "PackageName" };

/** Validates and normalises a package name; throws `InvalidNameError` when it is not one. */
export function parsePackageName(s: string): PackageName {
  return validateAndNormalize(s) as PackageName;
}

/** The name as it appears in `.dist-info` directories and wheel filenames (`-` becomes `_`). */
export function distInfoName(name: PackageName): string {
  return name.replaceAll("-", "_");
}
