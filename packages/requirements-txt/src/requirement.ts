import { Pep508Error, Requirement } from "@uv-ts/pep508";
import { classifyUrl, type ParsedUrl, ParsedUrlError } from "./parsed-url.ts";
import { parseUnnamedRequirement, type UnnamedRequirement } from "./unnamed-requirement.ts";

/** A `requirements.txt` requirement: PEP 508 with a name, or a bare URL or path. */
export type RequirementsTxtRequirement = Requirement | UnnamedRequirement;

/** A parsed requirement and, for direct references, what the URL points at. */
export interface ParsedRequirement {
  readonly requirement: RequirementsTxtRequirement;
  readonly parsedUrl: ParsedUrl | undefined;
}

/** Options for resolving relative paths and `${VAR}` references in a requirement. */
export interface RequirementOptions {
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

// The PEP 508 parser's way of saying "this is a URL or path without a name".
const UNNAMED_PREFIX = "URL requirement must be preceded by a package name.";

/** Where the URL after `@` starts; the name and extras cannot contain `@`. */
function urlStart(input: string): number {
  let i = input.indexOf("@") + 1;
  while (i < input.length && /\s/.test(input[i] ?? "")) i += 1;
  return i;
}

/**
 * Parses one requirement as uv does in `requirements.txt`: PEP 508 first, then, when that says
 * the line is a URL or path without a name, as an unnamed requirement. With `editable`, a bare
 * name (`-e dagster`) is a path (`./dagster`). Throws `Pep508Error`.
 */
export function parseRequirementsTxtRequirement(
  input: string,
  options: RequirementOptions,
  editable: boolean,
): ParsedRequirement {
  let requirement: Requirement;
  try {
    requirement = Requirement.parse(input, options);
  } catch (e) {
    if (e instanceof Pep508Error && e.reason.startsWith(UNNAMED_PREFIX)) {
      return parseUnnamedRequirement(input, options);
    }
    throw e;
  }
  const verbatim = requirement.verbatimUrl;
  if (verbatim === undefined) {
    if (editable && requirement.version === undefined) {
      return parseUnnamedRequirement(input, options);
    }
    return { requirement, parsedUrl: undefined };
  }
  try {
    return { requirement, parsedUrl: classifyUrl(verbatim.url) };
  } catch (e) {
    if (!(e instanceof ParsedUrlError)) throw e;
    const start = urlStart(input);
    throw new Pep508Error(e.message, input, start, verbatim.given.length);
  }
}
