/**
 * A reader for the Rust `{:#?}` text in uv's insta snapshots, enough to pull out the fields the
 * tests compare. Marker fields print with `Display`, not `Debug`, so their value is the raw text
 * up to the end of the line.
 */
export type DebugValue =
  | string
  | number
  | boolean
  | null
  | DebugValue[]
  | { readonly type: string; readonly fields: Record<string, DebugValue> }
  | { readonly type: string; readonly items: DebugValue[] }
  | { readonly type: string };

class Reader {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  skip(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos += 1;
  }

  expect(ch: string): void {
    this.skip();
    if (this.text[this.pos] !== ch) {
      throw new Error(`expected ${ch} at ${this.pos}: ${this.text.slice(this.pos, this.pos + 40)}`);
    }
    this.pos += 1;
  }

  eat(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos += 1;
    return true;
  }

  ident(): string {
    this.skip();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (match === null) throw new Error(`expected identifier at ${this.pos}`);
    this.pos += match[0].length;
    return match[0];
  }

  string(): string {
    this.expect('"');
    let out = "";
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) throw new Error("unterminated string");
      if (ch === '"') return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      if (esc === "n") out += "\n";
      else if (esc === "t") out += "\t";
      else if (esc === "r") out += "\r";
      else if (esc === "u") {
        const close = this.text.indexOf("}", this.pos);
        out += String.fromCodePoint(Number.parseInt(this.text.slice(this.pos + 1, close), 16));
        this.pos = close + 1;
      } else out += esc ?? "";
    }
  }

  rawLine(): string {
    this.skip();
    const end = this.text.indexOf("\n", this.pos);
    const line = this.text.slice(this.pos, end);
    this.pos = end;
    return line.replace(/,$/, "");
  }

  value(): DebugValue {
    this.skip();
    const ch = this.text[this.pos];
    if (ch === '"') return this.string();
    if (ch === "[") {
      this.pos += 1;
      const items: DebugValue[] = [];
      while (!this.eat("]")) {
        items.push(this.value());
        this.eat(",");
      }
      return items;
    }
    if (ch !== undefined && /[-0-9]/.test(ch)) {
      const match = /^-?[0-9]+/.exec(this.text.slice(this.pos)) ?? ["0"];
      this.pos += match[0].length;
      return Number(match[0]);
    }
    const type = this.ident();
    if (type === "true" || type === "false") return type === "true";
    if (type === "None") return null;
    if (this.eat("{")) {
      const fields: Record<string, DebugValue> = {};
      while (!this.eat("}")) {
        const name = this.ident();
        this.expect(":");
        fields[name] = name === "marker" ? this.rawLine() : this.value();
        this.eat(",");
      }
      return { type, fields };
    }
    if (this.eat("(")) {
      const items: DebugValue[] = [];
      while (!this.eat(")")) {
        items.push(this.value());
        this.eat(",");
      }
      return { type, items };
    }
    return { type };
  }
}

/** Parses the body of an insta `.snap` file (after its `---` header). */
export function parseSnapshot(snap: string): DebugValue {
  const body = snap.split(/^---$/m).slice(2).join("---");
  return new Reader(body).value();
}

/** A struct's field; throws when `value` is not a struct with it. */
export function field(value: DebugValue, name: string): DebugValue {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("fields" in value)) {
    throw new Error(`not a struct: ${JSON.stringify(value)}`);
  }
  const f = value.fields[name];
  if (f === undefined) throw new Error(`no field ${name}`);
  return f;
}

/** A tuple variant's single item (`Some(x)` → x, `PackageName("a")` → "a"). */
export function inner(value: DebugValue): DebugValue {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("items" in value)) {
    throw new Error(`not a tuple: ${JSON.stringify(value)}`);
  }
  return value.items[0] ?? null;
}

/** The variant or struct name. */
export function typeOf(value: DebugValue): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return typeof value;
  return value.type;
}
