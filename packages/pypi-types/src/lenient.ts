import { VersionSpecifiers } from "@uv-ts/pep440";
import { Requirement } from "@uv-ts/pep508";

// Rewrites uv applies, in order and cumulatively, to requirement and specifier strings that fail
// to parse, because real-world metadata on PyPI contains them. Each entry says what it fixes.
const FIXUPS: ReadonlyArray<readonly [(input: string) => string, string]> = [
  // `>=7.2.0<8.0.0` -> `>=7.2.0,<8.0.0`
  [(s) => s.replace(/(\p{Nd})([<>=~^!])/gu, "$1,$2"), "inserting missing comma"],
  // `!=~5.0,>=4.12` -> `!=5.0.*,>=4.12`
  [
    (s) => s.replace(/!=~((?:\p{Nd}\.)*\p{Nd})/gu, "!=$1.*"),
    "replacing invalid tilde with wildcard",
  ],
  // `>=1.9.*` -> `>=1.9`
  [
    (s) => s.replace(/(<=|>=|<|>)\s*(\p{Nd}+(\.\p{Nd}+)*)\.\*/gu, "$1$2"),
    "removing star after comparison operator other than equal and not equal",
  ],
  // `!=3.0*` -> `!=3.0.*`
  [(s) => s.replace(/(\p{Nd}\.\p{Nd})+\*/gu, "$1.*"), "inserting missing dot"],
  // `>=3.6,` -> `>=3.6`
  [(s) => s.replace(/,\s*$/u, ""), "removing trailing comma"],
  // `>dev` -> `>0.0.0dev`
  [(s) => s.replaceAll(">dev", ">0.0.0dev"), "assuming 0.0.0dev"],
  // `>=9.0.0a1.0` -> `>=9.0.0a1`
  [
    (s) => s.replace(/(\p{Nd}+(\.\p{Nd})*(a|b|rc|post|dev)\p{Nd}+)\.0/gu, "$1"),
    "removing trailing zero",
  ],
  // `>= 2.7'` -> `>= 2.7`, leaving quotes in markers alone
  [removeStrayQuotes, "removing stray quotes"],
];

function removeStrayQuotes(input: string): string {
  const semicolon = input.indexOf(";");
  if (semicolon === -1) return input.replace(/['"]/g, "");
  return input.slice(0, semicolon).replace(/['"]/g, "") + input.slice(semicolon);
}

/** A repaired parse: the value, what was fixed (empty when the input parsed as written), and the text that parsed. */
export interface LenientParse<T> {
  readonly value: T;
  readonly fixes: readonly string[];
  readonly patched: string;
}

/**
 * Parses `input`, and when that fails, applies uv's fix-ups one after another, retrying after
 * each one that changed the text. Throws the error of the original input when nothing helps.
 */
export function parseWithFixups<T>(input: string, parse: (s: string) => T): LenientParse<T> {
  let original: unknown;
  try {
    return { value: parse(input), fixes: [], patched: input };
  } catch (error) {
    original = error;
  }
  let patched = input;
  const fixes: string[] = [];
  for (const [fixup, message] of FIXUPS) {
    const next = fixup(patched);
    if (next === patched) continue;
    fixes.push(message);
    try {
      return { value: parse(next), fixes, patched: next };
    } catch {
      patched = next;
    }
  }
  throw original;
}

/** Options for the lenient parsers. */
export interface LenientOptions {
  /** Told about each repaired input, in uv's words. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

function warnFixed(
  kind: string,
  input: string,
  result: LenientParse<unknown>,
  options: LenientOptions,
): void {
  if (result.fixes.length === 0 || options.onWarning === undefined) return;
  options.onWarning(
    `Fixing invalid ${kind} by ${result.fixes.join(", ")} (before: \`${input}\`; after: \`${result.patched}\`)`,
  );
}

/** `Requirement.parse` with uv's repairs for common mistakes in published metadata. */
export function parseLenientRequirement(input: string, options: LenientOptions = {}): Requirement {
  return lenientRequirement(input, options).value;
}

/** {@link parseLenientRequirement}, with the text that parsed. */
export function lenientRequirement(
  input: string,
  options: LenientOptions = {},
): LenientParse<Requirement> {
  const result = parseWithFixups(input, (s) => Requirement.parse(s));
  warnFixed("requirement", input, result, options);
  return result;
}

/** `VersionSpecifiers.parse` with uv's repairs (`>=3.6,`, `>=2.7,!=3.0*`, `>= '2.7'`, ...). */
export function parseLenientVersionSpecifiers(
  input: string,
  options: LenientOptions = {},
): VersionSpecifiers {
  return lenientVersionSpecifiers(input, options).value;
}

/** {@link parseLenientVersionSpecifiers}, with the text that parsed. */
export function lenientVersionSpecifiers(
  input: string,
  options: LenientOptions = {},
): LenientParse<VersionSpecifiers> {
  const result = parseWithFixups(input, (s) => VersionSpecifiers.parse(s));
  warnFixed("version specifier", input, result, options);
  return result;
}
