import { interpreterPlatform } from "@uv-ts/distribution";
import { UvError } from "@uv-ts/error";
import { Version } from "@uv-ts/pep440";
import type { MarkerEnvironment } from "@uv-ts/pep508";
import { Tags } from "@uv-ts/platform-tags";
import {
  findPythonInstallation,
  type Interpreter,
  PythonNotFoundError,
  type PythonRequest,
  parsePythonRequest,
} from "@uv-ts/python";
import { PythonRequirement, type ResolverTarget } from "@uv-ts/resolver";
import type { CommandContext } from "../context.ts";
import {
  parseTargetPlatform,
  platformMarkers,
  type TargetPlatform,
} from "./pip-compile-platform.ts";

/** `--python-version`: the version as written and its parsed form. */
export interface TargetPythonVersion {
  readonly text: string;
  readonly version: Version;
}

/** The interpreter `pip compile` runs with and the environment it resolves for. */
export interface CompileTarget {
  readonly interpreter: Interpreter;
  readonly target: ResolverTarget;
}

/** What selects the target. */
export interface TargetOptions {
  /** `--python` (a simple version is moved to `pythonVersion`, as uv does). */
  readonly python: string | undefined;
  readonly pythonVersion: string | undefined;
  readonly pythonPlatform: string | undefined;
  readonly system: boolean;
  /** Whether builds are disabled by the requirements files: then a mismatched interpreter is fine. */
  readonly noBuild: boolean;
}

/** Parses `--python-version` as uv's `PythonVersion` does. */
export function parsePythonVersion(text: string): TargetPythonVersion {
  const invalid = (reason: string) =>
    new UvError(
      "pip.python-version",
      // Worded as clap words an invalid value, as uv validates the flag while parsing it.
      `invalid value '${text}' for '--python-version <PYTHON_VERSION>': ${reason}\n\nFor more information, try '--help'.`,
    );
  let version: Version;
  try {
    version = Version.parse(text);
  } catch (error) {
    throw invalid(
      `Python version \`${text}\` could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (version.dev !== undefined)
    throw invalid(`Python version \`${text}\` is a development release`);
  if (version.local.length > 0) throw invalid(`Python version \`${text}\` is a local version`);
  if (version.epoch !== 0) throw invalid(`Python version \`${text}\` has a non-zero epoch`);
  return { text, version };
}

/** A string that is just a Python version (`3.12`, `3.12.1`), not a path or implementation. */
function isPlainVersion(text: string): boolean {
  return /^\d+(\.\d+){0,2}((a|b|rc)\d+)?$/.test(text);
}

async function findInterpreter(
  ctx: CommandContext,
  request: PythonRequest,
  system: boolean,
  fallback: boolean,
): Promise<Interpreter> {
  const options = {
    cwd: ctx.cwd,
    env: ctx.io.env,
    cacheDir: ctx.cacheDir,
    environments: system ? ("only-system" as const) : ("any" as const),
    warn: (message: string) =>
      ctx.printer.stderr(
        `${ctx.style.bold(ctx.style.yellow("warning"))}${ctx.style.bold(":")} ${message}\n`,
      ),
  };
  try {
    return (await findPythonInstallation(request, options)).interpreter;
  } catch (error) {
    // uv's `find_best`: a version that is not installed falls back to any interpreter, which
    // is then only used to build (the resolution still targets the requested version).
    if (!fallback || !(error instanceof PythonNotFoundError)) throw error;
    return (await findPythonInstallation({ kind: "default" }, options)).interpreter;
  }
}

function versionPair(version: Version): [number, number] {
  return [version.release[0] ?? 0, version.release[1] ?? 0];
}

function fullVersion(version: Version): Version {
  const [major = 0, minor = 0, patch = 0] = version.release;
  return Version.fromParts({
    release: [major, minor, patch],
    ...(version.pre === undefined ? {} : { pre: version.pre }),
  });
}

function resolutionMarkers(
  interpreter: Interpreter,
  pythonVersion: TargetPythonVersion | undefined,
  platform: TargetPlatform | undefined,
): MarkerEnvironment {
  let markers: MarkerEnvironment = { ...interpreter.markers };
  if (platform !== undefined) markers = platformMarkers(markers, platform);
  if (pythonVersion !== undefined) {
    const [major, minor] = versionPair(pythonVersion.version);
    markers = {
      ...markers,
      // uv keeps the version as the user wrote it (`3.12`), which compares as `3.12.0`.
      ...(markers.implementation_name === "cpython"
        ? { implementation_version: pythonVersion.text }
        : {}),
      python_full_version: pythonVersion.text,
      python_version: `${major}.${minor}`,
    };
  }
  return markers;
}

function resolutionTags(
  interpreter: Interpreter,
  pythonVersion: TargetPythonVersion | undefined,
  platform: TargetPlatform | undefined,
): Tags {
  const info = interpreter.info;
  const implVersion = info.markers.implementation_version.split(".").map((p) => Number(p) || 0);
  return Tags.fromEnvironment(platform?.platform ?? interpreterPlatform(info), {
    pythonVersion:
      pythonVersion === undefined
        ? [interpreter.major, interpreter.minor]
        : versionPair(pythonVersion.version),
    implementationName: info.markers.implementation_name,
    implementationVersion: [implVersion[0] ?? 0, implVersion[1] ?? 0],
    manylinuxCompatible: platform?.manylinuxCompatible ?? info.manylinux_compatible,
    gilDisabled: info.gil_disabled,
    debugEnabled: info.debug_enabled,
    isCross: platform !== undefined || pythonVersion !== undefined,
  });
}

/**
 * Finds the interpreter (`--python`, `UV_PYTHON`, a venv, or any on the system; a
 * `--python-version` that is not installed falls back to any interpreter, with uv's warning) and
 * derives the markers, wheel tags and Python requirement of the resolution.
 */
export async function compileTarget(
  ctx: CommandContext,
  options: TargetOptions,
): Promise<CompileTarget> {
  let python = options.python;
  let versionText = options.pythonVersion;
  if (python === undefined && versionText === undefined) {
    const fromEnv = ctx.io.env.UV_PYTHON;
    if (fromEnv !== undefined && fromEnv !== "") python = fromEnv;
  }
  // `-p 3.12` used to mean `--python-version`; uv still treats a bare version that way.
  if (versionText === undefined && python !== undefined && isPlainVersion(python)) {
    versionText = python;
    python = undefined;
  }
  const pythonVersion = versionText === undefined ? undefined : parsePythonVersion(versionText);
  const platform =
    options.pythonPlatform === undefined
      ? undefined
      : parseTargetPlatform(options.pythonPlatform, ctx.io.env);

  let interpreter: Interpreter;
  if (python !== undefined) {
    interpreter = await findInterpreter(
      ctx,
      parsePythonRequest(python, ctx.cwd),
      options.system,
      false,
    );
  } else if (pythonVersion !== undefined) {
    interpreter = await findInterpreter(
      ctx,
      parsePythonRequest(pythonVersion.text, ctx.cwd),
      options.system,
      true,
    );
  } else {
    interpreter = await findInterpreter(ctx, { kind: "default" }, options.system, false);
  }

  if (pythonVersion !== undefined && !options.noBuild && python === undefined) {
    const [major, minor] = versionPair(pythonVersion.version);
    const installed = interpreter.version.toString();
    const sameMinor = major === interpreter.major && minor === interpreter.minor;
    const hasPatch = pythonVersion.version.release.length > 2;
    if (
      !fullVersion(pythonVersion.version).equals(Version.parse(installed)) &&
      (hasPatch || !sameMinor)
    ) {
      ctx.printer.stderr(
        `${ctx.style.bold(ctx.style.yellow("warning"))}${ctx.style.bold(":")} The requested Python version ${pythonVersion.text} is not available; ${installed} will be used to build dependencies instead.\n`,
      );
    }
  }

  const installed = Version.parse(interpreter.version.toString());
  const pythonRequirement =
    pythonVersion === undefined
      ? new PythonRequirement({ target: installed })
      : new PythonRequirement({
          target: pythonVersion.version,
          installed,
          source: "python-version",
        });
  return {
    interpreter,
    target: {
      markerEnv: resolutionMarkers(interpreter, pythonVersion, platform),
      tags: resolutionTags(interpreter, pythonVersion, platform),
      python: pythonRequirement,
    },
  };
}
