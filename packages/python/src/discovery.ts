import { lstatSync, readdirSync, statSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { UvError } from "@uv-ts/error";
import { InterpreterQueryError } from "./errors.ts";
import type { ImplementationName } from "./implementation.ts";
import { ALL_IMPLEMENTATIONS } from "./implementation.ts";
import type { Interpreter } from "./interpreter.ts";
import type { PythonRequest } from "./python-request.ts";
import {
  formatPythonRequest,
  pythonRequestAllowsAlternativeImplementations,
  pythonRequestAllowsDebug,
  pythonRequestAllowsPrereleases,
} from "./python-request.ts";
import { variantExecutableSuffix, variantIsDebug } from "./python-variant.ts";
import { compareVersions } from "./python-version.ts";
import type { QueryOptions } from "./query-interpreter.ts";
import { queryInterpreter } from "./query-interpreter.ts";
import type { VersionRequest } from "./version-request.ts";
import {
  ANY_VERSION_REQUEST,
  checkVersionRequestSupported,
  DEFAULT_VERSION_REQUEST,
  versionRequestMatches,
  versionRequestMatchesMajorMinor,
  versionRequestVariant,
} from "./version-request.ts";

/** Where an interpreter was found; shown in errors (`from search path at ...`). */
export type PythonSource =
  | "provided-path"
  | "active-environment"
  | "discovered-environment"
  | "search-path"
  | "managed";

const SOURCE_NAMES: Record<PythonSource, string> = {
  "provided-path": "provided path",
  "active-environment": "active virtual environment",
  "discovered-environment": "virtual environment",
  "search-path": "search path",
  managed: "managed installations",
};

/** Which environments may answer: `venv` wants only system interpreters, `python find` any. */
export type EnvironmentPreference = "only-virtual" | "explicit-system" | "only-system" | "any";

/** uv's `python-preference`; uv-ts has no managed installations, but messages name them. */
export type PythonPreference = "only-managed" | "managed" | "system" | "only-system";

/** An interpreter and where it was found. */
export interface PythonInstallation {
  readonly source: PythonSource;
  readonly interpreter: Interpreter;
}

/** Everything discovery needs from its caller. */
export interface DiscoveryOptions extends QueryOptions {
  readonly environments: EnvironmentPreference;
  readonly preference?: PythonPreference | undefined;
  /** Receives warnings such as an unusable version file line. */
  readonly warn?: ((message: string) => void) | undefined;
}

/** No interpreter satisfies the request; the message lists the sources searched. */
export class PythonNotFoundError extends UvError {
  readonly request: PythonRequest;

  constructor(
    request: PythonRequest,
    environments: EnvironmentPreference,
    preference: PythonPreference,
  ) {
    super("python.not-found", notFoundMessage(request, environments, preference));
    this.request = request;
  }
}

/** Querying a candidate failed in a way that stops discovery (or was the only candidate). */
export class PythonDiscoveryError extends UvError {
  readonly source: PythonSource;
  readonly path: string;
  readonly queryError: InterpreterQueryError;

  constructor(source: PythonSource, path: string, cause: InterpreterQueryError) {
    super(
      "python.discovery-query",
      `Failed to inspect Python interpreter from ${SOURCE_NAMES[source]} at \`${path}\``,
      { cause },
    );
    this.source = source;
    this.path = path;
    this.queryError = cause;
  }

  /** Whether searching further could hide a real problem. */
  get critical(): boolean {
    const err = this.queryError;
    switch (err.kind) {
      case "io":
      case "spawn-failed":
        return true;
      case "not-found":
      case "broken-link":
        return this.source === "active-environment" && isVenvExecutablePath(err.path);
      default:
        return false;
    }
  }
}

function isVenvExecutablePath(path: string): boolean {
  return dirname(path).endsWith("/bin");
}

function disjunction(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  if (items.length === 2) return `${items[0]} or ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, or ${items.at(-1)}`;
}

function preferenceSources(preference: PythonPreference): string[] {
  switch (preference) {
    case "only-managed":
      return ["managed installations"];
    case "managed":
      return ["managed installations", "search path"];
    case "system":
      return ["search path", "managed installations"];
    case "only-system":
      return ["search path"];
  }
}

function notFoundMessage(
  request: PythonRequest,
  environments: EnvironmentPreference,
  preference: PythonPreference,
): string {
  const python = preferenceSources(preference);
  const explicitSystem = request.kind === "file" || request.kind === "directory";
  let sources: string;
  if (environments === "any" || (environments === "explicit-system" && explicitSystem)) {
    sources = disjunction(["virtual environments", ...python]);
  } else if (environments === "only-system") {
    sources = disjunction(python);
  } else {
    sources = "virtual environments";
  }
  switch (request.kind) {
    case "default":
    case "any":
      return `No interpreter found in ${sources}`;
    case "file":
      return `No interpreter found at ${formatPythonRequest(request)}`;
    case "directory":
      return `No interpreter found in ${formatPythonRequest(request)}`;
    default:
      return `No interpreter found for ${formatPythonRequest(request)} in ${sources}`;
  }
}

/** One candidate executable, or a group of equally preferred ones (ordered after querying). */
type Candidate = { readonly source: PythonSource; readonly path: string };

const isMaybeVirtualenv = (s: PythonSource) =>
  s === "provided-path" || s === "active-environment" || s === "discovered-environment";
const isMaybeSystem = (s: PythonSource) =>
  s === "provided-path" || s === "search-path" || s === "managed";

function sourceSatisfiesEnvironments(
  source: PythonSource,
  environments: EnvironmentPreference,
): boolean {
  switch (environments) {
    case "any":
      return true;
    case "only-virtual":
    case "explicit-system":
      return isMaybeVirtualenv(source);
    case "only-system":
      return isMaybeSystem(source);
  }
}

function interpreterSatisfiesEnvironments(
  installation: PythonInstallation,
  environments: EnvironmentPreference,
): boolean {
  const venv = installation.interpreter.isVirtualenv;
  switch (environments) {
    case "any":
      return true;
    case "only-virtual":
      return venv;
    case "explicit-system":
      return venv || installation.source === "provided-path";
    case "only-system":
      return !venv;
  }
}

/** The `python` executable of a virtual environment root (`bin/python`, else `bin/python3`). */
export async function virtualenvPythonExecutable(root: string): Promise<string> {
  for (const name of ["python", "python3"]) {
    const path = join(root, "bin", name);
    try {
      // No exception for a missing file: building one (with its stack) costs more than the stat.
      if (statSync(path, { throwIfNoEntry: false }) !== undefined) return path;
    } catch {
      // Try the next name.
    }
  }
  return join(root, "bin", "python");
}

async function isFile(path: string): Promise<boolean> {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Whether `dir` is a virtual environment root (it holds a `pyvenv.cfg`). */
export async function isVirtualenvBase(dir: string): Promise<boolean> {
  return isFile(join(dir, "pyvenv.cfg"));
}

/** A `.venv` without a `pyvenv.cfg`; uv skips it (it is not a critical failure). */
class MissingPyVenvCfg extends UvError {
  constructor(path: string) {
    super(
      "python.missing-pyvenv-cfg",
      `Broken virtual environment \`${path}\`: \`pyvenv.cfg\` is missing`,
    );
  }
}

/** The venv of the working directory: `cwd` itself, else `.venv` in `cwd` or a parent. */
export async function virtualenvFromWorkingDir(cwd: string): Promise<string | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (await isVirtualenvBase(dir)) return dir;
    const dotVenv = join(dir, ".venv");
    try {
      const st = lstatSync(dotVenv);
      if (st.isDirectory() || st.isSymbolicLink()) {
        if (!(await isVirtualenvBase(dotVenv))) throw new MissingPyVenvCfg(dotVenv);
        return dotVenv;
      }
    } catch (error) {
      if (error instanceof MissingPyVenvCfg) return undefined;
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The executable names to look for in each `PATH` directory, most preferred first. */
export function executableNames(
  version: VersionRequest,
  implementation: ImplementationName | undefined,
): string[] {
  interface Name {
    impl: ImplementationName | undefined;
    major: number | undefined;
    minor: number | undefined;
    patch: number | undefined;
    pre: string | undefined;
    suffix: string;
  }
  const base: Name = {
    impl: undefined,
    major: undefined,
    minor: undefined,
    patch: undefined,
    pre: undefined,
    suffix: "",
  };
  const names: Name[] = [base];
  if (version.kind === "version") {
    names.push({ ...base, major: version.major });
    if (version.minor !== undefined) {
      names.push({ ...base, major: version.major, minor: version.minor });
      if (version.patch !== undefined) {
        names.push({ ...base, major: version.major, minor: version.minor, patch: version.patch });
      }
    }
    if (version.pre !== undefined) {
      const pre = `${version.pre.kind}${version.pre.number}`;
      for (const name of [...names]) if (name.minor !== undefined) names.push({ ...name, pre });
    }
  } else {
    names.push({ ...base, major: 3 });
  }
  if (implementation !== undefined) {
    for (const name of [...names]) names.push({ ...name, impl: implementation });
  } else if (version.kind === "any") {
    for (const name of [...names]) {
      for (const impl of ALL_IMPLEMENTATIONS) names.push({ ...name, impl });
    }
  }
  const variant = versionRequestVariant(version);
  if (variant !== undefined && variant !== "default") {
    const suffix = variantExecutableSuffix(variant);
    for (const name of [...names]) names.push({ ...name, suffix });
  }
  const defaultRequest = version.kind === "any" || version.kind === "default";
  const implRank = (i: ImplementationName | undefined) =>
    i === undefined ? -1 : ALL_IMPLEMENTATIONS.indexOf(i);
  const opt = (n: number | undefined) => (n === undefined ? -1 : n);
  // Most preferred first: a requested implementation's names before plain `python`, plain names
  // before other implementations; specific versions before general ones, except for a default
  // request, where `python` comes before `python3`.
  names.sort((a, b) => {
    if ((a.impl === undefined) !== (b.impl === undefined)) {
      const aPlainFirst = implementation === undefined;
      return (a.impl === undefined) === aPlainFirst ? -1 : 1;
    }
    const byImpl = implRank(a.impl) - implRank(b.impl);
    if (byImpl !== 0) return byImpl;
    const keys: [number, number][] = [
      [opt(a.major), opt(b.major)],
      [opt(a.minor), opt(b.minor)],
      [opt(a.patch), opt(b.patch)],
      [a.pre === undefined ? -1 : 1, b.pre === undefined ? -1 : 1],
      [a.suffix.length, b.suffix.length],
    ];
    for (const [x, y] of keys) {
      if (x !== y) return defaultRequest ? x - y : y - x;
    }
    return 0;
  });
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    let s = n.impl ?? "python";
    if (n.major !== undefined) {
      s += String(n.major);
      if (n.minor !== undefined) {
        s += `.${n.minor}`;
        if (n.patch !== undefined) s += `.${n.patch}`;
      }
    }
    if (n.pre !== undefined) s += n.pre;
    s += n.suffix;
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st?.isFile() === true && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** `python3.X` executables in `dir` that could satisfy a request without a minor version. */
async function findAllMinor(
  dir: string,
  version: VersionRequest,
  implementation: ImplementationName | undefined,
): Promise<string[]> {
  if (version.kind === "version" && version.minor !== undefined) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const stem = implementation === undefined ? "python3" : `(?:${implementation}|python3)`;
  const re = new RegExp(`^${stem}\\.(\\d\\d?)t?$`);
  const out: string[] = [];
  for (const entry of entries.sort()) {
    const m = re.exec(entry);
    if (m === null) continue;
    const minor = Number(m[1]);
    // Pythons before 3.6 are unsupported; skip them, and minors the request excludes, unqueried.
    if (minor < 6 || !versionRequestMatchesMajorMinor(version, 3, minor)) continue;
    const path = join(dir, entry);
    if (await isExecutableFile(path)) out.push(path);
  }
  return out;
}

/** The search path: `UV_PYTHON_SEARCH_PATH` when set (tests), else `PATH`. */
function searchPathDirs(env: NodeJS.ProcessEnv): string[] {
  const raw = env.UV_PYTHON_SEARCH_PATH ?? env.PATH ?? "";
  return raw.split(delimiter).filter((d) => d !== "");
}

async function* searchPathGroups(
  version: VersionRequest,
  implementation: ImplementationName | undefined,
  options: DiscoveryOptions,
): AsyncGenerator<Candidate[]> {
  const names = executableNames(version, implementation);
  const seenDirs = new Set<string>();
  for (const rawDir of searchPathDirs(options.env ?? process.env)) {
    const dir = resolve(options.cwd, rawDir);
    let id: string;
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) continue;
      id = `${st.dev}:${st.ino}`;
    } catch {
      continue;
    }
    if (seenDirs.has(id)) continue;
    seenDirs.add(id);
    for (const name of names) {
      const path = join(dir, name);
      if (await isExecutableFile(path)) yield [{ source: "search-path", path }];
    }
    const minors = await findAllMinor(dir, version, implementation);
    if (minors.length > 0) yield minors.map((path) => ({ source: "search-path" as const, path }));
  }
}

async function* candidateGroups(
  version: VersionRequest,
  implementation: ImplementationName | undefined,
  options: DiscoveryOptions,
): AsyncGenerator<Candidate[]> {
  const env = options.env ?? process.env;
  if (options.environments !== "only-system") {
    const active = env.VIRTUAL_ENV;
    if (active !== undefined && active !== "") {
      const root = resolve(options.cwd, active);
      const path = await virtualenvPythonExecutable(root);
      // uv skips a `VIRTUAL_ENV` that points at nothing; only a real environment (one with a
      // `pyvenv.cfg`) whose interpreter is missing is an error.
      if ((await isFile(path)) || (await isVirtualenvBase(root))) {
        yield [{ source: "active-environment", path }];
      }
    }
    const discovered = await virtualenvFromWorkingDir(options.cwd);
    if (discovered !== undefined) {
      yield [
        { source: "discovered-environment", path: await virtualenvPythonExecutable(discovered) },
      ];
    }
  }
  if (options.environments === "only-virtual") return;
  if ((options.preference ?? "managed") === "only-managed") return;
  yield* searchPathGroups(version, implementation, options);
}

type QueryResult = PythonInstallation | PythonDiscoveryError;

async function queryCandidate(
  candidate: Candidate,
  options: DiscoveryOptions,
): Promise<QueryResult> {
  try {
    const interpreter = await queryInterpreter(candidate.path, options);
    return { source: candidate.source, interpreter };
  } catch (error) {
    if (error instanceof InterpreterQueryError) {
      return new PythonDiscoveryError(candidate.source, candidate.path, error);
    }
    throw error;
  }
}

/** Orders installations of one group newest first, keeping errors where they were. */
function sortGroup(results: QueryResult[]): QueryResult[] {
  const out: QueryResult[] = [];
  let run: PythonInstallation[] = [];
  const flush = () => {
    run.sort((a, b) => compareVersions(b.interpreter.version, a.interpreter.version));
    out.push(...run);
    run = [];
  };
  for (const r of results) {
    if (r instanceof PythonDiscoveryError && r.critical) {
      flush();
      out.push(r);
    } else if (r instanceof PythonDiscoveryError) {
      out.push(r);
    } else {
      run.push(r);
    }
  }
  flush();
  return out;
}

/** Requests without a version ask for "any" from sources the user pointed at directly. */
function requestForSource(version: VersionRequest, source: PythonSource): VersionRequest {
  if (version.kind !== "default") return version;
  return source === "search-path" || source === "managed" ? version : ANY_VERSION_REQUEST;
}

function implementationMatches(
  implementation: ImplementationName,
  interpreter: Interpreter,
): boolean {
  return interpreter.markers.implementation_name === implementation;
}

/**
 * Every installation that may satisfy `request`, lazily and in discovery order (queried one
 * group at a time), with query failures as {@link PythonDiscoveryError} values.
 */
async function* findInstallations(
  request: PythonRequest,
  options: DiscoveryOptions,
): AsyncGenerator<QueryResult | PythonNotFoundError> {
  const preference = options.preference ?? "managed";
  const environments = options.environments;
  switch (request.kind) {
    case "file":
    case "directory": {
      const path =
        request.kind === "file"
          ? request.path
          : await virtualenvPythonExecutable(resolve(options.cwd, request.path));
      const result = await queryCandidate({ source: "provided-path", path }, options);
      if (result instanceof PythonDiscoveryError) {
        const kind = result.queryError.kind;
        if (kind === "not-found" || kind === "broken-link") {
          yield new PythonNotFoundError(request, environments, preference);
          return;
        }
        // A failing provided interpreter is always reported: it is what the user asked for.
        throw new PythonDiscoveryError("provided-path", request.path, result.queryError);
      }
      yield result;
      return;
    }
    case "executable-name": {
      // Like `which -a`: the real `PATH`, not the interpreter search path.
      const pathDirs = (options.env?.PATH ?? process.env.PATH ?? "").split(delimiter);
      for (const dir of pathDirs.filter((d) => d !== "")) {
        const path = join(resolve(options.cwd, dir), request.name);
        if (!(await isExecutableFile(path))) continue;
        const result = await queryCandidate({ source: "search-path", path }, options);
        if (result instanceof PythonDiscoveryError) yield result;
        else if (interpreterSatisfiesEnvironments(result, environments)) yield result;
      }
      return;
    }
    default:
      break;
  }
  let version: VersionRequest;
  let implementation: ImplementationName | undefined;
  if (request.kind === "any") version = ANY_VERSION_REQUEST;
  else if (request.kind === "default") version = DEFAULT_VERSION_REQUEST;
  else if (request.kind === "version") version = request.version;
  else if (request.kind === "implementation") {
    version = DEFAULT_VERSION_REQUEST;
    implementation = request.implementation;
  } else {
    version = request.version;
    implementation = request.implementation;
  }
  checkVersionRequestSupported(version);
  for await (const group of candidateGroups(version, implementation, options)) {
    const allowed = group.filter((c) => sourceSatisfiesEnvironments(c.source, environments));
    if (allowed.length === 0) continue;
    const results = sortGroup(await Promise.all(allowed.map((c) => queryCandidate(c, options))));
    for (const result of results) {
      if (result instanceof PythonDiscoveryError) {
        yield result;
        continue;
      }
      if (!interpreterSatisfiesEnvironments(result, environments)) continue;
      if (!versionRequestMatches(requestForSource(version, result.source), result.interpreter))
        continue;
      if (
        implementation !== undefined &&
        !implementationMatches(implementation, result.interpreter)
      ) {
        continue;
      }
      yield result;
    }
  }
}

/**
 * Finds the interpreter uv would pick for `request`: the first match in discovery order, skipping
 * pre-releases, debug builds and other implementations unless asked for (they are used when
 * nothing else matches). Throws {@link PythonNotFoundError} when nothing matches, or the first
 * query failure when every candidate failed.
 */
export async function findPythonInstallation(
  request: PythonRequest,
  options: DiscoveryOptions,
): Promise<PythonInstallation> {
  let firstPrerelease: PythonInstallation | undefined;
  let firstDebug: PythonInstallation | undefined;
  let firstError: PythonDiscoveryError | undefined;
  for await (const result of findInstallations(request, options)) {
    if (result instanceof PythonNotFoundError) throw result;
    if (result instanceof PythonDiscoveryError) {
      if (result.critical) throw result;
      firstError ??= result;
      continue;
    }
    const interpreter = result.interpreter;
    const defaultName = interpreter.hasDefaultExecutableName && result.source === "search-path";
    const sourceAllows = result.source !== "managed";
    if (
      interpreter.version.pre !== undefined &&
      !pythonRequestAllowsPrereleases(request) &&
      !sourceAllows &&
      !defaultName
    ) {
      firstPrerelease ??= result;
      continue;
    }
    if (
      variantIsDebug(interpreter.variant) &&
      !pythonRequestAllowsDebug(request) &&
      !sourceAllows &&
      !defaultName
    ) {
      firstDebug ??= result;
      continue;
    }
    const alternative =
      interpreter.implementation !== "cpython" && interpreter.implementation !== "pyodide";
    const sourceAllowsAlternatives = result.source !== "search-path" && result.source !== "managed";
    if (
      alternative &&
      !pythonRequestAllowsAlternativeImplementations(request) &&
      !sourceAllowsAlternatives &&
      !defaultName
    ) {
      continue;
    }
    return result;
  }
  if (firstDebug !== undefined) return firstDebug;
  if (firstPrerelease !== undefined) return firstPrerelease;
  if (firstError !== undefined) throw firstError;
  throw new PythonNotFoundError(request, options.environments, options.preference ?? "managed");
}

/**
 * Every installation matching `request` (for `python list`). Non-critical query failures are
 * dropped; critical ones are thrown.
 */
export async function findAllPythonInstallations(
  request: PythonRequest,
  options: DiscoveryOptions,
): Promise<PythonInstallation[]> {
  const out: PythonInstallation[] = [];
  try {
    for await (const result of findInstallations(request, options)) {
      if (result instanceof PythonNotFoundError) continue;
      if (result instanceof PythonDiscoveryError) {
        if (result.critical) throw result;
        continue;
      }
      out.push(result);
    }
  } catch (error) {
    if (error instanceof PythonDiscoveryError && !error.critical) return out;
    throw error;
  }
  return out;
}
