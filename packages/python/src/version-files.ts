import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { PythonRequest } from "./python-request.ts";
import { parsePythonRequest } from "./python-request.ts";

/** The file naming the project's Python: one request, e.g. `3.12`. */
export const PYTHON_VERSION_FILENAME = ".python-version";

/** The file naming several Pythons, one request per line; the first is preferred. */
export const PYTHON_VERSIONS_FILENAME = ".python-versions";

/** A `.python-version` or `.python-versions` file and the requests it holds. */
export interface PythonVersionFile {
  readonly path: string;
  readonly requests: readonly PythonRequest[];
  /** Whether it is the user-level file in uv's config directory rather than a project's. */
  readonly global: boolean;
}

/** Where to look, and how to report lines that are ignored. */
export interface VersionFileOptions {
  /** Do not look above this directory (a workspace root). */
  readonly stopAt?: string | undefined;
  /** The environment, for the user-level config directory. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** `--no-config`: ignore version files altogether. */
  readonly noConfig?: boolean | undefined;
  readonly warn?: ((message: string) => void) | undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    // No exception for a missing file (the common case): building one costs more than the stat.
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

async function findInDirectory(dir: string): Promise<string | undefined> {
  for (const name of [PYTHON_VERSION_FILENAME, PYTHON_VERSIONS_FILENAME]) {
    const path = join(dir, name);
    if (await isFile(path)) return path;
  }
  return undefined;
}

/** uv's user config directory: `$XDG_CONFIG_HOME/uv`, else `~/.config/uv`. */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg !== "") return join(xdg, "uv");
  return join(env.HOME || homedir(), ".config", "uv");
}

/**
 * Finds the nearest version file in `cwd` or its parents (up to `stopAt`), else the user-level one
 * in uv's config directory, and reads its requests. Lines that are empty or comments are skipped;
 * a line that is only an executable name is ignored with a warning, as uv does.
 */
export async function discoverVersionFile(
  cwd: string,
  options: VersionFileOptions = {},
): Promise<PythonVersionFile | undefined> {
  if (options.noConfig === true) return undefined;
  let found: string | undefined;
  let global = false;
  const stopParent = options.stopAt === undefined ? undefined : dirname(options.stopAt);
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (stopParent !== undefined && dir === stopParent) break;
    found = await findInDirectory(dir);
    if (found !== undefined || dirname(dir) === dir) break;
  }
  if (found === undefined) {
    found = await findInDirectory(userConfigDir(options.env ?? process.env));
    global = found !== undefined;
  }
  if (found === undefined) return undefined;
  let content: string;
  try {
    content = readFileSync(found, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const requests: PythonRequest[] = [];
  for (const line of content.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const request = parsePythonRequest(trimmed, dirname(found));
    if (request.kind === "executable-name") {
      options.warn?.(
        `Ignoring unsupported Python request \`${request.name}\` in version file: ${found}`,
      );
      continue;
    }
    requests.push(request);
  }
  return { path: found, requests, global };
}
