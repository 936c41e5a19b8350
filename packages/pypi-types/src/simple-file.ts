import { UvError, type UvErrorOptions } from "@uv-ts/error";
import { isCanonicalHttpUrl } from "./canonical-url.ts";
import type { Hashes } from "./hashes.ts";

/**
 * One distribution file on a Simple API project page, from either the PEP 691 JSON form or the
 * PEP 503 HTML form (including find-links pages).
 */
export interface SimpleFile {
  /** The filename, percent-decoded (`torchtext-0.17.0+cpu-...whl`). */
  readonly filename: string;
  /** Absolute URL of the file, resolved against the page's base URL, without the hash fragment. */
  readonly url: string;
  readonly hashes: Hashes;
  /** `requires-python` as the index wrote it (HTML entities decoded); parse it leniently. */
  readonly requiresPython?: string;
  /** `false`, `true` (yanked, no reason given) or the reason. */
  readonly yanked: boolean | string;
  /** PEP 658/714: whether `<url>.metadata` exists, and its hashes when the index gave them. */
  readonly coreMetadata: boolean | Hashes;
  /** PEP 700 size in bytes. */
  readonly size?: number;
  /** PEP 700 upload time (millisecond precision). */
  readonly uploadTime?: Date;
}

/**
 * A {@link SimpleFile} with its upload time as epoch milliseconds, as the page parsers' record
 * forms give it: what a page's files are cached as, built without a `Date` per file.
 */
export type SimpleFileRecord = Omit<SimpleFile, "uploadTime"> & { readonly uploadTime?: number };

/** PEP 792 project status. */
export type ProjectStatusKind = "active" | "archived" | "quarantined" | "deprecated";

/** PEP 792 project status and its optional reason. */
export interface ProjectStatus {
  readonly status: ProjectStatusKind;
  readonly reason?: string;
}

/** Reads a PEP 792 status marker; unknown markers count as `active`, as uv does. */
export function projectStatusKind(value: string | undefined): ProjectStatusKind | undefined {
  switch (value) {
    case "active":
    case "archived":
    case "quarantined":
    case "deprecated":
      return value;
    default:
      return undefined;
  }
}

/** A Simple API page (JSON or HTML) that could not be read. */
export class SimpleApiError extends UvError {
  constructor(code: string, message: string, options: UvErrorOptions = {}) {
    super(`pypi-types.${code}`, message, options);
  }
}

/** Whether a file is yanked (`yanked` is `true` or a reason). */
export function isYanked(file: Pick<SimpleFile, "yanked">): boolean {
  return file.yanked !== false;
}

/** Whether the index serves the file's core metadata separately (PEP 658). */
export function hasCoreMetadata(file: Pick<SimpleFile, "coreMetadata">): boolean {
  return file.coreMetadata !== false;
}

/** Resolves `href` against `base`; throws `Failed to parse URL: ...` when it cannot be. */
export function resolveUrl(href: string, base: string | URL): string {
  if (isCanonicalHttpUrl(href)) return href;
  try {
    return new URL(href, base).href;
  } catch (error) {
    throw new SimpleApiError("invalid-url", `Failed to parse URL: ${href}`, { cause: error });
  }
}

/**
 * Whether `resolveUrl(href, base)` is known to succeed without parsing: `href` is a canonical
 * `http(s)` URL, or a path-relative or path-absolute reference (no scheme, no authority, nothing
 * the URL parser strips or removes) and `base` a `http:`, `https:` or `file:` URL, against which
 * such a reference only sets the path and query, which never fails. `false` only means "not
 * known": the caller then resolves it.
 */
export function resolvesWithoutError(href: string, base: string): boolean {
  if (isCanonicalHttpUrl(href)) return true;
  if (!(base.startsWith("https://") || base.startsWith("http://") || base.startsWith("file://"))) {
    return false;
  }
  const first = href.charCodeAt(0);
  // A control character or space is stripped at the start; `/` or `\` twice starts a host.
  if (!(first > 0x20) || first === 0x7f) return false;
  if ((first === 0x2f || first === 0x5c) && (href[1] === "/" || href[1] === "\\")) return false;
  // `:` may end a scheme; tabs and newlines are removed anywhere, which could make either.
  return !UNSAFE_RELATIVE.test(href);
}

const UNSAFE_RELATIVE = /[:\t\n\r]/;
