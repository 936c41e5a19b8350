import { decodeHtmlEntities } from "./html-entities.ts";

/** A start tag: lower-cased name and attributes (lower-cased names; `undefined` for a bare attribute). */
export interface HtmlStartTag {
  readonly kind: "start";
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string | undefined>;
}

/** One event of {@link scanHtml}. */
export type HtmlEvent =
  | HtmlStartTag
  | { readonly kind: "end"; readonly name: string }
  | { readonly kind: "text"; readonly text: string };

// Elements whose content is not markup: an `<a` inside a script is not a link.
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noembed", "noframes"]);

const isWs = (c: string | undefined): boolean =>
  c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

/**
 * A small, tolerant HTML tokenizer: enough of the HTML5 tokenizer for Simple API and find-links
 * pages (PyPI, devpi, Artifactory, GitLab, CodeArtifact, plain directory listings). It never
 * fails: anything it cannot read as a tag is text. Attribute values are returned as written
 * (entities not decoded) because uv decodes them per attribute; text is returned decoded.
 */
export function* scanHtml(html: string): Generator<HtmlEvent> {
  let i = 0;
  let textStart = 0;
  const n = html.length;
  const flushText = function* (end: number): Generator<HtmlEvent> {
    if (end > textStart)
      yield { kind: "text", text: decodeHtmlEntities(html.slice(textStart, end)) };
  };
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt === -1) break;
    const next = html[lt + 1];
    if (html.startsWith("<!--", lt)) {
      yield* flushText(lt);
      const close = html.indexOf("-->", lt + 4);
      i = textStart = close === -1 ? n : close + 3;
    } else if (next === "!" || next === "?") {
      yield* flushText(lt);
      const close = html.indexOf(">", lt + 2);
      i = textStart = close === -1 ? n : close + 1;
    } else if (next === "/" && isAlpha(html[lt + 2])) {
      yield* flushText(lt);
      let j = lt + 2;
      while (j < n && !isWs(html[j]) && html[j] !== ">" && html[j] !== "/") j++;
      const name = html.slice(lt + 2, j).toLowerCase();
      const close = html.indexOf(">", j);
      i = textStart = close === -1 ? n : close + 1;
      yield { kind: "end", name };
    } else if (isAlpha(next)) {
      yield* flushText(lt);
      const [tag, end] = readStartTag(html, lt + 1);
      yield tag;
      i = textStart = end;
      if (RAW_TEXT.has(tag.name)) {
        const close = indexOfIgnoreCase(html, `</${tag.name}`, i);
        const contentEnd = close === -1 ? n : close;
        if (tag.name === "title" || tag.name === "textarea") {
          yield* flushText(contentEnd);
        }
        i = textStart = contentEnd;
      }
    } else {
      i = lt + 1;
    }
  }
  yield* flushText(n);
}

function readStartTag(html: string, start: number): [HtmlStartTag, number] {
  const n = html.length;
  let i = start;
  while (i < n && !isWs(html[i]) && html[i] !== ">" && html[i] !== "/") i++;
  const name = html.slice(start, i).toLowerCase();
  const attributes = new Map<string, string | undefined>();
  for (;;) {
    while (i < n && (isWs(html[i]) || html[i] === "/")) i++;
    if (i >= n) return [{ kind: "start", name, attributes }, n];
    if (html[i] === ">") return [{ kind: "start", name, attributes }, i + 1];
    const nameStart = i;
    // A leading `=` belongs to the name (HTML5 tokenizer rule).
    i++;
    while (i < n && !isWs(html[i]) && html[i] !== ">" && html[i] !== "/" && html[i] !== "=") i++;
    const attrName = html.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < n && isWs(html[j])) j++;
    let value: string | undefined;
    if (html[j] === "=") {
      j++;
      while (j < n && isWs(html[j])) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        value = html.slice(j + 1, close === -1 ? n : close);
        i = close === -1 ? n : close + 1;
      } else {
        let k = j;
        while (k < n && !isWs(html[k]) && html[k] !== ">") k++;
        value = html.slice(j, k);
        i = k;
      }
    }
    // The first occurrence of an attribute wins; later duplicates are ignored.
    if (!attributes.has(attrName)) attributes.set(attrName, value);
  }
}

function indexOfIgnoreCase(haystack: string, needle: string, from: number): number {
  const lower = needle.toLowerCase();
  for (let i = haystack.indexOf("<", from); i !== -1; i = haystack.indexOf("<", i + 1)) {
    if (haystack.slice(i, i + needle.length).toLowerCase() === lower) return i;
  }
  return -1;
}
