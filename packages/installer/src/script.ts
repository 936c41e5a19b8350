import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { importName, isU8, type Script } from "./entry-points.ts";
import { InvalidWheelError, ReservedScriptNameError } from "./install-error.ts";

/**
 * The `#!` line(s) for a script run by `executable`. Like pip and uv, a path with a space or a
 * line longer than 127 bytes uses a `/bin/sh` trampoline, since kernels cannot exec those.
 */
export function formatShebang(executable: string): string {
  const length = 2 + Buffer.byteLength(executable) + 1;
  if (length > 127 || executable.includes(" ")) {
    const quoted = `'${executable.replaceAll("'", "'\\''")}'`;
    return `#!/bin/sh\n'''exec' ${quoted} "$0" "$@"\n' '''`;
  }
  return `#!${executable}`;
}

/** uv's launcher for an entry point (distlib's template without `import re`), byte for byte. */
export function scriptLauncher(script: Script, shebang: string): string {
  return `${shebang}
# -*- coding: utf-8 -*-
import sys
from ${script.module} import ${importName(script)}
if __name__ == "__main__":
    if sys.argv[0].endswith("-script.pyw"):
        sys.argv[0] = sys.argv[0][:-11]
    elif sys.argv[0].endswith(".exe"):
        sys.argv[0] = sys.argv[0][:-4]
    sys.exit(${script.function}())
`;
}

const RESERVED = new Set(["python", "pythonw", "python3", "graalpy", "pypy", "pypy2", "pypy3"]);

/**
 * The reserved name `name` stands for, or `undefined`: the launcher names `uv venv` creates on
 * any platform (`python`, `python3.12`, `python3.13t`, `pypy3`, ...), with an optional `.py`.
 * The caller lower-cases first, so the check is the same on case-insensitive filesystems.
 */
export function reservedScriptName(name: string): string | undefined {
  const stem = name.endsWith(".py") ? name.slice(0, -3) : name;
  if (RESERVED.has(stem)) return stem;
  if (stem.startsWith("python3.") && isU8(stem.slice(8))) return stem;
  for (const prefix of ["python3.", "pythonw3."]) {
    if (stem.startsWith(prefix) && stem.endsWith("t") && isU8(stem.slice(prefix.length, -1))) {
      return stem;
    }
  }
  return undefined;
}

const ACTIVATION_SCRIPTS = new Set(["activate", "activate_this.py"]);

/**
 * Where an entry point's launcher goes. Rejects names that leave the scripts directory
 * (`../../evil`, absolute paths) and names that would replace the interpreter; warns about
 * names of activation scripts.
 */
export function entryPointPath(
  script: Script,
  scriptsDir: string,
  warn: (message: string) => void,
): string {
  const target = isAbsolute(script.name) ? normalize(script.name) : join(scriptsDir, script.name);
  const name = relative(scriptsDir, target);
  if (name === "" || name === ".." || name.startsWith(`..${sep}`) || isAbsolute(name)) {
    throw new InvalidWheelError(
      `Script path must resolve to a file within the scripts directory: \`${script.name}\``,
    );
  }
  if (ACTIVATION_SCRIPTS.has(name) || name.startsWith("activate.")) {
    warn(`The script name \`${name}\` is reserved for virtual environment activation scripts.`);
  }
  const reserved = reservedScriptName(name.toLowerCase());
  if (reserved !== undefined) throw new ReservedScriptNameError(reserved, script.name);
  return join(scriptsDir, name);
}

/**
 * Rejects a `.data` file whose destination is directly in the scripts directory under a reserved
 * name (`.data/scripts/python`, or `.data/data/bin/python` in a venv, whose data dir is the root).
 */
export function checkDataDestination(target: string, scriptsDir: string): void {
  const name = relative(scriptsDir, target);
  if (name === "" || name.startsWith("..") || isAbsolute(name) || name.includes(sep)) return;
  let lower = name.toLowerCase();
  if (lower.endsWith(".exe")) lower = lower.slice(0, -4);
  const reserved = reservedScriptName(lower);
  if (reserved !== undefined) throw new ReservedScriptNameError(reserved, name);
}
