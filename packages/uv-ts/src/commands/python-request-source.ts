import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay } from "@uv-ts/fs";
import { VersionSpecifiers } from "@uv-ts/pep440";
import {
  discoverVersionFile,
  type Interpreter,
  type PythonRequest,
  PythonVersion,
  parsePythonRequest,
  RequiresPython,
  tildeRequiresPythonWarning,
  versionRequestFromSpecifiers,
} from "@uv-ts/python";
import type { Workspace } from "@uv-ts/workspace";
import type { CommandContext } from "../context.ts";

/** Where the Python request came from, as uv's messages name it. */
export type PythonRequestSource =
  | { readonly kind: "user" }
  | { readonly kind: "version-file"; readonly path: string }
  | { readonly kind: "requires-python" };

/** A workspace member's `requires-python`. */
export interface RequiresPythonDeclaration {
  /** The member's normalized package name. */
  readonly name: string;
  readonly specifiers: VersionSpecifiers;
}

/** The Python a command should look for, where that wish came from, and what the project needs. */
export interface ProjectPython {
  /** `undefined`: no preference (the default request). */
  readonly request: PythonRequest | undefined;
  readonly source: PythonRequestSource;
  /** The intersection of the workspace members' `requires-python`, when any declares one. */
  readonly requiresPython: RequiresPython | undefined;
  /** Each member's declaration, sorted by name (uv's `RequiresPythonSources`). */
  readonly declarations: readonly RequiresPythonDeclaration[];
  /** Whether the workspace has more than one member (messages then name the member). */
  readonly workspaceNonTrivial: boolean;
}

/** Which command asks: the wording of a warning about an unreadable `pyproject.toml` differs. */
export type ProjectPythonPurpose = "venv" | "find";

/** The members' `requires-python` have no version in common. */
export class DisjointRequiresPythonError extends UvError {
  constructor(declarations: readonly RequiresPythonDeclaration[]) {
    super(
      "project.disjoint-requires-python",
      `Found conflicting Python requirements:\n${declarations.map((d) => `- ${d.name}: ${d.specifiers}`).join("\n")}`,
    );
  }
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function hasPyproject(cwd: string): boolean {
  for (let dir = cwd; ; dir = dirname(dir)) {
    try {
      if (statSync(join(dir, "pyproject.toml"), { throwIfNoEntry: false })?.isFile()) return true;
    } catch {
      // Not here; keep walking up.
    }
    if (dirname(dir) === dir) return false;
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : prefix + line))
    .join("\n");
}

function causeOf(error: Error): Error | undefined {
  return error.cause instanceof Error ? error.cause : undefined;
}

/**
 * The workspace `cwd` belongs to, as uv's `VirtualProject::discover` (used by `venv` and
 * `python find`): no `pyproject.toml`, no `[project]` and unmanaged projects are "no project";
 * other failures are warned about and also mean "no project". The workspace package (and its
 * TOML parser) is only loaded when there is a `pyproject.toml` to read.
 */
async function discoverProject(
  ctx: CommandContext,
  purpose: ProjectPythonPurpose,
): Promise<Workspace | undefined> {
  if (!hasPyproject(ctx.cwd)) return undefined;
  const { discoverWorkspace, WorkspaceError } = await import("@uv-ts/workspace");
  const warn = (message: string) => warnUser(ctx, message);
  try {
    return await discoverWorkspace(ctx.cwd, { cwd: ctx.cwd });
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    switch (error.kind) {
      case "missing-pyproject":
      case "missing-project":
      case "non-workspace":
        return undefined;
      case "toml": {
        const cause = causeOf(error);
        if (purpose === "venv") {
          const path = /^Failed to parse: (.*)$/.exec(error.message)?.[1] ?? "pyproject.toml";
          warn(
            `Failed to parse \`${ctx.style.cyan(path)}\` during environment creation:\n${indent(cause?.message ?? error.message, "  ")}\n`,
          );
        } else {
          const causeText = cause === undefined ? "" : `\n  cause: ${cause.message}`;
          warn(`${error.message}${causeText}`);
        }
        return undefined;
      }
      default:
        warn(error.message);
        return undefined;
    }
  }
}

/**
 * The members' `requires-python` declarations, sorted by name. An invalid declaration makes the
 * whole project unreadable, as uv reports it while parsing `pyproject.toml`.
 */
function declarationsOf(
  workspace: Workspace,
  ctx: CommandContext,
  purpose: ProjectPythonPurpose,
): RequiresPythonDeclaration[] | undefined {
  const out: RequiresPythonDeclaration[] = [];
  for (const member of workspace.members) {
    const project = member.pyproject.project;
    if (project?.requiresPython === undefined) continue;
    const specifiers = VersionSpecifiers.tryParse(project.requiresPython);
    if (specifiers === undefined) {
      let detail = `invalid \`requires-python\`: \`${project.requiresPython}\``;
      try {
        VersionSpecifiers.parse(project.requiresPython);
      } catch (error) {
        detail = (error as Error).message;
      }
      const path = userDisplay(join(member.root, "pyproject.toml"), ctx.cwd);
      const message =
        purpose === "venv"
          ? `Failed to parse \`${ctx.style.cyan(path)}\` during environment creation:\n${indent(detail, "  ")}\n`
          : `Failed to parse: ${path}\n  cause: ${detail}`;
      warnUser(ctx, message);
      return undefined;
    }
    out.push({ name: normalizeName(project.name), specifiers });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function requestVersion(request: PythonRequest): PythonVersion | undefined {
  if (request.kind !== "version" || request.version.kind !== "version") return undefined;
  const v = request.version;
  const release = [v.major];
  if (v.minor !== undefined) release.push(v.minor);
  if (v.patch !== undefined) release.push(v.patch);
  return new PythonVersion(release, v.pre);
}

/**
 * Decides which Python to look for, as uv's `WorkspacePython::from_request`: an explicit request
 * (`--python`, `UV_PYTHON` or a positional request), else the nearest `.python-version` /
 * `.python-versions` (not above the workspace root; a global one only when the project allows its
 * version), else the workspace's `requires-python`. Warns about `~=X.Y` declarations as uv does.
 */
export async function projectPython(
  ctx: CommandContext,
  explicit: string | undefined,
  noProject: boolean,
  purpose: ProjectPythonPurpose,
): Promise<ProjectPython> {
  const workspace = noProject ? undefined : await discoverProject(ctx, purpose);
  const declarations = workspace === undefined ? [] : declarationsOf(workspace, ctx, purpose);
  const project = declarations === undefined ? undefined : workspace;
  const declared = declarations ?? [];
  for (const declaration of declared) {
    const warning = tildeRequiresPythonWarning(declaration.specifiers, declaration.name);
    if (warning !== undefined) warnUser(ctx, warning);
  }
  const intersection = RequiresPython.intersection(declared.map((d) => d.specifiers));
  if (intersection === null) {
    throw new DisjointRequiresPythonError(declared);
  }
  const base = {
    requiresPython: intersection,
    declarations: declared,
    workspaceNonTrivial: (project?.members.length ?? 0) > 1,
  };

  if (explicit !== undefined && explicit !== "") {
    return { ...base, request: parsePythonRequest(explicit, ctx.cwd), source: { kind: "user" } };
  }
  const file = await discoverVersionFile(ctx.cwd, {
    stopAt: project?.installPath,
    env: ctx.io.env,
    noConfig: ctx.args.flag("no-config"),
    warn: (message) => warnUser(ctx, message),
  });
  const first = file?.requests[0];
  let usable = file !== undefined;
  if (file?.global === true && intersection !== undefined && first !== undefined) {
    const version = requestVersion(first);
    usable = version === undefined || intersection.contains(version);
  }
  if (usable && file !== undefined) {
    return { ...base, request: first, source: { kind: "version-file", path: file.path } };
  }
  const request: PythonRequest | undefined =
    intersection === undefined || intersection.specifiers.isEmpty()
      ? undefined
      : {
          kind: "version",
          version: versionRequestFromSpecifiers(intersection.specifiers, "default"),
        };
  return { ...base, request, source: { kind: "requires-python" } };
}

/**
 * uv's warning when the interpreter found does not satisfy the project's `requires-python`
 * (`validate_project_requires_python`), or `undefined` when it does or there is no project.
 */
export function requiresPythonWarning(
  wanted: ProjectPython,
  interpreter: Interpreter,
  cwd: string,
): string | undefined {
  const requires = wanted.requiresPython;
  if (requires === undefined || requires.contains(interpreter.version)) return undefined;
  const version = interpreter.version.toString();
  const conflicts = wanted.declarations.filter(
    (d) => !d.specifiers.contains(interpreter.version.pep440),
  );
  let sources = "";
  if (conflicts.length > 1) {
    sources = `.\nThe following \`requires-python\` declarations do not permit this version:\n${conflicts.map((d) => `- ${d.name}: ${d.specifiers}`).join("\n")}`;
  } else if (conflicts.length === 1) {
    sources = wanted.workspaceNonTrivial
      ? ` (from workspace member \`${conflicts[0]!.name}\`'s \`project.requires-python\`).`
      : " (from `project.requires-python`)";
  }
  const requirement = `the project's Python requirement: \`${requires}\`${sources}`;
  switch (wanted.source.kind) {
    case "user":
      return `The requested interpreter resolved to Python ${version}, which is incompatible with ${requirement}`;
    case "version-file":
      return `The Python request from \`${userDisplay(wanted.source.path, cwd)}\` resolved to Python ${version}, which is incompatible with ${requirement}\nUse \`uv python pin\` to update the \`.python-version\` file to a compatible version`;
    case "requires-python":
      return `The resolved Python interpreter (Python ${version}) is incompatible with ${requirement}`;
  }
}

/**
 * Prints a warning as uv's `warn_user!` does: `warning: ...` on stderr, silenced by `--quiet`
 * (uv disables its user warnings with `-q`).
 */
export function warnUser(ctx: Pick<CommandContext, "printer">, message: string): void {
  ctx.printer.stderr(`warning: ${message}\n`);
}

/** Whether an environment variable is set to a true value (`1`, `true`, `yes`, `on`). */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.toLowerCase();
  return value === "1" || value === "true" || value === "yes" || value === "on";
}
