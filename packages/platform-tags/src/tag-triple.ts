import { UvError } from "@uv-ts/error";
import { type AbiTag, formatAbiTag, parseAbiTag } from "./abi-tag.ts";
import { formatLanguageTag, type LanguageTag, parseLanguageTag } from "./language-tag.ts";
import { formatPlatformTag, type PlatformTag, parsePlatformTag } from "./platform-tag.ts";

/** One PEP 425 tag: a language, an ABI and a platform (`cp312-cp312-manylinux_2_17_x86_64`). */
export interface TagTriple {
  readonly python: LanguageTag;
  readonly abi: AbiTag;
  readonly platform: PlatformTag;
}

/** The tag as `python-abi-platform`. */
export function formatTagTriple(tag: TagTriple): string {
  return `${formatLanguageTag(tag.python)}-${formatAbiTag(tag.abi)}-${formatPlatformTag(tag.platform)}`;
}

/**
 * Parses a tag string into the tags it stands for, expanding compressed tag sets
 * (`py2.py3-none-any` is two tags), in the order `packaging.tags.parse_tag` yields them.
 * Throws a `TagParseError` for a component uv cannot read.
 */
export function parseTag(text: string): TagTriple[] {
  const parts = text.split("-");
  if (parts.length !== 3) {
    throw new UvError(
      "platform-tags.invalid-tag",
      `The tag \`${text}\` must have three parts separated by \`-\`, but has ${parts.length}`,
    );
  }
  const [pythonPart = "", abiPart = "", platformPart = ""] = parts;
  const pythons = pythonPart.split(".").map(parseLanguageTag);
  const abis = abiPart.split(".").map(parseAbiTag);
  const platforms = platformPart.split(".").map(parsePlatformTag);
  const tags: TagTriple[] = [];
  for (const python of pythons) {
    for (const abi of abis) {
      for (const platform of platforms) tags.push({ python, abi, platform });
    }
  }
  return tags;
}
