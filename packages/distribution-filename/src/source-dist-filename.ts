import { UvError } from "@uv-ts/error";
import { distInfoName, type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import {
  type SourceDistExtension,
  sourceDistExtensionFromPath,
  trySourceDistExtensionFromPath,
} from "./extension.ts";
import { normalizedPackageNameMatches } from "./name-matches.ts";

/** What was wrong with a source distribution filename. */
export type SourceDistFilenameErrorKind =
  | "filename"
  | "extension"
  | "version"
  | "package-name"
  | "minus";

/**
 * A source distribution filename is not valid:
 * `Failed to parse source distribution filename {filename}: {reason}` (uv's wording).
 */
export class SourceDistFilenameError extends UvError {
  readonly filename: string;
  readonly kind: SourceDistFilenameErrorKind;

  constructor(
    filename: string,
    kind: SourceDistFilenameErrorKind,
    reason: string,
    cause?: unknown,
  ) {
    super(
      `distribution-filename.invalid-source-dist-${kind}`,
      `Failed to parse source distribution filename ${filename}: ${reason}`,
      cause === undefined ? {} : { cause },
    );
    this.filename = filename;
    this.kind = kind;
  }
}

function parseVersion(text: string, filename: string): Version {
  try {
    return Version.parse(text);
  } catch (error) {
    throw new SourceDistFilenameError(filename, "version", "Version section is invalid", error);
  }
}

function tryParseName(text: string): PackageName | undefined {
  try {
    return parsePackageName(text);
  } catch {
    return undefined;
  }
}

function parseName(text: string, filename: string): PackageName {
  try {
    return parsePackageName(text);
  } catch (error) {
    throw new SourceDistFilenameError(filename, "package-name", (error as Error).message, error);
  }
}

/**
 * A parsed source distribution filename: `{name}-{version}.{extension}`. Normalised: the
 * original spelling is not kept.
 */
export class SourceDistFilename {
  readonly name: PackageName;
  readonly version: Version;
  readonly extension: SourceDistExtension;

  private constructor(name: PackageName, version: Version, extension: SourceDistExtension) {
    this.name = name;
    this.version = version;
    this.extension = extension;
  }

  /**
   * Parses a source distribution filename; throws {@link SourceDistFilenameError}.
   *
   * Names and versions can both contain `-` (`a-1-1.tar.gz`), so with a known `packageName` the
   * name is the prefix of that length and must normalise to it. Without one, the split is at
   * the last `-` (the version is assumed normalised, without `-`).
   */
  static parse(filename: string, packageName?: PackageName): SourceDistFilename {
    return SourceDistFilename.#parse(filename, packageName, true)!;
  }

  /**
   * Like {@link SourceDistFilename.parse}, but returns `undefined` instead of throwing, without
   * building an error.
   */
  static tryParse(filename: string, packageName?: PackageName): SourceDistFilename | undefined {
    return SourceDistFilename.#parse(filename, packageName, false);
  }

  /** See {@link SourceDistFilename.parse}; without `strict`, failures are `undefined`. */
  static #parse(
    filename: string,
    packageName: PackageName | undefined,
    strict: boolean,
  ): SourceDistFilename | undefined {
    const extension = trySourceDistExtensionFromPath(filename);
    if (extension === undefined || filename.length <= extension.length + 1) {
      if (!strict) return undefined;
      if (extension === undefined) {
        try {
          sourceDistExtensionFromPath(filename);
        } catch (error) {
          throw new SourceDistFilenameError(
            filename,
            "extension",
            "File extension is invalid",
            error,
          );
        }
      }
      throw new SourceDistFilenameError(filename, "extension", "File extension is invalid");
    }
    const stem = filename.slice(0, filename.length - extension.length - 1);

    if (packageName === undefined) {
      const dash = stem.lastIndexOf("-");
      if (dash === -1) {
        if (!strict) return undefined;
        throw new SourceDistFilenameError(filename, "minus", "Missing name-version separator");
      }
      if (!strict) {
        const name = tryParseName(stem.slice(0, dash));
        const version = Version.tryParse(stem.slice(dash + 1));
        if (name === undefined || version === undefined) return undefined;
        return new SourceDistFilename(name, version, extension);
      }
      const name = parseName(stem.slice(0, dash), filename);
      return new SourceDistFilename(name, parseVersion(stem.slice(dash + 1), filename), extension);
    }

    const mismatch = () =>
      new SourceDistFilenameError(
        filename,
        "filename",
        `Name doesn't start with package name ${packageName}`,
      );
    if (stem.length <= packageName.length + 1 || stem[packageName.length] !== "-") {
      if (!strict) return undefined;
      throw mismatch();
    }
    const actual = stem.slice(0, packageName.length);
    if (!normalizedPackageNameMatches(actual, packageName)) {
      if (!strict) return undefined;
      // A name that is not even valid gets the more precise error.
      parseName(actual, filename);
      throw mismatch();
    }
    const versionText = stem.slice(packageName.length + 1);
    const version = strict ? parseVersion(versionText, filename) : Version.tryParse(versionText);
    if (version === undefined) return undefined;
    return new SourceDistFilename(packageName, version, extension);
  }

  /** `{name}-{version}.{extension}` with the name as in dist-info (`-` as `_`). */
  toString(): string {
    return `${distInfoName(this.name)}-${this.version.toString()}.${this.extension}`;
  }
}
