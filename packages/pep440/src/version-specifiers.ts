import { VersionSpecifierParseError, VersionSpecifiersParseError } from "./errors.ts";
import { operatorRank } from "./operator.ts";
import { ParseMemo } from "./parse-memo.ts";
import type { Version } from "./version.ts";
import { VersionSpecifier } from "./version-specifier.ts";

/** Options of {@link VersionSpecifiers.contains}. */
export interface ContainsOptions {
  /**
   * `false` rejects every pre-release and dev release; `true` or absent accepts them when the
   * specifiers do (`packaging`'s `SpecifierSet.contains(v, prereleases=...)`: a single version
   * has no alternatives, so the PEP 440 default admits it).
   */
  readonly prereleases?: boolean | undefined;
}

/** Specifier lists by text (see {@link ParseMemo}); `Requires-Python` texts repeat a lot. */
const PARSED = new ParseMemo<VersionSpecifiers>(4096);

/**
 * A comma-separated list of specifiers such as `>=2.1,<3`; a version must satisfy all of them.
 * Immutable. Like uv, the specifiers are kept sorted by version, then operator, and print
 * joined by `, `.
 */
export class VersionSpecifiers {
  readonly specifiers: readonly VersionSpecifier[];

  /** @internal Use {@link VersionSpecifiers.parse} or {@link VersionSpecifiers.from}. */
  constructor(specifiers: readonly VersionSpecifier[]) {
    this.specifiers = Object.freeze(
      specifiers.slice().sort((a, b) => {
        const byVersion = a.version.compare(b.version);
        return byVersion !== 0 ? byVersion : operatorRank(a.operator) - operatorRank(b.operator);
      }),
    );
  }

  /** The specifiers in uv's order. */
  static from(specifiers: Iterable<VersionSpecifier>): VersionSpecifiers {
    return new VersionSpecifiers([...specifiers]);
  }

  /** No specifiers: matches every version. */
  static empty(): VersionSpecifiers {
    return new VersionSpecifiers([]);
  }

  /**
   * Parses `>= 1.0, != 1.3.*, < 2.0`. The empty string is the empty list; an empty item
   * (`>=1.0,`) is an error, as in uv. Throws {@link VersionSpecifiersParseError}.
   */
  static parse(s: string): VersionSpecifiers {
    return PARSED.get(s) ?? PARSED.set(s, parseSpecifiers(s));
  }

  /** Like {@link VersionSpecifiers.parse}, but `undefined` when invalid. */
  static tryParse(s: string): VersionSpecifiers | undefined {
    try {
      return VersionSpecifiers.parse(s);
    } catch (e) {
      if (e instanceof VersionSpecifiersParseError) return undefined;
      throw e;
    }
  }

  /** Whether there are no specifiers. */
  isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  /** Whether `version` satisfies every specifier (see {@link ContainsOptions} for pre-releases). */
  contains(version: Version, options?: ContainsOptions): boolean {
    if (options?.prereleases === false && version.isPrerelease()) return false;
    for (const specifier of this.specifiers) {
      if (!specifier.contains(version)) return false;
    }
    return true;
  }

  /** Whether any specifier names a pre-release or dev version. */
  anyPrerelease(): boolean {
    return this.specifiers.some((s) => s.version.isPrerelease());
  }

  /** Whether both lists hold the same specifiers. */
  equals(other: VersionSpecifiers): boolean {
    return (
      this.specifiers.length === other.specifiers.length &&
      this.specifiers.every((s, i) => s.equals(other.specifiers[i]!))
    );
  }

  /** uv's form: `>=3.7, !=3.9.0, <4.0`. */
  toString(): string {
    return this.specifiers.join(", ");
  }

  [Symbol.iterator](): Iterator<VersionSpecifier> {
    return this.specifiers[Symbol.iterator]();
  }
}

function parseItem(item: string, line: string, start: number): VersionSpecifier {
  try {
    return VersionSpecifier.parse(item);
  } catch (e) {
    if (e instanceof VersionSpecifierParseError) {
      throw new VersionSpecifiersParseError(line, start, start + item.length, e);
    }
    throw e;
  }
}

function parseSpecifiers(s: string): VersionSpecifiers {
  if (!s.includes(",")) {
    if (s === "") return VersionSpecifiers.empty();
    return new VersionSpecifiers([parseItem(s, s, 0)]);
  }
  const specifiers: VersionSpecifier[] = [];
  let start = 0;
  for (const item of s.split(",")) {
    specifiers.push(parseItem(item, s, start));
    start += item.length + 1;
  }
  return new VersionSpecifiers(specifiers);
}
