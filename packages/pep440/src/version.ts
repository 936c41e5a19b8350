import { VersionParseError } from "./errors.ts";
import { ParseMemo } from "./parse-memo.ts";
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

/** Versions parsed by text (see {@link ParseMemo}). */
const PARSED = new ParseMemo<Version>(16384);

/**
 * A PEP 440 version such as `1.2.3`, `1!2.0rc1.post2.dev3+ubuntu.1`. Immutable.
 *
 * Parsing accepts every normalisation form of PEP 440; `toString()` gives the normalised form
 * (trailing zeros of the release are kept: `1.0.0` stays `1.0.0`, but equals `1`).
 *
 * Comparison goes through a numeric key, so `compare` allocates nothing: `[epoch, ...release
 * without trailing zeros, -1, phase, pre number, post, dev, local flag]`, then the local segments
 * when both sides have some. Nearly every version also packs that key into one number
 * (`fastKey`, computed at construction); the array is built only for the others, when first
 * compared.
 */
export class Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: PreRelease | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: readonly (string | number)[];
  /**
   * @internal The whole comparison packed into one number for the common versions (epoch 0, up
   * to three release numbers below 256, small suffix numbers, no local label), else -1. Two
   * versions that both have one compare by it alone.
   */
  readonly fastKey: number;
  // The comparison key (see the class comment), built when first needed: most versions only
  // ever compare by their fast key.
  #key: readonly number[] | undefined;
  #string: string | undefined;
  #hashKey: string | undefined;

  /**
   * @internal Use {@link Version.parse} or {@link Version.fromParts}. Takes ownership of the
   * arrays (no copies). `max` builds the internal sentinel that sorts above every post-release
   * and local version; only version ranges use it. `text` is the normalised form when the
   * caller already has it.
   */
  constructor(
    epoch: number,
    release: readonly number[],
    pre: PreRelease | undefined,
    post: number | undefined,
    dev: number | undefined,
    local: readonly (string | number)[],
    max = false,
    text: string | undefined = undefined,
  ) {
    this.epoch = epoch;
    this.release = release;
    this.pre = pre;
    this.post = post;
    this.dev = dev;
    this.local = local.length === 0 ? EMPTY : local;
    this.fastKey = max ? -1 : buildFastKey(this);
    this.#key = max ? buildKey(this, true) : undefined;
    this.#string = text;
    this.#hashKey = undefined;
  }

  /** @internal The comparison key (see the class comment). */
  get key(): readonly number[] {
    if (this.#key === undefined) this.#key = buildKey(this, false);
    return this.#key;
  }

  /** Parses a version, accepting PEP 440's normalisation forms; throws {@link VersionParseError}. */
  static parse(s: string): Version {
    const known = PARSED.get(s);
    if (known !== undefined) return known;
    const common = parseCommonVersion(s);
    if (common !== undefined) return PARSED.set(s, common);
    const outcome = parseVersionText(s);
    if (!outcome.ok) {
      throw new VersionParseError(
        s,
        outcome.wildcardNotTrailing ? "wildcards are not allowed in a version" : outcome.message,
      );
    }
    if (outcome.wildcard) throw new VersionParseError(s, "wildcards are not allowed in a version");
    return PARSED.set(s, versionFromParts(outcome.parts));
  }

  /** Like {@link Version.parse}, but `undefined` for an invalid version. */
  static tryParse(s: string): Version | undefined {
    const known = PARSED.get(s);
    if (known !== undefined) return known;
    const common = parseCommonVersion(s);
    if (common !== undefined) return PARSED.set(s, common);
    const outcome = parseVersionText(s);
    return outcome.ok && !outcome.wildcard
      ? PARSED.set(s, versionFromParts(outcome.parts))
      : undefined;
  }

  /** Builds a version from its parts; missing parts are absent (`epoch` defaults to 0). */
  static fromParts(
    parts: Partial<VersionParts> & { readonly release: readonly number[] },
  ): Version {
    if (parts.release.length === 0) throw new RangeError("a version needs a release segment");
    return new Version(
      parts.epoch ?? 0,
      parts.release.slice(),
      parts.pre === undefined ? undefined : { ...parts.pre },
      parts.post,
      parts.dev,
      parts.local?.slice() ?? EMPTY,
    );
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
    return new Version(this.epoch, this.release, undefined, undefined, undefined, EMPTY);
  }

  /** A copy with some parts replaced. */
  with(parts: Partial<VersionParts>): Version {
    return new Version(
      parts.epoch ?? this.epoch,
      parts.release?.slice() ?? this.release,
      "pre" in parts ? (parts.pre === undefined ? undefined : { ...parts.pre }) : this.pre,
      "post" in parts ? parts.post : this.post,
      "dev" in parts ? parts.dev : this.dev,
      parts.local?.slice() ?? this.local,
    );
  }

  /**
   * A string equal for equal versions and different otherwise (`1.0` and `1.0.0` give the same
   * key), for use as a `Map` key.
   */
  hashKey(): string {
    if (this.#hashKey === undefined) this.#hashKey = buildHashKey(this);
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
  return new Version(v.epoch, v.release, v.pre, v.post, v.dev, v.local, true);
}

/** @internal Whether `v` is the sentinel built by {@link versionMax}. */
export function isVersionMax(v: Version): boolean {
  // A sentinel never has a fast key; checking that first spares building the others' keys.
  return v.fastKey < 0 && v.key[v.key.length - 1] === LOCAL_MAX;
}

/** @internal A version from the full parser's parts, which it hands over (no copies). */
export function versionFromParts(parts: VersionParts): Version {
  return new Version(parts.epoch, parts.release, parts.pre, parts.post, parts.dev, parts.local);
}

/**
 * @internal The fast path of parsing, for the shapes nearly every index version has: already
 * normalised `N(.N)*`, optionally followed by `aN`/`bN`/`rcN`, `.postN` and `.devN` (lowercase,
 * explicit numbers, no epoch, local label, `v` or whitespace). `undefined` for any other text,
 * which the full parser then decides on; where both accept a text they agree.
 */
export function parseCommonVersion(s: string): Version | undefined {
  const n = s.length;
  if (n === 0 || n > 64) return undefined;
  const release: number[] = [];
  let i = 0;
  // Without leading zeros the text is the normalised form, and toString() can return it as is.
  let canonical = true;
  // Reads stay in bounds (`charCodeAt` past the end would deoptimise the compiled loop); -1 is
  // the end of the text.
  let c = -1;
  for (;;) {
    const start = i;
    let value = 0;
    c = -1;
    while (i < n) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      c = -1;
      i++;
    }
    // Up to 15 digits the sum above is exact; longer numbers take the full parser's checks.
    if (i === start || i - start > 15) return undefined;
    if (i - start > 1 && s.charCodeAt(start) === 48) canonical = false;
    release.push(value);
    if (c !== 46 || i + 1 >= n) break;
    const next = s.charCodeAt(i + 1);
    if (next < 48 || next > 57) break;
    i++;
  }

  let pre: PreRelease | undefined;
  let post: number | undefined;
  let dev: number | undefined;
  let kind: PreKind | undefined;
  if (c === 97) {
    kind = "a";
    i++;
  } else if (c === 98) {
    kind = "b";
    i++;
  } else if (c === 114 && i + 1 < n && s.charCodeAt(i + 1) === 99) {
    kind = "rc";
    i += 2;
  }
  if (kind !== undefined) {
    const end = digitsEnd(s, i);
    if (end === i || end - i > 15) return undefined;
    if (end - i > 1 && s.charCodeAt(i) === 48) canonical = false;
    pre = { kind, number: digitsValue(s, i, end) };
    i = end;
  }
  if (i < n && s.startsWith(".post", i)) {
    const end = digitsEnd(s, i + 5);
    if (end === i + 5 || end - i > 20) return undefined;
    if (end - i > 6 && s.charCodeAt(i + 5) === 48) canonical = false;
    post = digitsValue(s, i + 5, end);
    i = end;
  }
  if (i < n && s.startsWith(".dev", i)) {
    const end = digitsEnd(s, i + 4);
    if (end === i + 4 || end - i > 19) return undefined;
    if (end - i > 5 && s.charCodeAt(i + 4) === 48) canonical = false;
    dev = digitsValue(s, i + 4, end);
    i = end;
  }
  if (i !== n) return undefined;
  return new Version(0, release, pre, post, dev, EMPTY, false, canonical ? s : undefined);
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

/** Where the run of ASCII digits starting at `i` ends. */
function digitsEnd(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i;
}

/** The value of the digits `s[start..end)`; exact for up to 15 digits. */
function digitsValue(s: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (s.charCodeAt(i) - 48);
  return value;
}

/** The key as a string (see {@link Version.hashKey}), without building the key. */
function buildHashKey(v: Version): string {
  if (v.fastKey < 0) {
    const tail = v.local.length === 0 ? "" : `+${v.local.map(localKeyPart).join(".")}`;
    return `${v.key.join(",")}${tail}`;
  }
  // The same text as `key.join(",")` (a fast key implies epoch 0, no local label, not max).
  const release = v.release;
  let end = release.length;
  while (end > 0 && release[end - 1] === 0) end--;
  let text = "0,";
  for (let i = 0; i < end; i++) text += `${release[i]},`;
  if (v.pre !== undefined) {
    return `${text}-1,${PRE_PHASE[v.pre.kind]},${v.pre.number},${v.post ?? -1},${v.dev ?? "Infinity"},0`;
  }
  if (v.post !== undefined) return `${text}-1,${PHASE_POST},0,${v.post},${v.dev ?? "Infinity"},0`;
  if (v.dev !== undefined) return `${text}-1,${PHASE_DEV},0,-1,${v.dev},0`;
  return `${text}-1,${PHASE_FINAL},0,-1,0,0`;
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
  // 127 stands for "no dev release", above every dev number that fits.
  const dev = v.dev === undefined ? 127 : v.dev;
  if (pre > 63 || post > 127 || (v.dev !== undefined && dev > 126)) return -1;
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
