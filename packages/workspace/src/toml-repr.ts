/**
 * How toml_edit writes a new string value, which is what uv writes: a basic string
 * (`"..."`) unless the text holds a `"` or a backslash, in which case a literal string
 * (`'...'`, or `'''...'''` when it also holds `'`) keeps it readable. Text that a literal string
 * cannot hold (control characters, three quotes in a row, a trailing `'`) stays basic, escaped.
 */
export function tomlString(value: string): string {
  let preferLiteral = false;
  let canBeLiteral = true;
  let run = 0;
  let maxRun = 0;
  for (const ch of value) {
    if (ch === "'") {
      run++;
      if (run >= 3) canBeLiteral = false;
    } else {
      maxRun = Math.max(maxRun, run);
      run = 0;
    }
    if (ch === "\\" || ch === '"') preferLiteral = true;
    else if (ch !== "\t" && (ch.charCodeAt(0) <= 0x1f || ch === "\x7f")) canBeLiteral = false;
  }
  maxRun = Math.max(maxRun, run);
  if (value.endsWith("'")) canBeLiteral = false;
  if (preferLiteral && canBeLiteral) return maxRun >= 1 ? `'''${value}'''` : `'${value}'`;
  return `"${escapeBasic(value)}"`;
}

function escapeBasic(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\r") out += "\\r";
    else if (code <= 0x1f || code === 0x7f)
      out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** A new inline table of string values as toml_edit writes it: `{ name = "x", email = "y" }`. */
export function tomlInlineTable(entries: readonly (readonly [string, string])[]): string {
  if (entries.length === 0) return "{}";
  const body = entries.map(([key, value]) => `${tomlKey(key)} = ${tomlString(value)}`).join(", ");
  return `{ ${body} }`;
}

/** A key, bare when it can be. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}
