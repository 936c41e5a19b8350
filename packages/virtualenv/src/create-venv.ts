import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { removeAll, userDisplay } from "@uv-ts/fs";
import type { Interpreter } from "@uv-ts/python";
import {
  ClearNonVirtualenvError,
  VenvExistsError,
  VenvIoError,
  VenvPathIsFileError,
} from "./errors.ts";
import { renderPyvenvCfg } from "./pyvenv-cfg.ts";
import { renderActivators } from "./render-activators.ts";
import { VIRTUALENV_PATCH, VIRTUALENV_PATCH_PTH } from "./virtualenv-patch.ts";

/** The prompt: `--prompt .` takes the working directory's name, no `--prompt` sets none. */
export type Prompt =
  | { readonly kind: "none" }
  | { readonly kind: "static"; readonly value: string }
  | { readonly kind: "cwd-name" };

/** Turns `--prompt` into a {@link Prompt} as uv does (`.` means the current directory's name). */
export function promptFromArg(value: string | undefined): Prompt {
  if (value === undefined) return { kind: "none" };
  if (value === ".") return { kind: "cwd-name" };
  return { kind: "static", value };
}

/**
 * What to do with a non-empty target: fail, keep it and write over it (`--allow-existing`),
 * clear a virtual environment (`--clear`), or clear anything (`--clear --force`).
 */
export type OnExisting = "fail" | "allow" | "clear" | "clear-any";

/** How to create an environment. */
export interface CreateVenvOptions {
  /** The target as the user gave it (relative to `cwd` or absolute). */
  readonly location: string;
  readonly cwd: string;
  readonly interpreter: Interpreter;
  readonly prompt: Prompt;
  readonly systemSitePackages: boolean;
  readonly onExisting: OnExisting;
  readonly relocatable: boolean;
  /** Whether seed packages will be installed (recorded as `seed = true`). */
  readonly seed: boolean;
  /** The version recorded under the `uv` key of `pyvenv.cfg`. */
  readonly toolVersion: string;
}

/** A created environment: where it is and how its interpreter is laid out. */
export interface VirtualEnvironment {
  readonly root: string;
  /** `<root>/bin/python`. */
  readonly executable: string;
  /** The interpreter the environment is made from. */
  readonly baseExecutable: string;
  readonly scripts: string;
  readonly purelib: string;
  readonly platlib: string;
}

function io<T>(action: string, path: string, op: () => T): T {
  try {
    return op();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new VenvIoError(action, path, error);
  }
}

function isVirtualenvBase(dir: string): boolean {
  try {
    return statSync(join(dir, "pyvenv.cfg"), { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * Empties a virtual environment directory without removing the directory itself (a symlinked
 * `.venv` keeps pointing where it did). `pyvenv.cfg` goes last, so an interrupted clear still
 * looks like a (broken) environment and `--clear` can finish the job.
 */
function clearDirectory(dir: string): void {
  for (const entry of readdirSync(dir)) {
    if (entry !== "pyvenv.cfg") rmSync(join(dir, entry), { recursive: true, force: true });
  }
  rmSync(join(dir, "pyvenv.cfg"), { force: true });
}

/**
 * Creates a virtual environment for `interpreter` at `location`, writing every file directly
 * (no `python -m venv`). A new environment is assembled in a hidden sibling directory and renamed
 * into place, so that a failure part-way leaves no half-made environment behind.
 */
export async function createVenv(options: CreateVenvOptions): Promise<VirtualEnvironment> {
  const { interpreter, cwd } = options;
  const absolute = resolve(cwd, options.location);
  const display = userDisplay(options.location, cwd);
  const prompt =
    options.prompt.kind === "static"
      ? options.prompt.value
      : options.prompt.kind === "cwd-name"
        ? basename(cwd)
        : undefined;

  // Where to build: a fresh directory to rename into place, or the existing one itself.
  let target = absolute;
  let inPlace = false;
  let existing: Stats | undefined;
  try {
    existing = statSync(absolute, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new VenvIoError("read metadata of", display, error);
  }
  if (existing !== undefined) {
    if (existing.isFile()) throw new VenvPathIsFileError(display, "File");
    if (!existing.isDirectory()) throw new VenvPathIsFileError(display, "Object");
    // A symlinked `.venv` stays a symlink: the environment goes where it points.
    target = realpathSync(absolute);
    const empty = io("read directory", display, () => readdirSync(target)).length === 0;
    if (!empty) {
      const isVenv = isVirtualenvBase(target);
      const name = isVenv ? "virtual environment" : "directory";
      switch (options.onExisting) {
        case "fail":
          throw new VenvExistsError(name, display);
        case "allow":
          inPlace = true;
          break;
        case "clear":
          if (!isVenv) throw new ClearNonVirtualenvError();
          io("clear", display, () => clearDirectory(target));
          break;
        case "clear-any":
          io("clear", display, () => clearDirectory(target));
          break;
      }
    }
  } else {
    io("create directory", display, () => mkdirSync(dirname(absolute), { recursive: true }));
  }

  const build = inPlace
    ? target
    : io("create directory", display, () =>
        mkdtempSync(join(dirname(target), `.${basename(target)}.tmp`)),
      );
  try {
    writeEnvironment(build, absolute, prompt, options);
    if (!inPlace) {
      // Renaming onto an empty directory replaces it; the target is empty or absent here.
      io("create directory", display, () => renameSync(build, target));
    }
  } catch (error) {
    if (!inPlace) await removeAll(build);
    throw error;
  }

  const scheme = interpreter.virtualenvScheme;
  return {
    root: absolute,
    executable: join(absolute, scheme.scripts, "python"),
    baseExecutable: resolve(cwd, interpreter.baseExecutable),
    scripts: join(absolute, scheme.scripts),
    purelib: join(absolute, scheme.purelib),
    platlib: join(absolute, scheme.platlib),
  };
}

function writeEnvironment(
  dir: string,
  finalLocation: string,
  prompt: string | undefined,
  options: CreateVenvOptions,
): void {
  const { interpreter } = options;
  const scheme = interpreter.virtualenvScheme;
  const basePython = resolve(options.cwd, interpreter.baseExecutable);
  const scripts = join(dir, scheme.scripts);
  const sitePackages = join(dir, scheme.purelib);
  const major = interpreter.major;
  const minor = interpreter.minor;
  const show = (p: string) => userDisplay(p, options.cwd);
  // Synchronous on purpose: two dozen small files cost less written in line than through the
  // thread pool, and this is the whole of `uv-ts venv`'s work.
  const write = (path: string, text: string) =>
    io("write", show(path), () => writeFileSync(path, text));
  // Links that already exist (`--allow-existing`) are replaced, like uv's `replace_symlink`; a
  // fresh environment has none, so the common case is a single `symlink` call.
  const link = (target: string, path: string) =>
    io("create symlink", show(path), () => {
      try {
        symlinkSync(target, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        rmSync(path, { force: true });
        symlinkSync(target, path);
      }
    });

  io("create directory", show(scripts), () => mkdirSync(scripts, { recursive: true }));
  io("create directory", show(sitePackages), () => mkdirSync(sitePackages, { recursive: true }));
  write(join(dir, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55");
  write(join(dir, ".gitignore"), "*");

  link(basePython, join(scripts, "python"));
  link("python", join(scripts, `python${major}`));
  link("python", join(scripts, `python${major}.${minor}`));
  if (interpreter.gilDisabled) link("python", join(scripts, `python${major}.${minor}t`));
  const implementation = interpreter.markers.implementation_name;
  if (implementation === "pypy") {
    link("python", join(scripts, `pypy${major}`));
    link("python", join(scripts, "pypy"));
  }
  if (implementation === "graalpy") link("python", join(scripts, "graalpy"));

  for (const [name, text] of renderActivators({
    location: finalLocation,
    binName: "bin",
    prompt: prompt ?? "",
    purelib: scheme.purelib,
    platlib: scheme.platlib,
    scripts: scheme.scripts,
    relocatable: options.relocatable,
  })) {
    write(join(scripts, name), text);
  }

  write(
    join(dir, "pyvenv.cfg"),
    renderPyvenvCfg({
      home: dirname(basePython),
      implementation: interpreter.markers.platform_python_implementation,
      uv: options.toolVersion,
      versionInfo: interpreter.markers.python_full_version,
      includeSystemSitePackages: options.systemSitePackages,
      relocatable: options.relocatable,
      seed: options.seed,
      prompt,
    }),
  );

  // CPython's `venv` makes `lib64 -> lib` on 64-bit POSIX (not macOS), and so does uv.
  const markers = interpreter.markers;
  if (
    interpreter.pointerSize === 64 &&
    markers.os_name === "posix" &&
    markers.sys_platform !== "darwin"
  ) {
    link("lib", join(dir, "lib64"));
  }

  // The distutils patch is only needed where distutils still reads install config (Python < 3.10).
  if (major < 3 || (major === 3 && minor < 10)) {
    write(join(sitePackages, "_virtualenv.py"), VIRTUALENV_PATCH);
    write(join(sitePackages, "_virtualenv.pth"), VIRTUALENV_PATCH_PTH);
  }
}
