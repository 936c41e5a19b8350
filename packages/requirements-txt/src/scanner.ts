/** Rust's `char::is_whitespace` (Unicode `White_Space`), which differs from JavaScript's `\s`. */
export function isRustWhitespace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return /^[\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/.test(ch);
}

/**
 * A cursor over a file's text that steps over whole code points. Offsets are UTF-16 indices;
 * messages convert them to uv's byte offsets and code-point columns.
 */
export class Scanner {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  /** The code point at the cursor, or `undefined` at the end. */
  peek(): string | undefined {
    const code = this.text.charCodeAt(this.pos);
    if (Number.isNaN(code)) return undefined;
    // Fast path: anything but a surrogate is a whole code point.
    if (code < 0xd800 || code > 0xdfff) return this.text[this.pos];
    return String.fromCodePoint(this.text.codePointAt(this.pos) ?? code);
  }

  /** Consumes and returns one code point. */
  eat(): string | undefined {
    const ch = this.peek();
    if (ch !== undefined) this.pos += ch.length;
    return ch;
  }

  /** Consumes `literal` when the text at the cursor starts with it. */
  eatIf(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  /** Consumes one code point when it satisfies `pred`. */
  eatIfChar(pred: (ch: string) => boolean): boolean {
    const ch = this.peek();
    if (ch === undefined || !pred(ch)) return false;
    this.pos += ch.length;
    return true;
  }

  /** Consumes code points while `pred` holds and returns them. */
  eatWhile(pred: (ch: string) => boolean): string {
    const start = this.pos;
    for (let ch = this.peek(); ch !== undefined && pred(ch); ch = this.peek()) {
      this.pos += ch.length;
    }
    return this.text.slice(start, this.pos);
  }

  /** Whether the code point at the cursor satisfies `pred`. */
  at(pred: (ch: string) => boolean): boolean {
    const ch = this.peek();
    return ch !== undefined && pred(ch);
  }

  /** Whether the text at the cursor starts with `literal`, without consuming it. */
  lookingAt(literal: string): boolean {
    return this.text.startsWith(literal, this.pos);
  }
}
