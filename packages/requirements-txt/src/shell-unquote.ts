/**
 * Removes POSIX shell quoting from an option value (`-r "my reqs.txt"`), as uv does. Returns
 * `undefined` when the value has no quotes or backslashes, or when a quote is left open (uv then
 * keeps the value as written).
 */
export function shellUnquote(source: string): string | undefined {
  if (!/['"\\]/.test(source)) return undefined;
  const chars = Array.from(source);
  let out = "";
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i++] as string;
    if (ch === "'") {
      const close = chars.indexOf("'", i);
      if (close === -1) return undefined;
      out += chars.slice(i, close).join("");
      i = close + 1;
    } else if (ch === '"') {
      let closed = false;
      while (i < chars.length) {
        const inner = chars[i++] as string;
        if (inner === '"') {
          closed = true;
          break;
        }
        if (inner !== "\\") {
          out += inner;
          continue;
        }
        const escaped = chars[i++];
        if (escaped === undefined) return undefined;
        // Only these are escapes inside double quotes; elsewhere the backslash stays.
        out += '"\\`$\n'.includes(escaped) ? escaped : `\\${escaped}`;
      }
      if (!closed) return undefined;
    } else if (ch === "\\") {
      const escaped = chars[i++];
      if (escaped !== undefined && escaped !== "\n") out += escaped;
    } else {
      out += ch;
    }
  }
  return out;
}
