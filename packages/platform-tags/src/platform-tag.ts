import { type Arch, parseArch } from "./arch.ts";
import { TagParseError } from "./errors.ts";
import { parseUint, U16_MAX } from "./uint.ts";

/** A macOS binary format: the last part of a `macosx_*` tag. */
export type BinaryFormat =
  | "arm64"
  | "fat"
  | "fat32"
  | "fat64"
  | "i386"
  | "intel"
  | "ppc"
  | "ppc64"
  | "universal"
  | "universal2"
  | "x86_64";

const BINARY_FORMATS: ReadonlySet<string> = new Set<BinaryFormat>([
  "arm64",
  "fat",
  "fat32",
  "fat64",
  "i386",
  "intel",
  "ppc",
  "ppc64",
  "universal",
  "universal2",
  "x86_64",
]);

/** An Android ABI: the last part of an `android_*` tag. */
export type AndroidAbi = "armeabi_v7a" | "arm64_v8a" | "x86" | "x86_64";

const ANDROID_ABIS: ReadonlySet<string> = new Set<AndroidAbi>([
  "armeabi_v7a",
  "arm64_v8a",
  "x86",
  "x86_64",
]);

/** An iOS architecture plus device/simulator: the last part of an `ios_*` tag. */
export type IosMultiarch = "arm64_iphoneos" | "arm64_iphonesimulator" | "x86_64_iphonesimulator";

const IOS_MULTIARCHS: ReadonlySet<string> = new Set<IosMultiarch>([
  "arm64_iphoneos",
  "arm64_iphonesimulator",
  "x86_64_iphonesimulator",
]);

/** The BSD-like platforms whose tags are `<os>_<release and arch>` with free-form content. */
export type ReleaseArchOs =
  | "freebsd"
  | "netbsd"
  | "openbsd"
  | "dragonfly"
  | "haiku"
  | "illumos"
  | "solaris";

/** The third tag of a wheel: the platform its binaries run on. */
export type PlatformTag =
  | { readonly kind: "any" }
  | {
      readonly kind: "manylinux";
      readonly major: number;
      readonly minor: number;
      readonly arch: Arch;
    }
  | { readonly kind: "manylinux1"; readonly arch: Arch }
  | { readonly kind: "manylinux2010"; readonly arch: Arch }
  | { readonly kind: "manylinux2014"; readonly arch: Arch }
  | { readonly kind: "linux"; readonly arch: Arch }
  | {
      readonly kind: "musllinux";
      readonly major: number;
      readonly minor: number;
      readonly arch: Arch;
    }
  | {
      readonly kind: "macos";
      readonly major: number;
      readonly minor: number;
      readonly binaryFormat: BinaryFormat;
    }
  | { readonly kind: "win32" }
  | { readonly kind: "win_amd64" }
  | { readonly kind: "win_arm64" }
  | { readonly kind: "win_ia64" }
  | { readonly kind: "android"; readonly apiLevel: number; readonly abi: AndroidAbi }
  /** `releaseArch` is the rest of the tag after `<os>_` (for Solaris, before `_64bit`). */
  | { readonly kind: ReleaseArchOs; readonly releaseArch: string }
  | { readonly kind: "pyodide"; readonly major: number; readonly minor: number }
  | { readonly kind: "pyemscripten"; readonly major: number; readonly minor: number }
  | {
      readonly kind: "ios";
      readonly major: number;
      readonly minor: number;
      readonly multiarch: IosMultiarch;
    };

/** The tag as it appears in a wheel filename, e.g. `manylinux_2_17_x86_64`. */
export function formatPlatformTag(tag: PlatformTag): string {
  switch (tag.kind) {
    case "any":
    case "win32":
    case "win_amd64":
    case "win_arm64":
    case "win_ia64":
      return tag.kind;
    case "manylinux":
    case "musllinux":
      return `${tag.kind}_${tag.major}_${tag.minor}_${tag.arch}`;
    case "manylinux1":
    case "manylinux2010":
    case "manylinux2014":
    case "linux":
      return `${tag.kind}_${tag.arch}`;
    case "macos":
      return `macosx_${tag.major}_${tag.minor}_${tag.binaryFormat}`;
    case "android":
      return `android_${tag.apiLevel}_${tag.abi}`;
    case "solaris":
      return `solaris_${tag.releaseArch}_64bit`;
    case "freebsd":
    case "netbsd":
    case "openbsd":
    case "dragonfly":
    case "haiku":
    case "illumos":
      return `${tag.kind}_${tag.releaseArch}`;
    case "pyodide":
    case "pyemscripten":
      return `${tag.kind}_${tag.major}_${tag.minor}_wasm32`;
    case "ios":
      return `ios_${tag.major}_${tag.minor}_${tag.multiarch}`;
  }
}

const PRETTY_PLATFORM: Readonly<Record<PlatformTag["kind"], string | undefined>> = {
  any: undefined,
  manylinux: "Linux",
  manylinux1: "Linux",
  manylinux2010: "Linux",
  manylinux2014: "Linux",
  linux: "Linux",
  musllinux: "Linux",
  macos: "macOS",
  win32: "Windows",
  win_amd64: "Windows",
  win_arm64: "Windows",
  win_ia64: "Windows",
  android: "Android",
  freebsd: "FreeBSD",
  netbsd: "NetBSD",
  openbsd: "OpenBSD",
  dragonfly: "DragonFly",
  haiku: "Haiku",
  illumos: "Illumos",
  solaris: "Solaris",
  pyodide: "Pyodide",
  pyemscripten: "Emscripten",
  ios: "iOS",
};

/** The operating system a platform tag is for, e.g. `macOS`; `undefined` for `any`. */
export function prettyPlatformTag(tag: PlatformTag): string | undefined {
  return PRETTY_PLATFORM[tag.kind];
}

/** `true` for `manylinux_*`, `manylinux1_*`, `manylinux2010_*` and `manylinux2014_*`. */
export function isManylinuxTag(tag: PlatformTag): boolean {
  return (
    tag.kind === "manylinux" ||
    tag.kind === "manylinux1" ||
    tag.kind === "manylinux2010" ||
    tag.kind === "manylinux2014"
  );
}

/** Parses a platform tag, throwing a {@link TagParseError} with uv's message on failure. */
export function parsePlatformTag(text: string): PlatformTag {
  const result = readPlatformTag(text);
  if (typeof result === "string") throw new TagParseError("platform", text, result);
  return result;
}

/** Parses a platform tag, or returns `undefined` (cheap: no error object is built). */
export function tryParsePlatformTag(text: string): PlatformTag | undefined {
  const result = readPlatformTag(text);
  return typeof result === "string" ? undefined : result;
}

const STATIC_TAGS: ReadonlyMap<string, PlatformTag> = new Map<string, PlatformTag>([
  ["any", { kind: "any" }],
  ["win32", { kind: "win32" }],
  ["win_amd64", { kind: "win_amd64" }],
  ["win_arm64", { kind: "win_arm64" }],
  ["win_ia64", { kind: "win_ia64" }],
]);

const RELEASE_ARCH = /^[A-Za-z0-9_]*$/;

/** `<major>_<minor>_<rest>` as used by manylinux, musllinux, macOS and iOS tags. */
function readVersioned(
  rest: string,
  platform: string,
  tag: string,
): { major: number; minor: number; tail: string } | string {
  const first = rest.indexOf("_");
  const second = first === -1 ? -1 : rest.indexOf("_", first + 1);
  if (second === -1) return `Invalid format for ${platform} platform tag: ${tag}`;
  const major = parseUint(rest.slice(0, first), U16_MAX);
  if (major === undefined) return `Invalid major version in ${platform} platform tag: ${tag}`;
  const minor = parseUint(rest.slice(first + 1, second), U16_MAX);
  if (minor === undefined) return `Invalid minor version in ${platform} platform tag: ${tag}`;
  const tail = rest.slice(second + 1);
  if (tail.length === 0) return `Invalid format for ${platform} platform tag: ${tag}`;
  return { major, minor, tail };
}

function readLinuxLike(
  text: string,
  kind: "manylinux" | "musllinux",
  rest: string,
): PlatformTag | string {
  const parts = readVersioned(rest, kind, text);
  if (typeof parts === "string") return parts;
  const arch = parseArch(parts.tail);
  if (arch === undefined) return `Invalid architecture in ${kind} platform tag: ${text}`;
  return { kind, major: parts.major, minor: parts.minor, arch };
}

/** `<major>_<minor>_wasm32` for the Emscripten-based platforms. */
function readWasm(
  text: string,
  kind: "pyodide" | "pyemscripten",
  rest: string,
): PlatformTag | string {
  if (!rest.endsWith("_wasm32")) return `Invalid architecture in ${kind} platform tag: ${text}`;
  const middle = rest.slice(0, -"_wasm32".length);
  const underscore = middle.indexOf("_");
  if (underscore === -1) return `Invalid format for ${kind} platform tag: ${text}`;
  const major = parseUint(middle.slice(0, underscore), U16_MAX);
  if (major === undefined) return `Invalid major version in ${kind} platform tag: ${text}`;
  const minor = parseUint(middle.slice(underscore + 1), U16_MAX);
  if (minor === undefined) return `Invalid minor version in ${kind} platform tag: ${text}`;
  return { kind, major, minor };
}

const RELEASE_ARCH_OSES: readonly ReleaseArchOs[] = [
  "freebsd",
  "netbsd",
  "openbsd",
  "dragonfly",
  "haiku",
  "illumos",
];

/** The tag, or uv's error message. */
function readPlatformTag(text: string): PlatformTag | string {
  const fixed = STATIC_TAGS.get(text);
  if (fixed !== undefined) return fixed;

  if (text.startsWith("manylinux_")) return readLinuxLike(text, "manylinux", text.slice(10));
  for (const kind of ["manylinux1", "manylinux2010", "manylinux2014", "linux"] as const) {
    if (text.startsWith(`${kind}_`)) {
      const arch = parseArch(text.slice(kind.length + 1));
      if (arch === undefined) return `Invalid architecture in ${kind} platform tag: ${text}`;
      return { kind, arch };
    }
  }
  if (text.startsWith("musllinux_")) return readLinuxLike(text, "musllinux", text.slice(10));

  if (text.startsWith("macosx_")) {
    const parts = readVersioned(text.slice(7), "macosx", text);
    if (typeof parts === "string") return parts;
    if (!BINARY_FORMATS.has(parts.tail))
      return `Invalid architecture in macosx platform tag: ${text}`;
    return {
      kind: "macos",
      major: parts.major,
      minor: parts.minor,
      binaryFormat: parts.tail as BinaryFormat,
    };
  }

  if (text.startsWith("android_")) {
    const rest = text.slice(8);
    const underscore = rest.indexOf("_");
    if (underscore === -1) return `Invalid format for android platform tag: ${text}`;
    const apiLevel = parseUint(rest.slice(0, underscore), U16_MAX);
    if (apiLevel === undefined) return `Invalid API level in android platform tag: ${text}`;
    const abi = rest.slice(underscore + 1);
    if (abi.length === 0) return `Invalid format for android platform tag: ${text}`;
    if (!ANDROID_ABIS.has(abi)) return `Invalid architecture in android platform tag: ${text}`;
    return { kind: "android", apiLevel, abi: abi as AndroidAbi };
  }

  for (const kind of RELEASE_ARCH_OSES) {
    if (text.startsWith(`${kind}_`)) {
      const releaseArch = text.slice(kind.length + 1);
      if (releaseArch.length === 0) return `Invalid format for ${kind} platform tag: ${text}`;
      if (!RELEASE_ARCH.test(releaseArch)) {
        return `Platform tag must contain only ASCII letters, digits, and underscores: ${text}`;
      }
      return { kind, releaseArch };
    }
  }

  if (text.startsWith("solaris_")) {
    const rest = text.slice(8);
    if (rest.length === 0) return `Invalid format for solaris platform tag: ${text}`;
    if (rest.endsWith("_64bit") && rest.length > "_64bit".length) {
      const releaseArch = rest.slice(0, -"_64bit".length);
      if (!RELEASE_ARCH.test(releaseArch)) {
        return `Platform tag must contain only ASCII letters, digits, and underscores: ${text}`;
      }
      return { kind: "solaris", releaseArch };
    }
    return `Invalid architecture in solaris platform tag: ${text}`;
  }

  if (text.startsWith("pyodide_")) return readWasm(text, "pyodide", text.slice(8));
  if (text.startsWith("pyemscripten_")) return readWasm(text, "pyemscripten", text.slice(13));

  if (text.startsWith("ios_")) {
    const parts = readVersioned(text.slice(4), "ios", text);
    if (typeof parts === "string") return parts;
    if (!IOS_MULTIARCHS.has(parts.tail)) return `Invalid architecture in ios platform tag: ${text}`;
    return {
      kind: "ios",
      major: parts.major,
      minor: parts.minor,
      multiarch: parts.tail as IosMultiarch,
    };
  }

  return `Unknown platform tag format: ${text}`;
}
