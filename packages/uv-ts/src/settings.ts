import { isAbsolute, join, resolve } from "node:path";
import type { ParsedArgs } from "@uv-ts/cli";
import type { ColorChoice, Verbosity } from "@uv-ts/console";
import { UvError } from "@uv-ts/error";

/** The settings every command shares, resolved from global flags and the environment. */
export interface GlobalSettings {
  readonly verbosity: Verbosity;
  readonly color: ColorChoice;
  /** The working directory: `--directory` (or `UV_WORKING_DIR`) resolved against the process's. */
  readonly cwd: string;
  /**
   * `--cache-dir` / `UV_CACHE_DIR` (resolved against `cwd`), else `$XDG_CACHE_HOME/uv-ts`, else
   * `~/.cache/uv-ts`. uv-ts keeps its own cache, apart from uv's, because its formats differ.
   */
  readonly cacheDir: string;
  readonly noCache: boolean;
  readonly offline: boolean;
}

const TRUE = new Set(["y", "yes", "t", "true", "on", "1"]);
const FALSE = new Set(["n", "no", "f", "false", "off", "0"]);

/**
 * Reads a boolean environment variable the way uv's settings layer does (`1`, `true`, `yes`,
 * `on` and their negations, any case); `undefined` when unset.
 */
export function envBool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const v = raw.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UvError(
    "settings.invalid-env-bool",
    `Failed to parse environment variable \`${name}\` with invalid value \`${raw}\`: expected a boolish value`,
  );
}

/** The default cache directory: `$XDG_CACHE_HOME/uv-ts` (if absolute), else `~/.cache/uv-ts`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== "" && isAbsolute(xdg)) return join(xdg, "uv-ts");
  return join(env.HOME !== undefined && env.HOME !== "" ? env.HOME : home, ".cache", "uv-ts");
}

/** Resolves the global settings of a run. */
export function resolveGlobalSettings(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  processCwd: string,
  home: string,
): GlobalSettings {
  const quiet = args.count("quiet");
  const verbose = args.count("verbose");
  const verbosity: Verbosity =
    quiet >= 2 ? "silent" : quiet === 1 ? "quiet" : verbose > 0 ? "verbose" : "default";
  let color: ColorChoice = "auto";
  const choice = args.string("color");
  if (choice === "always" || choice === "never" || choice === "auto") color = choice;
  else if (args.flag("no-color")) color = "never";
  const directory = args.string("directory");
  const cwd = directory !== undefined ? resolve(processCwd, directory) : processCwd;
  const explicitCache = args.string("cache-dir");
  const cacheDir =
    explicitCache !== undefined ? resolve(cwd, explicitCache) : defaultCacheDir(env, home);
  let offline = envBool(env, "UV_OFFLINE") ?? false;
  if (args.flag("offline")) offline = true;
  if (args.flag("no-offline")) offline = false;
  return { verbosity, color, cwd, cacheDir, noCache: args.flag("no-cache"), offline };
}
