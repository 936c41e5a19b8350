import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** A local interpreter that a test asked for, e.g. `3.12` resolved to CPython 3.12.1. */
export interface TestPython {
  /** The request as the test wrote it: `3.12` or `3.12.1`. */
  readonly request: string;
  /** The full version of the interpreter found: `3.12.1`. */
  readonly version: string;
  /** `major.minor`: `3.12`. */
  readonly minor: string;
  /** Whether the request named a patch version (then snapshots keep it unfiltered). */
  readonly pinned: boolean;
  /** The real executable, e.g. `/root/.pyenv/versions/3.12.1/bin/python3.12`. */
  readonly executable: string;
}

/**
 * The directory holding one `<X.Y.Z>/` installation per interpreter (pyenv's layout):
 * `UV_TS_TEST_PYTHON_ROOT` when set, else `$PYENV_ROOT/versions`, else `~/.pyenv/versions`.
 */
export function testPythonRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UV_TS_TEST_PYTHON_ROOT) return env.UV_TS_TEST_PYTHON_ROOT;
  return join(env.PYENV_ROOT || join(homedir(), ".pyenv"), "versions");
}

function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Finds the interpreter for `request` (`3.12` picks the newest installed 3.12 patch; `3.12.1`
 * exactly that one) under {@link testPythonRoot}. Throws with the versions on offer when there
 * is none, so that a missing interpreter fails loudly instead of silently testing another one.
 */
export function findTestPython(request: string, root: string = testPythonRoot()): TestPython {
  const wanted = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(request);
  if (!wanted) throw new Error(`Test Python request \`${request}\` is not \`X.Y\` or \`X.Y.Z\``);
  const [major, minor, patch] = [Number(wanted[1]), Number(wanted[2]), wanted[3]];
  let installed: string[] = [];
  try {
    installed = readdirSync(root);
  } catch {
    // A missing root reads as "no interpreters"; the error below names it.
  }
  const candidates = installed
    .map((name) => ({ name, version: parseVersion(name) }))
    .filter(
      (c) =>
        c.version !== undefined &&
        c.version[0] === major &&
        c.version[1] === minor &&
        (patch === undefined || c.version[2] === Number(patch)),
    )
    .sort((a, b) => (b.version?.[2] ?? 0) - (a.version?.[2] ?? 0));
  for (const c of candidates) {
    const executable = join(root, c.name, "bin", `python${major}.${minor}`);
    if (existsSync(executable)) {
      return {
        request,
        version: c.name,
        minor: `${major}.${minor}`,
        pinned: patch !== undefined,
        executable,
      };
    }
  }
  const available = installed.filter((n) => parseVersion(n) !== undefined).sort();
  throw new Error(
    `Could not find Python ${request} for the test under \`${root}\` (found: ${available.join(", ") || "none"}); set \`UV_TS_TEST_PYTHON_ROOT\` to a directory of \`<X.Y.Z>/bin/pythonX.Y\` installations`,
  );
}
