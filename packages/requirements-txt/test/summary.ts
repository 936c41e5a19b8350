import type { MarkerEnvironment } from "@uv-ts/pep508";
import { MarkerTree, Requirement } from "@uv-ts/pep508";
import type { RequirementEntry, RequirementsTxt } from "../src/index.ts";
import { type DebugValue, field, inner, typeOf } from "./rust-debug.ts";

/** The fields of an entry the tests compare with uv's snapshots. */
export interface EntrySummary {
  readonly name: string | undefined;
  readonly extras: readonly string[];
  readonly specifiers: string | undefined;
  readonly given: string | undefined;
  readonly urlKind: string | undefined;
  readonly installPath: string | undefined;
  readonly editable: boolean;
  /** How the marker evaluates in {@link ENVIRONMENTS}: markers are compared by meaning. */
  readonly marker: readonly boolean[];
  readonly origin: string | undefined;
  readonly hashes: readonly string[];
}

/** The parts of a whole file the tests compare. */
export interface FileSummary {
  readonly requirements: readonly EntrySummary[];
  readonly constraints: readonly EntrySummary[];
  readonly editables: readonly EntrySummary[];
  readonly indexUrl: string | undefined;
  readonly noIndex: boolean;
}

function env(python: string, os: string, platform: string, system: string): MarkerEnvironment {
  return {
    implementation_name: "cpython",
    implementation_version: python,
    os_name: os,
    platform_machine: "x86_64",
    platform_python_implementation: "CPython",
    platform_release: "",
    platform_system: system,
    platform_version: "",
    python_full_version: python,
    python_version: python.split(".").slice(0, 2).join("."),
    sys_platform: platform,
  };
}

/** Environments that tell the markers in uv's test data apart. */
export const ENVIRONMENTS: readonly MarkerEnvironment[] = [
  env("3.7.9", "posix", "linux", "Linux"),
  env("3.8.0", "posix", "linux", "Linux"),
  env("3.8.18", "nt", "win32", "Windows"),
  env("3.9.0", "posix", "darwin", "Darwin"),
  env("3.9.18", "nt", "win32", "Windows"),
  env("3.12.1", "posix", "linux", "Linux"),
  env("4.0.0", "posix", "linux", "Linux"),
  env("4.1", "nt", "win32", "Windows"),
];

function evaluations(marker: MarkerTree): boolean[] {
  return ENVIRONMENTS.map((e) => marker.evaluate(e, []));
}

const OPERATORS: Record<string, string> = {
  Equal: "==",
  NotEqual: "!=",
  LessThan: "<",
  LessThanEqual: "<=",
  GreaterThan: ">",
  GreaterThanEqual: ">=",
  TildeEqual: "~=",
  ExactEqual: "===",
};

const PARSED_KINDS: Record<string, string> = {
  Path: "path",
  Directory: "directory",
  GitDirectory: "git-directory",
  GitPath: "git-path",
  Archive: "archive",
};

function str(value: DebugValue): string {
  if (typeof value !== "string") throw new Error(`not a string: ${JSON.stringify(value)}`);
  return value;
}

function list(value: DebugValue): DebugValue[] {
  if (!Array.isArray(value)) throw new Error(`not a list: ${JSON.stringify(value)}`);
  return value;
}

function uvUrl(verbatimParsed: DebugValue, dir: string) {
  const parsed = field(verbatimParsed, "parsed_url");
  const kind = PARSED_KINDS[typeOf(parsed)];
  const details = inner(parsed);
  const given = inner(field(field(verbatimParsed, "verbatim"), "given"));
  const fields = details !== null && typeof details === "object" && "fields" in details;
  const installPath =
    fields && "install_path" in details.fields
      ? str(field(details, "install_path")).replace("<REQUIREMENTS_DIR>", dir)
      : undefined;
  const editableField = fields && "editable" in details.fields ? field(details, "editable") : null;
  const editable = editableField !== null && inner(editableField) === true;
  return { kind, given: str(given), installPath, editable };
}

/** Summarises a `Requirement` or `UnnamedRequirement` from uv's `Debug` output. */
export function summariseUv(req: DebugValue, hashes: DebugValue, dir: string): EntrySummary {
  const origin = field(req, "origin");
  const extras = list(field(req, "extras")).map((e) => str(inner(e)));
  const marker = str(field(req, "marker"));
  const base = {
    extras,
    marker: evaluations(marker === "true" ? MarkerTree.TRUE : MarkerTree.parse(marker)),
    origin:
      origin === null ? undefined : str(inner(inner(origin))).replace("<REQUIREMENTS_DIR>", dir),
    hashes: list(hashes).map(str),
  };
  if (typeOf(req) === "UnnamedRequirement") {
    const url = uvUrl(field(req, "url"), dir);
    return {
      ...base,
      name: undefined,
      specifiers: undefined,
      given: url.given,
      urlKind: url.kind,
      installPath: url.installPath,
      editable: url.editable,
    };
  }
  const name = str(inner(field(req, "name")));
  const versionOrUrl = field(req, "version_or_url");
  if (versionOrUrl === null) {
    return {
      ...base,
      name,
      specifiers: undefined,
      given: undefined,
      urlKind: undefined,
      installPath: undefined,
      editable: false,
    };
  }
  const payload = inner(versionOrUrl);
  if (typeOf(payload) === "VersionSpecifier") {
    const specifiers = list(inner(inner(payload)))
      .map(
        (s) =>
          `${OPERATORS[str((field(s, "operator") as { type: string }).type)]}${str(field(s, "version"))}`,
      )
      .join(",");
    return {
      ...base,
      name,
      specifiers,
      given: undefined,
      urlKind: undefined,
      installPath: undefined,
      editable: false,
    };
  }
  const url = uvUrl(inner(payload), dir);
  return {
    ...base,
    name,
    specifiers: undefined,
    given: url.given,
    urlKind: url.kind,
    installPath: url.installPath,
    editable: url.editable,
  };
}

/** Summarises one of our entries the same way. */
export function summariseOurs(entry: RequirementEntry, withHashes = true): EntrySummary {
  const req = entry.requirement;
  const named = req instanceof Requirement;
  const parsed = entry.parsedUrl;
  return {
    name: named ? req.name : undefined,
    extras: [...req.extras],
    specifiers: named ? req.version?.specifiers.map(String).join(",") : undefined,
    given: named ? req.url : req.url.given,
    urlKind: parsed?.kind,
    installPath: parsed !== undefined && "installPath" in parsed ? parsed.installPath : undefined,
    editable: parsed?.kind === "directory" && parsed.editable,
    marker: evaluations(req.marker),
    origin: entry.source.file,
    hashes: withHashes ? [...entry.hashes] : [],
  };
}

/** Summarises uv's `RequirementsTxt` debug output. */
export function summariseUvFile(value: DebugValue, dir: string): FileSummary {
  const entries = (name: string) =>
    list(field(value, name)).map((e) =>
      summariseUv(inner(field(e, "requirement")), field(e, "hashes"), dir),
    );
  const indexUrl = field(value, "index_url");
  return {
    requirements: entries("requirements"),
    // uv keeps constraints as bare requirements, without hashes.
    constraints: list(field(value, "constraints")).map((c) => summariseUv(c, [], dir)),
    editables: entries("editables"),
    indexUrl: indexUrl === null ? undefined : str(inner(field(inner(indexUrl), "given"))),
    noIndex: field(value, "no_index") === true,
  };
}

/** Summarises our result. */
export function summariseOursFile(value: RequirementsTxt): FileSummary {
  return {
    requirements: value.requirements.map((e) => summariseOurs(e)),
    constraints: value.constraints.map((e) => summariseOurs(e, false)),
    editables: value.editables.map((e) => summariseOurs(e)),
    indexUrl: value.indexUrl?.given,
    noIndex: value.noIndex,
  };
}
