import { isValidName, normalizeName } from "@uv-ts/normalize";
import { ParseMemo, Version, VersionSpecifier } from "@uv-ts/pep440";
import { isAlphabetic, isWhitespace, isWhitespaceCode } from "./chars.ts";
import { Cursor } from "./cursor.ts";
import type {
  MarkerExpression,
  MarkerListKey,
  MarkerStringKey,
  MarkerStringOperator,
  MarkerVersionKey,
} from "./marker-expression.ts";
import { MarkerTree } from "./marker-tree.ts";

type MarkerOperator = "==" | "!=" | ">" | ">=" | "<" | "<=" | "~=" | "in" | "not in";

type MarkerValue =
  | { readonly kind: "version"; readonly key: MarkerVersionKey }
  | { readonly kind: "string"; readonly key: MarkerStringKey }
  | { readonly kind: "list"; readonly key: MarkerListKey }
  | { readonly kind: "extra" }
  | { readonly kind: "quoted"; readonly value: string };

// Deprecated PEP 345 spellings are accepted and mapped to their PEP 508 names, as uv does.
const VARIABLES: ReadonlyMap<string, MarkerValue> = new Map<string, MarkerValue>([
  ["implementation_name", { kind: "string", key: "implementation_name" }],
  ["implementation_version", { kind: "version", key: "implementation_version" }],
  ["os_name", { kind: "string", key: "os_name" }],
  ["os.name", { kind: "string", key: "os_name" }],
  ["platform_machine", { kind: "string", key: "platform_machine" }],
  ["platform.machine", { kind: "string", key: "platform_machine" }],
  ["platform_python_implementation", { kind: "string", key: "platform_python_implementation" }],
  ["platform.python_implementation", { kind: "string", key: "platform_python_implementation" }],
  ["python_implementation", { kind: "string", key: "platform_python_implementation" }],
  ["platform_release", { kind: "string", key: "platform_release" }],
  ["platform_system", { kind: "string", key: "platform_system" }],
  ["platform_version", { kind: "string", key: "platform_version" }],
  ["platform.version", { kind: "string", key: "platform_version" }],
  ["python_full_version", { kind: "version", key: "python_full_version" }],
  ["python_version", { kind: "version", key: "python_version" }],
  ["sys_platform", { kind: "string", key: "sys_platform" }],
  ["sys.platform", { kind: "string", key: "sys_platform" }],
  ["extras", { kind: "list", key: "extras" }],
  ["dependency_groups", { kind: "list", key: "dependency_groups" }],
  ["extra", { kind: "extra" }],
]);

const OPERATORS: ReadonlySet<string> = new Set(["==", "!=", ">", ">=", "<", "<=", "~=", "in"]);

function isWordOperatorChar(ch: string): boolean {
  return !isWhitespace(ch) && ch !== "'" && ch !== '"';
}

function isComparisonChar(ch: string): boolean {
  return ch === "<" || ch === "=" || ch === ">" || ch === "~" || ch === "!";
}

function isBareValueChar(ch: string): boolean {
  return !isWhitespace(ch) && !">=<!~)".includes(ch);
}

/** `version_cmp | 'in' | 'not' wsp+ 'in'`; leading whitespace is already consumed. */
function parseOperator(cursor: Cursor): MarkerOperator {
  const first = cursor.peek();
  const start =
    first !== undefined && isAlphabetic(first)
      ? cursor.takeWhile(isWordOperatorChar)
      : cursor.takeWhile(isComparisonChar);
  const operator = cursor.slice(start, cursor.pos);
  if (operator === "not") {
    const pos = cursor.pos;
    const ch = cursor.next();
    if (ch === undefined) {
      throw cursor.error("Expected whitespace after 'not', found end of input", cursor.pos, 1);
    }
    if (!isWhitespace(ch)) {
      throw cursor.error(`Expected whitespace after \`not\`, found \`${ch}\``, pos, ch.length);
    }
    cursor.eatWhitespace();
    cursor.expect("i", cursor.pos);
    cursor.expect("n", cursor.pos);
    return "not in";
  }
  if (!OPERATORS.has(operator)) {
    throw cursor.error(
      `Expected a valid marker operator (such as \`>=\` or \`not in\`), found \`${operator}\``,
      start,
      operator.length,
    );
  }
  return operator as MarkerOperator;
}

/** A quoted string or a marker variable name. */
function parseValue(cursor: Cursor): MarkerValue {
  const pos = cursor.pos;
  const first = cursor.peek();
  if (first === undefined) {
    throw cursor.error("Expected marker value, found end of dependency specification", pos, 1);
  }
  if (first === "'" || first === '"') {
    cursor.next();
    const start = cursor.pos;
    // Quotes are ASCII, so a code unit search finds the same closing quote a code point walk would.
    const close = cursor.input.indexOf(first, start);
    cursor.pos = close === -1 ? cursor.input.length : close;
    const value = cursor.slice(start, cursor.pos);
    cursor.expect(first, pos);
    return { kind: "quoted", value };
  }
  const start = cursor.takeWhile(isBareValueChar);
  const key = cursor.slice(start, cursor.pos);
  const variable = VARIABLES.get(key);
  if (variable === undefined) {
    throw cursor.error(
      `Expected a quoted string or a valid marker name, found \`${key}\``,
      start,
      key.length,
    );
  }
  return variable;
}

function invert(op: MarkerOperator): MarkerStringOperator | "~=" {
  switch (op) {
    case "<":
      return ">";
    case "<=":
      return ">=";
    case ">":
      return "<";
    case ">=":
      return "<=";
    case "in":
      return "contains";
    case "not in":
      return "not contains";
    default:
      return op;
  }
}

/**
 * `<key> <op> '<version>'`, or `undefined` when uv would ignore the comparison (with a warning):
 * not a PEP 440 version, or an operator/version pair PEP 440 rejects.
 */
function versionExpression(
  key: MarkerVersionKey,
  op: string,
  value: string,
  allowWildcard: boolean,
): MarkerExpression | undefined {
  if (!["==", "!=", "<", "<=", ">", ">=", "~="].includes(op)) return undefined;
  const bare = allowWildcard ? value.replace(/\.\*\s*$/, "") : value;
  if (Version.tryParse(bare) === undefined) return undefined;
  try {
    return { kind: "version", key, specifier: VersionSpecifier.parse(`${op}${value}`) };
  } catch {
    return undefined;
  }
}

/** `'<v1> <v2> ...'` for `in` and `not in`; any invalid version makes uv ignore the comparison. */
function versionInExpression(
  key: MarkerVersionKey,
  negated: boolean,
  value: string,
): MarkerExpression | undefined {
  const versions: Version[] = [];
  for (const word of value.split(
    /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u,
  )) {
    if (word === "") continue;
    const version = Version.tryParse(word);
    if (version === undefined) return undefined;
    versions.push(version);
  }
  return { kind: "version-in", key, versions, negated };
}

function extraExpression(op: MarkerOperator, value: string): MarkerExpression | undefined {
  if (op !== "==" && op !== "!=") return undefined;
  const valid = isValidName(value);
  return { kind: "extra", name: valid ? normalizeName(value) : value, valid, negated: op === "!=" };
}

/** `marker_var marker_op marker_var`; `undefined` for a comparison uv ignores. */
function parseKeyOpValue(cursor: Cursor): MarkerExpression | undefined {
  cursor.eatWhitespace();
  const start = cursor.pos;
  const left = parseValue(cursor);
  cursor.eatWhitespace();
  const op = parseOperator(cursor);
  cursor.eatWhitespace();
  const right = parseValue(cursor);
  const len = cursor.pos - start;

  switch (left.kind) {
    case "version":
      if (right.kind !== "quoted") return undefined;
      if (op === "in" || op === "not in") {
        return versionInExpression(left.key, op === "not in", right.value);
      }
      return versionExpression(left.key, op, right.value, true);
    case "string":
      if (right.kind !== "quoted" || op === "~=") return undefined;
      return { kind: "string", key: left.key, operator: op, value: right.value };
    case "list":
      throw cursor.error(
        `The marker ${left.key} must be on the right hand side of the expression`,
        start,
        len,
      );
    case "extra":
      return right.kind === "quoted" ? extraExpression(op, right.value) : undefined;
    case "quoted":
      switch (right.kind) {
        case "version":
          // A wildcard only makes sense on the right: `'3.*' == python_version` is ignored.
          return versionExpression(right.key, invert(op), left.value, false);
        case "string": {
          const inverted = invert(op);
          if (inverted === "~=") return undefined;
          return { kind: "string", key: right.key, operator: inverted, value: left.value };
        }
        case "list": {
          if (op !== "in" && op !== "not in") {
            throw cursor.error(
              `The operator ${op} is not supported with the marker ${right.key}, only the \`in\` and \`not in\` operators are supported`,
              start,
              len,
            );
          }
          const valid = isValidName(left.value);
          return {
            kind: "list",
            key: right.key,
            value: valid ? normalizeName(left.value) : left.value,
            valid,
            negated: op === "not in",
          };
        }
        case "extra":
          return extraExpression(op, left.value);
        case "quoted":
          return undefined;
      }
  }
}

/** `'(' marker ')'` or a single comparison. */
function parseExpr(cursor: Cursor): MarkerTree | undefined {
  cursor.eatWhitespace();
  const open = cursor.pos;
  if (cursor.eat("(")) {
    const marker = parseOr(cursor);
    cursor.expect(")", open);
    return marker;
  }
  const expression = parseKeyOpValue(cursor);
  return expression === undefined ? undefined : MarkerTree.expression(expression);
}

function parseChain(
  cursor: Cursor,
  keyword: "and" | "or",
  inner: (cursor: Cursor) => MarkerTree | undefined,
): MarkerTree | undefined {
  // Comparisons uv ignores drop out of the chain instead of turning it true or false.
  let tree = inner(cursor);
  for (;;) {
    cursor.eatWhitespace();
    // The keyword must be the whole run of non-whitespace characters that comes next.
    const { input, pos } = cursor;
    const after = pos + keyword.length;
    if (
      !input.startsWith(keyword, pos) ||
      (after < input.length && !isWhitespaceCode(input.charCodeAt(after)))
    ) {
      return tree;
    }
    cursor.pos = after;
    const next = inner(cursor);
    if (next !== undefined) {
      tree = tree === undefined ? next : keyword === "and" ? tree.and(next) : tree.or(next);
    }
  }
}

function parseAnd(cursor: Cursor): MarkerTree | undefined {
  return parseChain(cursor, "and", parseExpr);
}

function parseOr(cursor: Cursor): MarkerTree | undefined {
  return parseChain(cursor, "or", parseAnd);
}

/**
 * Markers parsed by text (see {@link ParseMemo}), `null` when every comparison in it was ignored:
 * Requires-Dist lists repeat the same few markers. A failure is reported against the whole input
 * it sits in, so only successes go in.
 */
const PARSED = new ParseMemo<MarkerTree | null>(4096);

/**
 * Parses a marker at the cursor up to the end of the input; `undefined` when every comparison in
 * it was ignored.
 */
export function parseMarkersCursor(cursor: Cursor): MarkerTree | undefined {
  // The parser starts by skipping whitespace anyway; skipping it first shares more entries.
  cursor.eatWhitespace();
  const text = cursor.pos === 0 ? cursor.input : cursor.input.slice(cursor.pos);
  const known = PARSED.get(text);
  if (known !== undefined) {
    cursor.pos = cursor.input.length;
    return known ?? undefined;
  }
  const marker = parseMarkersUncached(cursor);
  PARSED.set(text, marker ?? null);
  return marker;
}

function parseMarkersUncached(cursor: Cursor): MarkerTree | undefined {
  const marker = parseOr(cursor);
  cursor.eatWhitespace();
  const pos = cursor.pos;
  const unexpected = cursor.next();
  if (unexpected !== undefined) {
    throw cursor.error(
      `Unexpected character '${unexpected}', expected 'and', 'or' or end of input`,
      pos,
      cursor.input.length - pos,
    );
  }
  return marker;
}

/** Parses a whole marker string; a marker of only ignored comparisons is `TRUE`. */
export function parseMarkers(s: string): MarkerTree {
  return parseMarkersCursor(new Cursor(s)) ?? MarkerTree.TRUE;
}
