// Loaded only for `--strict`: the platform tags pull in more code than listing needs.
import { interpreterTags } from "@uv-ts/distribution";
import { ExpandedTags } from "@uv-ts/distribution-filename";
import type { InterpreterInfo } from "@uv-ts/python";

/**
 * Whether an installed wheel's `Tag:` lines fit the interpreter; throws when a tag does not
 * parse (uv then reports the `WHEEL` file as unreadable).
 */
export type WheelTagsCheck = (tags: readonly string[]) => boolean;

/** The tag check for the environment's interpreter. */
export function wheelTagsCheck(info: InterpreterInfo): WheelTagsCheck {
  const tags = interpreterTags(info);
  return (lines) => ExpandedTags.parse(lines).isCompatible(tags);
}
