import type { PreKind, VersionParts } from "./version-parts.ts";

/** What the parser found: a version (possibly a `1.2.*` pattern), or uv's error message. */
export type ParseOutcome =
  | { readonly ok: true; readonly parts: VersionParts; readonly wildcard: boolean }
  | { readonly ok: false; readonly message: string; readonly wildcardNotTrailing: boolean };

// Ordered so that longer spellings win (`preview` before `pre`, `alpha` before `a`).
const PRE_SPELLINGS: readonly (readonly [string, PreKind])[] = [
  ["alpha", "a"],
  ["beta", "b"],
  ["preview", "rc"],
  ["pre", "rc"],
  ["rc", "rc"],
  ["a", "a"],
  ["b", "b"],
  ["c", "rc"],
];
const POST_SPELLINGS = ["post", "rev", "r"] as const;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiAlnum(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isSeparator(c: number): boolean {
  return c === 46 /* . */ || c === 95 /* _ */ || c === 45 /* - */;
}

// Rust's `u8::is_ascii_whitespace`: space, \t, \n, \x0C, \r (not \x0B).
function isAsciiWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

class Failure {
  readonly message: string;
  readonly wildcardNotTrailing: boolean;
  constructor(message: string, wildcardNotTrailing = false) {
    this.message = message;
    this.wildcardNotTrailing = wildcardNotTrailing;
  }
}

function numberTooBig(digits: string): Failure {
  return new Failure(
    `expected number less than or equal to ${Number.MAX_SAFE_INTEGER}, but number found in ${JSON.stringify(digits)} exceeds it`,
  );
}

/**
 * A cursor over the version text. It accepts every normalisation form of PEP 440 (case, `v`
 * prefix, `-`/`_`/`.` separators, alternative spellings, implicit numbers, implicit post
 * releases, surrounding whitespace) and reports failures with uv's messages.
 */
class Cursor {
  readonly s: string;
  i = 0;

  constructor(s: string) {
    this.s = s;
  }

  done(): boolean {
    return this.i >= this.s.length;
  }

  code(): number {
    return this.s.charCodeAt(this.i);
  }

  /** Consumes `word` (ASCII case-insensitive) if it comes next. */
  eat(word: string): boolean {
    const end = this.i + word.length;
    if (end > this.s.length) return false;
    for (let k = 0; k < word.length; k++) {
      const c = this.s.charCodeAt(this.i + k);
      const lower = c >= 65 && c <= 90 ? c + 32 : c;
      if (lower !== word.charCodeAt(k)) return false;
    }
    this.i = end;
    return true;
  }

  eatSeparator(): string | undefined {
    if (!this.done() && isSeparator(this.code())) {
      return this.s[this.i++];
    }
    return undefined;
  }

  eatWhitespace(): void {
    while (!this.done() && isAsciiWhitespace(this.code())) this.i++;
  }

  /** Digits as a number, `undefined` when none follow. */
  number(): number | undefined {
    const start = this.i;
    while (!this.done() && isDigit(this.code())) this.i++;
    if (this.i === start) return undefined;
    const digits = this.s.slice(start, this.i);
    // Beyond 2^53 a JS number loses precision, so equal-looking versions would compare wrongly.
    // uv stops at u64::MAX - 1; we stop earlier, on purpose.
    const n = digits.length <= 15 ? Number(digits) : safeNumber(digits);
    if (n === undefined) throw numberTooBig(digits);
    return n;
  }
}

function safeNumber(digits: string): number | undefined {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses a version, or with a trailing `.*` a version pattern; never throws. The full parser:
 * `Version` tries its fast path for the common shapes first.
 */
export function parseVersionText(s: string): ParseOutcome {
  try {
    return parseSlow(s);
  } catch (e) {
    if (e instanceof Failure) {
      return { ok: false, message: e.message, wildcardNotTrailing: e.wildcardNotTrailing };
    }
    throw e;
  }
}

function parseSlow(s: string): ParseOutcome {
  const c = new Cursor(s);
  c.eatWhitespace();
  c.eat("v");

  const first = c.number();
  if (first === undefined) {
    throw new Failure(
      "expected version to start with a number, but no leading ASCII digits were found",
    );
  }
  let epoch = 0;
  let firstRelease = first;
  if (c.eat("!")) {
    epoch = first;
    const n = c.number();
    if (n === undefined) {
      throw new Failure(
        "expected version to have a non-empty release component after an epoch, but no ASCII digits after the epoch were found",
      );
    }
    firstRelease = n;
  }
  const release = [firstRelease];
  while (c.eat(".")) {
    const n = c.number();
    if (n === undefined) {
      c.i--;
      break;
    }
    release.push(n);
  }

  if (c.eat(".*")) {
    if (!c.done()) throw new Failure("wildcards in versions must be at the end", true);
    return {
      ok: true,
      parts: { epoch, release, pre: undefined, post: undefined, dev: undefined, local: [] },
      wildcard: true,
    };
  }

  // Pre-release.
  let pre: VersionParts["pre"];
  {
    const saved = c.i;
    c.eatSeparator();
    const spelling = PRE_SPELLINGS.find(([word]) => c.eat(word));
    if (spelling === undefined) {
      c.i = saved;
    } else {
      c.eatSeparator();
      pre = { kind: spelling[1], number: c.number() ?? 0 };
    }
  }

  // Post-release, including the implicit `1.0-1` form.
  let post: number | undefined;
  {
    const saved = c.i;
    let implicit = false;
    if (c.eat("-")) {
      const n = c.number();
      if (n !== undefined) {
        post = n;
        implicit = true;
      } else {
        c.i = saved;
      }
    }
    if (!implicit) {
      c.eatSeparator();
      if (POST_SPELLINGS.some((word) => c.eat(word))) {
        c.eatSeparator();
        post = c.number() ?? 0;
      } else {
        c.i = saved;
      }
    }
  }

  // Dev release.
  let dev: number | undefined;
  {
    const saved = c.i;
    c.eatSeparator();
    if (c.eat("dev")) {
      c.eatSeparator();
      dev = c.number() ?? 0;
    } else {
      c.i = saved;
    }
  }

  // Local version.
  const local: (string | number)[] = [];
  if (c.eat("+")) {
    let precursor = "+";
    for (;;) {
      const start = c.i;
      while (!c.done() && isAsciiAlnum(c.code())) c.i++;
      if (c.i === start) {
        throw new Failure(
          `found a \`${precursor}\` indicating the start of a local component in a version, but did not find any alphanumeric ASCII segment following the \`${precursor}\``,
        );
      }
      const segment = s.slice(start, c.i);
      local.push(localSegment(segment));
      const separator = c.eatSeparator();
      if (separator === undefined) break;
      precursor = separator;
    }
  }

  c.eatWhitespace();
  if (!c.done()) {
    throw new Failure(
      `after parsing \`${s.slice(0, c.i)}\`, found \`${s.slice(c.i)}\`, which is not part of a valid version`,
    );
  }
  return { ok: true, parts: { epoch, release, pre, post, dev, local }, wildcard: false };
}

function localSegment(segment: string): string | number {
  for (let k = 0; k < segment.length; k++) {
    if (!isDigit(segment.charCodeAt(k))) return segment.toLowerCase();
  }
  const n = Number(segment);
  // Like uv, a numeric segment too large for a number stays a (string) segment.
  return Number.isSafeInteger(n) ? n : segment;
}
