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

/**
 * Parses one `.`-separated tag component of a filename, dropping tags uv does not understand;
 * `undefined` when a part is not a tag at all (also the empty component and `py3..py4`).
 */
function parseTagSet<T>(
  component: string,
  parse: (text: string) => T | undefined,
): T[] | undefined {
  const tags: T[] = [];
  for (const part of component.split(".")) {
    if (!TAG_ATOM.test(part)) return undefined;
    const tag = parse(part);
    if (tag !== undefined) tags.push(tag);
  }
  return tags;
}

/** The understood tags of a wheel's three tag components. */
interface TagLists {
  readonly python: readonly LanguageTag[];
  readonly abi: readonly AbiTag[];
  readonly platform: readonly PlatformTag[];
}

/** What a wheel's three tag components parse to, read two ways (see {@link readTags}). */
interface ParsedTags {
  /** One understood tag of each kind (no compressed sets): printing them gives the text back. */
  readonly single: TagLists | undefined;
  /** The components as tag sets; `undefined` when a part is not a tag. */
  readonly sets: TagLists | undefined;
}

function freezeTags(
  python: readonly LanguageTag[],
  abi: readonly AbiTag[],
  platform: readonly PlatformTag[],
): TagLists {
  return Object.freeze({
    python: Object.freeze(python),
    abi: Object.freeze(abi),
    platform: Object.freeze(platform),
  });
}

function readTags(python: string, abi: string, platform: string): ParsedTags {
  let single: TagLists | undefined;
  if (!python.includes(".") && !abi.includes(".") && !platform.includes(".")) {
    const p = tryParseLanguageTag(python);
    const a = tryParseAbiTag(abi);
    const t = tryParsePlatformTag(platform);
    if (p !== undefined && a !== undefined && t !== undefined) single = freezeTags([p], [a], [t]);
  }
  const pythonTags = parseTagSet(python, tryParseLanguageTag);
  const abiTags = pythonTags && parseTagSet(abi, tryParseAbiTag);
  const platformTags = abiTags && parseTagSet(platform, tryParsePlatformTag);
  const sets =
    pythonTags === undefined || abiTags === undefined || platformTags === undefined
      ? undefined
      : freezeTags(pythonTags, abiTags, platformTags);
  return { single, sets };
}

/**
 * Memo of {@link readTags} by the tag text. An index page repeats the same few tag triples across
 * hundreds of wheels, and the parsed tags are immutable (frozen), so instances share them. Bounded:
 * it starts over when full, which only costs re-parsing.
 */
class TagMemo {
  readonly #entries = new Map<string, ParsedTags>();

  /** The tags of `text`, the three components joined by `-` as in the filename. */
  get(text: string): ParsedTags {
    let parsed = this.#entries.get(text);
    if (parsed === undefined) {
      const [python = "", abi = "", platform = ""] = text.split("-");
      parsed = readTags(python, abi, platform);
      if (this.#entries.size >= 4096) this.#entries.clear();
      this.#entries.set(text, parsed);
    }
    return parsed;
  }
}

// A cache of pure parse results, not state: no caller can observe whether an entry was reused.
const TAG_MEMO = new TagMemo();

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
    return WheelFilename.#parseStem(filename.slice(0, -4), filename, packageName, true)!;
  }

  /**
   * Like {@link WheelFilename.parse}, but returns `undefined` instead of throwing, without
   * building an error (index pages list many files that are not wheels of the package).
   */
  static tryParse(filename: string, packageName?: PackageName): WheelFilename | undefined {
    if (!filename.endsWith(".whl")) return undefined;
    return WheelFilename.#parseStem(filename.slice(0, -4), filename, packageName, false);
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
    return WheelFilename.#parseStem(stem, stem, undefined, true)!;
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

  /**
   * Parses a stem. `strict` throws {@link WheelFilenameError} with uv's message; otherwise any
   * failure is `undefined` and no error is built.
   */
  static #parseStem(
    stem: string,
    filename: string,
    hint: PackageName | undefined,
    strict: boolean,
  ): WheelFilename | undefined {
    // Five parts; six when the third is a build tag (it starts with a digit) or else the last is
    // a variant label; seven with both. `dashes` holds where each part ends, found without
    // splitting: parts are sliced only as needed.
    const dashes: number[] = [];
    for (
      let at = stem.indexOf("-");
      at !== -1 && dashes.length < 7;
      at = stem.indexOf("-", at + 1)
    ) {
      dashes.push(at);
    }
    const count = dashes.length + 1;
    if (count < 5 || count > 7) {
      if (!strict) return undefined;
      if (count < 2) throw invalid(filename, "Must have a version");
      if (count < 3) throw invalid(filename, "Must have a Python tag");
      if (count < 4) throw invalid(filename, "Must have an ABI tag");
      if (count < 5) throw invalid(filename, "Must have a platform tag");
      throw invalid(filename, "Must have 5 to 7 components, but has more");
    }
    dashes.push(stem.length);
    /** Part `i` (0-based) of the stem. */
    const part = (i: number): string => stem.slice(i === 0 ? 0 : dashes[i - 1]! + 1, dashes[i]);
    const nameText = part(0);
    const versionText = part(1);
    const thirdCode = stem.charCodeAt(dashes[1]! + 1);
    const hasBuildTag = count === 7 || (count === 6 && thirdCode >= 48 && thirdCode <= 57);
    const hasVariant = count - (hasBuildTag ? 1 : 0) === 6;
    const buildText = hasBuildTag ? part(2) : undefined;
    const variantText = hasVariant ? part(count - 1) : undefined;
    const tagStart = hasBuildTag ? 3 : 2;
    // The three tag components, as one key for the memo.
    const tagText = stem.slice(dashes[tagStart - 1]! + 1, dashes[tagStart + 2]);

    let name: PackageName;
    if (hint !== undefined && normalizedPackageNameMatches(nameText, hint)) {
      name = hint;
    } else {
      try {
        name = parsePackageName(nameText);
      } catch (error) {
        if (!strict) return undefined;
        throw new WheelFilenameError(
          "invalid-package-name",
          filename,
          `The wheel filename \`${filename}\` has an invalid package name`,
          error,
        );
      }
    }

    let version: Version | undefined;
    if (strict) {
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
    } else {
      version = Version.tryParse(versionText);
      if (version === undefined) return undefined;
    }

    let buildTag: BuildTag | undefined;
    if (buildText !== undefined) {
      if (strict) {
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
      } else {
        buildTag = BuildTag.tryParse(buildText);
        if (buildTag === undefined) return undefined;
      }
    }

    if (variantText !== undefined) {
      const problem = variantLabelProblem(variantText);
      if (problem !== undefined) {
        if (!strict) return undefined;
        throw new WheelFilenameError(
          "invalid-variant-label",
          filename,
          `The wheel filename \`${filename}\` has an invalid variant label: ${problem}`,
        );
      }
    }

    const tags = TAG_MEMO.get(tagText);
    // The common case: one tag of each kind, all understood. Printing them gives the text back.
    if (buildTag === undefined && variantText === undefined && tags.single !== undefined) {
      const { python, abi, platform } = tags.single;
      return new WheelFilename(
        name,
        version,
        undefined,
        undefined,
        python,
        abi,
        platform,
        undefined,
      );
    }
    const sets = tags.sets;
    if (sets === undefined) {
      if (!strict) return undefined;
      throw invalid(
        filename,
        "Tag components must contain only ASCII letters, digits, underscores, and periods",
      );
    }
    return new WheelFilename(
      name,
      version,
      buildTag,
      variantText,
      sets.python,
      sets.abi,
      sets.platform,
      stem.slice(dashes[1]! + 1),
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
