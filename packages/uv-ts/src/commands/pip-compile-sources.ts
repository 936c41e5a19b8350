import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { UvError } from "@uv-ts/error";
import { userDisplay } from "@uv-ts/fs";
import {
  type ExtraName,
  type PackageName,
  parseExtraName,
  parsePackageName,
} from "@uv-ts/normalize";
import { Requirement } from "@uv-ts/pep508";
import {
  type PackageSelection,
  parseRequirementsTxt,
  parseRequirementsTxtString,
  type RequirementEntry,
  type RequirementsTxt,
} from "@uv-ts/requirements-txt";
import { parse as parseToml, TomlError } from "smol-toml";
import type { CommandContext } from "../context.ts";
import { NotSupportedYetError } from "./pip-ops-errors.ts";

/**
 * Where a requirement was written, for `# via` annotations (uv's `RequirementOrigin`): a
 * requirements file (`-r requirements.in`) or a project's `pyproject.toml`
 * (`project (pyproject.toml)`). Paths are shown relative to the working directory.
 */
export type RequirementOrigin =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "project"; readonly path: string; readonly name: PackageName };

/** A requirement and where it came from (`undefined` for the command line and stdin). */
export interface SourcedRequirement {
  readonly requirement: Requirement;
  readonly origin: RequirementOrigin | undefined;
}

/** Everything the inputs of `pip compile` say, merged (uv's `RequirementsSpecification`). */
export interface CompileSpec {
  readonly requirements: readonly SourcedRequirement[];
  readonly constraints: readonly SourcedRequirement[];
  readonly overrides: readonly SourcedRequirement[];
  /** `--index-url` from a requirements file, as written. */
  readonly indexUrl: string | undefined;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
  readonly noBinary: PackageSelection;
  readonly onlyBinary: PackageSelection;
}

/** What to read. */
export interface CompileSources {
  /** The positional `src-file` arguments (`-` is stdin). */
  readonly files: readonly string[];
  readonly constraintFiles: readonly string[];
  readonly overrideFiles: readonly string[];
  /** `--extra` names, or `"all"` for `--all-extras`. */
  readonly extras: readonly string[] | "all";
  /** Reads stdin (for `-`). */
  readonly readStdin: () => Promise<string>;
}

function fileNotFound(path: string, cwd: string): UvError {
  return new UvError("pip.file-not-found", `File not found: ${userDisplay(path, cwd)}`);
}

function isRemote(path: string): boolean {
  return path.startsWith("http://") || path.startsWith("https://");
}

/** How uv classifies a source file by its name (`RequirementsSource::from_requirements_file`). */
type SourceKind =
  | "pyproject"
  | "setup-py"
  | "setup-cfg"
  | "requirements"
  | "script"
  | "unsupported";

function sourceKind(path: string): SourceKind {
  const name = basename(path);
  if (name === "pyproject.toml") return "pyproject";
  if (name === "setup.py") return "setup-py";
  if (name === "setup.cfg") return "setup-cfg";
  const ext = extname(name).toLowerCase();
  if (ext === ".py" || ext === ".pyw") return "script";
  if (name === "environment.yml" || ext === ".toml") return "unsupported";
  return "requirements";
}

function selection(a: PackageSelection, b: PackageSelection): PackageSelection {
  if (a.kind === "all" || b.kind === "all") return { kind: "all" };
  if (b.kind === "none") return a;
  if (a.kind === "none") return b;
  return { kind: "packages", packages: [...new Set([...a.packages, ...b.packages])] };
}

function isEmpty(txt: RequirementsTxt): boolean {
  return (
    txt.requirements.length === 0 &&
    txt.constraints.length === 0 &&
    txt.editables.length === 0 &&
    txt.indexUrl === undefined &&
    txt.extraIndexUrls.length === 0 &&
    txt.findLinks.length === 0 &&
    !txt.noIndex &&
    !txt.requireHashes &&
    txt.noBinary.kind === "none" &&
    txt.onlyBinary.kind === "none"
  );
}

/** The origin of a requirements-file entry; none for stdin. */
function fileOrigin(entry: RequirementEntry, cwd: string): RequirementOrigin | undefined {
  const file = entry.source.file;
  if (file === "-" || file === "<command line>") return undefined;
  return { kind: "file", path: portable(userDisplay(file, cwd)) };
}

function portable(path: string): string {
  return path.replaceAll("\\", "/");
}

/**
 * A named requirement for an entry. Editables and source trees need a build, which is not
 * supported yet; an unnamed wheel path or URL takes its name from the filename.
 */
function named(entry: RequirementEntry): Requirement {
  const req = entry.requirement;
  if (entry.editable) {
    throw new NotSupportedYetError(
      `Compiling the editable \`${req.toString()}\` needs a build, and uv-ts cannot build source trees yet`,
    );
  }
  if (req instanceof Requirement) return req;
  const last = decodeURIComponent(req.url.url.pathname.split("/").pop() ?? "");
  const match = /^([^-]+)-[^-]+(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$/.exec(last);
  if (match === null) {
    throw new NotSupportedYetError(
      `Compiling \`${req.toString()}\` needs a build to learn its name, and uv-ts cannot build source distributions yet`,
    );
  }
  return new Requirement({
    name: parsePackageName(match[1]!),
    extras: req.extras,
    version: undefined,
    url: req.url,
    marker: req.marker,
  });
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, field: string, display: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new UvError("pip.pyproject-invalid", `Failed to parse: \`${display}\``, {
      cause: new UvError(
        "pip.pyproject-field",
        `invalid type for \`${field}\`: expected a sequence of strings`,
      ),
    });
  }
  return value as string[];
}

/** The static requirements of a `pyproject.toml` (`[project]`), with the requested extras. */
async function readPyProject(
  ctx: CommandContext,
  file: string,
  extras: readonly string[] | "all",
  usedExtras: Set<ExtraName>,
): Promise<SourcedRequirement[]> {
  const path = resolve(ctx.cwd, file);
  const display = portable(userDisplay(path, ctx.cwd));
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw fileNotFound(path, ctx.cwd);
    throw new UvError("pip.read-failed", `Failed to read \`${display}\``, { cause: error });
  }
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (error) {
    const reason =
      error instanceof TomlError ? `TOML parse error: ${error.message}` : String(error);
    throw new UvError("pip.pyproject-invalid", `Failed to parse: \`${display}\``, {
      cause: new UvError("pip.pyproject-toml", reason),
    });
  }
  const project = doc.project;
  if (!isTable(project)) {
    throw new NotSupportedYetError(
      `\`${display}\` has no \`[project]\` table, so its requirements can only be found by building it, and uv-ts cannot build source trees yet`,
    );
  }
  const dynamic = stringArray(project.dynamic, "project.dynamic", display);
  const wantsExtras = extras === "all" || extras.length > 0;
  if (
    dynamic.includes("dependencies") ||
    (wantsExtras && dynamic.includes("optional-dependencies"))
  ) {
    throw new NotSupportedYetError(
      `The requirements of \`${display}\` are dynamic and need a build, and uv-ts cannot build source trees yet`,
    );
  }
  if (typeof project.name !== "string") {
    throw new UvError("pip.pyproject-invalid", `Failed to parse: \`${display}\``, {
      cause: new UvError("pip.pyproject-field", "missing field `name`"),
    });
  }
  const name = parsePackageName(project.name);
  const origin: RequirementOrigin = { kind: "project", path: display, name };
  const options = { workingDir: dirname(path), env: ctx.io.env };
  const parseAll = (values: readonly string[]) => values.map((v) => Requirement.parse(v, options));

  const optional = new Map<ExtraName, Requirement[]>();
  const rawOptional = project["optional-dependencies"];
  if (rawOptional !== undefined) {
    if (!isTable(rawOptional)) {
      throw new UvError("pip.pyproject-invalid", `Failed to parse: \`${display}\``, {
        cause: new UvError(
          "pip.pyproject-field",
          "invalid type for `project.optional-dependencies`: expected a table",
        ),
      });
    }
    for (const [extra, values] of Object.entries(rawOptional)) {
      const list = parseAll(stringArray(values, `project.optional-dependencies.${extra}`, display));
      const key = parseExtraName(extra);
      optional.set(key, [...(optional.get(key) ?? []), ...list]);
    }
  }
  const requested = extras === "all" ? [...optional.keys()] : extras.map((e) => parseExtraName(e));
  for (const extra of requested) if (optional.has(extra)) usedExtras.add(extra);

  // The project naming itself with extras (`project[all]` → `project[fast]`) pulls those in.
  const out: Requirement[] = [];
  const seen = new Set<ExtraName>();
  const queue: ExtraName[] = [];
  const take = (list: readonly Requirement[]) => {
    for (const r of list) {
      if (r.name === name) {
        queue.push(...r.extras);
        continue;
      }
      out.push(r);
    }
  };
  take(parseAll(stringArray(project.dependencies, "project.dependencies", display)));
  queue.push(...requested);
  while (queue.length > 0) {
    const extra = queue.shift()!;
    if (seen.has(extra)) continue;
    seen.add(extra);
    take(optional.get(extra) ?? []);
  }
  return out.map((requirement) => ({ requirement, origin }));
}

/** Reads every source, as uv's `RequirementsSpecification::from_sources` does for `pip compile`. */
export async function readCompileSources(
  ctx: CommandContext,
  sources: CompileSources,
): Promise<CompileSpec> {
  const { cwd } = ctx;
  const warn = (message: string) =>
    ctx.printer.stderr(
      `${ctx.style.bold(ctx.style.yellow("warning"))}${ctx.style.bold(":")} ${message}\n`,
    );
  const requirements: SourcedRequirement[] = [];
  const constraints: SourcedRequirement[] = [];
  const overrides: SourcedRequirement[] = [];
  let indexUrl: string | undefined;
  const extraIndexUrls: string[] = [];
  const findLinks: string[] = [];
  let noIndex = false;
  let noBinary: PackageSelection = { kind: "none" };
  let onlyBinary: PackageSelection = { kind: "none" };
  const usedExtras = new Set<ExtraName>();
  let allowsExtras = false;
  const parseOptions = { workingDir: cwd, env: ctx.io.env };

  const readTxt = async (file: string): Promise<RequirementsTxt> => {
    if (file === "-") {
      const txt = await parseRequirementsTxtString(await sources.readStdin(), "-", parseOptions);
      if (isEmpty(txt)) warn("No dependencies found in stdin");
      return txt;
    }
    const path = resolve(cwd, file);
    if (!isRemote(file) && !existsSync(path)) throw fileNotFound(path, cwd);
    const txt = await parseRequirementsTxt(file, parseOptions);
    if (isEmpty(txt)) {
      warn(`Requirements file \`${userDisplay(path, cwd)}\` does not contain any dependencies`);
    }
    return txt;
  };
  const absorb = (txt: RequirementsTxt) => {
    indexUrl ??= txt.indexUrl?.given;
    extraIndexUrls.push(...txt.extraIndexUrls.map((u) => u.given));
    findLinks.push(...txt.findLinks.map((u) => u.given));
    noIndex ||= txt.noIndex;
    noBinary = selection(noBinary, txt.noBinary);
    onlyBinary = selection(onlyBinary, txt.onlyBinary);
    for (const warning of txt.warnings) warn(warning);
  };
  const sourced = (entry: RequirementEntry): SourcedRequirement => ({
    requirement: named(entry),
    origin: fileOrigin(entry, cwd),
  });

  for (const file of sources.files) {
    const kind = file === "-" ? "requirements" : sourceKind(file);
    switch (kind) {
      case "pyproject":
        allowsExtras = true;
        requirements.push(...(await readPyProject(ctx, file, sources.extras, usedExtras)));
        break;
      case "setup-py":
      case "setup-cfg": {
        allowsExtras = true;
        const path = resolve(cwd, file);
        if (!existsSync(path)) throw fileNotFound(path, cwd);
        throw new NotSupportedYetError(
          `Reading requirements from \`${userDisplay(path, cwd)}\` needs a build, and uv-ts cannot build source trees yet`,
        );
      }
      case "script":
        throw new NotSupportedYetError(
          `Reading inline script metadata from \`${file}\` is not supported by uv-ts yet`,
        );
      case "unsupported": {
        const path = resolve(cwd, file);
        if (basename(path) === "environment.yml") {
          throw new UvError(
            "pip.conda-unsupported",
            `Conda environment files (i.e., \`${userDisplay(path, cwd)}\`) are not supported`,
          );
        }
        throw new UvError(
          "pip.invalid-pylock-name",
          `\`${userDisplay(path, cwd)}\` is not a valid PEP 751 filename: expected \`pylock.toml\` or \`pylock.<name>.toml\`, where \`<name>\` is non-empty and contains no dots`,
        );
      }
      case "requirements": {
        const txt = await readTxt(file);
        for (const entry of [...txt.requirements, ...txt.editables]) {
          requirements.push(sourced(entry));
        }
        for (const entry of txt.constraints) constraints.push(sourced(entry));
        absorb(txt);
        break;
      }
    }
  }
  for (const file of sources.constraintFiles) {
    const txt = await readTxt(file);
    for (const entry of [...txt.requirements, ...txt.constraints]) constraints.push(sourced(entry));
    absorb(txt);
  }
  for (const file of sources.overrideFiles) {
    const txt = await readTxt(file);
    for (const entry of [...txt.requirements, ...txt.constraints]) overrides.push(sourced(entry));
    absorb(txt);
  }

  const extras = sources.extras;
  if ((extras === "all" || extras.length > 0) && !allowsExtras) {
    throw new UvError(
      "pip.extras-need-project",
      "Requesting extras requires a `pyproject.toml`, `setup.cfg`, or `setup.py` file.",
    );
  }
  if (extras !== "all") {
    const unused = [...new Set(extras.map((e) => parseExtraName(e)))]
      .filter((e) => !usedExtras.has(e))
      .sort();
    if (unused.length > 0) {
      throw new UvError(
        "pip.extra-not-found",
        `Requested extra${unused.length === 1 ? "" : "s"} not found: ${unused.join(", ")}`,
      );
    }
  }
  return {
    requirements,
    constraints,
    overrides,
    indexUrl,
    extraIndexUrls,
    findLinks,
    noIndex,
    noBinary,
    onlyBinary,
  };
}
