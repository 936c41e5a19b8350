import { createHash, type Hash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PackageName } from "@uv-ts/normalize";
import {
  type ProjectStatus,
  parseSimpleHtml,
  parseSimpleJson,
  SIMPLE_JSON_MEDIA_TYPE,
  type SimpleFile,
  scanSimpleHtmlLinks,
  scanSimpleJson,
} from "@uv-ts/pypi-types";
import { decodeChunks, joinChunks, readBodyChunks } from "./body.ts";
import { BadResponseError } from "./errors.ts";
import { SplitPayload } from "./http-cache/split-payload.ts";
import { headerValue } from "./http-client.ts";
import type { IndexUrl } from "./index-url.ts";
import type { PageThread } from "./page-thread.ts";
import { redactUrl } from "./redact.ts";
import {
  type DistsIndex,
  encodeHtmlLinks,
  GroupedDists,
  type PageDists,
  StoredDists,
} from "./simple-dists.ts";

/**
 * uv's `Accept` for Simple API pages: PEP 691 JSON first, then the versioned HTML, then any
 * HTML (PEP 691 "version format selection").
 */
export const SIMPLE_ACCEPT =
  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/** A Simple API page as served: its body, its media type and the URL that served it. */
export interface SimplePageBody {
  readonly url: string;
  readonly mediaType: "json" | "html";
  readonly body: string;
}

/** A page as parsed, before its files are sorted into versions. */
export interface ParsedSimplePage {
  readonly files: readonly SimpleFile[];
  readonly projectStatus: ProjectStatus;
  /** PEP 700 `versions`, when the page is JSON and lists them. */
  readonly versions?: readonly string[];
}

/** A project page from one index, its distributions grouped by version. */
export interface SimplePage {
  readonly projectStatus: ProjectStatus;
  /** PEP 700 `versions`, when the page is JSON and lists them. */
  readonly versions?: readonly string[];
  readonly dists: PageDists;
}

/**
 * The head of a cached page ({@link SplitPayload}); the tail holds the files, one line per
 * version ({@link encodeDists}). Pages are cached parsed and grouped, as uv caches them, so that
 * a fresh or revalidated entry needs no parsing, and a run decodes only the versions it looks
 * at. A page served again byte for byte (a server or proxy without validators answers every
 * request with the whole page) is neither parsed nor stored again: an HTML page is stored whole
 * and compared with the body as it arrives; a JSON page's entry has the `digest` of its body.
 */
export interface SimplePageHead {
  readonly format: typeof PAGE_FORMAT;
  readonly url: string;
  /** The package whose page it is (HTML pages): its name decides which files count. */
  readonly name?: string;
  /** A digest of the body, the media type, URL and package (JSON pages). */
  readonly digest?: string;
  readonly projectStatus: ProjectStatus;
  readonly versions?: readonly string[];
  readonly dists: DistsIndex;
}

// Bumped when the stored form (or the parser's output) changes: older entries are dropped.
// 4: the files of HTML and JSON pages are stored as the page had them (`<a>` tags, objects).
// 5: an HTML page is stored whole, after a table of its versions' tags (`page`).
const PAGE_FORMAT = 5;

/**
 * The page thread a client reads JSON pages on ({@link PageThread}), which it starts only once
 * pages need reading: a run whose pages are all served again as stored needs none.
 */
export interface PageThreads {
  /** The thread pages go to now, if there is one. */
  current(): PageThread | undefined;
  /** Asks for a thread for the pages that follow (one was read on the main thread). */
  want(): void;
}

/** `<index>/<name>/`: the project page URL (always with the trailing slash). */
export function projectPageUrl(index: IndexUrl, name: PackageName): URL {
  const url = index.secretUrl;
  url.search = "";
  url.hash = "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${encodeURIComponent(name)}/`;
  return url;
}

/** Picks the parser for a `Content-Type`; throws uv's error for anything else. */
export function simpleMediaType(contentType: string | undefined, url: URL): "json" | "html" {
  if (contentType === undefined) {
    throw new BadResponseError(
      "missing-content-type",
      `Missing \`Content-Type\` header for ${redactUrl(url)}`,
    );
  }
  const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (media === SIMPLE_JSON_MEDIA_TYPE) return "json";
  if (media === "application/vnd.pypi.simple.v1+html" || media === "text/html") return "html";
  throw new BadResponseError(
    "unsupported-media-type",
    `Unsupported \`Content-Type\` "${media}" for ${redactUrl(url)}. Expected JSON or HTML.`,
  );
}

/**
 * A payload just read from a response: it also carries the page as opened, which this run then
 * uses instead of opening the payload's tail again.
 */
class FreshPagePayload extends SplitPayload {
  readonly name: PackageName;
  readonly page: SimplePage;

  constructor(
    head: SimplePageHead,
    tail: Buffer | readonly Uint8Array[],
    name: PackageName,
    page: SimplePage,
  ) {
    super(head, tail);
    this.name = name;
    this.page = page;
  }
}

/**
 * Reads a page response into its cache payload, reusing `previous` (the cached payload of the
 * same URL, if any) when the body is the one it was made from. `onBody` is called once the body
 * has arrived, before it is parsed (to hand a network slot on).
 */
export async function readSimplePage(
  res: {
    readonly url: URL;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly body: Parameters<typeof readBodyChunks>[0]["body"];
    readonly status: number;
  },
  previous: unknown,
  name: PackageName,
  onBody?: () => void,
  threads?: PageThreads,
): Promise<SplitPayload> {
  const mediaType = simpleMediaType(headerValue(res, "content-type"), res.url);
  const url = res.url.href;
  // Checked as it arrives, so that a page served again byte for byte is never joined into one
  // buffer, let alone parsed: an HTML page against the stored one (comparing costs a fraction
  // of hashing, and a new page nothing), any other by its digest.
  const stored = mediaType === "html" ? storedHtml(previous, url, name) : undefined;
  const digestPrefix = `${PAGE_FORMAT}\n${mediaType}\n${url}\n${name}\n`;
  // A page with no stored digest to compare with is read in full anyway: with a page thread,
  // its digest is taken there, with the rest.
  const thread = mediaType === "json" && !hasDigest(previous) ? threads?.current() : undefined;
  const hash =
    mediaType === "html" || thread !== undefined
      ? undefined
      : createHash("sha256").update(digestPrefix);
  // How much of `stored` the body has matched so far; -1 once it differs.
  let matched = 0;
  const onChunk =
    hash !== undefined
      ? (chunk: Buffer) => hash.update(chunk)
      : stored !== undefined
        ? (chunk: Buffer) => {
            if (matched === -1) return;
            const end = matched + chunk.length;
            const same =
              end <= stored.length && stored.compare(chunk, 0, chunk.length, matched, end) === 0;
            matched = same ? end : -1;
          }
        : undefined;
  const body = await readBodyChunks(res, onChunk);
  onBody?.();
  if (stored !== undefined && matched === stored.length) return previous as SplitPayload;
  const digest = hash?.digest("base64url");
  if (
    digest !== undefined &&
    previous instanceof SplitPayload &&
    (previous.head as Partial<SimplePageHead> | null)?.digest === digest &&
    openSimplePage(previous, name) !== undefined
  ) {
    return previous;
  }
  if (mediaType === "html") {
    const bytes = joinChunks(body);
    const payload: SimplePageBody = { url, mediaType, body: bytes.toString("utf8") };
    const { page, index, tail } = encodeHtmlPage(payload, bytes, name);
    const head: SimplePageHead = {
      format: PAGE_FORMAT,
      url,
      name,
      projectStatus: page.projectStatus,
      dists: index,
    };
    return new FreshPagePayload(head, tail, name, page);
  }
  const reader = thread ?? threads?.current();
  const read =
    reader === undefined
      ? undefined
      : await reader.read(body, url, name, digest === undefined ? digestPrefix : undefined);
  if (read !== undefined) {
    const tail = Buffer.from(read.tail);
    return jsonPagePayload(url, name, read.digest ?? digest, read, read.index, tail);
  }
  // No thread, or one that could not read the page: it is read here, and fails here with the
  // errors it always had. Pages that follow go to a thread, if one can be had.
  threads?.want();
  const ownDigest = digest ?? bodyDigest(createHash("sha256").update(digestPrefix), body.chunks);
  const page = scanJsonPage({ url, mediaType, body: decodeChunks(body) }, name);
  const { index, tail } = page.dists.encode();
  return jsonPagePayload(url, name, ownDigest, page, index, tail);
}

/**
 * The payload of a JSON page just encoded, here or on a page thread. The page is opened from
 * what was encoded, as a later run opens it (a version decoded when asked for): the page's
 * objects are then garbage at once, where kept they stayed in the heap (and were copied by
 * collections) for the whole run: ~4 MB for the 8 biggest pages of a 37-project install.
 */
function jsonPagePayload(
  url: string,
  name: PackageName,
  digest: string | undefined,
  page: { readonly projectStatus: ProjectStatus; readonly versions?: readonly string[] },
  index: DistsIndex,
  tail: Buffer,
): FreshPagePayload {
  const dists = StoredDists.open(index, tail, name);
  if (dists === undefined) throw new Error("a page's encoded files do not fit their index");
  const versions = page.versions === undefined ? {} : { versions: page.versions };
  const head: SimplePageHead = {
    format: PAGE_FORMAT,
    url,
    ...(digest === undefined ? {} : { digest }),
    projectStatus: page.projectStatus,
    ...versions,
    dists: index,
  };
  return new FreshPagePayload(head, tail, name, {
    projectStatus: page.projectStatus,
    ...versions,
    dists,
  });
}

function bodyDigest(hash: Hash, chunks: readonly Buffer[]): string {
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest("base64url");
}

/** Whether `previous` is a stored page with a body digest to compare a new body with. */
function hasDigest(previous: unknown): boolean {
  if (!(previous instanceof SplitPayload)) return false;
  return typeof (previous.head as Partial<SimplePageHead> | null)?.digest === "string";
}

/**
 * The bytes of the HTML page `previous` (a cached payload) was made from, when it is `name`'s
 * page from `url` and opens; `undefined` for anything else.
 */
function storedHtml(previous: unknown, url: string, name: PackageName): Buffer | undefined {
  if (!(previous instanceof SplitPayload)) return undefined;
  const head = previous.head as Partial<SimplePageHead> | null;
  if (head?.url !== url || head.name !== name) return undefined;
  const dists = openSimplePage(previous, name)?.dists;
  return dists instanceof StoredDists ? dists.pageBytes() : undefined;
}

/**
 * Pages opened from stored payloads: the look-ahead's cache-only read and the fetch that finds
 * the same page again share one payload, and so one page and the files it has decoded.
 */
const OPENED = new WeakMap<
  SplitPayload,
  { readonly name: PackageName; readonly page: SimplePage }
>();

function openSimplePage(payload: unknown, name: PackageName): SimplePage | undefined {
  if (payload instanceof FreshPagePayload && payload.name === name) return payload.page;
  if (!(payload instanceof SplitPayload)) return undefined;
  const opened = OPENED.get(payload);
  if (opened !== undefined && opened.name === name) return opened.page;
  const page = openStoredPage(payload, name);
  if (page !== undefined) OPENED.set(payload, { name, page });
  return page;
}

function openStoredPage(payload: SplitPayload, name: PackageName): SimplePage | undefined {
  const head = payload.head as Partial<SimplePageHead> | null;
  if (
    typeof head !== "object" ||
    head === null ||
    head.format !== PAGE_FORMAT ||
    (head.digest !== undefined && typeof head.digest !== "string") ||
    typeof head.projectStatus !== "object" ||
    head.projectStatus === null ||
    (head.versions !== undefined && !Array.isArray(head.versions))
  ) {
    return undefined;
  }
  const dists = StoredDists.open(head.dists, payload.tail, name);
  if (dists === undefined) return undefined;
  return {
    projectStatus: head.projectStatus,
    ...(head.versions === undefined ? {} : { versions: head.versions }),
    dists,
  };
}

/** The page a cached (or just read) payload of `name`'s page holds; throws for anything else. */
export function decodeSimplePage(payload: unknown, name: PackageName): SimplePage {
  const page = openSimplePage(payload, name);
  if (page === undefined) throw new Error("not a cached Simple API page");
  return page;
}

/** Parses a page body (PEP 691 JSON or PEP 503 HTML). */
export function parseSimplePage(payload: SimplePageBody): ParsedSimplePage {
  return readPage(payload, () => {
    if (payload.mediaType === "json") {
      const page = parseSimpleJson(payload.body, payload.url);
      return {
        files: page.files,
        projectStatus: page.projectStatus,
        ...(page.versions === undefined ? {} : { versions: page.versions }),
      };
    }
    const page = parseSimpleHtml(payload.body, payload.url);
    return { files: page.files, projectStatus: page.projectStatus };
  });
}

/**
 * A PEP 691 JSON page, grouped by version, each file read only as far as grouping needs (the
 * rest is read when a version is asked for); the same pages fail, with the same errors.
 */
function scanJsonPage(
  payload: SimplePageBody,
  name: PackageName,
): SimplePage & { readonly dists: GroupedDists } {
  const page = readPage(payload, () => scanSimpleJson(payload.body, payload.url));
  return {
    projectStatus: page.projectStatus,
    ...(page.versions === undefined ? {} : { versions: page.versions }),
    dists: GroupedDists.fromJson(page.files, payload.url, name),
  };
}

/**
 * An HTML page grouped and encoded in one go, then opened as a stored page would be: a big
 * page's files never become objects until their version is asked for. `bytes` is the body's
 * UTF-8 encoding.
 */
function encodeHtmlPage(
  payload: SimplePageBody,
  bytes: Buffer,
  name: PackageName,
): { readonly page: SimplePage; readonly index: DistsIndex; readonly tail: Buffer[] } {
  const links = readPage(payload, () => scanSimpleHtmlLinks(payload.body, payload.url));
  const { index, table, page } = encodeHtmlLinks(links, payload.body, bytes, name);
  // Read from the bytes (kept for the cache anyway), not the text, which is then let go.
  const dists = StoredDists.openPage(index, table, page, name);
  if (dists === undefined) throw new Error("a page's encoded files do not fit their index");
  return { page: { projectStatus: links.projectStatus, dists }, index, tail: [table, page] };
}

/** Runs a page parser, its errors wrapped as uv reports a page it cannot read. */
function readPage<T>(payload: SimplePageBody, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const [code, kind] = payload.mediaType === "json" ? ["bad-json", "JSON"] : ["bad-html", "HTML"];
    throw new BadResponseError(
      code,
      `Received some unexpected ${kind} from ${redactUrl(payload.url)}`,
      { cause: error },
    );
  }
}

/**
 * Reads a project page from a local index directory laid out like PEP 503
 * (`<dir>/<name>/index.html`); `undefined` when the project has no directory.
 */
export async function readLocalSimplePage(
  index: IndexUrl,
  name: PackageName,
): Promise<SimplePage | undefined> {
  const dir = index.path as string;
  const pageUrl = projectPageUrl(index, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, name, "index.html"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const payload: SimplePageBody = {
    url: pageUrl.href,
    mediaType: "html",
    body: bytes.toString("utf8"),
  };
  return encodeHtmlPage(payload, bytes, name).page;
}
