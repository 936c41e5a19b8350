import { UvError } from "@uv-ts/error";
import { displayWidth } from "./display-width.ts";

/** A string is not a valid PEP 440 version; the message is uv's wording. */
export class VersionParseError extends UvError {
  /** The text that failed to parse. */
  readonly input: string;

  constructor(input: string, message: string) {
    super("pep440.invalid-version", message);
    this.input = input;
  }
}

/** One version specifier (`>=1.0`, `==1.2.*`) is invalid; the message is uv's wording. */
export class VersionSpecifierParseError extends UvError {
  /** The specifier text that failed to parse. */
  readonly input: string;

  constructor(input: string, message: string, code = "pep440.invalid-specifier") {
    super(code, message);
    this.input = input;
  }
}

/**
 * A comma-separated list of specifiers is invalid. The message is uv's three-line report: the
 * inner error, the whole line, and carets under the failing specifier. `start` and `end` are
 * UTF-16 offsets into `line` (uv reports byte offsets; the carets come out the same). It is a
 * {@link VersionSpecifierParseError}, so one `catch` handles both parsers.
 */
export class VersionSpecifiersParseError extends VersionSpecifierParseError {
  /** The whole text that failed to parse. */
  readonly line: string;
  /** Offset of the failing specifier in `line`. */
  readonly start: number;
  /** Offset just past the failing specifier in `line`. */
  readonly end: number;
  /** The error of the failing specifier. */
  readonly inner: VersionSpecifierParseError;

  constructor(line: string, start: number, end: number, inner: VersionSpecifierParseError) {
    const indent = " ".repeat(displayWidth(line.slice(0, start)));
    const carets = "^".repeat(displayWidth(line.slice(start, end)));
    super(
      line,
      `Failed to parse version: ${inner.message}:\n${line}\n${indent}${carets}\n`,
      "pep440.invalid-specifiers",
    );
    this.line = line;
    this.start = start;
    this.end = end;
    this.inner = inner;
  }
}
