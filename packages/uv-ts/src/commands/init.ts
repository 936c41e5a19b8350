import { mkdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay, writeFileAtomic } from "@uv-ts/fs";
import { distInfoName, InvalidNameError, parsePackageName } from "@uv-ts/normalize";
import {
  discoverVersionFile,
  formatVersionRequest,
  type PythonRequest,
  parsePythonRequest,
} from "@uv-ts/python";
import {
  addWorkspaceMember,
  discoverWorkspace,
  type Workspace,
  WorkspaceError,
} from "@uv-ts/workspace";
import type { CommandContext } from "../context.ts";
import { determineRequiresPython, type PythonLookup, scriptRequiresPython } from "./init-python.ts";
import { AlreadyScriptError, createScript, hasScriptBlock, readExisting } from "./init-script.ts";
import { type InitSettings, type ProjectKind, resolveInitSettings } from "./init-settings.ts";
import {
  type Author,
  type BuildBackend,
  buildSystem,
  CMAKE_LISTS,
  CORE_PYI,
  cargoToml,
  libRs,
  mainCpp,
  mainPy,
  packageInit,
  projectScripts,
  projectTable,
} from "./init-templates.ts";
import { authorFromGit, initVcs } from "./init-vcs.ts";

/**
 * `std::path::absolute` on Unix: joins `path` to `cwd` and drops `.` components and repeated
 * separators, but keeps `..` and a trailing separator. uv prints paths in this form.
 */
function rustAbsolute(cwd: string, path: string): string {
  const joined = isAbsolute(path) ? path : `${cwd}${sep}${path}`;
  const trailing = joined.endsWith(sep) && joined.length > 1;
  const parts = joined.split(sep).filter((p, i) => i === 0 || (p !== "" && p !== "."));
  const out = parts.join(sep) || sep;
  return trailing && !out.endsWith(sep) ? out + sep : out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeIfMissing(path: string, contents: string): Promise<void> {
  if (!(await exists(path))) await writeFile(path, contents);
}

function requestText(request: PythonRequest | undefined): string | undefined {
  return request?.kind === "version" ? formatVersionRequest(request.version) : undefined;
}

/** Runs `uv-ts init`. */
export async function run(ctx: CommandContext): Promise<number> {
  const settings = resolveInitSettings(ctx.args, ctx.io.env);
  const warn = (message: string): void => {
    ctx.printer.stderrImportant(
      `${ctx.style.bold(ctx.style.yellow("warning"))}${ctx.style.bold(":")} ${message}\n`,
    );
  };
  for (const warning of settings.warnings) warn(warning);
  const lookup: PythonLookup = { cwd: ctx.cwd, cacheDir: ctx.cacheDir, env: ctx.io.env };
  if (settings.kind === "script") {
    await initScript(ctx, settings, lookup, warn);
    return 0;
  }
  await initProject(ctx, settings, settings.kind, lookup);
  return 0;
}

async function initScript(
  ctx: CommandContext,
  settings: InitSettings,
  lookup: PythonLookup,
  warn: (message: string) => void,
): Promise<void> {
  if (settings.path === undefined) {
    throw new UvError("init.script-path", "Script initialization requires a file path");
  }
  if (settings.noWorkspace) {
    warn("`--no-workspace` is a no-op for Python scripts, which are standalone");
  }
  if (settings.noReadme) warn("`--no-readme` is a no-op for Python scripts, which are standalone");
  if (settings.authorFrom !== undefined) {
    warn("`--author-from` is a no-op for Python scripts, which are standalone");
  }
  const path = resolve(ctx.cwd, settings.path);
  const display = isAbsolute(settings.path) ? userDisplay(path, ctx.cwd) : settings.path;
  const existing = await readExisting(path);
  if (existing !== undefined && hasScriptBlock(existing)) {
    throw new AlreadyScriptError(
      "init.already-script",
      `\`${ctx.style.cyan(display)}\` is already a PEP 723 script; use \`${ctx.style.green("uv-ts run")}\` to execute it`,
    );
  }
  let request: PythonRequest | undefined;
  if (settings.python !== undefined) {
    request = parsePythonRequest(settings.python, ctx.cwd);
  } else if (settings.pinPython) {
    const file = await discoverVersionFile(dirname(path), { env: ctx.io.env });
    request = file?.requests[0];
  }
  const requiresPython = await scriptRequiresPython(request, lookup);
  await createScript({
    path,
    givenPath: settings.path,
    displayPath: display,
    requiresPython,
    bare: settings.bare,
    warn,
  });
  ctx.printer.stderr(`Initialized script at \`${ctx.style.cyan(display)}\`\n`);
}

function projectName(settings: InitSettings, path: string): string {
  if (settings.name !== undefined) {
    try {
      return parsePackageName(settings.name);
    } catch (error) {
      if (!(error instanceof InvalidNameError)) throw error;
      throw new UvError(
        "init.invalid-name",
        `invalid value '${settings.name}' for '--name <NAME>': ${error.message}`,
      );
    }
  }
  const directory = basename(path);
  if (directory === "" || directory === "..") {
    throw new UvError("init.missing-directory-name", "Missing directory name");
  }
  try {
    return parsePackageName(directory.trim().replaceAll(" ", "-"));
  } catch {
    const which = settings.path === undefined ? "current directory" : "target directory";
    throw new UvError(
      "init.invalid-directory-name",
      `The ${which} (\`${directory}\`) is not a valid package name. Please provide a package name with \`--name\`.`,
    );
  }
}

async function findWorkspace(
  ctx: CommandContext,
  path: string,
  noWorkspace: boolean,
): Promise<Workspace | undefined> {
  const parent = dirname(path) === path ? path : dirname(path);
  try {
    const workspace = await discoverWorkspace(parent, { cwd: ctx.cwd, ignore: new Set([path]) });
    return noWorkspace ? undefined : workspace;
  } catch (error) {
    if (!(error instanceof WorkspaceError)) throw error;
    if (error.kind === "missing-pyproject" || error.kind === "non-workspace" || noWorkspace) {
      return undefined;
    }
    throw new UvError(
      "init.workspace-discovery",
      `Failed to discover parent workspace; use \`${ctx.style.green("uv-ts init --no-workspace")}\` to ignore`,
      { cause: error },
    );
  }
}

async function initProject(
  ctx: CommandContext,
  settings: InitSettings,
  kind: ProjectKind,
  lookup: PythonLookup,
): Promise<void> {
  const shown = settings.path === undefined ? ctx.cwd : rustAbsolute(ctx.cwd, settings.path);
  // Filesystem work and workspace paths use the normalised form; messages use uv's.
  const path = resolve(ctx.cwd, settings.path ?? ".");
  if (await exists(join(path, "pyproject.toml"))) {
    throw new UvError(
      "init.already-initialized",
      `Cannot initialize a project in \`${ctx.style.cyan(shown)}\` because \`pyproject.toml\` already exists`,
    );
  }
  const name = projectName(
    settings,
    settings.path === undefined ? path : shown.replace(/\/+$/, ""),
  );

  const workspace = await findWorkspace(ctx, path, settings.noWorkspace);
  let request: PythonRequest | undefined;
  if (settings.python !== undefined) {
    request = parsePythonRequest(settings.python, ctx.cwd);
  } else {
    const file = await discoverVersionFile(path, {
      env: ctx.io.env,
      stopAt: workspace?.installPath,
    });
    request = file?.requests[0];
  }
  const python = await determineRequiresPython({
    path,
    pinPython: settings.pinPython,
    request,
    workspace,
    lookup,
  });

  await writeProject(ctx, settings, kind, name, path, python.requiresPython);

  if (workspace !== undefined) {
    const root = workspace.installPath;
    if (workspace.excludes(path)) {
      ctx.printer.stderr(
        `Project \`${ctx.style.cyan(name)}\` is excluded by workspace \`${ctx.style.cyan(root)}\`\n`,
      );
    } else if (workspace.includes(path)) {
      ctx.printer.stderr(
        `Project \`${ctx.style.cyan(name)}\` is already a member of workspace \`${ctx.style.cyan(root)}\`\n`,
      );
    } else {
      const member = relative(root, path).split(sep).join("/");
      const edited = addWorkspaceMember(workspace.pyproject.raw, member);
      await writeFileAtomic(join(root, "pyproject.toml"), edited);
      ctx.printer.stderr(
        `Adding \`${ctx.style.cyan(name)}\` as member of workspace \`${ctx.style.cyan(root)}\`\n`,
      );
    }
  }

  if (python.pin !== undefined) {
    const found = await discoverVersionFile(path, { env: ctx.io.env });
    const foundDir = found === undefined ? undefined : dirname(found.path);
    const foundVersion = requestText(found?.requests[0]);
    const keep =
      workspace !== undefined
        ? found !== undefined &&
          foundVersion === python.pin &&
          (foundDir === workspace.installPath || foundDir === path)
        : found !== undefined && found.requests.length > 0 && foundDir === path;
    if (!keep) await writeFile(join(path, ".python-version"), `${python.pin}\n`);
  }

  if (!settings.noReadme && !settings.bare) {
    await writeIfMissing(join(path, "README.md"), "");
  }

  if (settings.path === undefined) {
    ctx.printer.stderr(`Initialized project \`${ctx.style.cyan(name)}\`\n`);
  } else {
    ctx.printer.stderr(
      `Initialized project \`${ctx.style.cyan(name)}\` at \`${ctx.style.cyan(shown)}\`\n`,
    );
  }
}

async function writeProject(
  ctx: CommandContext,
  settings: InitSettings,
  kind: ProjectKind,
  name: string,
  path: string,
  requiresPython: string,
): Promise<void> {
  await mkdir(path, { recursive: true });
  // Git first, so that git configuration with conditional includes sees the repository.
  await initVcs(path, settings.vcs, ctx.io.env);
  const authorFrom = settings.authorFrom ?? (kind === "app" || kind === "bare" ? "none" : "auto");
  const author: Author | undefined =
    authorFrom === "none" ? undefined : await authorFromGit(path, ctx.io.env);

  let pyproject = projectTable({
    name,
    requiresPython,
    author,
    description: settings.description,
    noDescription: settings.noDescription,
    noReadme: settings.noReadme || settings.bare,
  });
  const moduleName = distInfoName(name as Parameters<typeof distInfoName>[0]);
  const backend: BuildBackend = settings.buildBackend ?? "uv";
  switch (kind) {
    case "bare":
      break;
    case "bare-with-build-system":
      pyproject += `\n${buildSystem(backend, moduleName)}`;
      break;
    case "packaged-app":
    case "lib": {
      const library = kind === "lib";
      if (!library) pyproject += `\n${projectScripts(name, moduleName)}`;
      pyproject += `\n${buildSystem(backend, moduleName)}`;
      await writeBackendFiles(path, backend, moduleName);
      await writePackageFiles(path, name, moduleName, backend, library);
      break;
    }
    case "app":
      if (!settings.bare) await writeIfMissing(join(path, "main.py"), mainPy(name));
      break;
  }
  await writeFile(join(path, "pyproject.toml"), pyproject);
}

async function writeBackendFiles(
  path: string,
  backend: BuildBackend,
  moduleName: string,
): Promise<void> {
  if (backend === "maturin") await writeIfMissing(join(path, "Cargo.toml"), cargoToml(moduleName));
  if (backend === "scikit") await writeIfMissing(join(path, "CMakeLists.txt"), CMAKE_LISTS);
}

async function writePackageFiles(
  path: string,
  name: string,
  moduleName: string,
  backend: BuildBackend,
  library: boolean,
): Promise<void> {
  const src = join(path, "src");
  const pkg = join(src, moduleName);
  await mkdir(pkg, { recursive: true });
  const native = backend === "maturin" || backend === "scikit";
  if (backend === "maturin") await writeIfMissing(join(src, "lib.rs"), libRs(name));
  if (backend === "scikit") await writeIfMissing(join(src, "main.cpp"), mainCpp(name));
  if (native) await writeIfMissing(join(pkg, "_core.pyi"), CORE_PYI);
  await writeIfMissing(
    join(pkg, "__init__.py"),
    packageInit({ name, moduleName, library, native }),
  );
  if (library) await writeIfMissing(join(pkg, "py.typed"), "");
}
