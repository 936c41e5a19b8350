import type { ExtraName, PackageName } from "@uv-ts/normalize";
import { ParseMemo, type VersionSpecifiers } from "@uv-ts/pep440";
import type { MarkerEnvironment } from "./marker-environment.ts";
import type { MarkerTree } from "./marker-tree.ts";
import { parseRequirementParts } from "./requirement-parse.ts";
import type { UrlOptions, VerbatimUrl } from "./verbatim-url.ts";

/**
 * Requirements parsed without options, by text (see {@link ParseMemo}): a run reads the same
 * `Requires-Dist` lines again and again (a wheel's stored metadata and its fresh copy, the
 * versions tried while backtracking). A requirement with a URL is not kept: it holds a mutable
 * `URL`.
 */
const PARSED = new ParseMemo<Requirement>(8192);

/**
 * A PEP 508 dependency specifier such as `requests[security]>=2.8.1 ; python_version < '3.8'`:
 * a name, extras, either version specifiers or a direct URL, and a marker.
 */
export class Requirement {
  /** The normalised distribution name. */
  readonly name: PackageName;
  /** The extras in the order written, normalised. */
  readonly extras: readonly ExtraName[];
  /** The version specifiers, or `undefined` for a URL requirement or any version. */
  readonly version: VersionSpecifiers | undefined;
  /** The direct reference after `@`, verbatim. */
  readonly url: string | undefined;
  /** The direct reference parsed (relative paths resolved), when there is one. */
  readonly verbatimUrl: VerbatimUrl | undefined;
  /** The environment marker; `MarkerTree.TRUE` when absent. */
  readonly marker: MarkerTree;

  constructor(parts: {
    name: PackageName;
    extras: readonly ExtraName[];
    version: VersionSpecifiers | undefined;
    url: VerbatimUrl | undefined;
    marker: MarkerTree;
  }) {
    this.name = parts.name;
    this.extras = parts.extras;
    this.version = parts.version;
    this.url = parts.url?.given;
    this.verbatimUrl = parts.url;
    this.marker = parts.marker;
  }

  /**
   * Parses a requirement; throws `Pep508Error`. Relative paths after `@` need
   * `options.workingDir`; `${VAR}` references are expanded only from `options.env`.
   */
  static parse(s: string, options?: UrlOptions): Requirement {
    // Options change what a URL or `${VAR}` parses to: only option-less parses are shared.
    if (options !== undefined) return new Requirement(parseRequirementParts(s, options));
    const known = PARSED.get(s);
    if (known !== undefined) return known;
    const requirement = new Requirement(parseRequirementParts(s, {}));
    return requirement.verbatimUrl === undefined ? PARSED.set(s, requirement) : requirement;
  }

  /** Whether the marker holds in `env` with the given extras active. */
  evaluateMarker(env: MarkerEnvironment, extras: readonly string[]): boolean {
    return this.marker.evaluate(env, extras);
  }

  /**
   * uv's display: `name[extra1,extra2]>=1.0,<2 ; marker` or `name @ url ; marker`. Specifiers are
   * joined by a bare comma and the marker follows ` ; `.
   */
  toString(): string {
    let out: string = this.name;
    if (this.extras.length > 0) out += `[${this.extras.join(",")}]`;
    if (this.version !== undefined) out += this.version.specifiers.map(String).join(",");
    if (this.url !== undefined) out += ` @ ${this.url}`;
    if (!this.marker.isTrue()) out += ` ; ${this.marker.toString()}`;
    return out;
  }
}
