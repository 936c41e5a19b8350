import { UvError } from "@uv-ts/error";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";

/** An `.egg-info` file or directory name is not valid (uv's wording). */
export class EggInfoFilenameError extends UvError {}

/**
 * The name and version in an `.egg-info` name (`zstandard-0.22.0-py3.12.egg-info`):
 * `name ["-" version ["-py" pyver ["-" platform]]]`, of which only name and version are kept.
 */
export class EggInfoFilename {
  readonly name: PackageName;
  readonly version: Version | undefined;

  private constructor(name: PackageName, version: Version | undefined) {
    this.name = name;
    this.version = version;
  }

  /** Parses a full name ending in `.egg-info`; throws {@link EggInfoFilenameError}. */
  static parse(filename: string): EggInfoFilename {
    if (!filename.endsWith(".egg-info")) {
      throw new EggInfoFilenameError(
        "distribution-filename.invalid-egg-info-extension",
        `The filename "${filename}" does not end in \`.egg-info\``,
      );
    }
    return EggInfoFilename.fromStem(filename.slice(0, -".egg-info".length));
  }

  /** Parses the name without `.egg-info`; throws {@link EggInfoFilenameError}. */
  static fromStem(stem: string): EggInfoFilename {
    const filename = `${stem}.egg-info`;
    const [nameText = "", versionText] = stem.split("-");
    let name: PackageName;
    try {
      name = parsePackageName(nameText);
    } catch (error) {
      throw new EggInfoFilenameError(
        "distribution-filename.invalid-egg-info-name",
        `The \`.egg-info\` filename "${filename}" has an invalid package name`,
        { cause: error },
      );
    }
    if (versionText === undefined) return new EggInfoFilename(name, undefined);
    try {
      return new EggInfoFilename(name, Version.parse(versionText));
    } catch (error) {
      throw new EggInfoFilenameError(
        "distribution-filename.invalid-egg-info-version",
        `The \`.egg-info\` filename "${filename}" has an invalid version: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
