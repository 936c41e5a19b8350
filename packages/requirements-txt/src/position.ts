/**
 * Line starts of a text, to turn offsets into uv's 1-based line and column without rescanning
 * the text for every requirement: `\n`, `\r\n` and a lone `\r` end a line, and columns count
 * code points, not display width.
 */
export class LineIndex {
  readonly text: string;
  /** UTF-16 offsets where each line starts. */
  readonly #starts: number[] = [0];

  constructor(text: string) {
    this.text = text;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x0d && text.charCodeAt(i + 1) === 0x0a) i += 1;
      if (ch === 0x0d || ch === 0x0a) this.#starts.push(i + 1);
    }
  }

  /** The line and column of a UTF-16 offset. */
  locate(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.#starts[lo] ?? 0;
    const end = Math.min(offset, this.text.length);
    let column = 1;
    for (let i = start; i < end; i++) {
      const code = this.text.charCodeAt(i);
      // The second half of a surrogate pair is the same code point.
      if (code < 0xdc00 || code > 0xdfff) column += 1;
    }
    return { line: lo + 1, column };
  }
}

/** The line and column of `offset` in `content` (see {@link LineIndex}). */
export function lineColumn(content: string, offset: number): { line: number; column: number } {
  return new LineIndex(content).locate(offset);
}

/** The UTF-8 byte offset of a UTF-16 index: uv reports `position N` in bytes. */
export function byteOffset(content: string, offset: number): number {
  return Buffer.byteLength(content.slice(0, offset), "utf8");
}
