import { UvError } from "@uv-ts/error";

/** What went wrong, as a stable tag (the `code` is `requirements-txt.<kind>`). */
export type RequirementsTxtErrorKind =
  /** The file (or an included one) could not be read. */
  | "io"
  /** The line structure is wrong: an unknown option, a missing value, a bad `--hash`. */
  | "syntax"
  /** A requirement does not parse; the cause is the `Pep508Error` with its carets. */
  | "requirement"
  /** An `--index-url`, `--extra-index-url` or `--find-links` value is not a URL. */
  | "url"
  /** A `file://` include cannot be turned into a path. */
  | "file-url"
  /** `-e` on something other than a local directory. */
  | "editable"
  /** A bare `reqs.txt` that names an existing file: a forgotten `-r`. */
  | "missing-prefix"
  /** `--no-binary` or `--only-binary` with a value that is not a name, `:all:` or `:none:`. */
  | "binary-specifier"
  /** A constraints file holding a URL or path without a name. */
  | "unnamed-constraint"
  /** An included file failed; the cause is its error. */
  | "include";

/** Where an error points: uv's 1-based line and code-point column, and byte offset. */
export interface ErrorLocation {
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly position?: number | undefined;
}

/**
 * A `requirements.txt` that cannot be parsed. The message is uv's (0.13.8): it names the file
 * as the user sees it and the line and column or byte position; the cause chain carries the
 * detail (a `Pep508Error` renders the requirement with carets under the offending span).
 */
export class RequirementsTxtError extends UvError {
  readonly kind: RequirementsTxtErrorKind;
  /** The file, as shown in the message (relative to the working directory when inside it). */
  readonly file: string;
  /** 1-based line, when the error is tied to one. */
  readonly line: number | undefined;
  /** 1-based column in code points, when the error is tied to one. */
  readonly column: number | undefined;
  /** Byte offset into the file, as uv's `at position N`. */
  readonly position: number | undefined;

  constructor(
    kind: RequirementsTxtErrorKind,
    message: string,
    file: string,
    location: ErrorLocation = {},
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(`requirements-txt.${kind}`, message, options);
    this.kind = kind;
    this.file = file;
    this.line = location.line;
    this.column = location.column;
    this.position = location.position;
  }
}

/** Rust's `{:?}` for a string: double quotes with `\"`, `\\` and control characters escaped. */
export function rustDebugString(s: string): string {
  return `"${rustEscape(s, '"')}"`;
}

/** Rust's `{:?}` for an `Option<char>`: `Some('x')` or `None`. */
export function rustDebugOptionChar(ch: string | undefined): string {
  return ch === undefined ? "None" : `Some('${rustEscape(ch, "'")}')`;
}

function rustEscape(s: string, quote: string): string {
  let out = "";
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\0") out += "\\0";
    else if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(ch) && ch !== "\u00ad") {
      out += `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
    } else out += ch;
  }
  return out;
}
