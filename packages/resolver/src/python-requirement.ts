import { Version, type VersionSpecifiers } from "@uv-ts/pep440";

/** Where the target Python version came from; it decides the `requires-python` hint's words. */
export type PythonRequirementSource = "interpreter" | "python-version" | "requires-python";

/**
 * The Python versions a resolution is for. `target` is the lowest version the result must work
 * with (`--python-version`, else the interpreter's); each release's `Requires-Python` must admit
 * it. `installed` is the interpreter's version when known: when it differs from `target`, reports
 * speak of "the requested Python version" rather than "the current Python version".
 */
export class PythonRequirement {
  /** The target's lower bound, release part only, trailing zeros trimmed (`3.12`). */
  readonly target: Version;
  /** The interpreter's release (`3.12.1`), trimmed; equal to `target` when not given. */
  readonly installed: Version;
  /** The interpreter's full version (`3.12.1`), for "the current Python version (3.12.1)". */
  readonly exact: Version;
  readonly source: PythonRequirementSource;
  /** {@link admits}' answers: releases of a package share their few `Requires-Python` lists. */
  readonly #admitted = new WeakMap<VersionSpecifiers, boolean>();

  constructor(options: {
    readonly target: Version | string;
    readonly installed?: Version | string | undefined;
    readonly source?: PythonRequirementSource;
  }) {
    const parse = (v: Version | string): Version => (typeof v === "string" ? Version.parse(v) : v);
    const target = parse(options.target);
    const installed = options.installed === undefined ? target : parse(options.installed);
    this.target = trimmedRelease(target);
    this.installed = trimmedRelease(installed);
    this.exact = installed;
    this.source =
      options.source ?? (options.installed === undefined ? "interpreter" : "python-version");
  }

  /** `>=3.12`: how reports print the target. */
  targetText(): string {
    return `>=${this.target}`;
  }

  /** Whether the report speaks of the installed Python rather than the requested one. */
  isInstalledTarget(): boolean {
    return this.installed.equals(this.target);
  }

  /**
   * Whether a release with this `Requires-Python` can be used. As uv, only the lower bound
   * matters: the release must support the target's lowest version (upper bounds such as `<4`
   * are not held against it).
   */
  admits(requiresPython: VersionSpecifiers): boolean {
    let admitted = this.#admitted.get(requiresPython);
    if (admitted === undefined) {
      admitted = this.#admits(requiresPython);
      this.#admitted.set(requiresPython, admitted);
    }
    return admitted;
  }

  #admits(requiresPython: VersionSpecifiers): boolean {
    let lower: Version | undefined;
    let lowerInclusive = true;
    for (const s of requiresPython.specifiers) {
      const v = trimmedRelease(s.version);
      let candidate: Version | undefined;
      let inclusive = true;
      switch (s.operator) {
        case ">=":
        case "~=":
        case "==":
        case "===":
          candidate = v;
          break;
        case "==*":
          candidate = v;
          break;
        case ">":
          candidate = v;
          inclusive = false;
          break;
        default:
          break;
      }
      if (candidate === undefined) continue;
      const c = lower === undefined ? 1 : candidate.compare(lower);
      if (c > 0 || (c === 0 && !inclusive)) {
        lower = candidate;
        lowerInclusive = inclusive;
      }
    }
    if (lower === undefined) return true;
    const c = this.target.compare(lower);
    return c > 0 || (c === 0 && lowerInclusive);
  }
}

/** The release part of a version without trailing zeros (`3.12.0` → `3.12`). */
export function trimmedRelease(v: Version): Version {
  const last = v.release[v.release.length - 1];
  // Already a bare release without trailing zeros (`3.8`, `>=3.10`'s bound): itself.
  if (
    (last !== 0 || v.release.length === 1) &&
    v.pre === undefined &&
    v.post === undefined &&
    v.dev === undefined &&
    v.local.length === 0
  ) {
    return v;
  }
  const release = [...v.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  return Version.fromParts({ epoch: v.epoch, release });
}
