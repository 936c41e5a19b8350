import { execFileSync } from "node:child_process";
import { accessSync, constants, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { testPythonRoot } from "./python-interpreters.ts";
import { REPO_ROOT } from "./python-oracle.ts";

/** The uv release the differential tests compare against (uv-ts reports this version too). */
export const ORACLE_UV_VERSION = "0.13.8";

/** The real uv found by {@link findUv}. */
export interface UvBinary {
  /** The binary's path, never a pyenv shim. */
  readonly path: string;
  /** Its version, e.g. `0.13.8`. */
  readonly version: string;
}

/** Where {@link findUv} looks; the defaults are this process's. */
export interface FindUvOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The virtual environment `scripts/setup-test-python.mjs` makes (default target/test-venv). */
  readonly testVenv?: string;
}

/** `uv --version` of `path`, or `undefined` when it does not run as a uv. */
function versionOf(path: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const out = execFileSync(path, ["--version"], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    });
    return /^uv (\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `uv` of each interpreter installation under {@link testPythonRoot} (pyenv's versions). */
function installedCandidates(env: NodeJS.ProcessEnv): string[] {
  const root = testPythonRoot(env);
  try {
    return readdirSync(root).map((version) => join(root, version, "bin", "uv"));
  } catch {
    return [];
  }
}

/**
 * The real `uv` to compare against: `$UV` if set, else the one `scripts/setup-test-python.mjs`
 * installs into target/test-venv (`pnpm test` runs it), else the first `uv` on `PATH` that is not
 * a pyenv shim (a shim re-dispatches through bash on every call, and fails outright when no
 * selected version has uv), else one inside an interpreter installation ({@link testPythonRoot}:
 * pyenv's versions). Among several, one of {@link ORACLE_UV_VERSION} wins. `undefined` when
 * there is none. When `UV_TS_REQUIRE_UV` is set (CI sets it after installing uv), finding no uv
 * of {@link ORACLE_UV_VERSION} is an error: the differential tests must not quietly skip where
 * they are meant to run.
 */
export function findUv(options: FindUvOptions = {}): UvBinary | undefined {
  const env = options.env ?? process.env;
  const candidates: string[] = [];
  if (env.UV !== undefined && env.UV !== "") candidates.push(env.UV);
  else {
    candidates.push(join(options.testVenv ?? join(REPO_ROOT, "target", "test-venv"), "bin", "uv"));
    for (const dir of (env.PATH ?? "").split(delimiter)) {
      if (dir === "" || dir.includes("/shims")) continue;
      candidates.push(join(dir, "uv"));
    }
    candidates.push(...installedCandidates(env));
  }
  let found: UvBinary | undefined;
  for (const path of candidates) {
    if (!executable(path)) continue;
    const version = versionOf(path, env);
    if (version === undefined) continue;
    if (version === ORACLE_UV_VERSION) return { path, version };
    found ??= { path, version };
  }
  if (env.UV_TS_REQUIRE_UV) {
    const seen = found === undefined ? "none found" : `found ${found.version} at ${found.path}`;
    throw new Error(`UV_TS_REQUIRE_UV is set but there is no uv ${ORACLE_UV_VERSION} (${seen})`);
  }
  return found;
}

/** Whether `uv` is the {@link ORACLE_UV_VERSION} that expected texts came from. */
export function isOracleUv(uv: UvBinary | undefined): uv is UvBinary {
  return uv?.version === ORACLE_UV_VERSION;
}
