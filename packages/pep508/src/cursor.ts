import { isWhitespace } from "./chars.ts";
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
    if (this.pos >= this.input.length) return undefined;
    const cp = this.input.codePointAt(this.pos);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  next(): string | undefined {
    const ch = this.peek();
    if (ch !== undefined) this.pos += ch.length;
    return ch;
  }

  eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos += ch.length;
    return true;
  }

  eatWhitespace(): void {
    this.takeWhile(isWhitespace);
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
