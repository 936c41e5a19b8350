/**
 * A TOML array as toml_edit models it for formatting: each item's raw value with the decor
 * around it (the prefix holds whitespace and comments before the value, the suffix those between
 * the value and its comma), and the array's trailing decor after the last comma.
 */
export interface DecoratedArray {
  items: { prefix: string; value: string; suffix: string }[];
  trailing: string;
  trailingComma: boolean;
}

interface Comment {
  readonly text: string;
  /** `undefined` for a comment on its own line, else the whitespace before it on its line. */
  readonly leading: string | undefined;
}

/** Rust's `str::lines`: `\n` separated, a final empty line dropped, a trailing `\r` removed. */
function rustLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/**
 * The comments in a piece of decor. A comment counts as being on its own line only after an
 * empty line or another comment; the first comment of a decor is always "end of line", which is
 * how uv treats it (and why `[ # c` can appear after an edit).
 */
function findComments(decor: string): Comment[] {
  const out: Comment[] = [];
  let prevEmpty = false;
  let prevComment = false;
  for (const line of rustLines(decor)) {
    const hash = line.indexOf("#");
    if (hash === -1) {
      prevEmpty = line.trim() === "";
      prevComment = false;
      continue;
    }
    const before = line.slice(0, hash);
    const text = `#${line.slice(hash + 1).trimEnd()}`;
    const leading = prevEmpty || prevComment ? undefined : (/[\s]*$/.exec(before)?.[0] ?? "");
    out.push({ text, leading });
    prevEmpty = line.trim() === "";
    prevComment = true;
  }
  return out;
}

/**
 * Puts every item on its own line with a trailing comma, keeping comments, as uv formats
 * dependency and member arrays: the indentation is the first item's (four spaces by default).
 */
export function reformatArrayMultiline(array: DecoratedArray): void {
  const last = array.items.at(-1);
  // Without a trailing comma, comments after the last item sit in its suffix; they must follow
  // the comma that is about to be added.
  if (!array.trailingComma && last !== undefined && last.suffix.includes("#")) {
    array.trailing = last.suffix + array.trailing;
    last.suffix = "";
  }
  const first = array.items[0];
  let indentation: string | undefined;
  if (first !== undefined) {
    let prefix = rustLines(first.prefix).at(-1) ?? "";
    const hash = prefix.indexOf("#");
    if (hash !== -1) prefix = prefix.slice(0, hash);
    indentation = prefix === "" ? undefined : prefix;
  }
  const newline = `\n${indentation ?? "    "}`;
  const renderComments = (comments: Comment[]): string =>
    comments.map((c) => (c.leading === undefined ? newline : c.leading) + c.text).join("");
  for (const item of array.items) {
    const comments = [...findComments(item.prefix), ...findComments(item.suffix)];
    item.prefix = renderComments(comments) + newline;
    item.suffix = "";
  }
  let trailing = renderComments(findComments(array.trailing));
  if (trailing !== "" || array.items.length > 0) trailing += "\n";
  array.trailing = trailing;
  array.trailingComma = true;
}

/** Renders the array, `[` to `]`. */
export function renderDecoratedArray(array: DecoratedArray): string {
  const items = array.items.map((i) => i.prefix + i.value + i.suffix).join(",");
  const comma = array.trailingComma && array.items.length > 0 ? "," : "";
  return `[${items}${comma}${array.trailing}]`;
}
