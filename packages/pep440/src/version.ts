import { VersionParseError } from "./errors.ts";
import { parseVersionText } from "./version-parser.ts";
import type { PreKind, PreRelease, VersionParts } from "./version-parts.ts";

// Phases of the suffix, in PEP 440 order: `1.0.dev0 < 1.0a0 < 1.0b0 < 1.0rc0 < 1.0 < 1.0.post0`.
const PHASE_DEV = 1;
const PRE_PHASE: Readonly<Record<PreKind, number>> = { a: 2, b: 3, rc: 4 };
const PHASE_FINAL = 5;
const PHASE_POST = 6;

const LOCAL_NONE = 0;
const LOCAL_SEGMENTS = 1;
const LOCAL_MAX = 2;

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Versions parsed by text. An index page spells the same version in every file of a release and
 * the resolver parses the same specifiers again and again; versions are immutable, so equal texts
 * can share one. Bounded: it starts over when full, which only costs re-parsing.
 */
class ParseMemo {
  readonly #entries = new Map<string, Version>();

  get(text: string): Version | undefined {
    return this.#entries.get(text);
  }

  set(text: string, version: Version): Version {
    if (this.#entries.size >= 8192) this.#entries.clear();
    this.#entries.set(text, version);
    return version;
  }
}

// A cache of pure parse results, not state: no caller can observe whether an entry was reused.
const PARSED = new ParseMemo();

/**
 * A PEP 440 version such as `1.2.3`, `1!2.0rc1.post2.dev3+ubuntu.1`. Immutable.
 *
 * Parsing accepts every normalisation form of PEP 440; `toString()` gives the normalised form
 * (trailing zeros of the release are kept: `1.0.0` stays `1.0.0`, but equals `1`).
 *
 * Comparison goes through a numeric key computed once at construction, so `compare` allocates
 * nothing: `[epoch, ...release without trailing zeros, -1, phase, pre number, post, dev, local
 * flag]`, then the local segments when both sides have some.
 */
export class Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: PreRelease | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: readonly (string | number)[];
  /** @internal The comparison key (see the class comment). */
  readonly key: readonly number[];
  /**
   * @internal The whole comparison packed into one number for the common versions (epoch 0, up
   * to three release numbers below 256, small suffix numbers, no local label), else -1. Two
   * versions that both have one compare by it alone.
   */
  readonly fastKey: number;
  #string: string | undefined;
  #hashKey: string | undefined;

  /**
   * @internal Use {@link Version.parse} or {@link Version.fromParts}. `max` builds the
   * internal sentinel that sorts above every post-release and local version of `parts`; only
   * version ranges use it.
   */
  constructor(parts: VersionParts, max = false) {
    // Callers hand over arrays they no longer touch (the parser's, or copies), so no copying.
    this.epoch = parts.epoch;
    this.release = parts.release;
    this.pre = parts.pre;
    this.post = parts.post;
    this.dev = parts.dev;
    this.local = parts.local.length === 0 ? EMPTY : parts.local;
    this.key = buildKey(this, max);
    this.fastKey = max ? -1 : buildFastKey(this);
  }

  /** Parses a version, accepting PEP 440's normalisation forms; throws {@link VersionParseError}. */
  static parse(s: string): Version {
    const known = PARSED.get(s);
    if (known !== undefined) return known;
    const outcome = parseVersionText(s);
    if (!outcome.ok) {
      throw new VersionParseError(
        s,
        outcome.wildcardNotTrailing ? "wildcards are not allowed in a version" : outcome.message,
      );
    }
    if (outcome.wildcard) throw new VersionParseError(s, "wildcards are not allowed in a version");
    return PARSED.set(s, new Version(outcome.parts));
  }

  /** Like {@link Version.parse}, but `undefined` for an invalid version. */
  static tryParse(s: string): Version | undefined {
    const known = PARSED.get(s);
    if (known !== undefined) return known;
    const outcome = parseVersionText(s);
    return outcome.ok && !outcome.wildcard ? PARSED.set(s, new Version(outcome.parts)) : undefined;
  }

  /** Builds a version from its parts; missing parts are absent (`epoch` defaults to 0). */
  static fromParts(
    parts: Partial<VersionParts> & { readonly release: readonly number[] },
  ): Version {
    if (parts.release.length === 0) throw new RangeError("a version needs a release segment");
    return new Version({
      epoch: parts.epoch ?? 0,
      release: parts.release.slice(),
      pre: parts.pre === undefined ? undefined : { ...parts.pre },
      post: parts.post,
      dev: parts.dev,
      local: parts.local?.slice() ?? EMPTY,
    });
  }

  /** -1, 0 or 1 as this version sorts before, with, or after `other` under PEP 440. */
  compare(other: Version): -1 | 0 | 1 {
    const x = this.fastKey;
    const y = other.fastKey;
    if (x >= 0 && y >= 0) return x < y ? -1 : x > y ? 1 : 0;
    const a = this.key;
    const b = other.key;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    if (a[n - 1] === LOCAL_SEGMENTS) return compareLocal(this.local, other.local);
    return 0;
  }

  /**
   * @internal Like {@link Version.compare}, ignoring both local segments: the comparison PEP 440
   * asks for when a specifier has no local segment.
   */
  comparePublic(other: Version): -1 | 0 | 1 {
    const x = this.fastKey;
    const y = other.fastKey;
    // A fast key implies no local label, so it orders the public versions too.
    if (x >= 0 && y >= 0) return x < y ? -1 : x > y ? 1 : 0;
    const a = this.key;
    const b = other.key;
    const n = Math.min(a.length, b.length) - 1;
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  /** Whether both versions are equal under PEP 440 (`1.0 == 1.0.0`). */
  equals(other: Version): boolean {
    return this.compare(other) === 0;
  }

  /** A pre-release or a development release (PEP 440's `is_prerelease`). */
  isPrerelease(): boolean {
    return this.pre !== undefined || this.dev !== undefined;
  }

  /** Has a post-release segment. */
  isPostrelease(): boolean {
    return this.post !== undefined;
  }

  /** Has a development release segment. */
  isDevrelease(): boolean {
    return this.dev !== undefined;
  }

  /** Has a local version label (`+ubuntu.1`). */
  isLocal(): boolean {
    return this.local.length > 0;
  }

  /** Neither a pre-release, a dev release, nor a post-release. */
  isStable(): boolean {
    return this.pre === undefined && this.dev === undefined && this.post === undefined;
  }

  /** This version without its local label. */
  withoutLocal(): Version {
    return this.local.length === 0 ? this : this.with({ local: EMPTY });
  }

  /** The public version: epoch, release, pre, post and dev, without the local label. */
  get publicVersion(): Version {
    return this.withoutLocal();
  }

  /** The epoch and release only (`1!2.0`, from `1!2.0rc1.post2+x`). */
  get baseVersion(): Version {
    if (this.isStable() && this.local.length === 0) return this;
    return new Version({
      epoch: this.epoch,
      release: this.release,
      pre: undefined,
      post: undefined,
      dev: undefined,
      local: EMPTY,
    });
  }

  /** A copy with some parts replaced. */
  with(parts: Partial<VersionParts>): Version {
    return new Version({
      epoch: parts.epoch ?? this.epoch,
      release: parts.release?.slice() ?? this.release,
      pre: "pre" in parts ? (parts.pre === undefined ? undefined : { ...parts.pre }) : this.pre,
      post: "post" in parts ? parts.post : this.post,
      dev: "dev" in parts ? parts.dev : this.dev,
      local: parts.local?.slice() ?? this.local,
    });
  }

  /**
   * A string equal for equal versions and different otherwise (`1.0` and `1.0.0` give the same
   * key), for use as a `Map` key.
   */
  hashKey(): string {
    if (this.#hashKey === undefined) {
      const tail = this.local.length === 0 ? "" : `+${this.local.map(localKeyPart).join(".")}`;
      this.#hashKey = `${this.key.join(",")}${tail}`;
    }
    return this.#hashKey;
  }

  /** The normalised form, e.g. `1!2.0rc1.post2.dev3+ubuntu.1`. */
  toString(): string {
    if (this.#string === undefined) this.#string = render(this);
    return this.#string;
  }
}

/** -1, 0 or 1 as `a` sorts before, with, or after `b`; for `Array.prototype.sort`. */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  return a.compare(b);
}

/** @internal The sentinel above `v`, every `v+local` and every `v.postN` (for `>v` ranges). */
export function versionMax(v: Version): Version {
  return new Version(v, true);
}

/** @internal Whether `v` is the sentinel built by {@link versionMax}. */
export function isVersionMax(v: Version): boolean {
  return v.key[v.key.length - 1] === LOCAL_MAX;
}

function buildKey(v: Version, max: boolean): number[] {
  let end = v.release.length;
  while (end > 0 && v.release[end - 1] === 0) end--;
  const key: number[] = [v.epoch];
  for (let i = 0; i < end; i++) key.push(v.release[i]!);
  // Below every release number, so `1` sorts before `1.0.1`.
  key.push(-1);

  let post = v.post ?? -1;
  let dev = v.dev ?? Number.POSITIVE_INFINITY;
  let phase: number;
  let preNumber = 0;
  if (max) {
    post = Number.POSITIVE_INFINITY;
    dev = Number.POSITIVE_INFINITY;
  }
  if (v.pre !== undefined) {
    phase = PRE_PHASE[v.pre.kind];
    preNumber = v.pre.number;
  } else if (post !== -1) {
    phase = PHASE_POST;
  } else if (v.dev !== undefined) {
    phase = PHASE_DEV;
  } else {
    phase = PHASE_FINAL;
    dev = 0;
  }
  key.push(phase, preNumber, post, dev);
  key.push(max ? LOCAL_MAX : v.local.length > 0 ? LOCAL_SEGMENTS : LOCAL_NONE);
  return key;
}

// Packs (release[0..3], phase, pre, post, dev) into 47 bits, in the order of the key above:
// 8 bits per release number, 3 for the phase, 6 for the pre number, 7 for the post number
// (0 when absent) and 7 for the dev number (127 when absent).
function buildFastKey(v: Version): number {
  if (v.epoch !== 0 || v.local.length > 0) return -1;
  const release = v.release;
  let end = release.length;
  while (end > 0 && release[end - 1] === 0) end--;
  if (end > 3) return -1;
  let packed = 0;
  for (let i = 0; i < 3; i++) {
    const n = i < end ? release[i]! : 0;
    if (n > 255) return -1;
    packed = packed * 256 + n;
  }
  const pre = v.pre?.number ?? 0;
  const post = v.post === undefined ? 0 : v.post + 1;
  const dev = v.dev === undefined ? 127 : v.dev;
  if (pre > 63 || post > 127 || dev > 126) return -1;
  const phase =
    v.pre !== undefined
      ? PRE_PHASE[v.pre.kind]
      : v.post !== undefined
        ? PHASE_POST
        : v.dev !== undefined
          ? PHASE_DEV
          : PHASE_FINAL;
  // A final release's dev slot is irrelevant (its phase is unique), as in the key.
  return (((packed * 8 + phase) * 64 + pre) * 128 + post) * 128 + (phase === PHASE_FINAL ? 0 : dev);
}

// PEP 440: numbers sort above strings, strings compare lexicographically, and a longer label
// sorts after a shorter one it starts with.
function compareLocal(
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): -1 | 0 | 1 {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xNumber = typeof x === "number";
    const yNumber = typeof y === "number";
    if (xNumber !== yNumber) return xNumber ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function localKeyPart(segment: string | number): string {
  return typeof segment === "number" ? `#${segment}` : segment;
}

function render(v: Version): string {
  let s = v.epoch === 0 ? "" : `${v.epoch}!`;
  s += v.release.join(".");
  if (v.pre !== undefined) s += `${v.pre.kind}${v.pre.number}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local.length > 0) s += `+${v.local.join(".")}`;
  return s;
}
