import {
  type ExtraName,
  type PackageName,
  parseExtraName,
  parsePackageName,
} from "@uv-ts/normalize";
import { VersionSpecifier, VersionSpecifiers } from "@uv-ts/pep440";
import { isAsciiAlphanumeric, isAsciiAlphanumericCode, isWhitespace } from "./chars.ts";
import { Cursor } from "./cursor.ts";
import { parseMarkersCursor } from "./marker-parse.ts";
import { MarkerTree } from "./marker-tree.ts";
import { Pep508Error } from "./pep508-error.ts";
import {
  parseVerbatimUrl,
  splitScheme,
  type UrlOptions,
  UrlParseFailure,
  type VerbatimUrl,
} from "./verbatim-url.ts";

/** The parts of a requirement, before they become a `Requirement`. */
export interface RequirementParts {
  readonly name: PackageName;
  readonly extras: readonly ExtraName[];
  readonly version: VersionSpecifiers | undefined;
  readonly url: VerbatimUrl | undefined;
  readonly marker: MarkerTree;
}

const UNNAMED_URL =
  "URL requirement must be preceded by a package name. Add the name of the package before the URL (e.g., `package_name @ https://...`).";
const UNNAMED_PATH =
  "URL requirement must be preceded by a package name. Add the name of the package before the URL (e.g., `package_name @ /path/to/file`).";

/**
 * Where the run of name characters (ASCII letters, digits, `.`, `-`, `_`) starting at `pos` ends.
 * They are all ASCII, so a code unit scan stops where a code point walk would.
 */
function skipNameChars(input: string, pos: number): number {
  for (; pos < input.length; pos++) {
    const c = input.charCodeAt(pos);
    if (!(isAsciiAlphanumericCode(c) || c === 46 || c === 45 || c === 95)) break;
  }
  return pos;
}

/** Rust's `Path::extension` of the last path component. */
function extension(file: string): [stem: string, ext: string] | undefined {
  const name = file.slice(file.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** Whether a bare name is really an archive file name (`requests-2.26.0.tar.gz`). */
export function looksLikeArchive(file: string): boolean {
  const outer = extension(file);
  if (outer === undefined) return false;
  const [stem, ext] = outer;
  if (["whl", "zip", "tgz", "tar"].includes(ext)) return true;
  return ext === "gz" && extension(stem)?.[1] === "tar";
}

/** Whether the text at the cursor looks like a path or URL written without a package name. */
function looksLikeUnnamedRequirement(cursor: Cursor): boolean {
  const start = cursor.takeWhile((ch) => !isWhitespace(ch));
  let url = cursor.slice(start, cursor.pos);
  if (url.endsWith("]")) {
    const open = url.lastIndexOf("[");
    if (open !== -1 && !url.slice(open, -1).includes("]")) url = url.slice(0, open);
  }
  const first = url[0];
  if (first === undefined) return false;
  if (first === "\\" || first === "/" || first === ".") return true;
  if (splitScheme(url) !== undefined) return true;
  if (url.includes("/") || url.includes("\\")) return true;
  return looksLikeArchive(url);
}

function parseName(cursor: Cursor): PackageName {
  const start = cursor.pos;
  const first = cursor.next();
  if (first === undefined) throw cursor.error("Empty field is not allowed for PEP508", 0, 1);
  if (!isAsciiAlphanumeric(first)) {
    const probe = new Cursor(cursor.input, start);
    if (looksLikeUnnamedRequirement(probe))
      throw cursor.error(UNNAMED_PATH, start, probe.pos - start);
    throw cursor.error(
      `Expected package name starting with an alphanumeric character, found \`${first}\``,
      start,
      first.length,
    );
  }
  cursor.pos = skipNameChars(cursor.input, cursor.pos);
  const name = cursor.slice(start, cursor.pos);
  const last = name[name.length - 1] ?? "";
  if (!isAsciiAlphanumeric(last)) {
    throw cursor.error(
      `Package name must end with an alphanumeric character, not \`${last}\``,
      cursor.pos - 1,
      1,
    );
  }
  return parsePackageName(name);
}

/** `'[' wsp* (extra (wsp* ',' wsp* extra)*)? wsp* ']'`; empty brackets are allowed. */
function parseExtras(cursor: Cursor): ExtraName[] {
  const bracket = cursor.pos;
  if (!cursor.eat("[")) return [];
  cursor.eatWhitespace();
  const extras: ExtraName[] = [];
  for (let first = true; ; first = false) {
    if (cursor.eat("]")) break;
    const pos = cursor.pos;
    const sep = cursor.peek();
    if (sep === "," && first) {
      throw cursor.error(
        "Expected either alphanumerical character (starting the extra name) or `]` (ending the extras section), found `,`",
        pos,
        1,
      );
    }
    if (sep === ",") {
      cursor.next();
    } else if (sep !== undefined && !first) {
      throw cursor.error(
        `Expected either \`,\` (separating extras) or \`]\` (ending the extras section), found \`${sep}\``,
        pos,
        sep.length,
      );
    }
    cursor.eatWhitespace();
    const start = cursor.pos;
    const head = cursor.next();
    if (head === undefined) {
      throw cursor.error(
        "Missing closing bracket (expected ']', found end of dependency specification)",
        bracket,
        1,
      );
    }
    if (!isAsciiAlphanumeric(head)) {
      throw cursor.error(
        `Expected an alphanumeric character starting the extra name, found \`${head}\``,
        start,
        head.length,
      );
    }
    cursor.pos = skipNameChars(cursor.input, cursor.pos);
    const after = cursor.peek();
    if (after !== undefined && after !== "," && after !== "]" && !isWhitespace(after)) {
      throw cursor.error(
        `Invalid character in extras name, expected an alphanumeric character, \`-\`, \`_\`, \`.\`, \`,\` or \`]\`, found \`${after}\``,
        cursor.pos,
        after.length,
      );
    }
    const name = cursor.slice(start, cursor.pos);
    const last = name[name.length - 1] ?? "";
    if (!isAsciiAlphanumeric(last)) {
      throw cursor.error(
        `Extra name must end with an alphanumeric character, not \`${last}\``,
        cursor.pos - 1,
        1,
      );
    }
    cursor.eatWhitespace();
    extras.push(parseExtraName(name));
  }
  return extras;
}

/**
 * The URL after `@`: up to a line break, or up to whitespace followed by `;` or `#`, or up to a
 * `;` or `#` followed by whitespace. Whitespace elsewhere is part of the URL (paths may have it).
 */
function parseUrl(cursor: Cursor, options: UrlOptions): VerbatimUrl {
  cursor.eatWhitespace();
  const start = cursor.pos;
  let end = start;
  for (let ch = cursor.next(); ch !== undefined; ch = cursor.next()) {
    if (ch === "\r" || ch === "\n") break;
    if (isWhitespace(ch)) {
      const probe = cursor.clone();
      probe.eatWhitespace();
      const after = probe.peek();
      if (after === undefined || after === ";" || after === "#") break;
    }
    end = cursor.pos;
    const next = cursor.peek();
    if (next === ";" || next === "#") {
      const probe = cursor.clone();
      probe.next();
      const after = probe.peek();
      if (after !== undefined && isWhitespace(after)) break;
    }
  }
  const text = cursor.slice(start, end);
  if (text === "") throw cursor.error("Expected URL", start, 0);
  const url = parseVerbatimUrl(text, options);
  if (url instanceof UrlParseFailure) throw cursor.error(url.message, start, end - start);
  return url;
}

function parseSpecifier(
  cursor: Cursor,
  text: string,
  start: number,
  end: number,
): VersionSpecifier {
  try {
    return VersionSpecifier.parse(text);
  } catch (e) {
    throw new Pep508Error(
      e instanceof Error ? e.message : String(e),
      cursor.input,
      start,
      end - start,
      {
        cause: e,
      },
    );
  }
}

function collect(specifiers: VersionSpecifier[]): VersionSpecifiers {
  return VersionSpecifiers.from(specifiers);
}

/** `version_one (wsp* ',' version_one)*`, ended by `;` or the end of the input. */
function parseVersionSpecifiers(cursor: Cursor): VersionSpecifiers {
  const input = cursor.input;
  let start = cursor.pos;
  const specifiers: VersionSpecifier[] = [];
  // `,` and `;` are ASCII, so stepping by code unit finds them where a code point walk would.
  for (let pos = start; ; pos++) {
    const c = pos < input.length ? input.charCodeAt(pos) : -1;
    if (c === 44 /* , */) {
      specifiers.push(parseSpecifier(cursor, input.slice(start, pos), start, pos));
      start = pos + 1;
    } else if (c === 59 /* ; */ || c === -1) {
      cursor.pos = pos;
      const text = input.slice(start, pos);
      if (text.trim() === "" && specifiers.length > 0) return collect(specifiers);
      specifiers.push(parseSpecifier(cursor, text, start, pos));
      return collect(specifiers);
    }
  }
}

/** `'(' version_one (wsp* ',' version_one)* ')'`. */
function parseVersionSpecifiersParenthesized(cursor: Cursor): VersionSpecifiers {
  const paren = cursor.pos;
  cursor.next();
  cursor.eatWhitespace();
  let start = cursor.pos;
  const specifiers: VersionSpecifier[] = [];
  for (;;) {
    const pos = cursor.pos;
    const ch = cursor.next();
    if (ch === undefined) {
      throw cursor.error(
        "Missing closing parenthesis (expected ')', found end of dependency specification)",
        paren,
        1,
      );
    }
    if (ch === ",") {
      specifiers.push(parseSpecifier(cursor, cursor.slice(start, pos), start, pos));
      start = cursor.pos;
    } else if (ch === ")") {
      const text = cursor.slice(start, pos);
      if (text.trim() === "" && specifiers.length > 0) return collect(specifiers);
      specifiers.push(parseSpecifier(cursor, text, start, pos));
      return collect(specifiers);
    }
  }
}

/** Parses a PEP 508 requirement the way uv does, with uv's error messages. */
export function parseRequirementParts(input: string, options: UrlOptions = {}): RequirementParts {
  const cursor = new Cursor(input);
  cursor.eatWhitespace();
  const start = cursor.pos;
  const name = parseName(cursor);
  const nameEnd = cursor.pos;
  cursor.eatWhitespace();
  const extras = parseExtras(cursor);
  cursor.eatWhitespace();

  let version: VersionSpecifiers | undefined;
  let url: VerbatimUrl | undefined;
  const next = cursor.peek();
  if (next === "@") {
    cursor.next();
    url = parseUrl(cursor, options);
  } else if (next === "(") {
    version = parseVersionSpecifiersParenthesized(cursor);
  } else if (next !== undefined && "<=>~!".includes(next)) {
    version = parseVersionSpecifiers(cursor);
  } else if (next !== undefined && next !== ";") {
    const probe = new Cursor(input, start);
    if (looksLikeUnnamedRequirement(probe))
      throw cursor.error(UNNAMED_URL, start, probe.pos - start);
    throw cursor.error(
      `Expected one of \`@\`, \`(\`, \`<\`, \`=\`, \`>\`, \`~\`, \`!\`, \`;\`, found \`${next}\``,
      cursor.pos,
      next.length,
    );
  }

  // A lone name that is an archive file name (`requests-2.26.0.tar.gz`) is a path in disguise.
  if (
    version === undefined &&
    url === undefined &&
    looksLikeArchive(cursor.slice(start, nameEnd))
  ) {
    throw cursor.error(UNNAMED_URL, start, 0);
  }

  cursor.eatWhitespace();
  let marker: MarkerTree | undefined;
  if (cursor.eat(";")) marker = parseMarkersCursor(cursor);
  cursor.eatWhitespace();

  const pos = cursor.pos;
  const trailing = cursor.next();
  // A `#` starts a trailing comment.
  if (trailing !== undefined && trailing !== "#") {
    const message =
      marker === undefined
        ? `Expected end of input or \`;\`, found \`${trailing}\``
        : `Expected end of input, found \`${trailing}\``;
    throw cursor.error(message, pos, trailing.length);
  }
  return { name, extras, version, url, marker: marker ?? MarkerTree.TRUE };
}
