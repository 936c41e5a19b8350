import { statSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { InvalidVersionRequestError, LatestVersionRequestError } from "./errors.ts";
import type { ImplementationName } from "./implementation.ts";
import { implementationNames, prettyImplementation } from "./implementation.ts";
import type { VersionRequest } from "./version-request.ts";
import {
  formatVersionRequest,
  parseVersionRequest,
  versionRequestAllowsPrereleases,
  versionRequestHasPatch,
  versionRequestIsDebug,
} from "./version-request.ts";

/**
 * What the user asked for with `--python`, `UV_PYTHON`, `uv-ts python find REQUEST` or a
 * `.python-version` line, as uv classifies it.
 */
export type PythonRequest =
  | { readonly kind: "default" }
  | { readonly kind: "any" }
  | { readonly kind: "version"; readonly version: VersionRequest }
  | { readonly kind: "directory"; readonly path: string }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "executable-name"; readonly name: string }
  | { readonly kind: "implementation"; readonly implementation: ImplementationName }
  | {
      readonly kind: "implementation-version";
      readonly implementation: ImplementationName;
      readonly version: VersionRequest;
    };

/** The request used when nothing asks for a particular Python. */
export const DEFAULT_PYTHON_REQUEST: PythonRequest = { kind: "default" };

/**
 * Splits `prefix` off `value` and parses the rest as a version (`python3.12`, `cpython@3.12`).
 * Without `@` a rest that is not a version means "no match"; after `@` it is an error.
 */
function splitPrefixAndVersion(prefix: string, value: string): VersionRequest | undefined {
  if (value.startsWith("@")) throw new InvalidVersionRequestError(value);
  if (!value.startsWith(prefix)) return undefined;
  const rest = value.slice(prefix.length);
  if (rest === "") return undefined;
  if (rest.startsWith("@")) {
    const after = rest.slice(1);
    if (after === "latest") throw new LatestVersionRequestError();
    return parseVersionRequest(after);
  }
  try {
    return parseVersionRequest(rest);
  } catch {
    return undefined;
  }
}

function parseVersionsAndImplementations(value: string): PythonRequest | undefined {
  for (const prefix of ["python", ""]) {
    const version = splitPrefixAndVersion(prefix, value);
    if (version !== undefined) return { kind: "version", version };
  }
  for (const { name, implementation } of implementationNames()) {
    if (value === name) return { kind: "implementation", implementation };
    const version = splitPrefixAndVersion(name, value);
    if (version !== undefined) return { kind: "implementation-version", implementation, version };
  }
  return undefined;
}

function fileKind(path: string): "file" | "directory" | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) return "directory";
    if (st?.isFile()) return "file";
  } catch {
    // Not there: the caller decides what the text means instead.
  }
  return undefined;
}

/**
 * Classifies a request string as uv's `PythonRequest::parse` does. It cannot fail for paths and
 * names (an unknown word is an executable name), but malformed versions after `@` throw.
 * `cwd` resolves relative paths when checking whether they exist; the request keeps the text.
 */
export function parsePythonRequest(value: string, cwd: string): PythonRequest {
  const lower = value.toLowerCase();
  if (lower === "any") return { kind: "any" };
  if (lower === "default") return { kind: "default" };
  // Text with a path separator is never a version or an implementation name; skipping the
  // attempt avoids the (costly) exceptions of failed version parses for `--python /path`.
  if (!value.includes(sep)) {
    try {
      const parsed = parseVersionsAndImplementations(lower);
      if (parsed !== undefined) return parsed;
    } catch {
      // uv treats a malformed `name@version` like any other word: a path or an executable name.
    }
  }
  const kind = fileKind(isAbsolute(value) ? value : resolve(cwd, value));
  if (kind !== undefined) return { kind, path: value };
  if (value.includes(sep)) return { kind: "file", path: value };
  const key = parseInstallationKeyRequest(lower);
  if (key !== undefined) return key;
  return { kind: "executable-name", name: value };
}

const HOST_ARCH: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "i686" };

/**
 * An installation key as `uv python list` prints them: `cpython-3.12`, `any-3.12-any`,
 * `cpython-3.12-linux-x86_64-gnu`. Platform parts must be `any` or this machine's (uv-ts only
 * finds interpreters that run here); other keys stay executable names.
 */
function parseInstallationKeyRequest(lower: string): PythonRequest | undefined {
  const [impl, version, os, arch, libc, ...extra] = lower.split("-");
  if (impl === undefined || version === undefined || extra.length > 0) return undefined;
  const hostOs = process.platform === "darwin" ? "macos" : process.platform;
  if (os !== undefined && os !== "any" && os !== hostOs) return undefined;
  const hostArch = HOST_ARCH[process.arch] ?? process.arch;
  if (arch !== undefined && arch !== "any" && arch !== hostArch) return undefined;
  if (libc !== undefined && !["any", "gnu", "musl", "none"].includes(libc)) return undefined;
  const implementation =
    impl === "any" ? undefined : implementationNames().find((n) => n.name === impl)?.implementation;
  if (impl !== "any" && implementation === undefined) return undefined;
  if (version === "any" || version === "") {
    return implementation === undefined
      ? { kind: "any" }
      : { kind: "implementation", implementation };
  }
  try {
    const parsed = parseVersionRequest(version);
    return implementation === undefined
      ? { kind: "version", version: parsed }
      : { kind: "implementation-version", implementation, version: parsed };
  } catch {
    return undefined;
  }
}

/** Whether the request names a patch version, so a venv made from it is not "upgradeable". */
export function pythonRequestIncludesPatch(request: PythonRequest): boolean {
  if (request.kind === "version" || request.kind === "implementation-version") {
    return versionRequestHasPatch(request.version);
  }
  return false;
}

/** Whether the request opts into pre-release interpreters. */
export function pythonRequestAllowsPrereleases(request: PythonRequest): boolean {
  switch (request.kind) {
    case "default":
    case "implementation":
      return false;
    case "version":
      return versionRequestAllowsPrereleases(request.version);
    default:
      return true;
  }
}

/** Whether the request opts into debug builds. */
export function pythonRequestAllowsDebug(request: PythonRequest): boolean {
  switch (request.kind) {
    case "default":
    case "implementation":
      return false;
    case "version":
      return versionRequestIsDebug(request.version);
    default:
      return true;
  }
}

/** Whether the request opts into implementations other than CPython. */
export function pythonRequestAllowsAlternativeImplementations(request: PythonRequest): boolean {
  switch (request.kind) {
    case "default":
    case "version":
      return false;
    case "implementation":
    case "implementation-version":
      return request.implementation !== "cpython";
    default:
      return true;
  }
}

/** The request as uv names it in messages: `Python 3.12`, `path \`./python\``, `CPython 3.12`. */
export function formatPythonRequest(request: PythonRequest): string {
  switch (request.kind) {
    case "default":
      return "a default Python";
    case "any":
      return "any Python";
    case "version":
      return `Python ${formatVersionRequest(request.version)}`;
    case "directory":
      return `directory \`${request.path}\``;
    case "file":
      return `path \`${request.path}\``;
    case "executable-name":
      return `executable name \`${request.name}\``;
    case "implementation":
      return prettyImplementation(request.implementation);
    case "implementation-version":
      return `${prettyImplementation(request.implementation)} ${formatVersionRequest(request.version)}`;
  }
}
