import { Version, VersionSpecifiers } from "@uv-ts/pep440";
import { InvalidVersionRequestError } from "./errors.ts";
import type { Interpreter } from "./interpreter.ts";
import type { PythonVariant } from "./python-variant.ts";
import {
  parseVariant,
  variantDisplaySuffix,
  variantIsDebug,
  variantIsFreethreaded,
  variantMatches,
} from "./python-variant.ts";
import type { Prerelease } from "./python-version.ts";
import { PythonVersion } from "./python-version.ts";

/**
 * The version part of a Python request: `3`, `3.12`, `3.12.1`, `3.13rc1`, `>=3.11,<3.13`, each
 * with an optional variant (`3.13t`); or `default` (any stable, non-free-threaded Python) and
 * `any`.
 */
export type VersionRequest =
  | { readonly kind: "default" }
  | { readonly kind: "any" }
  | {
      readonly kind: "version";
      readonly major: number;
      readonly minor: number | undefined;
      readonly patch: number | undefined;
      readonly pre: Prerelease | undefined;
      readonly variant: PythonVariant;
    }
  | {
      readonly kind: "range";
      readonly specifiers: VersionSpecifiers;
      readonly variant: PythonVariant;
    };

/** The default request: any stable CPython-like interpreter that is not free-threaded. */
export const DEFAULT_VERSION_REQUEST: VersionRequest = { kind: "default" };

/** The request that admits every interpreter. */
export const ANY_VERSION_REQUEST: VersionRequest = { kind: "any" };

function splitVariant(text: string): [string, PythonVariant] {
  let last = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i]! >= "0" && text[i]! <= "9") {
      last = i;
      break;
    }
  }
  if (last === -1 || last + 1 >= text.length) return [text, "default"];
  let suffix = text.slice(last + 1);
  if (suffix.startsWith("+")) suffix = suffix.slice(1);
  const variant = parseVariant(suffix);
  return variant === undefined ? [text, "default"] : [text.slice(0, last + 1), variant];
}

/**
 * Parses a version request; throws {@link InvalidVersionRequestError} for text that is not one
 * (`3.12.post1`, `3.12+local`, `abc`).
 */
export function parseVersionRequest(text: string): VersionRequest {
  if (/^\p{L}+$/u.test(text)) throw new InvalidVersionRequestError(text);
  const [rest, variant] = splitVariant(text);
  let version = PythonVersion.parse(rest);
  if (version === undefined) {
    const specifiers = VersionSpecifiers.tryParse(rest);
    if (specifiers === undefined || specifiers.isEmpty()) {
      throw new InvalidVersionRequestError(rest);
    }
    return versionRequestFromSpecifiers(specifiers, variant);
  }
  // Wheel-tag spelling: `312` means 3.12.
  if (version.release.length === 1) {
    const digits = String(version.release[0]);
    if (digits.length > 1) {
      version = new PythonVersion([Number(digits[0]), Number(digits.slice(1))], version.pre, {
        ...(version.post === undefined ? {} : { post: version.post }),
        ...(version.dev === undefined ? {} : { dev: version.dev }),
        ...(version.local === undefined ? {} : { local: version.local }),
      });
    }
  }
  if (version.post !== undefined || version.dev !== undefined || version.local !== undefined) {
    throw new InvalidVersionRequestError(rest);
  }
  if (version.release.some((n) => n > 255)) throw new InvalidVersionRequestError(rest);
  const [major, minor, patch] = version.release;
  switch (version.release.length) {
    case 1:
      if (version.pre !== undefined) throw new InvalidVersionRequestError(rest);
      return {
        kind: "version",
        major: major!,
        minor: undefined,
        patch: undefined,
        pre: undefined,
        variant,
      };
    case 2:
      return { kind: "version", major: major!, minor, patch: undefined, pre: version.pre, variant };
    case 3:
      // `3.13.0rc1` is the same request as `3.13rc1`.
      return {
        kind: "version",
        major: major!,
        minor,
        patch: version.pre !== undefined && patch === 0 ? undefined : patch,
        pre: version.pre,
        variant,
      };
    default:
      throw new InvalidVersionRequestError(rest);
  }
}

/** A request from specifiers; a lone `==3.12` becomes the plain request `3.12`. */
export function versionRequestFromSpecifiers(
  specifiers: VersionSpecifiers,
  variant: PythonVariant,
): VersionRequest {
  const only = specifiers.specifiers[0];
  if (specifiers.specifiers.length === 1 && only !== undefined && only.operator === "==") {
    try {
      return parseVersionRequest(only.version.toString());
    } catch {
      // Falls through to a range.
    }
  }
  return { kind: "range", specifiers, variant };
}

/** The variant a request asks for (`undefined` for `any`). */
export function versionRequestVariant(request: VersionRequest): PythonVariant | undefined {
  if (request.kind === "any") return undefined;
  if (request.kind === "default") return "default";
  return request.variant;
}

/** Renders a request as uv does in messages: `3.12`, `3.13t` -> `3.13+freethreaded`, `>=3.11, <3.13`. */
export function formatVersionRequest(request: VersionRequest): string {
  switch (request.kind) {
    case "any":
      return "any";
    case "default":
      return "default";
    case "range":
      return request.specifiers.toString();
    case "version": {
      let s = String(request.major);
      if (request.minor !== undefined) s += `.${request.minor}`;
      if (request.patch !== undefined) s += `.${request.patch}`;
      if (request.pre !== undefined) s += `${request.pre.kind}${request.pre.number}`;
      return s + variantDisplaySuffix(request.variant);
    }
  }
}

/** Rejects versions uv does not support (`2`, `3.5`, free-threaded before 3.13). */
export function checkVersionRequestSupported(request: VersionRequest): void {
  if (request.kind !== "version") return;
  const shown = formatVersionRequest({ ...request, variant: "default" });
  if (request.minor === undefined) {
    if (request.major < 3) {
      throw new InvalidVersionRequestError(
        `Python <3 is not supported but ${shown} was requested.`,
      );
    }
  } else if (request.major < 3 || (request.major === 3 && request.minor < 6)) {
    throw new InvalidVersionRequestError(
      `Python <3.6 is not supported but ${shown} was requested.`,
    );
  }
  if (
    variantIsFreethreaded(request.variant) &&
    request.minor !== undefined &&
    request.major === 3 &&
    request.minor < 13
  ) {
    throw new InvalidVersionRequestError(
      `Python <3.13 does not support free-threading but ${formatVersionRequest(request)} was requested.`,
    );
  }
}

/** Whether the request names a patch version (`3.12.1`). */
export function versionRequestHasPatch(request: VersionRequest): boolean {
  return request.kind === "version" && request.patch !== undefined;
}

/** Whether the request opts into pre-release interpreters. */
export function versionRequestAllowsPrereleases(request: VersionRequest): boolean {
  switch (request.kind) {
    case "default":
      return false;
    case "any":
      return true;
    case "range":
      return request.specifiers.anyPrerelease();
    case "version":
      return request.pre !== undefined;
  }
}

/** Whether the request opts into debug builds. */
export function versionRequestIsDebug(request: VersionRequest): boolean {
  const variant = versionRequestVariant(request);
  return variant !== undefined && variantIsDebug(variant);
}

function samePre(a: Prerelease | undefined, b: Prerelease | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === b.kind && a.number === b.number;
}

/** Whether the interpreter's version and build satisfy the request. */
export function versionRequestMatches(request: VersionRequest, interpreter: Interpreter): boolean {
  const facts = {
    major: interpreter.major,
    minor: interpreter.minor,
    gilDisabled: interpreter.gilDisabled,
    debugEnabled: interpreter.debugEnabled,
  };
  switch (request.kind) {
    case "any":
      return true;
    case "default":
      return variantMatches("default", facts);
    case "range": {
      const version = request.specifiers.anyPrerelease()
        ? interpreter.version
        : interpreter.version.onlyRelease();
      return request.specifiers.contains(version.pep440) && variantMatches(request.variant, facts);
    }
    case "version": {
      const v = interpreter.version;
      if (v.major !== request.major) return false;
      if (!variantMatches(request.variant, facts)) return false;
      if (request.minor === undefined) return true;
      if (v.minor !== request.minor) return false;
      if (request.pre !== undefined) {
        if (!samePre(v.pre, request.pre)) return false;
        return request.patch === undefined || v.patch === request.patch;
      }
      if (request.patch === undefined) return true;
      // A patch version asks for a stable release.
      return v.patch === request.patch && v.pre === undefined;
    }
  }
}

/**
 * Whether an interpreter of `3.<minor>` could satisfy the request; used to skip `python3.X`
 * executables on `PATH` without querying them.
 */
export function versionRequestMatchesMajorMinor(
  request: VersionRequest,
  major: number,
  minor: number,
): boolean {
  switch (request.kind) {
    case "any":
    case "default":
      return true;
    case "version":
      return request.major === major && (request.minor === undefined || request.minor === minor);
    case "range": {
      // The satisfying set inside [X.Y, X.Y+1) changes only at versions the specifiers name, so
      // probing at and beside those points (and the ends of the interval) decides it.
      const probes = new Set<number>([0, 1_000_000]);
      for (const s of request.specifiers.specifiers) {
        const [sMajor, sMinor, sPatch] = s.version.release;
        if (sMajor === major && sMinor === minor && sPatch !== undefined) {
          for (const p of [sPatch - 1, sPatch, sPatch + 1]) if (p >= 0) probes.add(p);
        }
      }
      return [...probes].some((p) =>
        request.specifiers.contains(Version.fromParts({ release: [major, minor, p] })),
      );
    }
  }
}
