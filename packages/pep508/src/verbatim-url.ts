import { posix } from "node:path";
import { pathToFileURL } from "node:url";

/** A direct-reference URL: the parsed form plus the text exactly as the user wrote it. */
export interface VerbatimUrl {
  /** The URL as written, before `${VAR}` expansion. */
  readonly given: string;
  /** The parsed URL; relative paths are resolved against the working directory. */
  readonly url: URL;
}

/** Options for turning the text after `@` into a URL. */
export interface UrlOptions {
  /** Directory that relative paths are resolved against; without it they are an error, as in uv. */
  readonly workingDir?: string | undefined;
  /**
   * Variables for `${NAME}` expansion (uv expands them from the process environment). Without it,
   * nothing is expanded.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Why the text after `@` is not a usable URL; the message is the URL parser's, as uv shows it. */
export class UrlParseFailure {
  readonly message: string;

  constructor(message: string) {
    this.message = message;
  }
}

// The URL schemes uv treats as URLs rather than as (Windows-drive-like) paths.
const KNOWN_SCHEMES = new Set([
  "file",
  "http",
  "https",
  "bzr+http",
  "bzr+https",
  "bzr+ssh",
  "bzr+sftp",
  "bzr+ftp",
  "bzr+lp",
  "bzr+file",
  "hg+file",
  "hg+http",
  "hg+https",
  "hg+ssh",
  "hg+static-http",
  "svn+ssh",
  "svn+http",
  "svn+https",
  "svn+svn",
  "svn+file",
]);

function isKnownScheme(scheme: string): boolean {
  return scheme.startsWith("git+") || KNOWN_SCHEMES.has(scheme);
}

/** Splits `scheme:rest` the way the WHATWG URL parser finds a scheme, or `undefined`. */
export function splitScheme(s: string): [scheme: string, rest: string] | undefined {
  const trimmed = s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed);
  if (match === null || match[1] === undefined) return undefined;
  return [match[1], trimmed.slice(match[1].length + 1)];
}

/** Replaces `${NAME}` (uppercase, digits, `_`) with its value from `env`, leaving unknown ones. */
export function expandEnvVars(
  s: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return s.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => env[name] ?? whole);
}

function fromPath(
  path: string,
  fragment: string | undefined,
  options: UrlOptions,
): URL | UrlParseFailure {
  let absolute: string;
  if (posix.isAbsolute(path)) {
    absolute = posix.normalize(path);
  } else if (options.workingDir !== undefined) {
    absolute = posix.resolve(options.workingDir, path);
  } else {
    return new UrlParseFailure(`relative path without a working directory: ${path}`);
  }
  const url = pathToFileURL(absolute);
  if (fragment !== undefined) url.hash = fragment;
  return url;
}

function splitFragment(path: string): [string, string | undefined] {
  const hash = path.indexOf("#");
  return hash === -1 ? [path, undefined] : [path.slice(0, hash), path.slice(hash + 1)];
}

function stripHost(path: string): string {
  if (path.startsWith("//localhost/")) return path.slice("//localhost".length);
  if (path.startsWith("//")) return path.slice(2);
  return path;
}

/**
 * The reason Rust's `url` crate gives for a string it rejects, as far as the WHATWG parser's
 * failure can be told apart: uv shows it as the cause of an invalid `--index-url`.
 */
export function invalidUrlReason(text: string): string {
  const trimmed = text.trim();
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)) return "relative URL without a base";
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/*([^/?#]*)/.exec(trimmed)?.[1] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    const port = close === -1 ? "" : hostPort.slice(close + 1);
    return close === -1 || port === "" || /^:\d{0,5}$/.test(port)
      ? "invalid IPv6 address"
      : "invalid port number";
  }
  const colon = hostPort.lastIndexOf(":");
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const port = colon === -1 ? "" : hostPort.slice(colon + 1);
  if (!/^\d*$/.test(port) || (port !== "" && Number(port) > 65535)) return "invalid port number";
  if (host === "") return "empty host";
  return "invalid international domain name";
}

/**
 * Parses the text after `@` as uv does: known schemes are URLs, `file:` URLs and everything else
 * are paths (relative ones resolved against `workingDir`).
 */
export function parseVerbatimUrl(
  given: string,
  options: UrlOptions = {},
): VerbatimUrl | UrlParseFailure {
  const expanded = options.env === undefined ? given : expandEnvVars(given, options.env);
  const split = splitScheme(expanded);
  let url: URL | UrlParseFailure;
  if (split !== undefined && split[0] === "file") {
    const [path, fragment] = splitFragment(split[1]);
    let decoded: string;
    try {
      decoded = decodeURIComponent(stripHost(path));
    } catch {
      decoded = stripHost(path);
    }
    url = fromPath(decoded, fragment, options);
  } else if (split !== undefined && isKnownScheme(split[0])) {
    url = URL.canParse(expanded)
      ? new URL(expanded)
      : new UrlParseFailure(invalidUrlReason(expanded));
  } else {
    const [path, fragment] = splitFragment(expanded);
    url = fromPath(path, fragment, options);
  }
  return url instanceof UrlParseFailure ? url : { given, url };
}
