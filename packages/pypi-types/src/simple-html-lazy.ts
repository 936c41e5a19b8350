import { isCanonicalHttpUrl } from "./canonical-url.ts";
import { decodeHtmlEntities } from "./html-entities.ts";
import {
  type AttributeSink,
  CollectedAttributes,
  endsName,
  type HtmlTokenHandler,
  isAlpha,
  isWs,
  readAttributes,
  readMarkup,
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
  const links = scanSimpleHtmlLinks(html, pageUrl);
  const files: LazyHtmlFile[] = [];
  for (let i = 0; i < links.filenames.length; i++) {
    files.push({
      filename: links.filenames[i] as string,
      uploadTime: links.uploadTimes[i],
      anchor: html.slice(links.starts[i], links.ends[i]),
    });
  }
  files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return { base: links.base, files, projectStatus: links.projectStatus };
}

/**
 * The files of a page as {@link scanSimpleHtml} reads them, in page order rather than sorted, one
 * array per field rather than an object per file: for a reader that sorts them its own way
 * (by version, then by filename) and keeps only their tags' positions.
 */
export interface HtmlPageLinks {
  /** {@link LazyHtmlPage.base}. */
  readonly base: string;
  readonly projectStatus: ProjectStatus;
  /** The files' {@link LazyHtmlFile.filename}s, in page order. */
  readonly filenames: readonly string[];
  /** The files' {@link LazyHtmlFile.uploadTime}s. */
  readonly uploadTimes: readonly (number | undefined)[];
  /** Where each file's `<a ...>` tag ({@link LazyHtmlFile.anchor}) starts in the page... */
  readonly starts: readonly number[];
  /** ... and ends. */
  readonly ends: readonly number[];
}

/** {@link scanSimpleHtml}, its files as {@link HtmlPageLinks}; the same errors. */
export function scanSimpleHtmlLinks(html: string, pageUrl: string | URL): HtmlPageLinks {
  const status = new ProjectStatusReader();
  const anchors: AnchorTag[] = [];
  let baseHref: string | undefined;
  let baseDecided = false;
  let inHead = false;
  const handler: HtmlTokenHandler = {
    startTag(name, tagStart, nameEnd) {
      if (name === "a") {
        baseDecided = true;
        const anchor = new AnchorAttributes(html);
        const end = readAttributes(html, nameEnd, anchor);
        anchors.push({ start: tagStart, end, href: anchor.href, upload: anchor.upload });
        return end;
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
  };
  // `tokenizeHtml`, with shortcuts for what a page is mostly made of (`<a ...>`, `</a>`,
  // `<br/>`): a big page has thousands of each, and reading them as general tags is most of
  // the time it takes to read the page the first time, before the code is optimised.
  const anchor = SIMPLE_ANCHOR;
  let i = 0;
  for (;;) {
    const lt = html.indexOf("<", i);
    if (lt === -1) break;
    const c1 = html.charCodeAt(lt + 1);
    const c2 = html.charCodeAt(lt + 2);
    if (c1 === 97 /* a */ && isWs(c2)) {
      anchor.lastIndex = lt;
      const m = anchor.exec(html);
      if (m !== null) {
        baseDecided = true;
        i = anchor.lastIndex;
        anchors.push({ start: lt, end: i, href: m[1], upload: m[2] });
        continue;
      }
    } else if (c1 === 47 /* / */ && c2 === 97 /* a */ && html.charCodeAt(lt + 3) === 62 /* > */) {
      i = lt + 4;
      continue;
    } else if (c1 === 98 /* b */ && c2 === 114 /* r */) {
      const c3 = html.charCodeAt(lt + 3);
      if (c3 === 62 /* > */) {
        i = lt + 4;
        continue;
      }
      if (c3 === 47 /* / */ && html.charCodeAt(lt + 4) === 62 /* > */) {
        i = lt + 5;
        continue;
      }
    }
    const next = readMarkup(html, lt, handler, 0);
    i = next === -1 ? lt + 1 : next;
  }
  const page = resolveUrl(pageUrl.toString(), pageUrl);
  const base = baseHref === undefined ? page : resolveUrl(baseHref, page);
  const filenames: string[] = [];
  const uploadTimes: (number | undefined)[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const origins = new KnownOrigin();
  for (const tag of anchors) {
    const filename = readAnchor(tag, base, origins);
    if (filename === undefined) continue;
    const upload = tag.upload;
    filenames.push(filename);
    uploadTimes.push(
      upload === undefined ? undefined : parseTimestampMillis(decodeHtmlEntities(upload)),
    );
    starts.push(tag.start);
    ends.push(tag.end);
  }
  return { base, projectStatus: status.result(), filenames, uploadTimes, starts, ends };
}

// HTML whitespace (space, tab, LF, CR, FF), spelled out: `\s` takes more.
const WS = "[ \\t\\n\\r\\f]";
/** An attribute other than `href` and `data-upload-time`, lower-case, its value double-quoted. */
const OTHER = `${WS}+(?!(?:href|data-upload-time)(?![a-z0-9-]))[a-z][a-z0-9-]*(?:="[^"]*")?`;

/**
 * An `<a>` tag as indexes write it: lower-case names, values in double quotes, `href` first and
 * `data-upload-time` at most once; the values of those two captured. For such a tag the general
 * reader (`readAttributes`) ends where the match ends and finds the same two values (each is the
 * first of its name, as no other has it); anything else is left to it.
 */
const SIMPLE_ANCHOR = new RegExp(
  `<a${WS}+href="([^"]*)"(?:${OTHER})*(?:${WS}+data-upload-time="([^"]*)"(?:${OTHER})*)?[ \\t\\n\\r\\f/]*>`,
  "y",
);

/** An `<a>` tag of a page: where it is, and its first `href` and `data-upload-time` values. */
interface AnchorTag {
  readonly start: number;
  readonly end: number;
  /** As written; `undefined` when absent or bare. */
  readonly href: string | undefined;
  readonly upload: string | undefined;
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
 * The filename of an anchor (`undefined`: not a link), after the checks `parseAnchor` makes
 * that can fail, in its order: the fragment's hashes, the filename's encoding, the URL.
 */
function readAnchor(anchor: AnchorTag, base: string, origins: KnownOrigin): string | undefined {
  const href = anchor.href;
  if (href === undefined || href === "") return undefined;
  const { path, filename } = readHref(href, false);
  if (!origins.resolves(path) && !resolvesWithoutError(path, base)) resolveUrl(path, base);
  origins.learn(path);
  return filename;
}

/**
 * The `http(s)://host/` that the page's absolute links last started with, once known to parse:
 * a link that starts with it resolves without error whatever its path, query and fragment (the
 * URL parser fails only on a scheme or an authority). A page's links nearly all share one, and
 * checking the whole of each link (`resolvesWithoutError`) was a good part of reading a page.
 */
export class KnownOrigin {
  #prefix: string | undefined;

  /** Whether `href` starts with the known origin (and so resolves against any base). */
  resolves(href: string): boolean {
    const prefix = this.#prefix;
    return prefix !== undefined && href.startsWith(prefix);
  }

  /** Remembers the origin of `href` when it is one that surely parses. */
  learn(href: string): void {
    if (this.resolves(href)) return;
    const scheme = href.startsWith("https://") ? 8 : href.startsWith("http://") ? 7 : 0;
    if (scheme === 0) return;
    const slash = href.indexOf("/", scheme);
    if (slash === -1) return;
    const prefix = href.slice(0, slash + 1);
    // The origin alone as a canonical URL: its host is plain (no user, port, `xn--` label, IP
    // address or character the parser would change), and it ends where the authority ends.
    if (isCanonicalHttpUrl(prefix)) this.#prefix = prefix;
  }
}

/**
 * The first `href` and `data-upload-time` values of an `<a>` tag (`undefined`: absent or bare),
 * as written. The first occurrence of a name wins, as in `HtmlAttributes`.
 */
class AnchorAttributes implements AttributeSink {
  readonly html: string;
  #hrefSeen = false;
  href: string | undefined = undefined;
  #uploadSeen = false;
  upload: string | undefined = undefined;

  constructor(html: string) {
    this.html = html;
  }

  add(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    const length = nameEnd - nameStart;
    if (length === 4) {
      if (!this.#hrefSeen && namedAt(this.html, nameStart, "href")) {
        this.#hrefSeen = true;
        if (valueStart !== -1) this.href = this.html.slice(valueStart, valueEnd);
      }
    } else if (length === 16) {
      if (!this.#uploadSeen && namedAt(this.html, nameStart, "data-upload-time")) {
        this.#uploadSeen = true;
        if (valueStart !== -1) this.upload = this.html.slice(valueStart, valueEnd);
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
