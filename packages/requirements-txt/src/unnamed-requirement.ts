import { fileURLToPath } from "node:url";
import type { ExtraName } from "@uv-ts/normalize";
import {
  expandEnvVars,
  MarkerTree,
  Pep508Error,
  parseVerbatimUrl,
  Requirement,
  splitScheme,
  UrlParseFailure,
  type VerbatimUrl,
} from "@uv-ts/pep508";
import { classifyLocalPath, classifyUrl, type ParsedUrl, ParsedUrlError } from "./parsed-url.ts";
import { isRustWhitespace } from "./scanner.ts";

/**
 * A direct reference written without a package name (`./pkg[extra] ; marker`,
 * `https://example.org/pkg-1.0.whl`), which `requirements.txt` allows and PEP 508 does not. The
 * name is only known once the distribution is built or its filename is read.
 */
export class UnnamedRequirement {
  /** The URL or path, verbatim and resolved. */
  readonly url: VerbatimUrl;
  /** The extras in brackets after the URL, normalised. */
  readonly extras: readonly ExtraName[];
  /** The environment marker; `MarkerTree.TRUE` when absent. */
  readonly marker: MarkerTree;

  constructor(url: VerbatimUrl, extras: readonly ExtraName[], marker: MarkerTree) {
    this.url = url;
    this.extras = extras;
    this.marker = marker;
  }

  /** uv's display: `url[extra1,extra2] ; marker`, the URL as written. */
  toString(): string {
    let out = this.url.given;
    if (this.extras.length > 0) out += `[${this.extras.join(",")}]`;
    if (!this.marker.isTrue()) out += ` ; ${this.marker.toString()}`;
    return out;
  }
}

/** Options for resolving an unnamed requirement's path. */
export interface UnnamedOptions {
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function codePointAt(s: string, i: number): string | undefined {
  const cp = s.codePointAt(i);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

function skipWhitespace(s: string, i: number): number {
  for (let ch = codePointAt(s, i); ch !== undefined && isRustWhitespace(ch); ch = codePointAt(s, i))
    i += ch.length;
  return i;
}

/**
 * The span of the URL: up to a line break, whitespace followed by `;`, `#` or the end, or a `;`
 * or `#` followed by whitespace, counting only outside of brackets (extras). Returns the end of
 * the URL and where scanning stopped (past the character that ended it).
 */
function scanUrl(input: string, start: number): { end: number; next: number } {
  let pos = start;
  let end = start;
  let depth = 0;
  for (let ch = codePointAt(input, pos); ch !== undefined; ch = codePointAt(input, pos)) {
    pos += ch.length;
    if (ch === "\r" || ch === "\n") break;
    if (ch === "[") depth += 1;
    else if (ch === "]") depth = Math.max(0, depth - 1);
    if (depth === 0 && isRustWhitespace(ch)) {
      const after = codePointAt(input, skipWhitespace(input, pos));
      if (after === undefined || after === ";" || after === "#") break;
    }
    end = pos;
    const peek = codePointAt(input, pos);
    if (depth === 0 && (peek === ";" || peek === "#")) {
      const after = codePointAt(input, pos + 1);
      if (after !== undefined && isRustWhitespace(after)) break;
    }
  }
  return { end, next: pos };
}

/** `../pkg[dev]` → `../pkg` and `[dev]`, as pip's `^(.+)(\[[^]]+])$` (uv allows `[]`). */
function splitExtras(given: string): [string, string] | undefined {
  if (!given.endsWith("]")) return undefined;
  for (let i = given.length - 2; i >= 0; i--) {
    if (given[i] === "]") return undefined;
    if (given[i] === "[") return [given.slice(0, i), given.slice(i)];
  }
  return undefined;
}

/**
 * Parses `text` as a requirement named `a` whose tail starts at `offset`, padded so that the
 * offsets in its errors are offsets in `input`. This reuses the PEP 508 grammar for extras and
 * markers without exposing its internals.
 */
function parseTail(input: string, offset: number, tail: string): Requirement {
  // `offset` is at least 1: a URL precedes both the extras and the marker.
  const synthetic = `a${" ".repeat(offset - 1)}${tail}`;
  try {
    return Requirement.parse(synthetic);
  } catch (e) {
    if (!(e instanceof Pep508Error)) throw e;
    throw new Pep508Error(e.reason, input, e.start, e.len, { cause: e.cause });
  }
}

function urlError(input: string, start: number, len: number, error: ParsedUrlError): Pep508Error {
  return new Pep508Error(error.message, input, start, len);
}

/** Parses a `requirements.txt` line that is a URL or path without a name; throws `Pep508Error`. */
export function parseUnnamedRequirement(
  input: string,
  options: UnnamedOptions,
): { requirement: UnnamedRequirement; parsedUrl: ParsedUrl } {
  const start = skipWhitespace(input, 0);
  const { end, next } = scanUrl(input, start);
  const text = input.slice(start, end);
  if (text === "") throw new Pep508Error("Expected URL", input, start, 0);

  const split = splitExtras(text);
  const urlText = split === undefined ? text : split[0];
  let extras: readonly ExtraName[] = [];
  if (split !== undefined) extras = parseTail(input, start + urlText.length, split[1]).extras;

  const verbatim = parseVerbatimUrl(urlText, options);
  if (verbatim instanceof UrlParseFailure) {
    throw new Pep508Error(verbatim.message, input, start, end - start);
  }
  let parsedUrl: ParsedUrl;
  try {
    parsedUrl = classify(verbatim, urlText, options);
  } catch (e) {
    if (e instanceof ParsedUrlError) throw urlError(input, start, end - start, e);
    throw e;
  }

  let marker = MarkerTree.TRUE;
  const pos = skipWhitespace(input, next);
  const ch = codePointAt(input, pos);
  if (ch === ";") {
    marker = parseTail(input, pos, input.slice(pos)).marker;
  } else if (ch !== undefined) {
    const message =
      ch === "#"
        ? "Expected end of input or `;`, found `#`; comments must be preceded by a leading space"
        : `Expected end of input or \`;\`, found \`${ch}\``;
    throw new Pep508Error(message, input, pos, ch.length);
  }
  return { requirement: new UnnamedRequirement(verbatim, extras, marker), parsedUrl };
}

function stripFileHost(path: string): string {
  if (path.startsWith("//localhost/")) return path.slice("//localhost".length);
  if (path.startsWith("//")) return path.slice(2);
  return path;
}

/** Classifies the URL; local paths are named in errors as written (after `${VAR}` expansion). */
function classify(verbatim: VerbatimUrl, urlText: string, options: UnnamedOptions): ParsedUrl {
  if (verbatim.url.protocol !== "file:") return classifyUrl(verbatim.url);
  const expanded = expandEnvVars(urlText, options.env);
  const scheme = splitScheme(expanded);
  let shown = expanded;
  if (scheme !== undefined && scheme[0].toLowerCase() === "file") {
    const path = stripFileHost(scheme[1]);
    try {
      shown = decodeURIComponent(path);
    } catch {
      shown = path;
    }
  }
  const bare = new URL(verbatim.url.href);
  bare.hash = "";
  return classifyLocalPath(verbatim.url, fileURLToPath(bare), shown);
}
