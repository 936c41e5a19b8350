import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { HashError, type Hashes, parseHashFragment } from "./hashes.ts";
import { decodeHtmlEntities } from "./html-entities.ts";
import { type HtmlStartTag, scanHtml } from "./html-scanner.ts";
import {
  type ProjectStatus,
  type ProjectStatusKind,
  projectStatusKind,
  resolveUrl,
  SimpleApiError,
  type SimpleFile,
  type SimpleFileRecord,
} from "./simple-file.ts";
import { percentDecodeUtf8, trimRust } from "./text.ts";
import { parseTimestampMillis } from "./upload-time.ts";

/** A PEP 503 HTML project page (or a find-links page). */
export interface SimpleHtmlPage {
  /** The URL relative links were resolved against: the first `<base href>`, else the page URL. */
  readonly base: string;
  /** The files, sorted by filename (uv sorts them so the order never depends on the server). */
  readonly files: readonly SimpleFile[];
  readonly projectStatus: ProjectStatus;
}

/** {@link SimpleHtmlPage} with upload times as epoch milliseconds ({@link SimpleFileRecord}). */
export interface SimpleHtmlRecords {
  readonly base: string;
  /** The files, sorted by filename. */
  readonly files: readonly SimpleFileRecord[];
  readonly projectStatus: ProjectStatus;
}

/**
 * Parses a PEP 503 HTML project page, or a find-links page, the way uv reads them: every `<a>`
 * with a non-empty `href` is a file; the hash comes from the URL fragment; `data-requires-python`,
 * `data-yanked`, `data-core-metadata` / `data-dist-info-metadata`, `data-size` and
 * `data-upload-time` are read with HTML entities decoded. Tag and attribute names are
 * case-insensitive.
 */
export function parseSimpleHtml(html: string, pageUrl: string | URL): SimpleHtmlPage {
  return parsePage(html, pageUrl, true) as SimpleHtmlPage;
}

/**
 * {@link parseSimpleHtml}, upload times left as epoch milliseconds: for a page that is cached as
 * it was read, and of which a run looks at a few versions.
 */
export function parseSimpleHtmlRecords(html: string, pageUrl: string | URL): SimpleHtmlRecords {
  return parsePage(html, pageUrl, false) as SimpleHtmlRecords;
}

/** A page's files, upload times as `Date`s (`dates`) or as epoch milliseconds. */
function parsePage(
  html: string,
  pageUrl: string | URL,
  dates: boolean,
): Omit<SimpleHtmlPage, "files"> & { readonly files: readonly (SimpleFile | SimpleFileRecord)[] } {
  let baseHref: string | undefined;
  let baseDecided = false;
  const anchors: HtmlStartTag[] = [];
  const status = new ProjectStatusReader();
  let inHead = false;
  scanHtml(html, {
    end(name) {
      if (name === "head") inHead = false;
    },
    start(tag) {
      switch (tag.name) {
        case "head":
          inHead = true;
          break;
        case "meta":
          if (inHead) status.read(tag);
          break;
        case "base":
          // Only the first `<base>`, and only before any link: HTML requires it to come first.
          if (!baseDecided) {
            baseDecided = true;
            const href = tag.attributes.get("href");
            if (href !== undefined) baseHref = decodeHtmlEntities(href);
          }
          break;
        case "a":
          baseDecided = true;
          anchors.push(tag);
          break;
        case "link":
          baseDecided = true;
          break;
      }
    },
  });
  // uv requires an absolute `<base href>`; a relative one is resolved against the page instead.
  const page = resolveUrl(pageUrl.toString(), pageUrl);
  const base = baseHref === undefined ? page : resolveUrl(baseHref, page);
  const files: (SimpleFile | SimpleFileRecord)[] = [];
  for (const anchor of anchors) {
    const file = parseAnchor(anchor, base, dates);
    if (file !== undefined) files.push(file);
  }
  files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return { base, files, projectStatus: status.result() };
}

/** An attribute's value with HTML entities decoded, or `undefined` when absent or bare. */
function attribute(tag: HtmlStartTag, name: string): string | undefined {
  const value = tag.attributes.get(name);
  return value === undefined ? undefined : decodeHtmlEntities(value);
}

/** Whether `text` is `+?[0-9]+`, the form of a `data-size` that is read. */
function isSizeText(text: string): boolean {
  let i = text.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  if (i >= text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * What an anchor's `href` (as written) says before its URL is resolved: the path, the hashes of
 * its fragment and the filename (the last segment, percent-decoded). Throws for a fragment or a
 * filename uv rejects, in uv's order. Without `withHashes`, the fragment is only checked, and
 * `hashes` is empty.
 */
export function readHref(
  href: string,
  withHashes = true,
): {
  path: string;
  hashes: ReturnType<typeof parseFragmentHashes>;
  filename: string;
} {
  const decoded = decodeHtmlEntities(href);
  const hashIndex = decoded.indexOf("#");
  const path = hashIndex === -1 ? decoded : decoded.slice(0, hashIndex);
  let hashes: Hashes;
  if (hashIndex === -1) hashes = withHashes ? {} : NO_HASHES;
  else if (!withHashes && isPlainSha256(decoded, hashIndex + 1)) hashes = NO_HASHES;
  else hashes = parseFragmentHashes(decoded.slice(hashIndex + 1));
  const lastSegment = path.slice(path.lastIndexOf("/") + 1);
  const query = lastSegment.indexOf("?");
  const rawFilename = query === -1 ? lastSegment : lastSegment.slice(0, query);
  const filename = percentDecodeUtf8(rawFilename);
  if (filename === undefined) {
    throw new SimpleApiError(
      "unsupported-filename",
      `Expected distribution filename to be UTF-8: ${rawFilename}`,
    );
  }
  return { path, hashes, filename };
}

/**
 * A file of a page from its `<a>` tag, relative links resolved against `base`; `undefined` for
 * an anchor without an `href`. Shared with the lazy reader ({@link parseHtmlAnchor}).
 */
export function parseAnchor(
  anchor: HtmlStartTag,
  base: string,
  dates: boolean,
): SimpleFile | SimpleFileRecord | undefined {
  const href = anchor.attributes.get("href");
  if (href === undefined || href === "") return undefined;
  const { path, hashes, filename } = readHref(href);

  const requiresPython = attribute(anchor, "data-requires-python");
  const coreMetadata = parseCoreMetadataAttribute(
    attribute(anchor, "data-core-metadata") ?? attribute(anchor, "data-dist-info-metadata"),
  );
  let yanked: boolean | string = false;
  if (anchor.attributes.has("data-yanked")) {
    const reason = attribute(anchor, "data-yanked");
    yanked = reason === undefined || reason === "" ? true : reason;
  }
  // `data-size` and `data-upload-time` are not standard for HTML (PEP 700 covers JSON only);
  // uv reads them when present and ignores values it cannot parse.
  const sizeText = attribute(anchor, "data-size");
  const size = sizeText !== undefined && isSizeText(sizeText) ? Number(sizeText) : undefined;
  const uploadText = attribute(anchor, "data-upload-time");
  const uploadTime = uploadText === undefined ? undefined : parseTimestampMillis(uploadText);

  // Built field by field rather than with conditional spreads (much slower in V8), in the same
  // key order: absent fields stay absent.
  const file: Mutable<Omit<SimpleFileRecord, "uploadTime">> & { uploadTime?: number | Date } = {
    filename,
    url: resolveUrl(path, base),
    hashes,
  };
  if (requiresPython !== undefined) file.requiresPython = requiresPython;
  file.yanked = yanked;
  file.coreMetadata = coreMetadata;
  if (size !== undefined && Number.isSafeInteger(size)) file.size = size;
  if (uploadTime !== undefined) file.uploadTime = dates ? new Date(uploadTime) : uploadTime;
  return file as SimpleFile | SimpleFileRecord;
}

const NO_HASHES: Hashes = Object.freeze({});

/**
 * Whether the fragment at `start` is `sha256=` and a digest without `=` or `%`, which
 * {@link parseFragmentHashes} reads without fail: what indexes write, checked without slicing it.
 */
function isPlainSha256(href: string, start: number): boolean {
  return (
    href.startsWith("sha256=", start) &&
    href.indexOf("=", start + 7) === -1 &&
    href.indexOf("%", start + 7) === -1
  );
}

/** A file being built; `yanked` and `coreMetadata` are set right after. */
type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

/** The hashes of a link's fragment (raw, after `#`); throws uv's errors for unusable ones. */
export function parseFragmentHashes(rawFragment: string): Hashes {
  const fragment = percentDecodeUtf8(rawFragment);
  if (fragment === undefined) {
    throw new SimpleApiError(
      "invalid-fragment",
      `Expected the URL fragment to be UTF-8: ${rawFragment}`,
    );
  }
  if (trimRust(fragment) === "") return {};
  try {
    return parseHashFragment(fragment);
  } catch (error) {
    if (!(error instanceof HashError)) throw error;
    // A fragment that is not `name=value` (`#main`) is not a hash. An `#egg=name` fragment is
    // pip's project-name hint; uv means to skip it too (its check compares the wrong string).
    if (error.kind !== "unsupported-algorithm" || fragment.startsWith("egg=")) return {};
    throw error;
  }
}

function parseCoreMetadataAttribute(value: string | undefined): boolean | Hashes {
  if (value === undefined) return false;
  if (value === "true") return true;
  if (value === "false") return false;
  try {
    return parseHashFragment(value);
  } catch {
    // uv warns and treats the metadata as unavailable.
    return false;
  }
}

/** PEP 792 status from `<meta name="pypi:project-status">` tags in `<head>`, as uv reads them. */
export class ProjectStatusReader {
  #status: ProjectStatusKind | undefined;
  #reason: string | undefined;
  #invalid = false;

  read(meta: HtmlStartTag): void {
    const name = meta.attributes.get("name");
    const content = meta.attributes.get("content");
    if (name === "pypi:project-status") {
      const status = projectStatusKind(
        content === undefined ? undefined : decodeHtmlEntities(content),
      );
      if (status === undefined) this.#invalid = true;
      else this.#status = status;
    } else if (name === "pypi:project-status-reason") {
      if (content === undefined) this.#invalid = true;
      else this.#reason = decodeHtmlEntities(content);
    }
  }

  result(): ProjectStatus {
    // A malformed marker discards the whole status, leaving the default.
    if (this.#invalid || this.#status === undefined) return { status: "active" };
    return this.#reason === undefined
      ? { status: this.#status }
      : { status: this.#status, reason: this.#reason };
  }
}

/**
 * Parses a PEP 503 index root page into project names: the text of each `<a>` with a non-empty
 * `href`, trimmed; texts that are not valid names are skipped. Sorted, as uv sorts them.
 */
export function parseSimpleIndexHtml(html: string): PackageName[] {
  const names: PackageName[] = [];
  let current: { text: string } | undefined;
  const finish = (): void => {
    if (current === undefined) return;
    const text = trimRust(current.text);
    current = undefined;
    if (text === "") return;
    try {
      names.push(parsePackageName(text));
    } catch {
      // Not a project link (navigation, headings); uv skips these too.
    }
  };
  scanHtml(html, {
    start(tag) {
      if (tag.name !== "a") return;
      finish();
      const href = tag.attributes.get("href");
      if (href !== undefined && href !== "") current = { text: "" };
    },
    end(name) {
      if (name === "a") finish();
    },
    text(text) {
      if (current !== undefined) current.text += text;
    },
  });
  finish();
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
