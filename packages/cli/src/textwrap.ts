/** The number of terminal columns `text` takes (ASCII help text: one column per code point). */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Splits a line into words that keep their trailing spaces: `"foo  bar"` → `["foo  ", "bar"]`. */
function words(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inSpace = false;
  for (let i = 0; i < line.length; i++) {
    const space = line[i] === " ";
    if (inSpace && !space) {
      out.push(line.slice(start, i));
      start = i;
    }
    inSpace = space;
  }
  if (start < line.length) out.push(line.slice(start));
  return out;
}

const trimEnd = (s: string) => s.replace(/\s+$/u, "");

/**
 * Wraps text at `width` columns the way clap's help does: each line is wrapped greedily on
 * spaces, continuation lines repeat the line's leading indentation, a first word never moves,
 * and trailing whitespace is trimmed.
 */
export function wrap(text: string, width: number): string {
  let out = "";
  const lines = text.split(/(?<=\n)/u);
  for (const line of lines) {
    const ws = words(line);
    let lineWidth = 0;
    let first = true;
    const indentation = ws.length > 0 && (ws[0] as string).trim() === "" ? (ws[0] as string) : "";
    for (let i = 0; i < ws.length; i++) {
      const word = ws[i] as string;
      const trimmed = trimEnd(word);
      const w = displayWidth(trimmed);
      if (first && w > 0) {
        first = false;
      } else if (width < lineWidth + w) {
        if (i > 0) ws[i - 1] = trimEnd(ws[i - 1] as string);
        ws.splice(i, 0, "\n");
        i++;
        lineWidth = 0;
        if (indentation !== "") {
          ws.splice(i, 0, indentation);
          lineWidth += indentation.length;
          i++;
        }
      }
      lineWidth += w + (word.length - trimmed.length);
    }
    out += ws.join("");
  }
  return trimEnd(out);
}

/** Indents every line after the first by `indent`. */
export function indentRest(text: string, indent: string): string {
  return text.replaceAll("\n", `\n${indent}`);
}
