import { VersionSpecifierParseError } from "./errors.ts";
import { allowsLocal, type Operator, operatorText } from "./operator.ts";
import { parseCommonVersion, type Version, versionFromParts } from "./version.ts";
import { parseVersionText } from "./version-parser.ts";
import { isRustWhitespaceCode as isWhitespace } from "./whitespace.ts";

function isOperatorChar(c: number): boolean {
  return c === 61 /* = */ || c === 33 /* ! */ || c === 126 /* ~ */ || c === 60 || c === 62;
}

const OPERATORS: ReadonlySet<string> = new Set(["==", "===", "!=", "~=", "<", "<=", ">", ">="]);

/**
 * One version specifier: an operator and a version, such as `>=1.19`, `==1.2.*` or `~=1.4.5`.
 * Immutable. `contains` follows PEP 440 as `packaging` 26.3 implements it (which is also what
 * uv's version ranges encode).
 */
export class VersionSpecifier {
  readonly operator: Operator;
  /** The version after the operator; for `==1.2.*` this is `1.2`. */
  readonly version: Version;
  // What `<V` compares against: `V` itself for a pre-release, else `V.dev0`, so that `<2.0`
  // keeps out `2.0a1` while `<2.0.post1` still admits `2.0a1`. Built when first compared: most
  // specifiers a resolution parses only ever become ranges.
  #lessThanBound: Version | undefined;

  /**
   * @internal Use {@link VersionSpecifier.parse} or {@link VersionSpecifier.from}, which check
   * that the operator and version fit together.
   */
  constructor(operator: Operator, version: Version) {
    this.operator = operator;
    this.version = version;
    this.#lessThanBound = undefined;
  }

  #lessBound(): Version {
    if (this.#lessThanBound === undefined) {
      const v = this.version;
      this.#lessThanBound = v.isPrerelease() ? v : v.with({ dev: 0 });
    }
    return this.#lessThanBound;
  }

  /** Builds a specifier, checking the rules `parse` checks; throws {@link VersionSpecifierParseError}. */
  static from(operator: Operator, version: Version): VersionSpecifier {
    const problem = buildProblem(operator, version);
    if (problem !== undefined) {
      throw new VersionSpecifierParseError(`${operatorText(operator)}${version}`, problem);
    }
    return new VersionSpecifier(operator, version);
  }

  /** Parses one specifier such as `>= 1.19`, `== 1.1.*` or `~=1.0`; throws {@link VersionSpecifierParseError}. */
  static parse(s: string): VersionSpecifier {
    const n = s.length;
    let i = 0;
    while (i < n && isWhitespace(s.charCodeAt(i))) i++;
    const opStart = i;
    while (i < n && isOperatorChar(s.charCodeAt(i))) i++;
    const written = s.slice(opStart, i);
    while (i < n && isWhitespace(s.charCodeAt(i))) i++;
    const versionStart = i;
    while (i < n && !isWhitespace(s.charCodeAt(i))) i++;
    const versionText = s.slice(versionStart, i);
    if (written === "") {
      const pattern = parseVersionText(versionText);
      let message = "Unexpected end of version specifier, expected operator";
      if (pattern.ok) {
        const suggestion = `==${versionFromParts(pattern.parts)}${pattern.wildcard ? ".*" : ""}`;
        message += `. Did you mean \`${suggestion}\`?`;
      }
      throw new VersionSpecifierParseError(s, message);
    }
    if (!OPERATORS.has(written)) {
      throw new VersionSpecifierParseError(
        s,
        `no such comparison operator ${JSON.stringify(written)}, must be one of ~= == != <= >= < > ===`,
      );
    }
    if (versionText === "") {
      throw new VersionSpecifierParseError(
        s,
        "Unexpected end of version specifier, expected version",
      );
    }

    let operator = written as Operator;
    let version = parseCommonVersion(versionText);
    if (version === undefined) {
      const pattern = parseVersionText(versionText);
      if (!pattern.ok) throw new VersionSpecifierParseError(s, pattern.message);
      if (pattern.wildcard) {
        if (operator === "==") operator = "==*";
        else if (operator === "!=") operator = "!=*";
        else {
          throw new VersionSpecifierParseError(
            s,
            `Operator ${operator} cannot be used with a wildcard version specifier`,
          );
        }
      }
      version = versionFromParts(pattern.parts);
    }
    const problem = buildProblem(operator, version);
    if (problem !== undefined) throw new VersionSpecifierParseError(s, problem);

    while (i < n && isWhitespace(s.charCodeAt(i))) i++;
    if (i < n) throw new VersionSpecifierParseError(s, `Trailing \`${s.slice(i)}\` is not allowed`);
    return new VersionSpecifier(operator, version);
  }

  /**
   * Whether `version` satisfies this specifier under PEP 440. Pre-releases are not filtered here
   * (`>=1.0` contains `2.0a1`); see {@link VersionSpecifiers.contains} for that policy.
   */
  contains(version: Version): boolean {
    const spec = this.version;
    switch (this.operator) {
      case "==":
        return spec.isLocal() ? version.compare(spec) === 0 : version.comparePublic(spec) === 0;
      case "!=":
        return spec.isLocal() ? version.compare(spec) !== 0 : version.comparePublic(spec) !== 0;
      case "==*":
        return matchesPrefix(version, spec);
      case "!=*":
        return !matchesPrefix(version, spec);
      case "===":
        return version.toString() === spec.toString();
      case "~=":
        return (
          version.epoch === spec.epoch &&
          releaseStartsWith(version.release, spec.release, spec.release.length - 1) &&
          version.compare(spec) >= 0
        );
      case ">=":
        return version.compare(spec) >= 0;
      case "<=":
        return version.comparePublic(spec) <= 0;
      case "<":
        return version.compare(this.#lessBound()) < 0;
      case ">": {
        if (version.comparePublic(spec) <= 0) return false;
        if (spec.dev !== undefined || spec.post !== undefined) return true;
        // `>V` keeps out the post-releases of V (and their local versions), unless V is itself
        // a post-release (handled above).
        return !(
          version.epoch === spec.epoch &&
          compareRelease(version.release, spec.release) === 0 &&
          version.pre?.kind === spec.pre?.kind &&
          version.pre?.number === spec.pre?.number
        );
      }
    }
  }

  /** Whether this specifier puts a floor under the versions it accepts. */
  hasLowerBound(): boolean {
    const op = this.operator;
    return op === "==" || op === "==*" || op === "===" || op === "~=" || op === ">" || op === ">=";
  }

  /** Whether two specifiers are the same (`~=` also compares the release length). */
  equals(other: VersionSpecifier): boolean {
    if (this.operator !== other.operator) return false;
    if (this.operator === "~=" && this.version.release.length !== other.version.release.length) {
      return false;
    }
    return this.version.equals(other.version);
  }

  /** The normalised form: `>=1.0`, `==1.2.*`. */
  toString(): string {
    const star = this.operator === "==*" || this.operator === "!=*" ? ".*" : "";
    return `${operatorText(this.operator)}${this.version}${star}`;
  }
}

function buildProblem(operator: Operator, version: Version): string | undefined {
  if (version.isLocal() && !allowsLocal(operator)) {
    return `Operator ${operatorText(operator)} is incompatible with versions containing non-empty local segments (\`+${version.local.join(".")}\`)`;
  }
  if ((operator === "==*" || operator === "!=*") && !version.isStable()) {
    // What the parser says about `==1.0a1.*`.
    return `after parsing \`${version}\`, found \`.*\`, which is not part of a valid version`;
  }
  if (operator === "~=" && version.release.length < 2) {
    return "The ~= operator requires at least two segments in the release version";
  }
  return undefined;
}

/** Whether `version` is in the `prefix.*` family (the release padded with zeros). */
function matchesPrefix(version: Version, prefix: Version): boolean {
  return (
    version.epoch === prefix.epoch &&
    releaseStartsWith(version.release, prefix.release, prefix.release.length)
  );
}

function releaseStartsWith(release: readonly number[], prefix: readonly number[], n: number) {
  for (let i = 0; i < n; i++) {
    if ((release[i] ?? 0) !== prefix[i]) return false;
  }
  return true;
}

/** Compares two releases, padding the shorter with zeros. */
export function compareRelease(a: readonly number[], b: readonly number[]): -1 | 0 | 1 {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
