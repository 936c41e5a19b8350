import type { MarkerEnvironment } from "@uv-ts/pep508";

/** PEP 508 marker values of an interpreter, as the query script reports them. */
export type MarkerEnvironmentData = MarkerEnvironment;

/** Install locations: absolute for an interpreter's own scheme, root-relative for a new venv. */
export interface SchemeData {
  readonly purelib: string;
  readonly platlib: string;
  readonly scripts: string;
  readonly data: string;
  readonly include: string;
}

/** The operating system as tags need it: `manylinux` 2.36, `musllinux` 1.2, `macos` 14.0, ... */
export interface OsData {
  readonly name: string;
  readonly major?: number;
  readonly minor?: number;
  readonly api_level?: number;
  readonly release?: string;
}

/** Everything the query script reports about an interpreter (the cached payload). */
export interface InterpreterInfo {
  readonly markers: MarkerEnvironmentData;
  readonly sys_prefix: string;
  readonly sys_base_prefix: string;
  readonly sys_base_exec_prefix: string;
  readonly sys_executable: string;
  readonly sys_base_executable: string | null;
  readonly sys_path: readonly string[];
  readonly site_packages: readonly string[];
  readonly stdlib: string;
  readonly scheme: SchemeData;
  readonly virtualenv: SchemeData;
  readonly platform: { readonly os: OsData; readonly arch: string };
  readonly manylinux_compatible: boolean;
  readonly is_virtualenv: boolean;
  readonly standalone: boolean;
  readonly gil_disabled: boolean;
  readonly debug_enabled: boolean;
  readonly pointer_size: 32 | 64;
}

/** A failure the query script reports on purpose, e.g. `libc_not_found`. */
export interface InterpreterInfoFailure {
  readonly result: "error";
  readonly kind: string;
  readonly python_version?: string;
  readonly operating_system?: string;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks the shape of a parsed query answer (from Python or from the cache); a cache entry
 * written by another version of the script must be rejected rather than trusted.
 */
export function isInterpreterInfo(value: unknown): value is InterpreterInfo {
  if (!isObject(value)) return false;
  const markers = value.markers;
  const scheme = value.scheme;
  const venv = value.virtualenv;
  const platform = value.platform;
  return (
    isObject(markers) &&
    isString(markers.python_full_version) &&
    isString(markers.implementation_name) &&
    isString(markers.platform_python_implementation) &&
    isString(markers.sys_platform) &&
    isString(markers.os_name) &&
    isString(value.sys_prefix) &&
    isString(value.sys_base_prefix) &&
    isString(value.sys_executable) &&
    (value.sys_base_executable === null || isString(value.sys_base_executable)) &&
    Array.isArray(value.sys_path) &&
    Array.isArray(value.site_packages) &&
    isString(value.stdlib) &&
    isObject(scheme) &&
    isString(scheme.purelib) &&
    isObject(venv) &&
    isString(venv.purelib) &&
    isString(venv.scripts) &&
    isObject(platform) &&
    isObject(platform.os) &&
    isString(platform.arch) &&
    typeof value.is_virtualenv === "boolean" &&
    typeof value.gil_disabled === "boolean" &&
    typeof value.debug_enabled === "boolean" &&
    (value.pointer_size === 32 || value.pointer_size === 64)
  );
}
