import { statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UvError } from "@uv-ts/error";
import { InvalidNameError, parsePackageName } from "@uv-ts/normalize";
import { expandEnvVars, invalidUrlReason, Pep508Error, type VerbatimUrl } from "@uv-ts/pep508";
import { MakeEditableError, makeEditable } from "./parsed-url.ts";
import { byteOffset, type LineIndex } from "./position.ts";
import { parseRequirementsTxtRequirement } from "./requirement.ts";
import type { PackageSelection, RequirementEntry } from "./requirements-txt.ts";
import {
  RequirementsTxtError,
  rustDebugOptionChar,
  rustDebugString,
} from "./requirements-txt-error.ts";
import { isRustWhitespace, type Scanner } from "./scanner.ts";
import { shellUnquote } from "./shell-unquote.ts";

/** What one file is parsed against. */
export interface FileContext {
  readonly content: string;
  /** Line starts of `content`. */
  readonly lines: LineIndex;
  /** The file as messages show it. */
  readonly display: string;
  /** The file as entries record it: an absolute path, a URL, or `-`. */
  readonly source: string;
  /** Requirements' relative paths resolve here (pip: the current directory). */
  readonly workingDir: string;
  /** `-r`, `-c` and `--find-links` paths resolve here (the including file's directory). */
  readonly requirementsDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One statement of a requirements file. */
export type Statement =
  | {
      readonly kind: "requirements" | "constraints";
      readonly filename: string;
      readonly start: number;
    }
  | { readonly kind: "requirement" | "editable"; readonly entry: RequirementEntry }
  | { readonly kind: "index-url" | "extra-index-url" | "find-links"; readonly url: VerbatimUrl }
  | { readonly kind: "no-index" | "require-hashes" }
  | { readonly kind: "no-binary" | "only-binary"; readonly selection: PackageSelection }
  | { readonly kind: "unsupported"; readonly option: UnsupportedOption };

/** Options uv ignores with a warning; the flag says whether its CLI has an equivalent. */
export interface UnsupportedOption {
  readonly name: string;
  readonly cli: boolean;
}

// Matched as prefixes, in this order, as uv does (so `--prefer-binary` is not `--pre`).
const UNSUPPORTED_OPTIONS: readonly UnsupportedOption[] = [
  { name: "--prefer-binary", cli: false },
  { name: "--pre", cli: true },
  { name: "--trusted-host", cli: true },
  { name: "--use-feature", cli: false },
];

const isTerminal = (ch: string): boolean => ch === "\n" || ch === "\r" || ch === "#";
const isBlank = (ch: string): boolean => ch === " " || ch === "\t";

/** Rust's `trim_end`, which trims Unicode whitespace only. */
function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isRustWhitespace(s[end - 1] ?? "")) end -= 1;
  return s.slice(0, end);
}

/** A syntax error at `offset`, as `<message>: <file>:<line>:<column>`. */
export function syntaxError(
  ctx: FileContext,
  message: string,
  offset: number,
): RequirementsTxtError {
  const { line, column } = ctx.lines.locate(offset);
  return new RequirementsTxtError(
    "syntax",
    `${message}: ${ctx.display}:${line}:${column}`,
    ctx.display,
    {
      line,
      column,
      position: byteOffset(ctx.content, offset),
    },
  );
}

/** Eats spaces and tabs, and backslash-escaped line breaks between them. */
export function eatWrappableWhitespace(s: Scanner): string {
  const start = s.pos;
  s.eatWhile(isBlank);
  while (s.eatIf("\\\n") || s.eatIf("\\\r\n") || s.eatIf("\\\r")) s.eatWhile(isBlank);
  return s.text.slice(start, s.pos);
}

/** Eats the rest of a blank or comment line, with its line break. */
function eatTrailingLine(s: Scanner, ctx: FileContext): void {
  s.eatWhile(isBlank);
  const ch = s.eat();
  if (ch === undefined || ch === "\n") return;
  if (ch === "\r") {
    s.eatIf("\n");
  } else if (ch === "#") {
    s.eatWhile((c) => c !== "\r" && c !== "\n");
  } else {
    throw syntaxError(ctx, `Expected comment or end-of-line, found \`${ch}\``, s.pos);
  }
}

/** The value of `--opt=value` or `--opt value`; `option` names it in errors. */
function parseValue(
  s: Scanner,
  ctx: FileContext,
  option: string,
  pred: (ch: string) => boolean,
): string {
  let value: string;
  if (s.eatIf("=")) {
    value = trimEnd(s.eatWhile(pred));
  } else if (s.eatIfChar(isRustWhitespace)) {
    s.eatWhile(isRustWhitespace);
    value = trimEnd(s.eatWhile(pred));
  } else {
    throw syntaxError(
      ctx,
      `Expected '=' or whitespace, found ${rustDebugOptionChar(s.peek())}`,
      s.pos,
    );
  }
  if (value === "") throw syntaxError(ctx, `\`${option}\` must be followed by an argument`, s.pos);
  return value;
}

function unquoted(value: string): string {
  return shellUnquote(value) ?? value;
}

/** `--hash=... --hash ...` after a requirement. */
function parseHashes(s: Scanner, ctx: FileContext): string[] {
  if (!s.eatIf("--hash")) {
    const at = s.pos;
    const found = s.eatWhile((c) => !isRustWhitespace(c));
    throw syntaxError(ctx, `Expected \`--hash\`, found \`${rustDebugString(found)}\``, at);
  }
  const hashes = [parseValue(s, ctx, "--hash", (c) => !isRustWhitespace(c))];
  for (;;) {
    eatWrappableWhitespace(s);
    if (!s.eatIf("--hash")) break;
    hashes.push(parseValue(s, ctx, "--hash", (c) => !isRustWhitespace(c)));
  }
  return hashes;
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * A requirement up to the end of its line, a comment after whitespace, or `--hash` after
 * whitespace; escaped line breaks continue it.
 */
function parseRequirementEntry(
  s: Scanner,
  ctx: FileContext,
  editable: boolean,
  statementStart: number,
): RequirementEntry {
  const start = s.pos;
  let end: number;
  let hasHashes = false;
  // The characters that can end a requirement or start a line continuation.
  const special = /[ \t\\\r\n]/g;
  for (;;) {
    end = s.pos;
    if (s.eatIf("\n")) break;
    if (s.eatIf("\r")) {
      s.eatIf("\n");
      break;
    }
    if (eatWrappableWhitespace(s) !== "") {
      if (s.lookingAt("--")) {
        hasHashes = true;
        break;
      }
      if (s.eatIf("#")) {
        s.eatWhile((c) => c !== "\r" && c !== "\n");
        break;
      }
      continue;
    }
    if (s.eat() === undefined) break;
    // Plain characters only extend the requirement: skip to the next one that may end it.
    special.lastIndex = s.pos;
    s.pos = special.exec(s.text)?.index ?? s.text.length;
  }
  const text = ctx.content.slice(start, end);

  // A forgotten `-r`: `requirements.txt` is a valid name, but PyPI refuses it anyway.
  if ((text.endsWith(".txt") || text.endsWith(".in")) && isFile(resolve(ctx.workingDir, text))) {
    throw new RequirementsTxtError(
      "missing-prefix",
      `Requirement \`${text}\` in \`${ctx.display}\` looks like a requirements file but was passed as a package name. Did you mean \`-r ${text}\`?`,
      ctx.display,
      ctx.lines.locate(start),
    );
  }

  let parsed: ReturnType<typeof parseRequirementsTxtRequirement>;
  try {
    parsed = parseRequirementsTxtRequirement(text, ctx, editable);
  } catch (e) {
    if (!(e instanceof Pep508Error)) throw e;
    const position = byteOffset(ctx.content, start);
    throw new RequirementsTxtError(
      "requirement",
      `Couldn't parse requirement in \`${ctx.display}\` at position ${position}`,
      ctx.display,
      { ...ctx.lines.locate(start), position },
      { cause: e },
    );
  }
  const hashes = hasHashes ? parseHashes(s, ctx) : [];

  let parsedUrl = parsed.parsedUrl;
  if (editable) {
    try {
      parsedUrl = makeEditable(parsedUrl);
    } catch (e) {
      if (!(e instanceof MakeEditableError)) throw e;
      const { line, column } = ctx.lines.locate(statementStart);
      throw new RequirementsTxtError(
        "editable",
        `Unsupported editable requirement in \`${ctx.display}\` at line ${line}: \`${parsed.requirement.toString()}\``,
        ctx.display,
        { line, column, position: byteOffset(ctx.content, statementStart) },
        { cause: e },
      );
    }
  }
  return {
    requirement: parsed.requirement,
    parsedUrl,
    hashes,
    editable,
    source: { file: ctx.source, line: ctx.lines.locate(start).line },
  };
}

/**
 * An index or find-links location: an existing path (relative to `base`) becomes a `file://`
 * URL, anything else must be an absolute URL.
 */
function parseLocation(ctx: FileContext, given: string, base: string, start: number): VerbatimUrl {
  const expanded = expandEnvVars(given, ctx.env);
  const path = resolve(base, expanded);
  if (exists(path)) return { given, url: pathToFileURL(path) };
  try {
    return { given, url: new URL(expanded) };
  } catch {
    const position = byteOffset(ctx.content, start);
    throw new RequirementsTxtError(
      "url",
      `Invalid URL in \`${ctx.display}\` at position ${position}: ${given}`,
      ctx.display,
      { ...ctx.lines.locate(start), position },
      { cause: new UrlReason(invalidUrlReason(expanded)) },
    );
  }
}

/** The URL parser's reason, as the cause of an invalid location. */
class UrlReason extends UvError {
  constructor(message: string) {
    super("requirements-txt.invalid-url", message);
  }
}

function parseSelection(ctx: FileContext, given: string, start: number): PackageSelection {
  if (given === ":all:") return { kind: "all" };
  if (given === ":none:") return { kind: "none" };
  try {
    return { kind: "packages", packages: [parsePackageName(given)] };
  } catch (e) {
    if (!(e instanceof InvalidNameError)) throw e;
    // uv 0.13.8 names `--no-binary` for both options.
    throw new RequirementsTxtError(
      "binary-specifier",
      `Invalid specifier for \`--no-binary\` in \`${ctx.display}\`: ${given}`,
      ctx.display,
      { ...ctx.lines.locate(start), position: byteOffset(ctx.content, start) },
      { cause: e },
    );
  }
}

/**
 * Parses the next statement after any blank lines and comments, or returns `undefined` at the
 * end of the file.
 */
export function parseStatement(s: Scanner, ctx: FileContext): Statement | undefined {
  eatWrappableWhitespace(s);
  while (s.at((c) => c === "\n" || c === "\r" || c === "#")) {
    eatTrailingLine(s, ctx);
    eatWrappableWhitespace(s);
  }

  const start = s.pos;
  if (s.eatIf("-r") || s.eatIf("--requirement")) {
    const filename = unquoted(parseValue(s, ctx, "--requirement", (c) => !isTerminal(c)));
    return { kind: "requirements", filename, start };
  }
  if (s.eatIf("-c") || s.eatIf("--constraint")) {
    const filename = unquoted(parseValue(s, ctx, "--constraint", (c) => !isTerminal(c)));
    return { kind: "constraints", filename, start };
  }
  if (s.eatIf("-e") || s.eatIf("--editable")) {
    if (s.eatIf("=")) {
      // `-e=./path`
    } else if (s.eatIfChar(isRustWhitespace)) {
      s.eatWhile(isRustWhitespace);
    } else {
      throw syntaxError(
        ctx,
        `Expected '=' or whitespace, found ${rustDebugOptionChar(s.peek())}`,
        s.pos,
      );
    }
    return { kind: "editable", entry: parseRequirementEntry(s, ctx, true, start) };
  }
  if (s.eatIf("-i") || s.eatIf("--index-url")) {
    const given = unquoted(parseValue(s, ctx, "--index-url", (c) => !isTerminal(c)));
    return { kind: "index-url", url: parseLocation(ctx, given, ctx.workingDir, start) };
  }
  if (s.eatIf("--extra-index-url")) {
    const given = unquoted(parseValue(s, ctx, "--extra-index-url", (c) => !isTerminal(c)));
    return { kind: "extra-index-url", url: parseLocation(ctx, given, ctx.workingDir, start) };
  }
  if (s.eatIf("--no-index")) return { kind: "no-index" };
  if (s.eatIf("--require-hashes")) return { kind: "require-hashes" };
  if (s.eatIf("--find-links") || s.eatIf("-f")) {
    const given = unquoted(parseValue(s, ctx, "--find-links", (c) => !isTerminal(c)));
    return { kind: "find-links", url: parseLocation(ctx, given, ctx.requirementsDir, start) };
  }
  if (s.eatIf("--no-binary")) {
    const given = unquoted(parseValue(s, ctx, "--no-binary", (c) => !isTerminal(c)));
    return { kind: "no-binary", selection: parseSelection(ctx, given, start) };
  }
  if (s.eatIf("--only-binary")) {
    const given = unquoted(parseValue(s, ctx, "--only-binary", (c) => !isTerminal(c)));
    return { kind: "only-binary", selection: parseSelection(ctx, given, start) };
  }
  if (s.at((c) => /^[A-Za-z0-9./$]$/.test(c))) {
    return { kind: "requirement", entry: parseRequirementEntry(s, ctx, false, start) };
  }
  const ch = s.peek();
  if (ch === undefined) return undefined;
  const option = UNSUPPORTED_OPTIONS.find((o) => s.eatIf(o.name));
  if (option !== undefined) {
    s.eatWhile((c) => !isTerminal(c));
    return { kind: "unsupported", option };
  }
  throw syntaxError(
    ctx,
    `Unexpected '${ch}', expected '-c', '-e', '-r' or the start of a requirement`,
    s.pos,
  );
}
