import { UvError } from "@uv-ts/error";

const U64_MAX = 18_446_744_073_709_551_615n;

/** A wheel build tag is malformed; the message is uv's wording (`must start with a digit`). */
export class BuildTagError extends UvError {
  constructor(message: string) {
    super("distribution-filename.invalid-build-tag", message);
  }
}

/**
 * A wheel's optional build tag (`1`, `202206090410`, `1local`): leading digits and an optional
 * suffix. Sorts by the number, then the suffix, as the wheel spec says; a wheel without a build
 * tag sorts below every wheel with one.
 */
export class BuildTag {
  /** The leading digits. */
  readonly number: bigint;
  /** Whatever follows the digits, or `undefined`. */
  readonly suffix: string | undefined;

  private constructor(number: bigint, suffix: string | undefined) {
    this.number = number;
    this.suffix = suffix;
  }

  /** Like {@link BuildTag.parse}, but `undefined` for an invalid build tag (no error is built). */
  static tryParse(text: string): BuildTag | undefined {
    if (!/^[0-9][A-Za-z0-9_.]*$/.test(text)) return undefined;
    const digits = /^[0-9]*/.exec(text)?.[0] ?? "";
    const number = BigInt(digits);
    if (number > U64_MAX) return undefined;
    const suffix = text.slice(digits.length);
    return new BuildTag(number, suffix.length === 0 ? undefined : suffix);
  }

  /** Parses a build tag; throws {@link BuildTagError}. */
  static parse(text: string): BuildTag {
    if (text.length === 0) throw new BuildTagError("must not be empty");
    if (!/^[A-Za-z0-9_.]+$/.test(text)) {
      throw new BuildTagError("must contain only ASCII letters, digits, underscores, and periods");
    }
    const digits = /^[0-9]*/.exec(text)?.[0] ?? "";
    if (digits.length === 0) throw new BuildTagError("must start with a digit");
    const number = BigInt(digits);
    if (number > U64_MAX) throw new BuildTagError("number too large to fit in target type");
    const suffix = text.slice(digits.length);
    return new BuildTag(number, suffix.length === 0 ? undefined : suffix);
  }

  /** Negative, zero or positive as `this` sorts before, with or after `other`. */
  compare(other: BuildTag): number {
    if (this.number !== other.number) return this.number < other.number ? -1 : 1;
    if (this.suffix === other.suffix) return 0;
    if (this.suffix === undefined) return -1;
    if (other.suffix === undefined) return 1;
    return this.suffix < other.suffix ? -1 : 1;
  }

  /** The tag as written in a filename (leading zeros of the number are dropped, as in uv). */
  toString(): string {
    return `${this.number}${this.suffix ?? ""}`;
  }
}
