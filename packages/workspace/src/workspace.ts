import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay } from "@uv-ts/fs";
import { expandGlob, globMatchesPath, globToRegExp, normalizeGlob } from "./glob.ts";
import type { PyProjectToml, ToolUvWorkspace } from "./pyproject.ts";
import { PyProjectParseError, parsePyProject } from "./pyproject.ts";

/** Why discovery failed; `missing-pyproject` and `non-workspace` mean "no workspace here". */
export type WorkspaceErrorKind =
  | "missing-pyproject"
  | "missing-project"
  | "non-workspace"
  | "missing-member-pyproject"
  | "duplicate-member"
  | "toml"
  | "io";

/** A workspace discovery failure, with uv's messages. */
export class WorkspaceError extends UvError {
  readonly kind: WorkspaceErrorKind;

  constructor(kind: WorkspaceErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(`workspace.${kind}`, message, options);
    this.kind = kind;
  }
}

/** A project that belongs to a workspace. */
export interface WorkspaceMember {
  /** The directory holding its `pyproject.toml`. */
  readonly root: string;
  readonly pyproject: PyProjectToml;
}

/** Options of {@link discoverWorkspace}. */
export interface WorkspaceDiscoveryOptions {
  /** Resolves relative paths and shortens paths in messages. */
  readonly cwd: string;
  /** Member directories to leave out (the project `init` is creating). */
  readonly ignore?: ReadonlySet<string>;
}

/** A workspace: its root, the root's `pyproject.toml`, and its members (the root too, if a project). */
export class Workspace {
  readonly installPath: string;
  readonly pyproject: PyProjectToml;
  readonly members: readonly WorkspaceMember[];

  constructor(installPath: string, pyproject: PyProjectToml, members: readonly WorkspaceMember[]) {
    this.installPath = installPath;
    this.pyproject = pyproject;
    this.members = members;
  }

  /** Whether an explicit `exclude` glob matches `path` (absolute). */
  excludes(path: string): boolean {
    const workspace = this.pyproject.workspace;
    return workspace !== undefined && isExcluded(path, this.installPath, workspace);
  }

  /** Whether an explicit `members` glob matches `path` (absolute). */
  includes(path: string): boolean {
    const workspace = this.pyproject.workspace;
    return workspace !== undefined && isIncluded(path, this.installPath, workspace);
  }

  /** The `requires-python` of each member that declares one, root first. */
  requiresPython(): string[] {
    return this.members.flatMap((m) =>
      m.pyproject.project?.requiresPython === undefined ? [] : [m.pyproject.project.requiresPython],
    );
  }
}

function toSlash(path: string): string {
  return path.split(sep).join("/");
}

function isExcluded(path: string, root: string, workspace: ToolUvWorkspace): boolean {
  const rel = relative(root, path);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  return (workspace.exclude ?? []).some((glob) => {
    const normalized = normalizeGlob(glob);
    if (isAbsolute(normalized)) return globMatchesPath(normalized, toSlash(path));
    return inside && globMatchesPath(normalized, toSlash(rel));
  });
}

function isIncluded(path: string, root: string, workspace: ToolUvWorkspace): boolean {
  return (workspace.members ?? []).some((glob) => {
    const normalized = normalizeGlob(glob);
    const absolute = isAbsolute(normalized)
      ? normalized
      : `${escapeGlob(toSlash(root))}/${normalized}`;
    // uv 0.13.8 matches members component-wise: `packages/*` does not include `packages/a/b`.
    return globToRegExp(absolute, { literalSeparator: true }).test(toSlash(path));
  });
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]]/g, (c) => `[${c}]`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readPyProject(path: string, cwd: string): Promise<PyProjectToml> {
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (error) {
    throw new WorkspaceError("io", `Failed to read \`${userDisplay(path, cwd)}\``, {
      cause: error,
    });
  }
  try {
    return parsePyProject(raw);
  } catch (error) {
    if (!(error instanceof PyProjectParseError)) throw error;
    throw new WorkspaceError("toml", `Failed to parse: ${userDisplay(path, cwd)}`, {
      cause: error,
    });
  }
}

/** A directory that holds nothing but what uv treats as ignorable (an empty or cache-only dir). */
async function hasOnlyIgnorableFiles(dir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return false;
  }
  return entries.every((e) => e === "__pycache__" || e === ".DS_Store");
}

/**
 * The explicit workspace above `projectRoot` that includes it, as uv's `find_workspace`: the
 * nearest `pyproject.toml` strictly above decides (a workspace that includes and does not exclude
 * the project, or nothing).
 */
async function findEnclosingWorkspace(
  projectRoot: string,
  cwd: string,
): Promise<{ root: string; pyproject: PyProjectToml; workspace: ToolUvWorkspace } | undefined> {
  for (let dir = dirname(projectRoot); ; dir = dirname(dir)) {
    const path = join(dir, "pyproject.toml");
    if (await isFile(path)) {
      const pyproject = await readPyProject(path, cwd);
      const workspace = pyproject.workspace;
      if (workspace === undefined) return undefined;
      if (!isIncluded(projectRoot, dir, workspace)) return undefined;
      if (isExcluded(projectRoot, dir, workspace)) return undefined;
      return { root: dir, pyproject, workspace };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds the workspace that `path` belongs to, as uv's `Workspace::discover`: the nearest
 * `pyproject.toml` at or above `path` is either an explicit root (`[tool.uv.workspace]`), a
 * project inside an explicit workspace further up, or a project that is its own implicit root.
 */
export async function discoverWorkspace(
  path: string,
  options: WorkspaceDiscoveryOptions,
): Promise<Workspace> {
  const start = resolve(options.cwd, path);
  let projectRoot: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (await isFile(join(dir, "pyproject.toml"))) {
      projectRoot = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  if (projectRoot === undefined) {
    throw new WorkspaceError(
      "missing-pyproject",
      "No `pyproject.toml` found in current directory or any parent directory",
    );
  }
  const pyprojectPath = join(projectRoot, "pyproject.toml");
  const pyproject = await readPyProject(pyprojectPath, options.cwd);
  if (pyproject.managed === false) {
    throw new WorkspaceError("non-workspace", `The project is marked as unmanaged: ${projectRoot}`);
  }
  let root = projectRoot;
  let rootPyproject = pyproject;
  let definition: ToolUvWorkspace = { members: undefined, exclude: undefined };
  if (pyproject.workspace !== undefined) {
    definition = pyproject.workspace;
  } else if (pyproject.project === undefined) {
    throw new WorkspaceError("missing-project", `No \`project\` table found in: ${pyprojectPath}`);
  } else {
    const enclosing = await findEnclosingWorkspace(projectRoot, options.cwd);
    if (enclosing !== undefined) {
      root = enclosing.root;
      rootPyproject = enclosing.pyproject;
      definition = enclosing.workspace;
    }
  }
  const members = await collectMembers(root, rootPyproject, definition, options);
  return new Workspace(root, rootPyproject, members);
}

async function collectMembers(
  root: string,
  rootPyproject: PyProjectToml,
  definition: ToolUvWorkspace,
  options: WorkspaceDiscoveryOptions,
): Promise<WorkspaceMember[]> {
  const members: WorkspaceMember[] = [];
  const seen = new Set<string>();
  const names = new Map<string, string>();
  const add = (member: WorkspaceMember): void => {
    const name = member.pyproject.project!.name.toLowerCase().replace(/[-_.]+/g, "-");
    const first = names.get(name);
    if (first !== undefined) {
      throw new WorkspaceError(
        "duplicate-member",
        `Two workspace members are both named \`${name}\`: \`${first}\` and \`${member.root}\``,
      );
    }
    names.set(name, member.root);
    members.push(member);
  };
  if (rootPyproject.project !== undefined) {
    seen.add(root);
    add({ root, pyproject: rootPyproject });
  }
  for (const glob of definition.members ?? []) {
    for (const memberRoot of await expandGlob(root, glob)) {
      if (seen.has(memberRoot)) continue;
      seen.add(memberRoot);
      if (options.ignore?.has(memberRoot)) continue;
      if (isExcluded(memberRoot, root, definition)) continue;
      const pyprojectPath = join(memberRoot, "pyproject.toml");
      if (!(await isFile(pyprojectPath))) {
        let isDir = false;
        try {
          isDir = (await stat(memberRoot)).isDirectory();
        } catch {
          // Vanished between the glob and here: nothing to add.
        }
        if (!isDir) continue;
        if (basename(memberRoot).startsWith(".")) continue;
        if (await hasOnlyIgnorableFiles(memberRoot)) continue;
        throw new WorkspaceError(
          "missing-member-pyproject",
          `Workspace member \`${memberRoot}\` is missing a \`pyproject.toml\` (matches: \`${glob}\`)`,
        );
      }
      const pyproject = await readPyProject(pyprojectPath, options.cwd);
      if (pyproject.managed === false) continue;
      if (pyproject.project === undefined) {
        throw new WorkspaceError(
          "missing-project",
          `No \`project\` table found in: ${pyprojectPath}`,
        );
      }
      add({ root: memberRoot, pyproject });
    }
  }
  return members;
}
