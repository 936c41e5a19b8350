import { UvError } from "@uv-ts/error";

/**
 * A `[table]` or `[[array-of-tables]]` header and the span of its body. Offsets index the
 * document text. Blank lines and comments after the body's last key-value belong to whatever
 * follows (the next header or the end of the document), as in toml_edit's model, so `bodyEnd` is
 * where a new key (or a table that should follow this one) goes.
 */
export interface TomlHeader {
  /** The header's key path, unquoted (`[tool."uv".workspace]` is `["tool", "uv", "workspace"]`). */
  readonly path: readonly string[];
  readonly arrayOfTables: boolean;
  /** Start of the header's line. */
  readonly start: number;
  /** After the header line's newline. */
  readonly headerEnd: number;
  /** After the newline of the body's last key-value line (`headerEnd` for an empty body). */
  bodyEnd: number;
}

/** One `key = value` line (the value may span lines: arrays, multi-line strings). */
export interface TomlKeyValue {
  /** Index into {@link TomlLayout.headers}; -1 for the root table. */
  readonly header: number;
  /** The dotted key as written, unquoted, relative to its table. */
  readonly key: readonly string[];
  readonly start: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** After the line's newline (or the end of the document). */
  readonly end: number;
}

/** Where things are in a TOML document: enough to edit it without disturbing the rest. */
export interface TomlLayout {
  readonly headers: readonly TomlHeader[];
  readonly keyValues: readonly TomlKeyValue[];
  /** After the root table's last key-value line (0 when the root has none). */
  readonly rootBodyEnd: number;
}

/** One array element: its decor prefix, its value, and its decor suffix (up to a comma or `]`). */
export interface TomlArrayItem {
  readonly prefixStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly suffixEnd: number;
}

/** An array value's structure, in toml_edit's terms. */
export interface TomlArrayLayout {
  /** Offset of `[`. */
  readonly open: number;
  /** Offset of `]`. */
  readonly close: number;
  readonly items: readonly TomlArrayItem[];
  readonly trailingComma: boolean;
  /** Start of the text between the last comma (or `[` when empty) and `]`; `close` otherwise. */
  readonly trailingStart: number;
}

/** The text is not TOML this scanner understands (callers validate documents first). */
export class TomlLayoutError extends UvError {
  constructor(message: string, offset: number) {
    super("toml.layout", `${message} at offset ${offset}`);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/** A cursor over TOML text; each method consumes one syntactic element. */
class Scanner {
  readonly text: string;
  pos = 0;

  constructor(text: string, pos = 0) {
    this.text = text;
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  fail(message: string): never {
    throw new TomlLayoutError(message, this.pos);
  }

  skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  skipComment(): void {
    if (this.peek() !== "#") return;
    while (!this.done && this.peek() !== "\n" && !this.startsWith("\r\n")) this.pos++;
  }

  /** Consumes a newline; false (consuming nothing) when there is none. */
  newline(): boolean {
    if (this.peek() === "\n") {
      this.pos++;
      return true;
    }
    if (this.startsWith("\r\n")) {
      this.pos += 2;
      return true;
    }
    return false;
  }

  /** Whitespace, comments and newlines, as between array elements. */
  skipWsCommentNewline(): void {
    for (;;) {
      const before = this.pos;
      this.skipSpaces();
      this.skipComment();
      this.newline();
      if (this.pos === before) return;
    }
  }

  /** The rest of a line after a key-value or header: spaces, a comment, a newline or the end. */
  endOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (!this.newline() && !this.done) this.fail("Expected a newline");
  }

  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      parts.push(this.simpleKey());
      this.skipSpaces();
      if (this.peek() !== ".") return parts;
      this.pos++;
    }
  }

  simpleKey(): string {
    const c = this.peek();
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    const start = this.pos;
    while (BARE_KEY.test(this.peek())) this.pos++;
    if (this.pos === start) this.fail("Expected a key");
    return this.text.slice(start, this.pos);
  }

  basicString(): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === "" || c === "\n") this.fail("Unterminated string");
      this.pos++;
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.peek();
      this.pos++;
      const simple: Record<string, string> = {
        b: "\b",
        t: "\t",
        n: "\n",
        f: "\f",
        r: "\r",
        e: "\x1b",
        '"': '"',
        "\\": "\\",
      };
      if (e in simple) {
        out += simple[e];
      } else if (e === "u" || e === "U" || e === "x") {
        const width = e === "u" ? 4 : e === "U" ? 8 : 2;
        out += String.fromCodePoint(
          Number.parseInt(this.text.slice(this.pos, this.pos + width), 16),
        );
        this.pos += width;
      } else {
        this.fail("Invalid escape");
      }
    }
  }

  literalString(): string {
    const start = ++this.pos;
    const end = this.text.indexOf("'", start);
    if (end === -1) this.fail("Unterminated string");
    this.pos = end + 1;
    return this.text.slice(start, end);
  }

  multilineString(quote: string): void {
    this.pos += 3;
    for (;;) {
      if (this.done) this.fail("Unterminated string");
      if (quote === '"""' && this.peek() === "\\") {
        this.pos += 2;
        continue;
      }
      if (this.startsWith(quote)) {
        this.pos += 3;
        // Up to two quotes may directly precede the closing delimiter.
        while (this.peek() === quote[0]) this.pos++;
        return;
      }
      this.pos++;
    }
  }

  value(): void {
    if (this.startsWith('"""') || this.startsWith("'''")) {
      this.multilineString(this.text.slice(this.pos, this.pos + 3));
    } else if (this.peek() === '"') {
      this.basicString();
    } else if (this.peek() === "'") {
      this.literalString();
    } else if (this.peek() === "[") {
      this.array();
    } else if (this.peek() === "{") {
      this.inlineTable();
    } else {
      // Numbers, booleans, dates (which may contain one space): up to a delimiter.
      const start = this.pos;
      while (!this.done && !",]}#\n\r".includes(this.peek())) this.pos++;
      while (this.pos > start && /[ \t]/.test(this.text[this.pos - 1]!)) this.pos--;
      if (this.pos === start) this.fail("Expected a value");
    }
  }

  array(): TomlArrayLayout {
    const open = this.pos;
    this.pos++;
    const items: TomlArrayItem[] = [];
    let trailingComma = false;
    for (;;) {
      const prefixStart = this.pos;
      this.skipWsCommentNewline();
      if (this.peek() === "]") {
        // Only reached when empty or after a comma: the gap is the array's trailing decor.
        const close = this.pos++;
        return { open, close, items, trailingComma, trailingStart: prefixStart };
      }
      const valueStart = this.pos;
      this.value();
      const valueEnd = this.pos;
      this.skipWsCommentNewline();
      items.push({ prefixStart, valueStart, valueEnd, suffixEnd: this.pos });
      if (this.peek() === ",") {
        this.pos++;
        trailingComma = true;
        continue;
      }
      if (this.peek() !== "]") this.fail("Expected `,` or `]`");
      const close = this.pos++;
      return { open, close, items, trailingComma: false, trailingStart: close };
    }
  }

  inlineTable(): void {
    this.pos++;
    for (;;) {
      this.skipWsCommentNewline();
      if (this.peek() === "}") {
        this.pos++;
        return;
      }
      this.key();
      this.skipSpaces();
      if (this.peek() !== "=") this.fail("Expected `=`");
      this.pos++;
      this.skipSpaces();
      this.value();
      this.skipWsCommentNewline();
      if (this.peek() === ",") this.pos++;
    }
  }
}

/** Scans a (valid) TOML document for its headers and key-values. */
export function scanTomlLayout(text: string): TomlLayout {
  const s = new Scanner(text);
  const headers: TomlHeader[] = [];
  const keyValues: TomlKeyValue[] = [];
  let rootBodyEnd = 0;
  while (!s.done) {
    const start = s.pos;
    s.skipSpaces();
    if (s.newline()) continue;
    if (s.peek() === "#") {
      s.skipComment();
      s.newline();
      continue;
    }
    if (s.done) break;
    if (s.peek() === "[") {
      const arrayOfTables = s.peek(1) === "[";
      s.pos += arrayOfTables ? 2 : 1;
      const path = s.key();
      if (!s.startsWith(arrayOfTables ? "]]" : "]")) s.fail("Expected `]`");
      s.pos += arrayOfTables ? 2 : 1;
      s.endOfLine();
      headers.push({ path, arrayOfTables, start, headerEnd: s.pos, bodyEnd: s.pos });
      continue;
    }
    const key = s.key();
    if (s.peek() !== "=") s.fail("Expected `=`");
    s.pos++;
    s.skipSpaces();
    const valueStart = s.pos;
    s.value();
    const valueEnd = s.pos;
    s.endOfLine();
    const header = headers.length - 1;
    keyValues.push({ header, key, start, valueStart, valueEnd, end: s.pos });
    const current = headers[header];
    if (current === undefined) rootBodyEnd = s.pos;
    else current.bodyEnd = s.pos;
  }
  return { headers, keyValues, rootBodyEnd };
}

/** The structure of the array value that starts at `offset` (which must be its `[`). */
export function scanTomlArray(text: string, offset: number): TomlArrayLayout {
  const s = new Scanner(text, offset);
  if (s.peek() !== "[") s.fail("Expected an array");
  return s.array();
}
