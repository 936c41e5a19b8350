import { decodeHtmlEntities } from "./html-entities.ts";

/** A start tag: lower-cased name and attributes (lower-cased names; `undefined` for a bare attribute). */
export interface HtmlStartTag {
  readonly kind: "start";
  readonly name: string;
  readonly attributes: HtmlAttributes;
}

/**
 * A tag's attributes by lower-cased name, the first occurrence of a name winning. A tag has a
 * handful, so a list searched in order is cheaper than a `Map` per tag.
 */
export class HtmlAttributes {
  readonly #names: string[] = [];
  readonly #values: (string | undefined)[] = [];

  /** The value of `name`; `undefined` when it is absent or bare (see {@link has}). */
  get(name: string): string | undefined {
    const i = this.#names.indexOf(name);
    return i === -1 ? undefined : this.#values[i];
  }

  /** Whether the tag has the attribute `name`, with or without a value. */
  has(name: string): boolean {
    return this.#names.indexOf(name) !== -1;
  }

  /** Adds an attribute unless one of that name came before. */
  add(name: string, value: string | undefined): void {
    if (this.#names.indexOf(name) !== -1) return;
    this.#names.push(name);
    this.#values.push(value);
  }
}

/**
 * What {@link scanHtml} reports, in document order. `text` is optional: a reader that ignores
 * text leaves it out, and the text is then neither sliced nor decoded.
 */
export interface HtmlVisitor {
  start(tag: HtmlStartTag): void;
  end(name: string): void;
  text?(text: string): void;
}

// Elements whose content is not markup: an `<a` inside a script is not a link.
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noembed", "noframes"]);

/** HTML whitespace: space, tab, LF, CR, FF. */
export function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** Whether `c` is an ASCII letter (what a tag name starts with). */
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Whether `c` ends a tag or attribute name: whitespace, `>` or `/`. */
export function endsName(c: number): boolean {
  return isWs(c) || c === 62 || c === 47;
}

/**
 * What {@link tokenizeHtml} reports, by position in the text, in document order. A reader that
 * ignores text leaves `text` out.
 */
export interface HtmlTokenHandler {
  /**
   * A start tag named `name` (lower-cased) that begins at `tagStart` (its `<`) and whose name
   * ends at `nameEnd`: the handler reads its attributes from there ({@link readAttributes}) and
   * returns where the tag ends.
   */
  startTag(name: string, tagStart: number, nameEnd: number): number;
  /** An end tag (lower-cased name). */
  endTag(name: string): void;
  /** Text at `[start, end)`, entities not decoded. */
  text?(start: number, end: number): void;
}

/**
 * A small, tolerant HTML tokenizer: enough of the HTML5 tokenizer for Simple API and find-links
 * pages (PyPI, devpi, Artifactory, GitLab, CodeArtifact, plain directory listings). It never
 * fails: anything it cannot read as a tag is text. The content of raw-text elements (`script`,
 * `style`, ...) is skipped, that of `title` and `textarea` reported as text.
 */
export function tokenizeHtml(html: string, handler: HtmlTokenHandler): void {
  let i = 0;
  let textStart = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt === -1) break;
    const next = readMarkup(html, lt, handler, textStart);
    if (next === -1) {
      i = lt + 1;
    } else {
      i = textStart = next;
    }
  }
  if (handler.text !== undefined && n > textStart) handler.text(textStart, n);
}

/**
 * Reads the markup that starts with the `<` at `lt` as {@link tokenizeHtml} does (a comment, a
 * declaration, an end tag, or a start tag and, for a raw-text element, its content), reporting
 * it to `handler` after the text from `textStart`; returns where the text after it starts, or -1
 * when this `<` is text (nothing reported). A reader with shortcuts for the tags it expects
 * hands every other `<` to this.
 */
export function readMarkup(
  html: string,
  lt: number,
  handler: HtmlTokenHandler,
  textStart: number,
): number {
  const n = html.length;
  const onText = handler.text;
  const next = html.charCodeAt(lt + 1);
  if (next === 33 /* ! */ && html.startsWith("<!--", lt)) {
    if (onText !== undefined && lt > textStart) onText.call(handler, textStart, lt);
    const close = html.indexOf("-->", lt + 4);
    return close === -1 ? n : close + 3;
  }
  if (next === 33 /* ! */ || next === 63 /* ? */) {
    if (onText !== undefined && lt > textStart) onText.call(handler, textStart, lt);
    const close = html.indexOf(">", lt + 2);
    return close === -1 ? n : close + 1;
  }
  if (next === 47 /* / */ && isAlpha(html.charCodeAt(lt + 2))) {
    if (onText !== undefined && lt > textStart) onText.call(handler, textStart, lt);
    let j = lt + 2;
    while (j < n && !endsName(html.charCodeAt(j))) j++;
    const name = html.slice(lt + 2, j).toLowerCase();
    const close = html.indexOf(">", j);
    handler.endTag(name);
    return close === -1 ? n : close + 1;
  }
  if (!isAlpha(next)) return -1;
  if (onText !== undefined && lt > textStart) onText.call(handler, textStart, lt);
  let j = lt + 1;
  while (j < n && !endsName(html.charCodeAt(j))) j++;
  const name = html.slice(lt + 1, j).toLowerCase();
  const end = handler.startTag(name, lt, j);
  if (!RAW_TEXT.has(name)) return end;
  const close = indexOfIgnoreCase(html, `</${name}`, end);
  const contentEnd = close === -1 ? n : close;
  if (onText !== undefined && (name === "title" || name === "textarea") && contentEnd > end) {
    onText.call(handler, end, contentEnd);
  }
  return contentEnd;
}

/** Where a tag's attributes go as {@link readAttributes} finds them. */
export interface AttributeSink {
  /** An attribute: its name at `[nameStart, nameEnd)`, its value at `[valueStart, valueEnd)` (-1: bare). */
  add(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void;
}

/** Every attribute of a tag as {@link HtmlAttributes} (values as written). */
export class CollectedAttributes implements AttributeSink {
  readonly html: string;
  readonly attributes = new HtmlAttributes();

  constructor(html: string) {
    this.html = html;
  }

  add(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    const name = this.html.slice(nameStart, nameEnd).toLowerCase();
    this.attributes.add(
      name,
      valueStart === -1 ? undefined : this.html.slice(valueStart, valueEnd),
    );
  }
}

/**
 * Reads the attributes of the start tag whose name ends at `start` into `sink` (or skips them),
 * and returns where the tag ends.
 */
export function readAttributes(
  html: string,
  start: number,
  sink: AttributeSink | undefined,
): number {
  const n = html.length;
  let i = start;
  for (;;) {
    let c = html.charCodeAt(i);
    while (i < n && (isWs(c) || c === 47)) c = html.charCodeAt(++i);
    if (i >= n) return n;
    if (c === 62 /* > */) return i + 1;
    const nameStart = i;
    // A leading `=` belongs to the name (HTML5 tokenizer rule).
    i++;
    while (i < n) {
      const d = html.charCodeAt(i);
      if (endsName(d) || d === 61 /* = */) break;
      i++;
    }
    const nameEnd = i;
    let j = i;
    while (j < n && isWs(html.charCodeAt(j))) j++;
    let valueStart = -1;
    let valueEnd = -1;
    if (html.charCodeAt(j) === 61 /* = */) {
      j++;
      while (j < n && isWs(html.charCodeAt(j))) j++;
      const quote = html.charCodeAt(j);
      if (quote === 34 /* " */ || quote === 39 /* ' */) {
        const close = html.indexOf(quote === 34 ? '"' : "'", j + 1);
        valueStart = j + 1;
        valueEnd = close === -1 ? n : close;
        i = close === -1 ? n : close + 1;
      } else {
        let k = j;
        while (k < n) {
          const d = html.charCodeAt(k);
          if (isWs(d) || d === 62) break;
          k++;
        }
        valueStart = j;
        valueEnd = k;
        i = k;
      }
    }
    sink?.add(nameStart, nameEnd, valueStart, valueEnd);
  }
}

/**
 * {@link tokenizeHtml} with each start tag's attributes collected (the first occurrence of a
 * name winning). Attribute values are returned as written (entities not decoded) because uv
 * decodes them per attribute; text is returned decoded.
 */
export function scanHtml(html: string, visitor: HtmlVisitor): void {
  const onText = visitor.text;
  tokenizeHtml(html, {
    startTag(name, _tagStart, nameEnd) {
      const collected = new CollectedAttributes(html);
      const end = readAttributes(html, nameEnd, collected);
      visitor.start({ kind: "start", name, attributes: collected.attributes });
      return end;
    },
    endTag(name) {
      visitor.end(name);
    },
    ...(onText === undefined
      ? {}
      : {
          text(start: number, end: number) {
            onText.call(visitor, decodeHtmlEntities(html.slice(start, end)));
          },
        }),
  });
}

function indexOfIgnoreCase(haystack: string, needle: string, from: number): number {
  const lower = needle.toLowerCase();
  for (let i = haystack.indexOf("<", from); i !== -1; i = haystack.indexOf("<", i + 1)) {
    if (haystack.slice(i, i + needle.length).toLowerCase() === lower) return i;
  }
  return -1;
}
