import { Version, VersionSpecifier, VersionSpecifiers } from "@uv-ts/pep440";
import type { PythonVersion } from "./python-version.ts";

/** One end of an interval of release-only versions; `undefined` is unbounded. */
type Bound = { readonly version: Version; readonly inclusive: boolean } | undefined;

/** A non-empty interval; a list of them (sorted, disjoint) is a set of versions. */
interface Interval {
  readonly lower: Bound;
  readonly upper: Bound;
}

const FULL: readonly Interval[] = [{ lower: undefined, upper: undefined }];

function release(version: Version): Version {
  return version.pre === undefined &&
    version.post === undefined &&
    version.dev === undefined &&
    version.local.length === 0 &&
    version.epoch === 0
    ? version
    : Version.fromParts({ release: version.release });
}

function trimmed(version: Version): number[] {
  const parts = version.release.slice();
  while (parts.length > 1 && parts.at(-1) === 0) parts.pop();
  return parts;
}

// Lower bounds compare as "where the interval starts": unbounded first, and an exclusive bound
// after an inclusive one of the same version.
function compareLower(a: Bound, b: Bound): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const c = a.version.compare(b.version);
  return c !== 0 ? c : a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1;
}

function compareUpper(a: Bound, b: Bound): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const c = a.version.compare(b.version);
  return c !== 0 ? c : a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1;
}

function nonEmpty(lower: Bound, upper: Bound): boolean {
  if (lower === undefined || upper === undefined) return true;
  const c = lower.version.compare(upper.version);
  return c < 0 || (c === 0 && lower.inclusive && upper.inclusive);
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lower = compareLower(x.lower, y.lower) >= 0 ? x.lower : y.lower;
      const upper = compareUpper(x.upper, y.upper) <= 0 ? x.upper : y.upper;
      if (nonEmpty(lower, upper)) out.push({ lower, upper });
    }
  }
  return out.sort((x, y) => compareLower(x.lower, y.lower));
}

function complement(intervals: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let start: Bound;
  for (const { lower, upper } of intervals) {
    if (lower !== undefined) {
      const end = { version: lower.version, inclusive: !lower.inclusive };
      if (nonEmpty(start, end)) out.push({ lower: start, upper: end });
    }
    if (upper === undefined) return out;
    start = { version: upper.version, inclusive: !upper.inclusive };
  }
  out.push({ lower: start, upper: undefined });
  return out;
}

function bumpLast(parts: readonly number[]): Version {
  const bumped = parts.slice();
  bumped[bumped.length - 1] = (bumped.at(-1) ?? 0) + 1;
  return Version.fromParts({ release: bumped });
}

/** uv's `release_specifier_to_range`: the specifier on release-only versions. */
function specifierIntervals(specifier: VersionSpecifier): readonly Interval[] {
  const v = release(specifier.version);
  const at = (inclusive: boolean): Bound => ({ version: v, inclusive });
  switch (specifier.operator) {
    case "==":
    case "===":
      return [{ lower: at(true), upper: at(true) }];
    case "!=":
      return complement([{ lower: at(true), upper: at(true) }]);
    case "<":
      return [{ lower: undefined, upper: at(false) }];
    case "<=":
      return [{ lower: undefined, upper: at(true) }];
    case ">":
      return [{ lower: at(false), upper: undefined }];
    case ">=":
      return [{ lower: at(true), upper: undefined }];
    case "~=": {
      const upper = bumpLast(v.release.slice(0, -1));
      return [{ lower: at(true), upper: { version: upper, inclusive: false } }];
    }
    case "==*":
    case "!=*": {
      const range = [
        { lower: at(true), upper: { version: bumpLast(v.release), inclusive: false } },
      ];
      return specifier.operator === "==*" ? range : complement(range);
    }
  }
}

function from(operator: "==" | "==*" | "!=" | "!=*" | "<" | "<=" | ">" | ">=", v: Version) {
  return VersionSpecifier.from(operator, v);
}

/** uv's `VersionSpecifier::from_release_only_bounds` for one interval. */
function boundSpecifiers(lower: Bound, upper: Bound): VersionSpecifier[] {
  if (lower !== undefined && upper !== undefined) {
    if (lower.inclusive && upper.inclusive && lower.version.compare(upper.version) === 0) {
      return [from("==", lower.version)];
    }
    if (lower.inclusive && !upper.inclusive) {
      // `>=3.7, <3.8` is `==3.7.*`.
      const low = trimmed(lower.version);
      const high = trimmed(upper.version);
      const [major, minor] = low;
      const star =
        low.length === 1
          ? high.length === 2 && high[0] === major && high[1] === 1
            ? [major!, 0]
            : undefined
          : low.length === 2 && high.length === 2 && high[0] === major && high[1] === minor! + 1
            ? [major!, minor!]
            : undefined;
      if (star !== undefined) return [from("==*", Version.fromParts({ release: star }))];
    }
  }
  const out: VersionSpecifier[] = [];
  if (lower !== undefined) out.push(from(lower.inclusive ? ">=" : ">", lower.version));
  if (upper !== undefined) out.push(from(upper.inclusive ? "<=" : "<", upper.version));
  return out;
}

/** uv's `VersionSpecifiers::from_release_only_bounds`: specifiers whose set is the intervals. */
function toSpecifiers(intervals: readonly Interval[]): VersionSpecifiers {
  const first = intervals[0];
  if (first === undefined) return VersionSpecifiers.empty();
  const specifiers: VersionSpecifier[] = [];
  let previous = first.upper;
  for (const { lower, upper } of intervals.slice(1)) {
    // Holes between intervals: a single excluded version, or whole excluded minor versions;
    // uv drops other holes (with a warning in its logs).
    if (previous !== undefined && lower !== undefined && !previous.inclusive) {
      if (!lower.inclusive && previous.version.compare(lower.version) === 0) {
        specifiers.push(from("!=", previous.version));
      } else if (lower.inclusive) {
        const prev = trimmed(previous.version);
        const next = trimmed(lower.version);
        const [major, minor] = prev;
        if (next.length === 2 && next[0] === major && (prev.length === 1 || prev.length === 2)) {
          const from0 = prev.length === 1 ? 0 : minor!;
          for (let m = from0; m < next[1]!; m++) {
            specifiers.push(from("!=*", Version.fromParts({ release: [major!, m] })));
          }
        }
      }
    }
    previous = upper;
  }
  specifiers.push(...boundSpecifiers(first.lower, previous));
  return VersionSpecifiers.from(specifiers);
}

/**
 * A project's Python requirement as uv computes it (`RequiresPython`): the intersection of the
 * workspace members' `requires-python` on release-only versions, written back as specifiers
 * (`>=3.13,<3.14` becomes `==3.13.*`, `>=3.13.0b1` becomes `>=3.13.0`). Immutable.
 */
export class RequiresPython {
  /** The specifiers uv shows and tests against (`>=3.13, <4`). */
  readonly specifiers: VersionSpecifiers;

  private constructor(specifiers: VersionSpecifiers) {
    this.specifiers = specifiers;
  }

  /**
   * The intersection of every list of specifiers; `undefined` when there are none, `null` when
   * no version satisfies them all (uv's "conflicting Python requirements").
   */
  static intersection(all: readonly VersionSpecifiers[]): RequiresPython | undefined | null {
    if (all.length === 0) return undefined;
    let intervals: readonly Interval[] = FULL;
    for (const specifiers of all) {
      for (const specifier of specifiers) {
        intervals = intersect(intervals, specifierIntervals(specifier));
      }
    }
    if (intervals.length === 0) return null;
    return new RequiresPython(toSpecifiers(intervals));
  }

  /** Whether the interpreter version (its release part, as uv compares it) is allowed. */
  contains(version: PythonVersion): boolean {
    return this.specifiers.contains(version.onlyRelease().pep440);
  }

  toString(): string {
    return this.specifiers.toString();
  }
}

/**
 * uv's warning for a lone `~=X.Y` `requires-python` (which means `>=X.Y, <X+1`), or `undefined`
 * when the specifiers are not that. `owner` names where it was declared (the package name).
 */
export function tildeRequiresPythonWarning(
  specifiers: VersionSpecifiers,
  owner: string,
): string | undefined {
  const [only, ...rest] = specifiers.specifiers;
  if (only === undefined || rest.length > 0 || only.operator !== "~=") return undefined;
  const parts = only.version.release;
  if (parts.length !== 2) return undefined;
  const [major, minor] = parts as [number, number];
  const zero = Version.fromParts({ release: [major, minor, 0] });
  return (
    `The \`requires-python\` specifier (\`${only}\`) in \`${owner}\` uses the tilde specifier (\`~=\`) without a patch version. ` +
    `This will be interpreted as \`>=${only.version}, <${major + 1}\`. Did you mean \`~=${zero}\` to constrain the version as \`>=${zero}, <${major}.${minor + 1}\`? ` +
    "We recommend only using the tilde specifier with a patch version to avoid ambiguity."
  );
}
