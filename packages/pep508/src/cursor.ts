import { isWhitespaceCode } from "./chars.ts";
import { Pep508Error } from "./pep508-error.ts";

/**
 * A read position in the input that steps over whole code points. Positions are UTF-16 offsets
 * so they can slice the input directly; uv uses byte offsets, which render the same carets.
 */
export class Cursor {
  readonly input: string;
  pos: number;

  constructor(input: string, pos = 0) {
    this.input = input;
    this.pos = pos;
  }

  clone(): Cursor {
    return new Cursor(this.input, this.pos);
  }

  peek(): string | undefined {
    const input = this.input;
    const pos = this.pos;
    if (pos >= input.length) return undefined;
    // One code unit is one code point outside the surrogates (V8 shares one-character strings).
    const c = input.charCodeAt(pos);
    if (c < 0xd800 || c > 0xdfff) return input[pos];
    return String.fromCodePoint(input.codePointAt(pos)!);
  }

  next(): string | undefined {
    const ch = this.peek();
    if (ch !== undefined) this.pos += ch.length;
    return ch;
  }

  /** Consumes `ch` (one code point) if it comes next. */
  eat(ch: string): boolean {
    if (!this.input.startsWith(ch, this.pos)) return false;
    this.pos += ch.length;
    return true;
  }

  eatWhitespace(): void {
    const input = this.input;
    let pos = this.pos;
    // Every whitespace character is a single code unit.
    while (pos < input.length && isWhitespaceCode(input.charCodeAt(pos))) pos++;
    this.pos = pos;
  }

  slice(start: number, end: number): string {
    return this.input.slice(start, end);
  }

  /** Advances while `pred` holds; returns the start of the run. */
  takeWhile(pred: (ch: string) => boolean): number {
    const start = this.pos;
    for (let ch = this.peek(); ch !== undefined && pred(ch); ch = this.peek())
      this.pos += ch.length;
    return start;
  }

  /** The run `takeWhile` would consume, without consuming it. */
  peekWhile(pred: (ch: string) => boolean): string {
    const probe = this.clone();
    const start = probe.takeWhile(pred);
    return probe.slice(start, probe.pos);
  }

  error(reason: string, start: number, len: number): Pep508Error {
    return new Pep508Error(reason, this.input, start, len);
  }

  /** Consumes `expected` or fails the way uv reports a missing closing token. */
  expect(expected: string, spanStart: number): void {
    const pos = this.pos;
    const ch = this.next();
    if (ch === undefined) {
      throw this.error(
        `Expected '${expected}', found end of dependency specification`,
        spanStart,
        1,
      );
    }
    if (ch !== expected)
      throw this.error(`Expected \`${expected}\`, found \`${ch}\``, pos, ch.length);
  }
}
