import { TagParseError } from "./errors.ts";
import { parseUint, U8_MAX } from "./uint.ts";

/** The ABI flags of a CPython ABI tag (`cp313t`, `cp38d`, `cp37m`, `cp27mu`). */
export interface CPythonAbiVariants {
  /** `t`: a free-threaded (no GIL) build, Python 3.13+. */
  readonly freethreaded: boolean;
  /** `d`: a debug build. */
  readonly debug: boolean;
  /** `m`: built with pymalloc; implied (and dropped from the tag) since 3.8. */
  readonly pymalloc: boolean;
  /** `u`: wide unicode; implied since 3.3. */
  readonly wideUnicode: boolean;
}

/** No ABI flags: a regular CPython 3.8+ build. */
export const NO_ABI_VARIANTS: CPythonAbiVariants = {
  freethreaded: false,
  debug: false,
  pymalloc: false,
  wideUnicode: false,
};

/**
 * The second tag of a wheel: the ABI its extension modules need (`none`, `abi3`, `abi3t`,
 * `cp312`, `cp313t`, `pypy310_pp73`, `graalpy240_311_native`, `pyston_23_x86_64_linux_gnu`).
 */
export type AbiTag =
  | { readonly kind: "none" }
  | { readonly kind: "abi3" }
  /** The stable ABI for free-threaded builds (PEP 803). */
  | { readonly kind: "abi3t" }
  | {
      readonly kind: "cpython";
      readonly major: number;
      readonly minor: number;
      readonly variants: CPythonAbiVariants;
    }
  /** `pypy310_pp73`, or `pypy_73` (no Python version). */
  | {
      readonly kind: "pypy";
      readonly pythonVersion: readonly [number, number] | undefined;
      readonly implementationVersion: readonly [number, number];
    }
  | {
      readonly kind: "graalpy";
      readonly pythonVersion: readonly [number, number];
      readonly implementationVersion: readonly [number, number];
    }
  | { readonly kind: "pyston"; readonly implementationVersion: readonly [number, number] };

function variantSuffix(variants: CPythonAbiVariants): string {
  // CPython's own order of the flags.
  return (
    (variants.freethreaded ? "t" : "") +
    (variants.debug ? "d" : "") +
    (variants.pymalloc ? "m" : "") +
    (variants.wideUnicode ? "u" : "")
  );
}

/** The tag as it appears in a wheel filename, e.g. `cp313t`. */
export function formatAbiTag(tag: AbiTag): string {
  switch (tag.kind) {
    case "none":
    case "abi3":
    case "abi3t":
      return tag.kind;
    case "cpython":
      return `cp${tag.major}${tag.minor}${variantSuffix(tag.variants)}`;
    case "pypy": {
      const [implMajor, implMinor] = tag.implementationVersion;
      if (tag.pythonVersion === undefined) return `pypy_${implMajor}${implMinor}`;
      return `pypy${tag.pythonVersion[0]}${tag.pythonVersion[1]}_pp${implMajor}${implMinor}`;
    }
    case "graalpy": {
      const [implMajor, implMinor] = tag.implementationVersion;
      return `graalpy${implMajor}${implMinor}_${tag.pythonVersion[0]}${tag.pythonVersion[1]}_native`;
    }
    case "pyston":
      return `pyston_${tag.implementationVersion[0]}${tag.implementationVersion[1]}_x86_64_linux_gnu`;
  }
}

/** `true` for `abi3` and `abi3t`. */
export function isStableAbi(tag: AbiTag): boolean {
  return tag.kind === "abi3" || tag.kind === "abi3t";
}

/** A human-readable name for messages, e.g. `free-threaded CPython 3.13`; `undefined` for `none`/`abi3`. */
export function prettyAbiTag(tag: AbiTag): string | undefined {
  switch (tag.kind) {
    case "none":
    case "abi3":
      return undefined;
    case "abi3t":
      return "stable ABI for free-threaded CPython";
    case "cpython":
      // Only free-threading changes compatibility; the other flags are implied or compatible.
      return `${tag.variants.freethreaded ? "free-threaded " : ""}CPython ${tag.major}.${tag.minor}`;
    case "pypy":
      return `PyPy ${tag.implementationVersion[0]}.${tag.implementationVersion[1]}`;
    case "graalpy":
      return `GraalPy ${tag.implementationVersion[0]}.${tag.implementationVersion[1]}`;
    case "pyston":
      return "Pyston";
  }
}

/** Parses an ABI tag, throwing a {@link TagParseError} with uv's message on failure. */
export function parseAbiTag(text: string): AbiTag {
  const result = readAbiTag(text);
  if (typeof result === "string") throw new TagParseError("abi", text, result);
  return result;
}

/** Parses an ABI tag, or returns `undefined` (cheap: no error object is built). */
export function tryParseAbiTag(text: string): AbiTag | undefined {
  const result = readAbiTag(text);
  return typeof result === "string" ? undefined : result;
}

function readTwoPart(
  digits: string,
  implementation: string,
  tag: string,
  what: "" | "implementation ",
): readonly [number, number] | string {
  if (digits.length === 0) {
    return `Missing ${what}major version in ${implementation} ABI tag: ${tag}`;
  }
  const c = digits.charCodeAt(0);
  if (c < 48 || c > 57) return `Invalid ${what}major version in ${implementation} ABI tag: ${tag}`;
  const minor = parseUint(digits.slice(1), U8_MAX);
  if (minor === undefined) {
    return `Invalid ${what}minor version in ${implementation} ABI tag: ${tag}`;
  }
  return [c - 48, minor];
}

const VARIANT_FLAGS: Readonly<Record<string, keyof CPythonAbiVariants>> = {
  t: "freethreaded",
  d: "debug",
  m: "pymalloc",
  u: "wideUnicode",
};

/** The tag, or uv's error message. */
function readAbiTag(text: string): AbiTag | string {
  if (text === "none" || text === "abi3" || text === "abi3t") return { kind: text };
  if (text.startsWith("cp")) {
    const rest = text.slice(2);
    let end = 0;
    while (end < rest.length && rest.charCodeAt(end) >= 48 && rest.charCodeAt(end) <= 57) end++;
    const version = readTwoPart(rest.slice(0, end), "CPython", text, "");
    if (typeof version === "string") return version;
    const variants = { freethreaded: false, debug: false, pymalloc: false, wideUnicode: false };
    for (const suffix of rest.slice(end)) {
      const flag = VARIANT_FLAGS[suffix];
      if (flag === undefined) return `Unknown suffix \`${suffix}\` in CPython ABI tag: ${text}`;
      if (variants[flag]) return `Duplicate suffix \`${suffix}\` in CPython ABI tag: ${text}`;
      variants[flag] = true;
    }
    return { kind: "cpython", major: version[0], minor: version[1], variants };
  }
  if (text.startsWith("pypy")) {
    const rest = text.slice(4);
    if (rest.startsWith("_")) {
      const impl = readTwoPart(rest.slice(1), "PyPy", text, "implementation ");
      if (typeof impl === "string") return impl;
      return { kind: "pypy", pythonVersion: undefined, implementationVersion: impl };
    }
    const underscore = rest.indexOf("_");
    if (underscore === -1) return `Invalid PyPy ABI tag format: ${text}`;
    const python = readTwoPart(rest.slice(0, underscore), "PyPy", text, "");
    if (typeof python === "string") return python;
    const implPart = rest.slice(underscore + 1);
    if (!implPart.startsWith("pp")) return `Invalid PyPy ABI tag format: ${text}`;
    const impl = readTwoPart(implPart.slice(2), "PyPy", text, "implementation ");
    if (typeof impl === "string") return impl;
    return { kind: "pypy", pythonVersion: python, implementationVersion: impl };
  }
  if (text.startsWith("graalpy")) {
    const rest = text.slice(7);
    const first = rest.indexOf("_");
    if (first === -1) return `Invalid GraalPy ABI tag format: ${text}`;
    const impl = readTwoPart(rest.slice(0, first), "GraalPy", text, "implementation ");
    if (typeof impl === "string") return impl;
    const afterImpl = rest.slice(first + 1);
    const second = afterImpl.indexOf("_");
    if (second === -1 || afterImpl.slice(second + 1) !== "native") {
      return `Invalid GraalPy ABI tag format: ${text}`;
    }
    const python = readTwoPart(afterImpl.slice(0, second), "GraalPy", text, "");
    if (typeof python === "string") return python;
    return { kind: "graalpy", pythonVersion: python, implementationVersion: impl };
  }
  if (text.startsWith("pyston")) {
    const rest = text.slice(6);
    const suffix = "_x86_64_linux_gnu";
    if (!rest.startsWith("_") || !rest.endsWith(suffix) || rest.length < 1 + suffix.length) {
      return `Invalid Pyston ABI tag format: ${text}`;
    }
    const impl = readTwoPart(
      rest.slice(1, rest.length - suffix.length),
      "Pyston",
      text,
      "implementation ",
    );
    if (typeof impl === "string") return impl;
    return { kind: "pyston", implementationVersion: impl };
  }
  return `Unknown ABI tag format: ${text}`;
}
