import { TagParseError } from "./errors.ts";
import { parseUint, U8_MAX } from "./uint.ts";

/**
 * The first tag of a wheel: which Python implementation and version it targets (`py3`, `py312`,
 * `cp312`, `pp310`, `graalpy311`, `pyston38`, `cp3`, or `none`).
 */
export type LanguageTag =
  | { readonly kind: "none" }
  /** `py3` when `minor` is `undefined`, `py312` otherwise. */
  | { readonly kind: "python"; readonly major: number; readonly minor: number | undefined }
  | { readonly kind: "cpython"; readonly major: number; readonly minor: number }
  /** `cp3`: a CPython tag without a minor version. */
  | { readonly kind: "cpython-major"; readonly major: number }
  | { readonly kind: "pypy"; readonly major: number; readonly minor: number }
  | { readonly kind: "graalpy"; readonly major: number; readonly minor: number }
  | { readonly kind: "pyston"; readonly major: number; readonly minor: number };

/** The tag as it appears in a wheel filename, e.g. `cp312`. */
export function formatLanguageTag(tag: LanguageTag): string {
  switch (tag.kind) {
    case "none":
      return "none";
    case "python":
      return tag.minor === undefined ? `py${tag.major}` : `py${tag.major}${tag.minor}`;
    case "cpython":
      return `cp${tag.major}${tag.minor}`;
    case "cpython-major":
      return `cp${tag.major}`;
    case "pypy":
      return `pp${tag.major}${tag.minor}`;
    case "graalpy":
      return `graalpy${tag.major}${tag.minor}`;
    case "pyston":
      return `pyston${tag.major}${tag.minor}`;
  }
}

/** A human-readable name for messages, e.g. `CPython 3.12`; `undefined` for `none`. */
export function prettyLanguageTag(tag: LanguageTag): string | undefined {
  switch (tag.kind) {
    case "none":
      return undefined;
    case "python":
      return tag.minor === undefined ? `Python ${tag.major}` : `Python ${tag.major}.${tag.minor}`;
    case "cpython":
      return `CPython ${tag.major}.${tag.minor}`;
    case "cpython-major":
      return `CPython ${tag.major}`;
    case "pypy":
      return `PyPy ${tag.major}.${tag.minor}`;
    case "graalpy":
      return `GraalPy ${tag.major}.${tag.minor}`;
    case "pyston":
      return `Pyston ${tag.major}.${tag.minor}`;
  }
}

/** Parses a language tag, throwing a {@link TagParseError} with uv's message on failure. */
export function parseLanguageTag(text: string): LanguageTag {
  const result = readLanguageTag(text);
  if (typeof result === "string") throw new TagParseError("language", text, result);
  return result;
}

/** Parses a language tag, or returns `undefined` (cheap: no error object is built). */
export function tryParseLanguageTag(text: string): LanguageTag | undefined {
  const result = readLanguageTag(text);
  return typeof result === "string" ? undefined : result;
}

function digit(text: string, index: number): number | undefined {
  const c = text.charCodeAt(index);
  return c >= 48 && c <= 57 ? c - 48 : undefined;
}

/** `39` -> [3, 9]: one digit of major, the rest is the minor. Returns an error message otherwise. */
function readVersion(
  digits: string,
  implementation: string,
  tag: string,
): readonly [number, number] | string {
  if (digits.length === 0) return `Missing major version in ${implementation} language tag: ${tag}`;
  const major = digit(digits, 0);
  if (major === undefined) return `Invalid major version in ${implementation} language tag: ${tag}`;
  const minor = parseUint(digits.slice(1), U8_MAX);
  if (minor === undefined) return `Invalid minor version in ${implementation} language tag: ${tag}`;
  return [major, minor];
}

/** The tag, or uv's error message. */
function readLanguageTag(text: string): LanguageTag | string {
  if (text === "none") return { kind: "none" };
  if (text.startsWith("py")) {
    const rest = text.slice(2);
    if (rest.length === 0) return `Missing major version in Python language tag: ${text}`;
    if (rest.length === 1) {
      const major = digit(rest, 0);
      if (major === undefined) return `Invalid major version in Python language tag: ${text}`;
      return { kind: "python", major, minor: undefined };
    }
    if (rest.length <= 3) {
      const version = readVersion(rest, "Python", text);
      if (typeof version === "string") return version;
      return { kind: "python", major: version[0], minor: version[1] };
    }
    if (rest.startsWith("ston")) {
      const version = readVersion(rest.slice(4), "Pyston", text);
      if (typeof version === "string") return version;
      return { kind: "pyston", major: version[0], minor: version[1] };
    }
    return `Unknown language tag format: ${text}`;
  }
  if (text.startsWith("cp")) {
    const rest = text.slice(2);
    if (rest.length === 0) return `Missing major version in CPython language tag: ${text}`;
    if (rest.length === 1) {
      const major = digit(rest, 0);
      if (major === undefined) return `Invalid major version in CPython language tag: ${text}`;
      return { kind: "cpython-major", major };
    }
    if (rest.length <= 3) {
      const version = readVersion(rest, "CPython", text);
      if (typeof version === "string") return version;
      return { kind: "cpython", major: version[0], minor: version[1] };
    }
    return `Unknown language tag format: ${text}`;
  }
  if (text.startsWith("pp")) {
    const version = readVersion(text.slice(2), "PyPy", text);
    if (typeof version === "string") return version;
    return { kind: "pypy", major: version[0], minor: version[1] };
  }
  if (text.startsWith("graalpy")) {
    const version = readVersion(text.slice(7), "GraalPy", text);
    if (typeof version === "string") return version;
    return { kind: "graalpy", major: version[0], minor: version[1] };
  }
  return `Unknown language tag format: ${text}`;
}
