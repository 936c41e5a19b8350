import { UvError } from "@uv-ts/error";
import { displayWidth } from "./chars.ts";

/**
 * A requirement or marker that does not parse. The message renders like uv's: the reason, the
 * input line, and carets under the offending span. `start` and `len` are UTF-16 offsets into
 * `input`; a span at the very end of the input still gets one caret.
 */
export class Pep508Error extends UvError {
  /** The reason alone, without the input line and carets. */
  readonly reason: string;
  /** The whole text that was being parsed. */
  readonly input: string;
  /** Offset of the offending span in `input`. */
  readonly start: number;
  /** Length of the offending span. */
  readonly len: number;

  constructor(
    reason: string,
    input: string,
    start: number,
    len: number,
    options: { cause?: unknown } = {},
  ) {
    super("pep508.invalid-requirement", renderPep508Error(reason, input, start, len), options);
    this.reason = reason;
    this.input = input;
    this.start = start;
    this.len = len;
  }
}

function renderPep508Error(reason: string, input: string, start: number, len: number): string {
  if (input === "") return reason;
  const indent = displayWidth(input.slice(0, start));
  const carets = start >= input.length ? 1 : displayWidth(input.slice(start, start + len));
  return `${reason}\n${input}\n${" ".repeat(indent)}${"^".repeat(carets)}`;
}
