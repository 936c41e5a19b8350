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

/** A non-empty run of ASCII letters, digits and underscores. */
function isTagAtom(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95)) {
      return false;
    }
  }
  return true;
}

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
    if (!isTagAtom(part)) return undefined;
    const tag = parse(part);
    if (tag !== undefined) tags.push(tag);
  }
  return tags;
}

/**
 * The understood tags of a wheel's three tag components. Shared by every wheel whose filename
 * spells the same tags, so it also remembers their compatibility with an environment's tags.
 */
class TagLists {
  readonly python: readonly LanguageTag[];
  readonly abi: readonly AbiTag[];
  readonly platform: readonly PlatformTag[];
  // Tags are immutable, so a wheel's compatibility with them never changes.
  #compatibility: WeakMap<Tags, TagCompatibility> | undefined;

  constructor(
    python: readonly LanguageTag[],
    abi: readonly AbiTag[],
    platform: readonly PlatformTag[],
  ) {
    this.python = Object.freeze(python);
    this.abi = Object.freeze(abi);
    this.platform = Object.freeze(platform);
    this.#compatibility = undefined;
  }

  compatibility(tags: Tags): TagCompatibility {
    if (this.#compatibility === undefined) this.#compatibility = new WeakMap();
    let known = this.#compatibility.get(tags);
    if (known === undefined) {
      known = tags.compatibility(this.python, this.abi, this.platform);
      this.#compatibility.set(tags, known);
    }
    return known;
  }
}

/** What a wheel's three tag components parse to, read two ways (see {@link readTags}). */
interface ParsedTags {
  /** One understood tag of each kind (no compressed sets): printing them gives the text back. */
  readonly single: TagLists | undefined;
  /** The components as tag sets; `undefined` when a part is not a tag. */
  readonly sets: TagLists | undefined;
}

function readTags(python: string, abi: string, platform: string): ParsedTags {
  if (!python.includes(".") && !abi.includes(".") && !platform.includes(".")) {
    // Each component is one tag: parse it once for both readings.
    const p = tryParseLanguageTag(python);
    const a = tryParseAbiTag(abi);
    const t = tryParsePlatformTag(platform);
    const single =
      p !== undefined && a !== undefined && t !== undefined
        ? new TagLists([p], [a], [t])
        : undefined;
    if (!isTagAtom(python) || !isTagAtom(abi) || !isTagAtom(platform)) {
      return { single, sets: undefined };
    }
    const sets =
      single ??
      new TagLists(
        p === undefined ? [] : [p],
        a === undefined ? [] : [a],
        t === undefined ? [] : [t],
      );
    return { single, sets };
  }
  const pythonTags = parseTagSet(python, tryParseLanguageTag);
  const abiTags = pythonTags && parseTagSet(abi, tryParseAbiTag);
  const platformTags = abiTags && parseTagSet(platform, tryParsePlatformTag);
  const sets =
    pythonTags === undefined || abiTags === undefined || platformTags === undefined
      ? undefined
      : new TagLists(pythonTags, abiTags, platformTags);
  return { single: undefined, sets };
}

/** Where the parts of a wheel stem are (see {@link stemLayout}). */
interface StemLayout {
  /** The number of `-`-separated parts, counted up to 8 (valid stems have 5 to 7). */
  readonly count: number;
  /** The dash after the name (-1: none). */
  readonly nameEnd: number;
  /** The dash after the version (-1: none). */
  readonly versionEnd: number;
  /** Whether the third part is a build tag. */
  readonly buildTag: boolean;
  /** Where the three tag components start... */
  readonly tagStart: number;
  /** ... and end: the end of the stem, or the dash before the variant label. */
  readonly tagEnd: number;
}

/**
 * The parts of a stem: five; six when the third is a build tag (it starts with a digit) or else
 * the last is a variant label; seven with both. The dashes after the name and after the
 * version, and the last four, are all that is needed: parts are sliced only as needed.
 */
function stemLayout(stem: string): StemLayout {
  const nameEnd = stem.indexOf("-");
  const versionEnd = nameEnd === -1 ? -1 : stem.indexOf("-", nameEnd + 1);
  let count = 1;
  // The last four dashes, the last in d1.
  let d1 = -1;
  let d2 = -1;
  let d3 = -1;
  let d4 = -1;
  for (let at = nameEnd; at !== -1 && count < 8; at = stem.indexOf("-", at + 1)) {
    count++;
    d4 = d3;
    d3 = d2;
    d2 = d1;
    d1 = at;
  }
  const thirdCode = stem.charCodeAt(versionEnd + 1);
  const buildTag = count === 7 || (count === 6 && thirdCode >= 48 && thirdCode <= 57);
  const variant = count - (buildTag ? 1 : 0) === 6;
  // With a variant label the tags end at the last dash, else at the end of the stem.
  return {
    count,
    nameEnd,
    versionEnd,
    buildTag,
    tagStart: (variant ? d4 : d3) + 1,
    tagEnd: variant ? d1 : stem.length,
  };
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
  /** The parsed tag lists shared with other wheels, when they came from the memo. */
  readonly #tagLists: TagLists | undefined;

  private constructor(
    name: PackageName,
    version: Version,
    buildTag: BuildTag | undefined,
    variantLabel: string | undefined,
    pythonTags: readonly LanguageTag[],
    abiTags: readonly AbiTag[],
    platformTags: readonly PlatformTag[],
    tagText: string | undefined,
    tagLists: TagLists | undefined,
  ) {
    this.name = name;
    this.version = version;
    this.buildTag = buildTag;
    this.variantLabel = variantLabel;
    this.pythonTags = pythonTags;
    this.abiTags = abiTags;
    this.platformTags = platformTags;
    this.#tagText = tagText;
    this.#tagLists = tagLists;
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

  /**
   * `WheelFilename.tryParse(filename)?.compatibility(tags).compatible` for a filename known to
   * parse, read from its tag text alone: the name, version and build tag are not parsed, and a
   * wheel whose tags name no platform (or Python, or ABI) of `tags` is ruled out without reading
   * its tags in full. So a reader can set aside the wheels that cannot be used (most of a
   * release's, often) for the cost of a few lookups. `undefined` when the tags do not read as a
   * wheel's (the filename would not parse).
   */
  static fitsTags(filename: string, tags: Tags): boolean | undefined {
    if (!filename.endsWith(".whl")) return undefined;
    const stem = filename.slice(0, -4);
    const layout = stemLayout(stem);
    if (layout.count < 5 || layout.count > 7) return undefined;
    const tagText = stem.slice(layout.tagStart, layout.tagEnd);
    const first = tagText.indexOf("-");
    const second = tagText.indexOf("-", first + 1);
    const python = tagText.slice(0, first);
    const abi = tagText.slice(first + 1, second);
    const platform = tagText.slice(second + 1);
    if (!tags.mayFit(python, abi, platform)) return false;
    const parsed = TAG_MEMO.get(tagText);
    // The parser's choice: the single reading only without build tag and variant label.
    const lists =
      layout.buildTag || layout.tagEnd < stem.length ? parsed.sets : (parsed.single ?? parsed.sets);
    return lists?.compatibility(tags).compatible;
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
    const layout = stemLayout(stem);
    if (layout.count < 5 || layout.count > 7) {
      if (!strict) return undefined;
      const count = layout.count;
      if (count < 2) throw invalid(filename, "Must have a version");
      if (count < 3) throw invalid(filename, "Must have a Python tag");
      if (count < 4) throw invalid(filename, "Must have an ABI tag");
      if (count < 5) throw invalid(filename, "Must have a platform tag");
      throw invalid(filename, "Must have 5 to 7 components, but has more");
    }
    const { nameEnd, versionEnd, tagStart, tagEnd } = layout;
    const nameText = stem.slice(0, nameEnd);
    const versionText = stem.slice(nameEnd + 1, versionEnd);
    const buildText = layout.buildTag ? stem.slice(versionEnd + 1, tagStart - 1) : undefined;
    const variantText = tagEnd < stem.length ? stem.slice(tagEnd + 1) : undefined;
    // The three tag components, as one key for the memo.
    const tagText = stem.slice(tagStart, tagEnd);

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
    const single = tags.single;
    if (buildTag === undefined && variantText === undefined && single !== undefined) {
      return new WheelFilename(
        name,
        version,
        undefined,
        undefined,
        single.python,
        single.abi,
        single.platform,
        undefined,
        single,
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
      stem.slice(versionEnd + 1),
      sets,
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
    if (this.#tagLists !== undefined) return this.#tagLists.compatibility(tags);
    return tags.compatibility(this.pythonTags, this.abiTags, this.platformTags);
  }
}
