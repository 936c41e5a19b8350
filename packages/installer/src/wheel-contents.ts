import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import { parseHeaders } from "@uv-ts/pypi-types";
import { InvalidWheelError, MismatchedNameError, MismatchedVersionError } from "./install-error.ts";

/** `<prefix>.dist-info` of an unpacked wheel: the one directory with that suffix at its root. */
export function findDistInfoPrefix(unpackedDir: string): string {
  const prefixes = readdirSync(unpackedDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.endsWith(".dist-info"))
    .map((entry) => entry.name.slice(0, -".dist-info".length))
    .sort();
  if (prefixes.length === 0) throw new InvalidWheelError("Missing .dist-info directory");
  if (prefixes.length > 1) {
    throw new InvalidWheelError(`Multiple .dist-info directories found: ${prefixes.join(", ")}`);
  }
  return prefixes[0]!;
}

/** The `Name` and `Version` of a METADATA (or PKG-INFO) document. */
export interface NameAndVersion {
  readonly name: PackageName;
  readonly version: Version;
}

/** Reads `Name` and `Version` from a metadata document's headers (uv's `Metadata10`). */
export function readNameAndVersion(metadata: string | Uint8Array): NameAndVersion {
  const headers = parseHeaders(metadata);
  const name = headers.get("name")?.[0];
  if (name === undefined) throw new InvalidWheelError("Metadata field Name not found");
  const version = headers.get("version")?.[0];
  if (version === undefined) throw new InvalidWheelError("Metadata field Version not found");
  let parsedName: PackageName;
  try {
    parsedName = parsePackageName(name);
  } catch (error) {
    throw new InvalidWheelError((error as Error).message, error);
  }
  let parsedVersion: Version;
  try {
    parsedVersion = Version.parse(version);
  } catch (error) {
    throw new InvalidWheelError(`Invalid package version: ${version}`, error);
  }
  return { name: parsedName, version: parsedVersion };
}

/** Whether `UV_SKIP_WHEEL_FILENAME_CHECK` is set to a true value. */
export function skipFilenameCheck(env: NodeJS.ProcessEnv): boolean {
  const value = env.UV_SKIP_WHEEL_FILENAME_CHECK?.toLowerCase();
  return value === "1" || value === "true" || value === "yes" || value === "on";
}

/**
 * Checks that the wheel's METADATA agrees with its filename. A filename with a local version
 * (`1.0+cpu`) also admits METADATA without it, as uv does.
 */
export function checkFilename(metadata: NameAndVersion, filename: WheelFilename): void {
  if (metadata.name !== filename.name) {
    throw new MismatchedNameError(metadata.name, filename.name);
  }
  if (
    !metadata.version.equals(filename.version) &&
    !metadata.version.equals(filename.version.withoutLocal())
  ) {
    throw new MismatchedVersionError(metadata.version.toString(), filename.version.toString());
  }
}

/** Reads `<prefix>.dist-info/<file>` of an unpacked wheel, or `undefined` when it is absent. */
export function readDistInfoFile(
  unpackedDir: string,
  prefix: string,
  file: string,
): Buffer | undefined {
  try {
    return readFileSync(join(unpackedDir, `${prefix}.dist-info`, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
