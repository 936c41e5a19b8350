import { UvError } from "@uv-ts/error";
import { distInfoName, type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import {
  type AbiTag,
  formatAbiTag,
  formatLanguageTag,
  formatPlatformTag,
  type LanguageTag,
  type PlatformTag,
  type TagCompatibility,
  type Tags,
  tryParseAbiTag,
  tryParseLanguageTag,
  tryParsePlatformTag,
} from "@uv-ts/platform-tags";
import { BuildTag } from "./build-tag.ts";
import { pathExtension } from "./extension.ts";
import { normalizedPackageNameMatches } from "./name-matches.ts";

/** A wheel filename (or stem) is not valid; the message is uv's wording. */
export class WheelFilenameError extends UvError {
  /** The filename as given. */
  readonly filename: string;

  constructor(code: string, filename: string, message: string, cause?: unknown) {
    super(`distribution-filename.${code}`, message, cause === undefined ? {} : { cause });
    this.filename = filename;
  }
}

function invalid(filename: string, reason: string): WheelFilenameError {
  return new WheelFilenameError(
    "invalid-wheel-filename",
    filename,
    `The wheel filename \`${filename}\` is invalid: ${reason}`,
  );
}

const TAG_ATOM = /^[A-Za-z0-9_]+$/;

/** Why a wheel variant label is invalid (uv's wording), or `undefined` when it is fine. */
function variantLabelProblem(label: string): string | undefined {
  if (label.length === 0) return "Variant label must not be empty";
  for (const c of label) {
    if (!/^[a-z0-9_.]$/.test(c)) {
      return `Variant label must contain only lowercase ASCII letters, digits, underscores, and periods, not \`${c}\``;
    }
  }
  return undefined;
}

/** Parses one `.`-separated tag component of a filename, dropping tags uv does not understand. */
function parseTagSet<T>(
  component: string,
  filename: string,
  parse: (text: string) => T | undefined,
): T[] {
  const tags: T[] = [];
  for (const part of component.split(".")) {
    // Also rejects the empty component and empty parts (`py3..py4`).
    if (!TAG_ATOM.test(part)) {
      throw invalid(
        filename,
        "Tag components must contain only ASCII letters, digits, underscores, and periods",
      );
    }
    const tag = parse(part);
    if (tag !== undefined) tags.push(tag);
  }
  return tags;
}

/**
 * A parsed wheel filename: `{name}-{version}(-{build tag})?-{python tags}-{abi tags}-{platform
 * tags}(-{variant label})?.whl`, where each tag part may be a compressed set (`py2.py3`). Tags uv does not
 * understand are dropped (such a wheel is simply never compatible), but kept in `toString()`.
 */
export class WheelFilename {
  /** The normalised package name. */
  readonly name: PackageName;
  readonly version: Version;
  readonly buildTag: BuildTag | undefined;
  /** The wheel variant label (`-{label}` after the platform tags), if any. */
  readonly variantLabel: string | undefined;
  /** The understood Python tags, in filename order. */
  readonly pythonTags: readonly LanguageTag[];
  /** The understood ABI tags, in filename order. */
  readonly abiTags: readonly AbiTag[];
  /** The understood platform tags, in filename order. */
  readonly platformTags: readonly PlatformTag[];
  /** The tag part as written, or `undefined` when printing the parsed tags gives it back. */
  readonly #tagText: string | undefined;

  private constructor(
    name: PackageName,
    version: Version,
    buildTag: BuildTag | undefined,
    variantLabel: string | undefined,
    pythonTags: readonly LanguageTag[],
    abiTags: readonly AbiTag[],
    platformTags: readonly PlatformTag[],
    tagText: string | undefined,
  ) {
    this.name = name;
    this.version = version;
    this.buildTag = buildTag;
    this.variantLabel = variantLabel;
    this.pythonTags = pythonTags;
    this.abiTags = abiTags;
    this.platformTags = platformTags;
    this.#tagText = tagText;
  }

  /**
   * Parses a wheel filename; throws {@link WheelFilenameError}. With `packageName`, a name part
   * that already matches it is taken as that name without revalidation (uv's hint fast path).
   */
  static parse(filename: string, packageName?: PackageName): WheelFilename {
    if (!filename.endsWith(".whl")) throw invalid(filename, "Must end with .whl");
    return WheelFilename.#parseStem(filename.slice(0, -4), filename, packageName);
  }

  /** Like {@link WheelFilename.parse}, but returns `undefined` instead of throwing. */
  static tryParse(filename: string, packageName?: PackageName): WheelFilename | undefined {
    try {
      return WheelFilename.parse(filename, packageName);
    } catch (error) {
      if (error instanceof WheelFilenameError) return undefined;
      throw error;
    }
  }

  /** Parses a wheel stem (`foo-1.2.3-py3-none-any`, no `.whl`); throws {@link WheelFilenameError}. */
  static fromStem(stem: string): WheelFilename {
    if (pathExtension(stem)?.toLowerCase() === "whl") {
      throw new WheelFilenameError(
        "unexpected-extension",
        stem,
        `The wheel stem \`${stem}\` has an unexpected extension`,
      );
    }
    return WheelFilename.#parseStem(stem, stem, undefined);
  }

  /** A wheel filename with a single tag triple. */
  static fromParts(
    name: PackageName,
    version: Version,
    python: LanguageTag,
    abi: AbiTag,
    platform: PlatformTag,
  ): WheelFilename {
    return new WheelFilename(
      name,
      version,
      undefined,
      undefined,
      [python],
      [abi],
      [platform],
      undefined,
    );
  }

  static #parseStem(stem: string, filename: string, hint: PackageName | undefined): WheelFilename {
    // Five parts; six when the third is a build tag (it starts with a digit) or else the last is
    // a variant label; seven with both.
    const parts = stem.split("-");
    if (parts.length < 2) throw invalid(filename, "Must have a version");
    if (parts.length < 3) throw invalid(filename, "Must have a Python tag");
    if (parts.length < 4) throw invalid(filename, "Must have an ABI tag");
    if (parts.length < 5) throw invalid(filename, "Must have a platform tag");
    if (parts.length > 7) throw invalid(filename, "Must have 5 to 7 components, but has more");
    const [nameText = "", versionText = ""] = parts;
    const third = parts[2] ?? "";
    const hasBuildTag =
      parts.length === 7 ||
      (parts.length === 6 && third.charCodeAt(0) >= 48 && third.charCodeAt(0) <= 57);
    const hasVariant = parts.length - (hasBuildTag ? 1 : 0) === 6;
    const buildText = hasBuildTag ? third : undefined;
    const variantText = hasVariant ? parts[parts.length - 1] : undefined;
    const [pythonText = "", abiText = "", platformText = ""] = parts.slice(hasBuildTag ? 3 : 2);

    let name: PackageName;
    if (hint !== undefined && normalizedPackageNameMatches(nameText, hint)) {
      name = hint;
    } else {
      try {
        name = parsePackageName(nameText);
      } catch (error) {
        throw new WheelFilenameError(
          "invalid-package-name",
          filename,
          `The wheel filename \`${filename}\` has an invalid package name`,
          error,
        );
      }
    }

    let version: Version;
    try {
      version = Version.parse(versionText);
    } catch (error) {
      throw new WheelFilenameError(
        "invalid-version",
        filename,
        `The wheel filename \`${filename}\` has an invalid version: ${(error as Error).message}`,
        error,
      );
    }

    let buildTag: BuildTag | undefined;
    if (buildText !== undefined) {
      try {
        buildTag = BuildTag.parse(buildText);
      } catch (error) {
        throw new WheelFilenameError(
          "invalid-build-tag",
          filename,
          `The wheel filename \`${filename}\` has an invalid build tag: ${(error as Error).message}`,
          error,
        );
      }
    }

    if (variantText !== undefined) {
      const problem = variantLabelProblem(variantText);
      if (problem !== undefined) {
        throw new WheelFilenameError(
          "invalid-variant-label",
          filename,
          `The wheel filename \`${filename}\` has an invalid variant label: ${problem}`,
        );
      }
    }

    // The common case: one tag of each kind, all understood. Printing them gives the text back.
    if (
      buildTag === undefined &&
      variantText === undefined &&
      !`${pythonText}${abiText}${platformText}`.includes(".")
    ) {
      const python = tryParseLanguageTag(pythonText);
      const abi = tryParseAbiTag(abiText);
      const platform = tryParsePlatformTag(platformText);
      if (python !== undefined && abi !== undefined && platform !== undefined) {
        return new WheelFilename(
          name,
          version,
          undefined,
          undefined,
          [python],
          [abi],
          [platform],
          undefined,
        );
      }
    }

    const pythonTags = parseTagSet(pythonText, filename, tryParseLanguageTag);
    const abiTags = parseTagSet(abiText, filename, tryParseAbiTag);
    const platformTags = parseTagSet(platformText, filename, tryParsePlatformTag);
    const tagText = parts.slice(2).join("-");
    return new WheelFilename(
      name,
      version,
      buildTag,
      variantText,
      pythonTags,
      abiTags,
      platformTags,
      tagText,
    );
  }

  /** The tag part of the filename: build tag (if any) and the three tag sets. */
  get tagText(): string {
    if (this.#tagText !== undefined) return this.#tagText;
    const [python, abi, platform] = [this.pythonTags[0], this.abiTags[0], this.platformTags[0]];
    // A single-triple filename always has all three.
    return `${python === undefined ? "" : formatLanguageTag(python)}-${abi === undefined ? "" : formatAbiTag(abi)}-${platform === undefined ? "" : formatPlatformTag(platform)}`;
  }

  /** The filename without `.whl`, with the normalised name and version. */
  stem(): string {
    return `${distInfoName(this.name)}-${this.version.toString()}-${this.tagText}`;
  }

  /** The filename with the normalised name (`-` as `_`) and version. */
  toString(): string {
    return `${this.stem()}.whl`;
  }

  /** Whether the wheel can be installed into an environment with these tags. */
  isCompatible(tags: Tags): boolean {
    return tags.isCompatible(this.pythonTags, this.abiTags, this.platformTags);
  }

  /** How well the wheel fits an environment: its best tag's priority, or why it does not fit. */
  compatibility(tags: Tags): TagCompatibility {
    return tags.compatibility(this.pythonTags, this.abiTags, this.platformTags);
  }
}
