import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay } from "@uv-ts/fs";
import type { Layout } from "@uv-ts/installer";
import {
  type EnvironmentPreference,
  findPythonInstallation,
  formatPythonRequest,
  type Interpreter,
  PythonNotFoundError,
  type PythonRequest,
  parsePythonRequest,
} from "@uv-ts/python";
import type { CommandContext } from "../context.ts";
import { envFlag } from "./python-request-source.ts";

/** The environment a `pip` command reads or modifies (uv's `PythonEnvironment`). */
export interface TargetEnvironment {
  /** `sys.prefix`: the venv directory, or the base installation with `--system`. */
  readonly root: string;
  readonly interpreter: Interpreter;
  /** Where packages go, from the interpreter's own install scheme. */
  readonly layout: Layout;
}

/** No environment matched; uv's `EnvironmentNotFound` wording. */
export class EnvironmentNotFoundError extends UvError {
  constructor(request: PythonRequest, preference: EnvironmentPreference) {
    const explicitSystem = request.kind === "file" || request.kind === "directory";
    const search =
      preference === "any" || (preference === "explicit-system" && explicitSystem)
        ? "virtual-or-system"
        : preference === "only-system"
          ? "system"
          : "virtual";
    const what =
      search === "virtual"
        ? "virtual environment"
        : search === "system"
          ? "system Python installation"
          : "virtual environment or system Python installation";
    let message =
      request.kind === "default" || request.kind === "any"
        ? `No ${what} found`
        : `No ${what} found for ${formatPythonRequest(request)}`;
    if (search === "virtual") {
      message +=
        "; run `uv venv` to create an environment, or pass `--system` to install into a non-virtual environment";
    } else if (search === "virtual-or-system") {
      message += "; run `uv venv` to create an environment";
    }
    super("pip.environment-not-found", message);
  }
}

/** The interpreter refuses installs (PEP 668) and `--break-system-packages` was not given. */
export class ExternallyManagedError extends UvError {
  constructor(root: string, reason: string | undefined) {
    super(
      "pip.externally-managed",
      reason === undefined
        ? `The interpreter at ${root} is externally managed and cannot be modified.`
        : `The interpreter at ${root} is externally managed, and indicates the following:\n\n${reason
            .split("\n")
            .map((line) => (line === "" ? line : `  ${line}`))
            .join("\n")}\n`,
      { hint: "Virtual environments were not considered due to the `--system` flag" },
    );
  }
}

/**
 * Flags uv-ts does not implement yet: an error rather than silently installing somewhere else
 * or for another platform than asked.
 */
export function rejectUnsupportedFlags(ctx: CommandContext): void {
  for (const flag of ["target", "prefix", "python-platform", "python-version", "user"]) {
    if (ctx.args.has(flag) && ctx.args.string(flag) !== "false") {
      throw new UvError("pip.unsupported-flag", `\`--${flag}\` is not supported by uv-ts yet`);
    }
  }
}

/** How a `pip` command asks for its environment. */
export interface EnvironmentSelection {
  /** `--python`. */
  readonly python: string | undefined;
  /** `--system` (or `UV_SYSTEM_PYTHON`), unless `--no-system`. */
  readonly system: boolean;
}

/** Reads `--python`, `--system` / `UV_SYSTEM_PYTHON` and `--no-system`. */
export function environmentSelection(ctx: CommandContext): EnvironmentSelection {
  const { args, io } = ctx;
  const system =
    (args.flag("system") || envFlag(io.env, "UV_SYSTEM_PYTHON")) && !args.flag("no-system");
  return { python: args.string("python"), system };
}

function layoutOf(interpreter: Interpreter): Layout {
  const scheme = interpreter.scheme;
  const root = interpreter.sysPrefix;
  const abs = (path: string) => (isAbsolute(path) ? path : resolve(root, path));
  return {
    sysExecutable: interpreter.sysExecutable,
    pythonVersion: [interpreter.major, interpreter.minor],
    osName: "posix",
    scheme: {
      purelib: abs(scheme.purelib),
      platlib: abs(scheme.platlib),
      scripts: abs(scheme.scripts),
      data: abs(scheme.data),
      include: abs(scheme.include),
    },
  };
}

/**
 * Finds the environment as uv's `PythonEnvironment::find` does for `pip` commands that modify
 * it: a virtual environment (`VIRTUAL_ENV`, `.venv` upwards), or with `--python` any
 * interpreter it names by path; with `--system`, only system interpreters.
 */
export async function findTargetEnvironment(
  ctx: CommandContext,
  selection: EnvironmentSelection,
): Promise<TargetEnvironment> {
  const request: PythonRequest =
    selection.python === undefined
      ? { kind: "default" }
      : parsePythonRequest(selection.python, ctx.cwd);
  const preference: EnvironmentPreference = selection.system ? "only-system" : "explicit-system";
  let interpreter: Interpreter;
  try {
    const installation = await findPythonInstallation(request, {
      cwd: ctx.cwd,
      env: ctx.io.env,
      cacheDir: ctx.cacheDir,
      environments: preference,
      warn: (message) => ctx.printer.stderrImportant(`warning: ${message}\n`),
    });
    interpreter = installation.interpreter;
  } catch (error) {
    if (error instanceof PythonNotFoundError) {
      throw new EnvironmentNotFoundError(request, preference);
    }
    throw error;
  }
  return { root: interpreter.sysPrefix, interpreter, layout: layoutOf(interpreter) };
}

/**
 * uv's `Using Python 3.12.1 environment at: <root>` line (dimmed), left out for the default
 * `.venv` of the working directory and for environments inside the cache.
 */
export function reportTargetEnvironment(ctx: CommandContext, env: TargetEnvironment): void {
  const root = resolve(ctx.cwd, env.root);
  if (root === resolve(ctx.cwd, ".venv")) return;
  if (root.startsWith(resolve(ctx.cacheDir))) return;
  ctx.printer.stderr(
    `${ctx.style.dim(`Using Python ${env.interpreter.version.toString()} environment at: ${userDisplay(root, ctx.cwd)}`)}\n`,
  );
}

/**
 * Refuses to modify an interpreter that declares itself externally managed (PEP 668), unless
 * `--break-system-packages`; virtual environments never are.
 */
export function checkExternallyManaged(ctx: CommandContext, env: TargetEnvironment): void {
  if (env.interpreter.isVirtualenv) return;
  const breakSystem =
    (ctx.args.flag("break-system-packages") || envFlag(ctx.io.env, "UV_BREAK_SYSTEM_PACKAGES")) &&
    !ctx.args.flag("no-break-system-packages");
  if (breakSystem) return;
  let text: string;
  try {
    text = readFileSync(join(env.interpreter.info.stdlib, "EXTERNALLY-MANAGED"), "utf8");
  } catch {
    return;
  }
  const match = /^\s*Error\s*=\s*(.*(?:\n[ \t]+.*)*)/m.exec(text);
  const reason = match?.[1]
    ?.split("\n")
    .map((line) => line.trim())
    .join("\n");
  throw new ExternallyManagedError(userDisplay(env.root, ctx.cwd), reason);
}
