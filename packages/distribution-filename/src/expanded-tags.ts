import { UvError } from "@uv-ts/error";
import {
  type AbiTag,
  type LanguageTag,
  type PlatformTag,
  type TagCompatibility,
  type Tags,
  tryParseAbiTag,
  tryParseLanguageTag,
  tryParsePlatformTag,
} from "@uv-ts/platform-tags";

/** A `Tag:` line of a `WHEEL` file is malformed (uv's wording). */
export class ExpandedTagError extends UvError {}

/** One `Tag:` line: its understood tags (a line may still hold a compressed set). */
export interface ExpandedTag {
  readonly pythonTags: readonly LanguageTag[];
  readonly abiTags: readonly AbiTag[];
  readonly platformTags: readonly PlatformTag[];
}

function parseSet<T>(text: string, parse: (s: string) => T | undefined): T[] {
  const tags: T[] = [];
  for (const part of text.split(".")) {
    const tag = parse(part);
    if (tag !== undefined) tags.push(tag);
  }
  return tags;
}

function parseExpandedTag(tag: string): ExpandedTag {
  const fail = (what: string) =>
    new ExpandedTagError(
      "distribution-filename.invalid-wheel-tag",
      `The wheel tag "${tag}" ${what}`,
    );
  if (tag.length === 0) throw fail("is missing a language tag");
  const parts = tag.split("-");
  if (parts.length === 1) throw fail("is missing an ABI tag");
  if (parts.length === 2) throw fail("is missing a platform tag");
  if (parts.length > 3) throw fail("contains too many segments");
  const [python = "", abi = "", platform = ""] = parts;
  return {
    pythonTags: parseSet(python, tryParseLanguageTag),
    abiTags: parseSet(abi, tryParseAbiTag),
    platformTags: parseSet(platform, tryParsePlatformTag),
  };
}

/**
 * The tags listed in a wheel's `WHEEL` file (`Tag: py3-none-any`, one line each). Build backends
 * sometimes write compressed sets there too, so those are accepted; unknown tags are dropped.
 */
export class ExpandedTags {
  readonly tags: readonly ExpandedTag[];

  private constructor(tags: readonly ExpandedTag[]) {
    this.tags = tags;
  }

  /** Parses the `Tag:` values; throws {@link ExpandedTagError}. */
  static parse(tags: Iterable<string>): ExpandedTags {
    return new ExpandedTags(Array.from(tags, parseExpandedTag));
  }

  /** Whether one of the lines fits the environment. */
  isCompatible(tags: Tags): boolean {
    return this.tags.some((t) => tags.isCompatible(t.pythonTags, t.abiTags, t.platformTags));
  }

  /**
   * How well the wheel fits. Like uv, several lines are pooled into one Cartesian product of all
   * their tags.
   */
  compatibility(tags: Tags): TagCompatibility {
    return tags.compatibility(
      this.tags.flatMap((t) => t.pythonTags),
      this.tags.flatMap((t) => t.abiTags),
      this.tags.flatMap((t) => t.platformTags),
    );
  }
}
