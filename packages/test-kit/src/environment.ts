import { delimiter, join } from "node:path";

/**
 * Host variables a test command may see. Everything else is dropped, which is how `UV_*`,
 * `VIRTUAL_ENV`, `PIP_*`, `CONDA_*` and `PYTHON*` from the developer's shell never reach the CLI
 * (uv's harness removes every variable uv reads; an allowlist is the stricter form of that).
 */
export const PASSTHROUGH_ENV: readonly string[] = [
  // To find `sh`, `git` and friends; rewritten below so that no stray Python is first.
  "PATH",
  "TMPDIR",
  "TZ",
  // Tests may run behind a proxy or with a custom CA.
  "ALL_PROXY",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "SSL_CERT_DIR",
  "SSL_CERT_FILE",
  "NODE_EXTRA_CA_CERTS",
];

/** Prefixes that must never leak from the host, even through a passthrough name. */
export const SCRUBBED_PREFIXES: readonly string[] = [
  "UV_",
  "VIRTUAL_ENV",
  "PIP_",
  "CONDA_",
  "PYTHON",
];

/** The directories of a test context that its environment points at. */
export interface EnvironmentDirs {
  readonly root: string;
  readonly cacheDir: string;
  readonly homeDir: string;
  readonly binDir: string;
  /** One directory per requested interpreter, holding its `python3` / `pythonX.Y` links. */
  readonly pythonDirs: readonly string[];
}

/**
 * Whether a host `PATH` entry could put an interpreter the test did not ask for in front of the
 * CLI: pyenv's shims and version directories, and virtual environments.
 */
function isStrayPythonDir(entry: string): boolean {
  return /[/\\]\.?pyenv[/\\](shims|versions|plugins)/.test(entry) || /[/\\]\.venv[/\\]/.test(entry);
}

/**
 * The environment every test command starts from: a small allowlist of the host's variables plus
 * the fixed settings of uv's harness (`add_shared_env`): fake `HOME` and XDG dirs, no wrapping,
 * no progress bars, `COLUMNS=100`, `LC_ALL=C`, `SHELL=bash`, no Python downloads, and a Python
 * search path holding only the interpreters the test requested.
 */
export function testEnvironment(
  dirs: EnvironmentDirs,
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSTHROUGH_ENV) {
    const value = host[name];
    if (value === undefined) continue;
    if (SCRUBBED_PREFIXES.some((p) => name.startsWith(p))) continue;
    env[name] = value;
  }
  const hostPath = (host.PATH ?? "/usr/local/bin:/usr/bin:/bin")
    .split(delimiter)
    .filter((entry) => entry !== "" && !isStrayPythonDir(entry));
  env.PATH = [dirs.binDir, ...dirs.pythonDirs, ...hostPath].join(delimiter);

  Object.assign(env, {
    HOME: dirs.homeDir,
    XDG_CONFIG_HOME: join(dirs.homeDir, ".config"),
    XDG_CACHE_HOME: join(dirs.homeDir, ".cache"),
    XDG_DATA_HOME: join(dirs.homeDir, ".local", "share"),
    XDG_BIN_HOME: join(dirs.homeDir, ".local", "bin"),
    XDG_CONFIG_DIRS: join(dirs.homeDir, "config"),
    SHELL: "bash",
    LC_ALL: "C",
    COLUMNS: "100",
    NO_COLOR: "1",
    UV_NO_WRAP: "1",
    UV_NO_SYSTEM_CONFIG: "1",
    UV_TEST_NO_CLI_PROGRESS: "1",
    UV_CACHE_DIR: dirs.cacheDir,
    UV_PYTHON_DOWNLOADS: "never",
    UV_PYTHON_SEARCH_PATH: dirs.pythonDirs.join(delimiter),
    // Stops `git` from discovering a repository above the test root (the repo under test).
    GIT_CEILING_DIRECTORIES: dirs.root,
  });
  return env;
}
