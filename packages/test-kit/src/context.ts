import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import {
  activatesVenvByDefault,
  type CommandOutput,
  type CommandSpec,
  formatOutput,
  runCommand,
  subcommandOf,
  UV_TS_BIN,
} from "./command.ts";
import { testEnvironment } from "./environment.ts";
import { hasFeature } from "./features.ts";
import {
  applyFilters,
  escapeRegExp,
  type Filter,
  filter,
  pathFilters,
  STANDARD_FILTERS,
  TEST_TIMESTAMP,
} from "./filters.ts";
import { findTestPython, type TestPython } from "./python-interpreters.ts";
import { REPO_ROOT } from "./python-oracle.ts";

/** Options of {@link TestContext.create}. */
export interface TestContextOptions {
  /**
   * Interpreters the CLI may discover, e.g. `["3.12"]` (the newest local 3.12) or `["3.12.1"]`
   * (exactly that patch; snapshots then keep it). The first one is the venv's. Tests that pass
   * any must be gated on the `python` feature.
   */
  readonly python?: readonly string[];
  /** Environment variables added to every command of this context (after the scrubbing). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Per-command options of {@link TestContext.command} and friends. */
export interface RunOptions {
  /** Working directory; relative paths are resolved against `temp/`. Default: `temp/`. */
  readonly cwd?: string;
  /** Extra environment variables; `undefined` removes one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to stdin (otherwise stdin is `/dev/null`). */
  readonly stdin?: string;
  /**
   * Set `VIRTUAL_ENV` to `temp/.venv`. Default as in uv's harness: on for `pip ...`, `run`, most
   * `python ...` commands and bare invocations; off for `venv` and project commands.
   */
  readonly activateVenv?: boolean;
  /** Kill the command with `SIGKILL` after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** The standard git stand-in when the `git` feature is off, as uv's `disallow_git_cli`. */
const DISALLOWED_GIT = `#!/bin/sh
echo 'error: \`git\` operations are not allowed — are you missing a gate on the \`git\` feature?' >&2
exit 127
`;

/**
 * An isolated world for one integration test, after uv's `TestContext`: a temp root holding
 * `temp/` (the working directory, `[TEMP_DIR]`), `cache/`, `home/`, `bin/`, `python/<ver>/` links
 * to the requested interpreters and an empty `.git` so that repository discovery stops there; a
 * scrubbed environment; and the filters that make its output snapshot-stable.
 *
 * ```ts
 * await using ctx = await TestContext.create({ python: ["3.12"] });
 * assertSnapshot(await ctx.snapshot(["venv"]), `...`);
 * ```
 */
export class TestContext {
  /** The temp root (canonical path). */
  readonly root: string;
  /** The working directory of every command, `<root>/temp`. */
  readonly tempDir: string;
  readonly cacheDir: string;
  readonly homeDir: string;
  /** Put first on `PATH`; holds stand-ins such as the disallowed `git`. */
  readonly binDir: string;
  /** Holds `<version>/python3` links to the requested interpreters. */
  readonly pythonDir: string;
  /** The context's virtual environment, `<root>/temp/.venv` (created by {@link createVenv}). */
  readonly venv: string;
  /** The interpreters this context exposes, in request order. */
  readonly pythons: readonly TestPython[];

  readonly #env: Record<string, string>;
  readonly #filters: Filter[];
  /** The root as spelled through a symlinked temp dir (`os.tmpdir()`), when that differs. */
  readonly #aliasRoot: string | undefined;
  #cleaned = false;

  private constructor(
    root: string,
    aliasRoot: string | undefined,
    pythons: readonly TestPython[],
    extraEnv: Record<string, string>,
  ) {
    this.root = root;
    this.#aliasRoot = aliasRoot;
    this.tempDir = join(root, "temp");
    this.cacheDir = join(root, "cache");
    this.homeDir = join(root, "home");
    this.binDir = join(root, "bin");
    this.pythonDir = join(root, "python");
    this.venv = join(this.tempDir, ".venv");
    this.pythons = pythons;
    this.#env = {
      ...testEnvironment({
        root,
        cacheDir: this.cacheDir,
        homeDir: this.homeDir,
        binDir: this.binDir,
        pythonDirs: pythons.map((p) => join(this.pythonDir, p.request)),
      }),
      ...extraEnv,
    };
    this.#filters = this.#contextFilters();
  }

  /** Creates the directories and interpreter links; see the class comment. */
  static async create(options: TestContextOptions = {}): Promise<TestContext> {
    // Resolve interpreters before touching the disk so that a missing one leaves nothing behind.
    const pythons = (options.python ?? []).map((request) => findTestPython(request));
    // Canonical, so that the paths the CLI prints (it may resolve the cwd) match the filters.
    const base = await realpath(tmpdir());
    const root = await mkdtemp(join(base, "uv-ts-test-"));
    const alias = join(tmpdir(), basename(root));
    const ctx = new TestContext(root, alias === root ? undefined : alias, pythons, {
      ...options.env,
    });
    try {
      for (const dir of [ctx.tempDir, ctx.cacheDir, ctx.homeDir, ctx.binDir, ctx.pythonDir]) {
        await mkdir(dir, { recursive: true });
      }
      await mkdir(join(root, ".git"));
      for (const python of pythons) {
        const dir = join(ctx.pythonDir, python.request);
        await mkdir(dir, { recursive: true });
        await symlink(python.executable, join(dir, "python3"));
        await symlink(python.executable, join(dir, `python${python.minor}`));
      }
      if (!hasFeature("git")) {
        const git = join(ctx.binDir, "git");
        await writeFile(git, DISALLOWED_GIT);
        await chmod(git, 0o755);
      }
    } catch (error) {
      await ctx.cleanup();
      throw error;
    }
    return ctx;
  }

  /** The environment every command of this context starts from (a copy). */
  env(): Record<string, string> {
    return { ...this.#env };
  }

  /** The link to the requested interpreter `version` (`python/3.12/python3`). */
  pythonPath(version?: string): string {
    const python = this.#python(version);
    return join(this.pythonDir, python.request, "python3");
  }

  /** `temp/.venv/lib/pythonX.Y/site-packages` for the first requested interpreter. */
  sitePackages(): string {
    return join(this.venv, "lib", `python${this.#python().minor}`, "site-packages");
  }

  #python(version?: string): TestPython {
    const python =
      version === undefined
        ? this.pythons[0]
        : this.pythons.find((p) => p.request === version || p.minor === version);
    if (!python) {
      throw new Error(
        `Python ${version ?? "(any)"} was not requested by this test context (requested: ${this.pythons.map((p) => p.request).join(", ") || "none"})`,
      );
    }
    return python;
  }

  /**
   * The process that runs `uv-ts <args>` in this context: the bundled CLI under the current
   * Node, in `temp/`, with the scrubbed environment. The cache goes through `UV_CACHE_DIR`
   * rather than uv's `--cache-dir` flag.
   */
  command(args: readonly string[], options: RunOptions = {}): CommandSpec {
    const env: Record<string, string> = { ...this.#env };
    if (options.activateVenv ?? activatesVenvByDefault(args)) env.VIRTUAL_ENV = this.venv;
    if (subcommandOf(args)[0] === "run") env.UV_SHOW_RESOLUTION = "1";
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    return {
      program: process.execPath,
      args: [UV_TS_BIN, ...args],
      cwd: options.cwd === undefined ? this.tempDir : resolve(this.tempDir, options.cwd),
      env,
      stdin: options.stdin,
      timeoutMs: options.timeoutMs,
    };
  }

  /** Runs `uv-ts <args>` and returns its raw (unfiltered) output. */
  run(args: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    return runCommand(this.command(args, options));
  }

  /** Runs `uv-ts <args>` and renders it as uv's snapshot format, filtered. */
  async snapshot(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return this.filterText(formatOutput(await this.run(args, options)));
  }

  /** Runs any process (`spec`) and renders it as {@link snapshot} does. */
  async snapshotCommand(spec: CommandSpec): Promise<string> {
    return this.filterText(formatOutput(await runCommand(spec)));
  }

  /** {@link create}, then {@link createVenv}: a context with its venv ready. */
  static async withVenv(options: TestContextOptions = {}): Promise<TestContext> {
    const ctx = await TestContext.create(options);
    await ctx.createVenv();
    return ctx;
  }

  /**
   * Creates `temp/.venv` with `uv-ts venv` for the first requested interpreter, as uv's
   * `test_context!` does; throws with the command's output when that fails.
   */
  async createVenv(): Promise<void> {
    const python = this.pythonPath();
    const output = await this.run(["venv", this.venv, "--clear", "--python", python], {
      cwd: this.tempDir,
    });
    if (output.exitCode !== 0) {
      throw new Error(`Failed to create the test venv:\n${formatOutput(output)}`);
    }
  }

  /** Adds a filter that runs after the context's path filters, for this test only. */
  withFilter(pattern: RegExp | string, replacement: string): this {
    this.#filters.push(filter(pattern, replacement));
    return this;
  }

  /** Replaces `Resolved 3 packages` and friends by `[N]`, as uv's `with_filtered_counts`. */
  withFilteredCounts(): this {
    for (const verb of ["Resolved", "Prepared", "Installed", "Uninstalled", "Checked"]) {
      this.withFilter(new RegExp(`${verb} \\d+ packages?`), `${verb} [N] packages`);
    }
    return this.withFilter(/Removed \d+ files?/, "Removed [N] files");
  }

  /** Sets `UV_EXCLUDE_NEWER` for every command (default: uv's shared test timestamp). */
  withExcludeNewer(timestamp: string = TEST_TIMESTAMP): this {
    this.#env.UV_EXCLUDE_NEWER = timestamp;
    return this;
  }

  /** The context's filters followed by the standard ones, in the order they run. */
  filters(): readonly Filter[] {
    return [...this.#filters, ...STANDARD_FILTERS];
  }

  /** Applies {@link filters} to `text`, for snapshotting anything a command left behind. */
  filterText(text: string): string {
    return applyFilters(text, this.filters());
  }

  /** Reads a file relative to `temp/`, filtered, for snapshotting its contents. */
  async readFile(path: string): Promise<string> {
    return this.filterText(await readFile(resolve(this.tempDir, path), "utf8"));
  }

  /** Writes a file relative to `temp/`, creating its parent directories. */
  async writeFile(path: string, contents: string): Promise<void> {
    const full = resolve(this.tempDir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, contents);
  }

  /** Removes the temp root. Idempotent. */
  async cleanup(): Promise<void> {
    if (this.#cleaned) return;
    this.#cleaned = true;
    await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }

  /** So that `await using ctx = await TestContext.create()` cleans up at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.cleanup();
  }

  /** {@link pathFilters} for a path inside the root, in its canonical and its aliased form. */
  #pathFilters(path: string, replacement: string, suffix = ""): Filter[] {
    const filters = pathFilters(path, replacement, suffix);
    if (this.#aliasRoot !== undefined && path.startsWith(this.root)) {
      const aliased = this.#aliasRoot + path.slice(this.root.length);
      filters.push(...pathFilters(aliased, replacement, suffix));
    }
    return filters;
  }

  /**
   * The path filters of uv's `new_with_versions_and_bin`, in its order: most specific paths
   * first so that `[VENV]/` wins over `[TEMP_DIR]/`, generic temp names last.
   */
  #contextFilters(): Filter[] {
    const filters: Filter[] = [];
    filters.push(...pathFilters(UV_TS_BIN, "[UV]"));
    for (const python of this.pythons) {
      const label = `[PYTHON-${python.request}]`;
      filters.push(...pathFilters(python.executable, label));
      // The links we made; `python3`, `python3.12` and the bare directory all read the same.
      filters.push(
        ...this.#pathFilters(
          join(this.pythonDir, python.request),
          label,
          "(?:python\\d+(?:\\.\\d+)?|[a-zA-Z0-9]*)",
        ),
      );
      if (!python.pinned) {
        filters.push(filter(`(${python.request.replace(/\./g, "\\.")})\\.\\d+`, "$1.[X]"));
      }
    }
    filters.push(...this.#pathFilters(this.binDir, "[BIN]/"));
    filters.push(...this.#pathFilters(this.cacheDir, "[CACHE_DIR]/"));
    const first = this.pythons[0];
    if (first) filters.push(...this.#pathFilters(this.sitePackages(), "[SITE_PACKAGES]/"));
    filters.push(...this.#pathFilters(this.venv, "[VENV]/"));
    if (first) {
      // Paths printed relative to the working directory.
      filters.push(
        filter(
          `\\.venv/lib/python${first.minor.replace(".", "\\.")}/site-packages/?`,
          "[SITE_PACKAGES]/",
        ),
      );
    }
    filters.push(filter(/[\\/]lib[\\/]python\d+\.\d+[\\/]/, "/[PYTHON-LIB]/"));
    filters.push(...this.#pathFilters(this.tempDir, "[TEMP_DIR]/"));
    filters.push(...this.#pathFilters(this.pythonDir, "[PYTHON_DIR]/"));
    const userConfig = join(this.homeDir, ".config");
    filters.push(...this.#pathFilters(join(userConfig, "uv"), "[UV_USER_CONFIG_DIR]/"));
    filters.push(...this.#pathFilters(userConfig, "[USER_CONFIG_DIR]/"));
    filters.push(...this.#pathFilters(this.homeDir, "[HOME]/"));
    filters.push(...pathFilters(REPO_ROOT, "[WORKSPACE]/"));
    filters.push(
      filter(
        /Activate with: source (.*\/|)bin\/activate(?:\.\w+)?/,
        "Activate with: source $1[BIN]/activate",
      ),
    );
    // Temp names of other tools (`.tmpXXXX`, Rust's tempfile style), then anything else under
    // the system temp directory, after the full paths above so as not to break them.
    filters.push(filter(/(\\|\/)\.tmp[^\\/\s"'`]*/, "/[TMP]"));
    for (const form of new Set([tmpdir(), dirname(this.root)])) {
      filters.push(filter(new RegExp(`(?<![\\w./-])${escapeRegExp(form)}/[^/\\s"'\`]+`), "[TMP]"));
    }
    filters.push(filter(/file:\/\/\//, "file://"));
    filters.push(filter(/127\.0\.0\.1:\d*/, "[LOCALHOST]"));
    filters.push(
      filter(/environments-v(\d+)[\\/]([\w.[\]-]+)-[a-f0-9]{16}/, "environments-v$1/$2-[HASH]"),
    );
    filters.push(filter(/archive-v(\d+)[\\/][A-Za-z0-9\-_]+/, "archive-v$1/[HASH]"));
    return filters;
  }
}
