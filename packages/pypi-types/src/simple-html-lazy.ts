import { decodeHtmlEntities } from "./html-entities.ts";
import {
  type AttributeSink,
  CollectedAttributes,
  endsName,
  isAlpha,
  readAttributes,
  tokenizeHtml,
} from "./html-scanner.ts";
import {
  type ProjectStatus,
  resolvesWithoutError,
  resolveUrl,
  type SimpleFile,
} from "./simple-file.ts";
import { ProjectStatusReader, parseAnchor, readHref } from "./simple-html.ts";
import { parseTimestampMillis } from "./upload-time.ts";

// A resolution looks at one or a few versions of a package, yet a page lists every file of every
// version. So a page is first read only as far as grouping its files by version and summarising
// their upload times need (the filename and `data-upload-time`), and each file keeps its `<a>`
// tag as written; the rest of the tag is read when its version is asked for
// (`parseHtmlAnchor`). Whatever would make the page unreadable is still checked up front, so a
// malformed page fails when it arrives, as with `parseSimpleHtml`.

/** A file of an HTML page, read only as far as grouping needs. */
export interface LazyHtmlFile {
  /** The filename, as {@link SimpleFile.filename}. */
  readonly filename: string;
  /** {@link SimpleFile.uploadTime} as epoch milliseconds. */
  readonly uploadTime: number | undefined;
  /** The file's `<a ...>` start tag as written; {@link parseHtmlAnchor} reads the rest. */
  readonly anchor: string;
}

/** A PEP 503 HTML page as {@link scanSimpleHtml} reads it. */
export interface LazyHtmlPage {
  /** The URL relative links are resolved against (see {@link SimpleHtmlPage.base}). */
  readonly base: string;
  /** The files, sorted by filename, as in {@link parseSimpleHtml}. */
  readonly files: readonly LazyHtmlFile[];
  readonly projectStatus: ProjectStatus;
}

/**
 * Reads an HTML project page as {@link parseSimpleHtml} does, but each file only as far as its
 * filename and upload time: `parseHtmlAnchor(file.anchor, page.base)` gives the same
 * {@link SimpleFile} that `parseSimpleHtml` would. Throws the same errors for the same pages.
 */
export function scanSimpleHtml(html: string, pageUrl: string | URL): LazyHtmlPage {
  const status = new ProjectStatusReader();
  const anchors: AnchorAttributes[] = [];
  let baseHref: string | undefined;
  let baseDecided = false;
  let inHead = false;
  tokenizeHtml(html, {
    startTag(name, tagStart, nameEnd) {
      if (name === "a") {
        baseDecided = true;
        const anchor = new AnchorAttributes(html, tagStart);
        anchor.end = readAttributes(html, nameEnd, anchor);
        anchors.push(anchor);
        return anchor.end;
      }
      if (name === "meta" || name === "base") {
        const collected = new CollectedAttributes(html);
        const end = readAttributes(html, nameEnd, collected);
        if (name === "meta") {
          if (inHead) status.read({ kind: "start", name, attributes: collected.attributes });
        } else if (!baseDecided) {
          baseDecided = true;
          const href = collected.attributes.get("href");
          if (href !== undefined) baseHref = decodeHtmlEntities(href);
        }
        return end;
      }
      if (name === "head") inHead = true;
      else if (name === "link") baseDecided = true;
      return readAttributes(html, nameEnd, undefined);
    },
    endTag(name) {
      if (name === "head") inHead = false;
    },
  });
  const page = resolveUrl(pageUrl.toString(), pageUrl);
  const base = baseHref === undefined ? page : resolveUrl(baseHref, page);
  const files: LazyHtmlFile[] = [];
  for (const anchor of anchors) {
    const file = readAnchor(anchor, base);
    if (file !== undefined) files.push(file);
  }
  files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return { base, files, projectStatus: status.result() };
}

/**
 * The file an anchor kept by {@link scanSimpleHtml} stands for, relative links resolved against
 * `base` (the page's {@link LazyHtmlPage.base}): what {@link parseSimpleHtml} gives for it.
 * `undefined` for a tag that is not a link.
 */
export function parseHtmlAnchor(anchor: string, base: string): SimpleFile | undefined {
  // What `scanHtml` reads of a text that starts with a start tag, without its visitor.
  if (anchor.charCodeAt(0) !== 60 /* < */ || !isAlpha(anchor.charCodeAt(1))) return undefined;
  let j = 1;
  while (j < anchor.length && !endsName(anchor.charCodeAt(j))) j++;
  if (anchor.slice(1, j).toLowerCase() !== "a") return undefined;
  const collected = new CollectedAttributes(anchor);
  readAttributes(anchor, j, collected);
  return parseAnchor({ kind: "start", name: "a", attributes: collected.attributes }, base, true) as
    | SimpleFile
    | undefined;
}

/**
 * The filename and upload time of an anchor, after the checks `parseAnchor` makes that can fail,
 * in its order: the fragment's hashes, the filename's encoding, the URL.
 */
function readAnchor(anchor: AnchorAttributes, base: string): LazyHtmlFile | undefined {
  const html = anchor.html;
  if (anchor.hrefStart === -1 || anchor.hrefEnd === anchor.hrefStart) return undefined;
  const { path, filename } = readHref(html.slice(anchor.hrefStart, anchor.hrefEnd));
  if (!resolvesWithoutError(path, base)) resolveUrl(path, base);
  const uploadTime =
    anchor.uploadStart === -1
      ? undefined
      : parseTimestampMillis(decodeHtmlEntities(html.slice(anchor.uploadStart, anchor.uploadEnd)));
  return { filename, uploadTime, anchor: html.slice(anchor.start, anchor.end) };
}

/**
 * Where an `<a>` tag is, and where its first `href` and `data-upload-time` attributes' values
 * are (-1: absent or bare). The first occurrence of a name wins, as in `HtmlAttributes`.
 */
class AnchorAttributes implements AttributeSink {
  readonly html: string;
  readonly start: number;
  end = 0;
  #hrefSeen = false;
  hrefStart = -1;
  hrefEnd = -1;
  #uploadSeen = false;
  uploadStart = -1;
  uploadEnd = -1;

  constructor(html: string, start: number) {
    this.html = html;
    this.start = start;
  }

  add(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    const length = nameEnd - nameStart;
    if (length === 4) {
      if (!this.#hrefSeen && namedAt(this.html, nameStart, "href")) {
        this.#hrefSeen = true;
        this.hrefStart = valueStart;
        this.hrefEnd = valueEnd;
      }
    } else if (length === 16) {
      if (!this.#uploadSeen && namedAt(this.html, nameStart, "data-upload-time")) {
        this.#uploadSeen = true;
        this.uploadStart = valueStart;
        this.uploadEnd = valueEnd;
      }
    }
  }
}

/**
 * Whether the text at `start` lower-cases to `name` (ASCII letters, digits and `-`, of the same
 * length). Only ASCII letters lower-case to ASCII letters, but for the Kelvin sign (to `k`),
 * which none of the names read here contain.
 */
function namedAt(html: string, start: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    let c = html.charCodeAt(start + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(k)) return false;
  }
  return true;
}
