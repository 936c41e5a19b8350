import { UvError } from "@uv-ts/error";

/** Which of the three parts of a PEP 425 tag failed to parse. */
export type TagKind = "language" | "abi" | "platform";

/** A language, ABI or platform tag that uv cannot read; `message` is uv's wording. */
export class TagParseError extends UvError {
  readonly kind: TagKind;
  readonly tag: string;

  constructor(kind: TagKind, tag: string, message: string) {
    super(`platform-tags.invalid-${kind}-tag`, message);
    this.kind = kind;
    this.tag = tag;
  }
}

/** The interpreter facts given to {@link Tags.fromEnvironment} cannot produce tags. */
export class TagsError extends UvError {}

/** The platform has no tag policy (unsupported OS/arch pair, bad release string, ...). */
export class PlatformError extends UvError {
  constructor(message: string) {
    super("platform-tags.platform", message);
  }
}
