/** A pre-release segment: `a1`, `b2`, `rc1`. */
export interface Prerelease {
  readonly kind: "a" | "b" | "rc";
  readonly number: number;
}

/**
 * A version as a Python interpreter or a version request spells it: a release (`3.12.1`), an
 * optional pre-release (`3.13.0rc1`). Post, dev and local segments are recorded so that callers
 * can reject them; uv's requests never accept them.
 */
export class PythonVersion {
  readonly release: readonly number[];
  readonly pre: Prerelease | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: string | undefined;

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

  /** Parses a PEP 440 version; `undefined` when `text` is not one. */
  static parse(text: string): PythonVersion | undefined {
    const m = VERSION_RE.exec(text.trim());
    if (m === null) return undefined;
    const release = m[1]!.split(".").map(Number);
    if (release.some((n) => !Number.isSafeInteger(n))) return undefined;
    let pre: Prerelease | undefined;
    if (m[2] !== undefined) {
      const word = m[2].toLowerCase();
      const kind = word.startsWith("a") ? "a" : word.startsWith("b") ? "b" : "rc";
      pre = { kind, number: Number(m[3] || 0) };
    }
    const extra: { post?: number; dev?: number; local?: string } = {};
    if (m[4] !== undefined) extra.post = Number(m[5] || 0);
    else if (m[6] !== undefined) extra.post = Number(m[6]);
    if (m[7] !== undefined) extra.dev = Number(m[8] || 0);
    if (m[9] !== undefined) extra.local = m[9].toLowerCase();
    return new PythonVersion(release, pre, extra);
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

const VERSION_RE =
  /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:[-_.]?(post|rev|r)[-_.]?(\d*)|-(\d+))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PRE_ORDER = { a: 0, b: 1, rc: 2 } as const;

/** Orders two versions as PEP 440 does (releases padded with zeros; dev < pre < final < post). */
export function compareVersions(a: PythonVersion, b: PythonVersion): number {
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  const phase = (v: PythonVersion): [number, number] => {
    // A bare dev release sorts before every pre-release of the same release.
    if (v.pre === undefined && v.post === undefined && v.dev !== undefined) return [-1, 0];
    if (v.pre !== undefined) return [PRE_ORDER[v.pre.kind], v.pre.number];
    return [3, 0];
  };
  const [pa, na] = phase(a);
  const [pb, nb] = phase(b);
  if (pa !== pb) return Math.sign(pa - pb);
  if (na !== nb) return Math.sign(na - nb);
  const post = (a.post ?? -1) - (b.post ?? -1);
  if (post !== 0) return Math.sign(post);
  const dev = (a.dev ?? Number.POSITIVE_INFINITY) - (b.dev ?? Number.POSITIVE_INFINITY);
  if (dev !== 0 && Number.isFinite(dev)) return Math.sign(dev);
  if (a.dev === undefined && b.dev !== undefined) return 1;
  if (a.dev !== undefined && b.dev === undefined) return -1;
  return 0;
}
