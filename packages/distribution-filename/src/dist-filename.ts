import { UvError } from "@uv-ts/error";
import type { PackageName } from "@uv-ts/normalize";
import {
  distExtensionFromPath,
  type ExtensionError,
  tryDistExtensionFromPath,
} from "./extension.ts";
import { SourceDistFilename } from "./source-dist-filename.ts";
import { WheelFilename } from "./wheel-filename.ts";

/** A wheel or a source distribution filename. */
export type DistFilename = WheelFilename | SourceDistFilename;

/** Why a registry entry is not a distribution filename. */
export class DistFilenameError extends UvError {}

/**
 * Parses a wheel or source distribution filename, throwing {@link DistFilenameError} (for an
 * unknown extension, such as devpi's `+simple` links) or the wheel/sdist error.
 */
export function parseDistFilenameWithReason(
  filename: string,
  packageName: PackageName,
): DistFilename {
  let extension: ReturnType<typeof distExtensionFromPath>;
  try {
    extension = distExtensionFromPath(filename);
  } catch (error) {
    throw new DistFilenameError(
      "distribution-filename.not-a-distribution",
      `not a wheel or source distribution archive (expected one of ${(error as ExtensionError).message})`,
      { cause: error },
    );
  }
  if (extension === "whl") return WheelFilename.parse(filename, packageName);
  return SourceDistFilename.parse(filename, packageName);
}

/**
 * Parses a wheel or source distribution filename, or returns `undefined`.
 *
 * With `packageName` (as when reading a registry's file list) the name must match it. Without
 * one, a wheel is tried first, then a source distribution split at its last `-`.
 */
export function parseDistFilename(
  filename: string,
  packageName?: PackageName,
): DistFilename | undefined {
  if (packageName !== undefined) {
    // Called for every file of every index page: no error is built for the files that are not
    // distributions of the package.
    const extension = tryDistExtensionFromPath(filename);
    if (extension === undefined) return undefined;
    if (extension === "whl") return WheelFilename.tryParse(filename, packageName);
    return SourceDistFilename.tryParse(filename, packageName);
  }
  return WheelFilename.tryParse(filename) ?? SourceDistFilename.tryParse(filename);
}
