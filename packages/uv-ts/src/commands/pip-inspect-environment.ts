import { mkdirSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { userDisplay } from "@uv-ts/fs";
import {
  type EnvironmentPreference,
  findPythonInstallation,
  type Interpreter,
  PythonNotFoundError,
  type PythonRequest,
  parsePythonRequest,
} from "@uv-ts/python";
import type { CommandContext } from "../context.ts";
// Shared with the modifying `pip` commands, which word a missing environment the same way.
import { EnvironmentNotFoundError } from "./pip-ops-environment.ts";

/** The Python environment a read-only `pip` command (`list`, `freeze`, `show`) looks at. */
export interface InspectEnvironment {
  readonly interpreter: Interpreter;
  /** `sys.prefix`: the environment's root, as the `Using Python ...` line shows it. */
  readonly root: string;
  /** The directories whose distributions count, in reading order. */
  readonly sitePackages: readonly string[];
}

/** How the command asked for its environment. */
export interface InspectEnvironmentRequest {
  /** `--python` (or `UV_PYTHON`). */
  readonly python: string | undefined;
  /** `--system` (or `UV_SYSTEM_PYTHON`), unless `--no-system`. */
  readonly system: boolean;
  /** `--target DIR`: packages live directly in `DIR`. */
  readonly target?: string | undefined;
  /** `--prefix DIR`: packages live in `DIR` laid out like a virtual environment. */
  readonly prefix?: string | undefined;
}

/** Reads the `--python`, `--system`, `--target` and `--prefix` arguments of a `pip` command. */
export function inspectEnvironmentRequest(ctx: CommandContext): InspectEnvironmentRequest {
  const { args } = ctx;
  // The argument specs read `UV_SYSTEM_PYTHON` and `UV_PYTHON` themselves.
  const system = args.flag("system") && !args.flag("no-system");
  return {
    python: args.string("python"),
    system,
    target: args.string("target"),
    prefix: args.string("prefix"),
  };
}

/**
 * Finds the environment as uv's read-only `pip` commands do: any interpreter (the active or
 * discovered virtual environment first, then the search path), or only system ones with
 * `--system`.
 */
export async function findInspectEnvironment(
  ctx: CommandContext,
  request: InspectEnvironmentRequest,
): Promise<InspectEnvironment> {
  const wanted: PythonRequest =
    request.python === undefined || request.python === ""
      ? { kind: "default" }
      : parsePythonRequest(request.python, ctx.cwd);
  const environments: EnvironmentPreference = request.system ? "only-system" : "any";
  let interpreter: Interpreter;
  try {
    const installation = await findPythonInstallation(wanted, {
      cwd: ctx.cwd,
      env: ctx.io.env,
      cacheDir: ctx.cacheDir,
      environments,
      preference: request.system ? "only-system" : "managed",
      warn: (message) => ctx.printer.stderrImportant(`warning: ${message}\n`),
    });
    interpreter = installation.interpreter;
  } catch (error) {
    if (error instanceof PythonNotFoundError) {
      throw new EnvironmentNotFoundError(error.request, environments);
    }
    throw error;
  }
  const root = interpreter.sysPrefix;
  let sitePackages: string[];
  if (request.target !== undefined) {
    const target = resolve(ctx.cwd, request.target);
    // uv creates the directory, as it would for an install into it.
    mkdirSync(target, { recursive: true });
    sitePackages = [target];
  } else if (request.prefix !== undefined) {
    const purelib = join(resolve(ctx.cwd, request.prefix), interpreter.virtualenvScheme.purelib);
    mkdirSync(purelib, { recursive: true });
    sitePackages = [purelib];
  } else {
    sitePackages = distinctDirs([interpreter.scheme.purelib, interpreter.scheme.platlib]);
  }
  return { interpreter, root, sitePackages };
}

/** The directories of an environment restricted to `--path` entries (each read as a target). */
export function pathSitePackages(ctx: CommandContext, paths: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const path of paths) {
    const dir = resolve(ctx.cwd, path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      // Like pip, an unusable path is skipped rather than reported.
      continue;
    }
    dirs.push(dir);
  }
  return dirs;
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

// purelib and platlib are one directory in a venv, but may reach it through different links.
function distinctDirs(dirs: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of dirs) {
    const key = canonical(dir);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(dir);
  }
  return out;
}

/**
 * Prints `Using Python 3.12.1 environment at: <root>` (dimmed), except for environments inside
 * the cache and for `.venv` in the working directory, which uv leaves unsaid.
 */
export function reportTargetEnvironment(ctx: CommandContext, env: InspectEnvironment): void {
  const root = resolve(ctx.cwd, env.root);
  const cache = resolve(ctx.cwd, ctx.cacheDir);
  if (root === cache || root.startsWith(`${cache}/`)) return;
  if (root === resolve(ctx.cwd, ".venv")) return;
  const message = `Using Python ${env.interpreter.version.toString()} environment at: ${userDisplay(root, ctx.cwd)}`;
  ctx.printer.stderr(`${ctx.style.dim(message)}\n`);
}
