import { join } from "node:path";
import { UvError } from "@uv-ts/error";
import { type Bound, VersionRange, VersionSpecifiers } from "@uv-ts/pep440";
import {
  DEFAULT_PYTHON_REQUEST,
  findPythonInstallation,
  type Interpreter,
  isVirtualenvBase,
  type PythonRequest,
  queryInterpreter,
  versionRequestFromSpecifiers,
  virtualenvPythonExecutable,
} from "@uv-ts/python";
import type { Workspace } from "@uv-ts/workspace";

/** What `init` writes: `requires-python`, and the `.python-version` pin (unless not pinning). */
export interface PythonChoice {
  readonly requiresPython: string;
  readonly pin: string | undefined;
}

/** Where and how to find interpreters. */
export interface PythonLookup {
  readonly cwd: string;
  readonly cacheDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The members' `requires-python` have no version in common. */
export class DisjointRequiresPythonError extends UvError {}

async function findInterpreter(
  request: PythonRequest,
  lookup: PythonLookup,
  environments: "only-system" | "any",
): Promise<Interpreter> {
  const found = await findPythonInstallation(request, {
    environments,
    cwd: lookup.cwd,
    cacheDir: lookup.cacheDir,
    env: lookup.env,
  });
  return found.interpreter;
}

function minorOf(interpreter: Interpreter): string {
  return `${interpreter.major}.${interpreter.minor}`;
}

function variantSuffix(variant: string): string {
  return variant === "freethreaded" ? "t" : "";
}

function renderBound(bound: Bound, lower: boolean): string | undefined {
  if (bound === undefined) return undefined;
  const op = lower ? (bound.inclusive ? ">=" : ">") : bound.inclusive ? "<=" : "<";
  return `${op}${bound.version.toString()}`;
}

/**
 * The intersection of the workspace members' `requires-python`, written back as specifiers
 * (`>=3.10` and `>=3.11` give `>=3.11`), as uv's `RequiresPython::intersection`.
 */
export function intersectRequiresPython(specifiers: readonly string[]): string | undefined {
  if (specifiers.length === 0) return undefined;
  let range = VersionRange.full();
  for (const text of specifiers) {
    range = range.intersection(VersionRange.fromSpecifiers(VersionSpecifiers.parse(text)));
  }
  if (range.isEmpty()) {
    throw new DisjointRequiresPythonError(
      "init.disjoint-requires-python",
      `The workspace contains conflicting Python requirements: ${specifiers.map((s) => `\`${s}\``).join(", ")}`,
    );
  }
  const single = range.asSingleton();
  if (single !== undefined) return `==${single.toString()}`;
  const intervals = range.intervals;
  const parts = [
    renderBound(intervals[0]?.lower, true),
    renderBound(intervals.at(-1)?.upper, false),
  ].filter((p) => p !== undefined);
  return parts.join(", ");
}

/**
 * Picks `requires-python` and the pin as uv does, from (in order): the request (`--python` or a
 * `.python-version` above), an existing `.venv` in the project directory, the workspace's
 * `requires-python`, or the default interpreter. Plain versions need no interpreter.
 */
export async function determineRequiresPython(options: {
  readonly path: string;
  readonly pinPython: boolean;
  readonly request: PythonRequest | undefined;
  readonly workspace: Workspace | undefined;
  readonly lookup: PythonLookup;
}): Promise<PythonChoice> {
  const { request, pinPython, lookup } = options;
  const fromInterpreter = (interpreter: Interpreter): PythonChoice => ({
    requiresPython: `>=${minorOf(interpreter)}`,
    pin: pinPython ? minorOf(interpreter) : undefined,
  });
  if (request !== undefined) {
    if (request.kind === "version" && request.version.kind === "version") {
      const v = request.version;
      if (v.minor !== undefined && v.pre === undefined) {
        const release =
          v.patch === undefined ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.patch}`;
        return {
          requiresPython: `>=${release}`,
          pin: pinPython ? release + variantSuffix(v.variant) : undefined,
        };
      }
    }
    if (request.kind === "version" && request.version.kind === "range") {
      const requiresPython = request.version.specifiers.toString();
      if (!pinPython) return { requiresPython, pin: undefined };
      const interpreter = await findInterpreter(request, lookup, "only-system");
      return {
        requiresPython,
        pin: minorOf(interpreter) + variantSuffix(request.version.variant),
      };
    }
    return fromInterpreter(await findInterpreter(request, lookup, "only-system"));
  }
  const venv = join(options.path, ".venv");
  if (await isVirtualenvBase(venv)) {
    try {
      const executable = await virtualenvPythonExecutable(venv);
      return fromInterpreter(
        await queryInterpreter(executable, {
          cwd: lookup.cwd,
          cacheDir: lookup.cacheDir,
          env: lookup.env,
        }),
      );
    } catch {
      // A broken environment is not a request; fall through as uv does.
    }
  }
  const workspaceRequires = intersectRequiresPython(options.workspace?.requiresPython() ?? []);
  if (workspaceRequires !== undefined) {
    if (!pinPython) return { requiresPython: workspaceRequires, pin: undefined };
    const specifiers = VersionSpecifiers.tryParse(workspaceRequires);
    const workspaceRequest: PythonRequest =
      specifiers === undefined || specifiers.specifiers.length === 0
        ? DEFAULT_PYTHON_REQUEST
        : { kind: "version", version: versionRequestFromSpecifiers(specifiers, "default") };
    const interpreter = await findInterpreter(workspaceRequest, lookup, "only-system");
    return { requiresPython: workspaceRequires, pin: minorOf(interpreter) };
  }
  return fromInterpreter(await findInterpreter(DEFAULT_PYTHON_REQUEST, lookup, "only-system"));
}

/** `requires-python` of a new script: `>=X.Y` of the interpreter the request (if any) finds. */
export async function scriptRequiresPython(
  request: PythonRequest | undefined,
  lookup: PythonLookup,
): Promise<string> {
  const interpreter = await findInterpreter(request ?? DEFAULT_PYTHON_REQUEST, lookup, "any");
  return `>=${minorOf(interpreter)}`;
}
