import { Version } from "@uv-ts/pep440";

/** A pre-release segment: `a1`, `b2`, `rc1`. */
export interface Prerelease {
  readonly kind: "a" | "b" | "rc";
  readonly number: number;
}

/**
 * A version as a Python interpreter or a version request spells it: a release (`3.12.1`), an
 * optional pre-release (`3.13.0rc1`). Post, dev and local segments are recorded so that callers
 * can reject them; uv's requests never accept them. Parsing, ordering and specifier matching
 * are `@uv-ts/pep440`'s ({@link PythonVersion.pep440}).
 */
export class PythonVersion {
  readonly release: readonly number[];
  readonly pre: Prerelease | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: string | undefined;
  #pep440: Version | undefined;

  constructor(
    release: readonly number[],
    pre?: Prerelease,
    extra: { post?: number; dev?: number; local?: string } = {},
  ) {
    this.release = release;
    this.pre = pre;
    this.post = extra.post;
    this.dev = extra.dev;
    this.local = extra.local;
  }

  /** Parses a PEP 440 version (without an epoch); `undefined` when `text` is not one. */
  static parse(text: string): PythonVersion | undefined {
    const version = Version.tryParse(text.trim());
    if (version === undefined || version.epoch !== 0) return undefined;
    const extra: { post?: number; dev?: number; local?: string } = {};
    if (version.post !== undefined) extra.post = version.post;
    if (version.dev !== undefined) extra.dev = version.dev;
    if (version.local.length > 0) extra.local = version.local.join(".");
    const parsed = new PythonVersion(version.release, version.pre, extra);
    parsed.#pep440 = version;
    return parsed;
  }

  /** The same version as a `@uv-ts/pep440` {@link Version}, for comparisons and specifiers. */
  get pep440(): Version {
    this.#pep440 ??= Version.fromParts({
      release: this.release,
      pre: this.pre,
      post: this.post,
      dev: this.dev,
      local:
        this.local === undefined
          ? []
          : this.local.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
    });
    return this.#pep440;
  }

  get major(): number {
    return this.release[0] ?? 0;
  }

  get minor(): number {
    return this.release[1] ?? 0;
  }

  get patch(): number {
    return this.release[2] ?? 0;
  }

  /** The same version without pre-release (and post, dev, local) segments. */
  onlyRelease(): PythonVersion {
    return new PythonVersion(this.release);
  }

  toString(): string {
    let s = this.release.join(".");
    if (this.pre !== undefined) s += `${this.pre.kind}${this.pre.number}`;
    if (this.post !== undefined) s += `.post${this.post}`;
    if (this.dev !== undefined) s += `.dev${this.dev}`;
    if (this.local !== undefined) s += `+${this.local}`;
    return s;
  }
}

/** Orders two versions as PEP 440 does (releases padded with zeros; dev < pre < final < post). */
export function compareVersions(a: PythonVersion, b: PythonVersion): number {
  return a.pep440.compare(b.pep440);
}
