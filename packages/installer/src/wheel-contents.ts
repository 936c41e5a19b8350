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
    .map((entry) => entry.name.slice(0, -".dist-info".length));
  return onePrefix(prefixes);
}

/**
 * {@link findDistInfoPrefix} from the archive's listing of its files (a `.dist-info` directory
 * always holds some: its METADATA), without reading the directory.
 */
export function listedDistInfoPrefix(files: readonly string[]): string {
  const prefixes = new Set<string>();
  for (const path of files) {
    const slash = path.indexOf("/");
    if (slash === -1) continue;
    const top = path.slice(0, slash);
    if (top.endsWith(".dist-info")) prefixes.add(top.slice(0, -".dist-info".length));
  }
  return onePrefix([...prefixes]);
}

function onePrefix(found: string[]): string {
  const prefixes = found.sort();
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

/**
 * `Name` and `Version` straight from the raw header lines, for the common document whose two
 * headers are plain ASCII lines without folding, before any other header needs a look (a
 * METADATA can carry dozens of classifiers and requirements). `undefined` when anything is
 * unusual, and the full header parser decides.
 */
function quickNameAndVersion(
  metadata: string | Uint8Array,
): { readonly name: string; readonly version: string } | undefined {
  // Without any CR, the parser's only complaint (a lone CR) cannot arise past what is read here.
  if (typeof metadata === "string" || metadata.includes(0x0d)) return undefined;
  const bytes = Buffer.from(metadata.buffer, metadata.byteOffset, metadata.byteLength);
  let name: string | undefined;
  let version: string | undefined;
  let start = 0;
  while (start < bytes.length && (name === undefined || version === undefined)) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (end === start) return undefined; // The end of the headers: let the parser report.
    const next = bytes[end + 1];
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80 || b === 0x00) return undefined;
    }
    const line = bytes.toString("latin1", start, end);
    if (line.startsWith(" ") || line.startsWith("\t")) return undefined;
    const colon = line.indexOf(":");
    if (colon === -1) return undefined;
    const key = line.slice(0, colon).toLowerCase();
    if (key === "name" || key === "version") {
      // A continuation line would extend the value: not the plain case.
      if (next === 0x20 || next === 0x09) return undefined;
      // Only a single plain token is the same whatever the parser's unfolding and decoding.
      const value = /^ *([A-Za-z0-9._+!-]+)$/.exec(line.slice(colon + 1))?.[1];
      if (value === undefined || value === "UNKNOWN") return undefined;
      if (key === "name") name ??= value;
      else version ??= value;
    }
    start = end + 1;
  }
  return name === undefined || version === undefined ? undefined : { name, version };
}

/** Reads `Name` and `Version` from a metadata document's headers (uv's `Metadata10`). */
export function readNameAndVersion(metadata: string | Uint8Array): NameAndVersion {
  const quick = quickNameAndVersion(metadata);
  let name = quick?.name;
  let version = quick?.version;
  if (quick === undefined) {
    const headers = parseHeaders(metadata);
    name = headers.get("name")?.[0];
    version = headers.get("version")?.[0];
  }
  if (name === undefined) throw new InvalidWheelError("Metadata field Name not found");
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
