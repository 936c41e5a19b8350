import { UvError } from "@uv-ts/error";
import { distInfoName, type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import { type SourceDistExtension, sourceDistExtensionFromPath } from "./extension.ts";
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
    let extension: SourceDistExtension;
    try {
      extension = sourceDistExtensionFromPath(filename);
    } catch (error) {
      throw new SourceDistFilenameError(filename, "extension", "File extension is invalid", error);
    }
    if (filename.length <= extension.length + 1) {
      throw new SourceDistFilenameError(filename, "extension", "File extension is invalid");
    }
    const stem = filename.slice(0, filename.length - extension.length - 1);

    if (packageName === undefined) {
      const dash = stem.lastIndexOf("-");
      if (dash === -1) {
        throw new SourceDistFilenameError(filename, "minus", "Missing name-version separator");
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
    if (stem.length <= packageName.length + 1 || stem[packageName.length] !== "-") throw mismatch();
    const actual = stem.slice(0, packageName.length);
    if (!normalizedPackageNameMatches(actual, packageName)) {
      // A name that is not even valid gets the more precise error.
      parseName(actual, filename);
      throw mismatch();
    }
    const version = parseVersion(stem.slice(packageName.length + 1), filename);
    return new SourceDistFilename(packageName, version, extension);
  }

  /** Like {@link SourceDistFilename.parse}, but returns `undefined` instead of throwing. */
  static tryParse(filename: string, packageName?: PackageName): SourceDistFilename | undefined {
    try {
      return SourceDistFilename.parse(filename, packageName);
    } catch (error) {
      if (error instanceof SourceDistFilenameError) return undefined;
      throw error;
    }
  }

  /** `{name}-{version}.{extension}` with the name as in dist-info (`-` as `_`). */
  toString(): string {
    return `${distInfoName(this.name)}-${this.version.toString()}.${this.extension}`;
  }
}
