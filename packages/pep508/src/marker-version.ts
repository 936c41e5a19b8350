import { type Operator, Version, type VersionSpecifier } from "@uv-ts/pep440";

/**
 * A specifier reduced to its release segments. uv evaluates marker versions with "release-only"
 * semantics: the pre, post, dev and local parts of the marker's version are dropped and the
 * environment's version is compared against plain bounds.
 */
export interface ReleaseSpecifier {
  readonly operator: Operator;
  readonly release: readonly number[];
}

/** The release-only view of a parsed specifier. */
export function toReleaseSpecifier(spec: VersionSpecifier): ReleaseSpecifier {
  return { operator: spec.operator, release: spec.version.release };
}

function trimmed(release: readonly number[]): number[] {
  let end = release.length;
  while (end > 1 && release[end - 1] === 0) end--;
  return release.slice(0, end);
}

/**
 * Rewrites a `python_version` comparison into the `python_full_version` comparison uv evaluates
 * instead (`python_version > '3.8'` is `python_full_version >= '3.9'`), or a constant when the
 * comparison can never, or always, hold (`python_version == '3.9.1'`).
 */
export function pythonVersionToFullVersion(spec: ReleaseSpecifier): ReleaseSpecifier | boolean {
  const { operator, release } = spec;
  const [major = 0, minor = 0, ...rest] = release;
  const restIsZero = rest.every((x) => x === 0);
  if (operator === "==*" || operator === "!=*") {
    if (release.length === 1) return spec;
    if (restIsZero) return { operator, release: [major, minor] };
    return false;
  }
  if (operator === "~=") {
    if (release.length === 2) return spec;
    if (restIsZero) return { operator: "==*", release: [major, minor] };
    return false;
  }
  const short = trimmed(release);
  if (short.length <= 2) {
    const mm = [short[0] ?? 0, short[1] ?? 0];
    const next = [mm[0] ?? 0, (mm[1] ?? 0) + 1];
    switch (operator) {
      case "==":
      case "===":
        return { operator: "==*", release: mm };
      case "!=":
        return { operator: "!=*", release: mm };
      case ">":
        return { operator: ">=", release: next };
      case "<=":
        return { operator: "<", release: next };
      default:
        return spec;
    }
  }
  const next = [major, minor + 1];
  switch (operator) {
    case "==":
    case "===":
      return false;
    case "!=":
      return true;
    case "<":
    case "<=":
      return { operator: "<", release: next };
    default:
      return { operator: ">=", release: next };
  }
}

function versionOf(release: readonly number[]): Version {
  return Version.fromParts({ release });
}

/** Whether `version` lies in the range uv derives from the release-only specifier. */
export function releaseSpecifierContains(spec: ReleaseSpecifier, version: Version): boolean {
  const { operator, release } = spec;
  const cmp = version.compare(versionOf(release));
  switch (operator) {
    case "==":
    case "===":
      return cmp === 0;
    case "!=":
      return cmp !== 0;
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    case "~=": {
      const upper = release.slice(0, -2);
      upper.push((release[release.length - 2] ?? 0) + 1);
      return cmp >= 0 && version.compare(versionOf(upper)) < 0;
    }
    case "==*":
    case "!=*": {
      const upper = release.slice(0, -1);
      upper.push((release[release.length - 1] ?? 0) + 1);
      const inside = cmp >= 0 && version.compare(versionOf(upper)) < 0;
      return operator === "==*" ? inside : !inside;
    }
  }
}
