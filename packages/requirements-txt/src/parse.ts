import { dirname, isAbsolute, join, normalize, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UvError } from "@uv-ts/error";
import { expandEnvVars } from "@uv-ts/pep508";
import { byteOffset, LineIndex } from "./position.ts";
import {
  describeReadError,
  ReadError,
  type ReadRequirementsFile,
  readLocalRequirementsFile,
} from "./read-file.ts";
import {
  emptyRequirementsTxt,
  extendSelection,
  mergeRequirementsTxt,
  type RequirementsTxt,
} from "./requirements-txt.ts";
import { RequirementsTxtError } from "./requirements-txt-error.ts";
import { Scanner } from "./scanner.ts";
import { type FileContext, parseStatement, syntaxError } from "./statement.ts";
import { UnnamedRequirement } from "./unnamed-requirement.ts";

/** How to read and resolve a requirements file. */
export interface ParseRequirementsTxtOptions {
  /**
   * The directory relative requirement paths (`./pkg`, `-e ../lib`) and `--index-url` paths
   * resolve against, as pip's current directory; also the base of a relative file path, and
   * what file names in messages are shown relative to.
   */
  readonly workingDir: string;
  /**
   * Reads an included file (an absolute path or an `http(s)://` URL). The default reads local
   * files and refuses remote ones, as uv does offline.
   */
  readonly readFile?: ReadRequirementsFile | undefined;
  /** Variables for `${NAME}` expansion; defaults to `process.env`, as uv expands them. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Files already included, so that cycles and repeats are read once (uv skips them silently). */
interface Visited {
  readonly requirements: Set<string>;
  readonly constraints: Set<string>;
  /** In a `-c` file every nested include is a constraint. */
  readonly mode: "requirements" | "constraints";
}

interface Options {
  readonly workingDir: string;
  readonly readFile: ReadRequirementsFile;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function isRemote(path: string): boolean {
  return path.startsWith("http://") || path.startsWith("https://");
}

/** uv's `user_display`: relative to the working directory when inside it. */
function displayPath(path: string, workingDir: string): string {
  if (path === "-" || isRemote(path)) return path;
  const rel = relative(workingDir, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return path;
  return rel;
}

function requirementsDirOf(file: string, workingDir: string): string {
  if (file === "-") return workingDir;
  if (isRemote(file)) return file.slice(0, file.lastIndexOf("/"));
  return dirname(file);
}

function joinInclude(dir: string, filename: string): string {
  if (isRemote(filename) || isAbsolute(filename)) return filename;
  if (isRemote(dir)) return `${dir}/${filename}`;
  return join(dir, filename);
}

function normalizeOptions(options: ParseRequirementsTxtOptions): Options {
  return {
    workingDir: resolve(options.workingDir),
    readFile: options.readFile ?? readLocalRequirementsFile,
    env: options.env ?? process.env,
  };
}

function newVisited(): Visited {
  return { requirements: new Set(), constraints: new Set(), mode: "requirements" };
}

/**
 * Parses a `requirements.txt` (pip's format, as uv reads it) and everything it includes with
 * `-r` and `-c`. A relative `path` is taken relative to `options.workingDir`. Throws
 * {@link RequirementsTxtError}.
 */
export async function parseRequirementsTxt(
  path: string,
  options: ParseRequirementsTxtOptions,
): Promise<RequirementsTxt> {
  const opts = normalizeOptions(options);
  const file = isRemote(path) ? path : resolve(opts.workingDir, path);
  return parseFile(file, opts, newVisited());
}

/**
 * Parses requirements given as text (stdin is `path` `-`); `path` names the file in messages
 * and locates its `-r`/`-c` includes. Throws {@link RequirementsTxtError}.
 */
export async function parseRequirementsTxtString(
  content: string,
  path: string,
  options: ParseRequirementsTxtOptions,
): Promise<RequirementsTxt> {
  const opts = normalizeOptions(options);
  const file = path === "-" || isRemote(path) ? path : resolve(opts.workingDir, path);
  return parseContent(content, file, opts, newVisited());
}

async function parseFile(file: string, opts: Options, visited: Visited): Promise<RequirementsTxt> {
  let content: string;
  try {
    content = await opts.readFile(file);
  } catch (e) {
    const display = displayPath(file, opts.workingDir);
    // The default reader's messages are uv's; an injected reader's errors are worded here.
    const message =
      e instanceof UvError
        ? e.message
        : `failed to read from file \`${file}\`: ${describeReadError(e)}`;
    // A read error's message already carries the OS reason, as uv's single line does; another
    // reader's error (say, an HTTP client's) keeps its chain.
    const cause = e instanceof UvError && !(e instanceof ReadError) ? e.cause : undefined;
    throw new RequirementsTxtError("io", message, display, {}, { cause });
  }
  return parseContent(content, file, opts, visited);
}

/** Where a `-r`/`-c` value points: a URL, a `file://` URL's path, or a path next to the file. */
function resolveInclude(ctx: FileContext, filename: string, start: number): string {
  const expanded = expandEnvVars(filename, ctx.env);
  if (isRemote(expanded)) return expanded;
  if (expanded.startsWith("file://")) {
    const position = byteOffset(ctx.content, start);
    const location = { ...ctx.lines.locate(start), position };
    let url: URL;
    try {
      url = new URL(expanded);
    } catch {
      throw new RequirementsTxtError(
        "url",
        `Invalid URL in \`${ctx.display}\` at position ${position}: ${expanded}`,
        ctx.display,
        location,
      );
    }
    try {
      return fileURLToPath(url);
    } catch {
      const reason = `invalid file URL: ${expanded}`;
      throw new RequirementsTxtError(
        "file-url",
        `Invalid requirements input in \`${ctx.display}\` at position ${position}: ${reason}`,
        ctx.display,
        location,
        { cause: new UvError("requirements-txt.invalid-file-url", reason) },
      );
    }
  }
  return joinInclude(ctx.requirementsDir, expanded);
}

function visitKey(file: string): string {
  return isRemote(file) ? file : normalize(file);
}

async function parseContent(
  content: string,
  file: string,
  opts: Options,
  visited: Visited,
): Promise<RequirementsTxt> {
  const ctx: FileContext = {
    content,
    lines: new LineIndex(content),
    display: displayPath(file, opts.workingDir),
    source: file,
    workingDir: opts.workingDir,
    requirementsDir: requirementsDirOf(file, opts.workingDir),
    env: opts.env,
  };
  const data = emptyRequirementsTxt();
  const s = new Scanner(content);
  for (
    let statement = parseStatement(s, ctx);
    statement !== undefined;
    statement = parseStatement(s, ctx)
  ) {
    switch (statement.kind) {
      case "requirements":
      case "constraints": {
        const sub = resolveInclude(ctx, statement.filename, statement.start);
        const key = visitKey(sub);
        const asConstraints = statement.kind === "constraints" || visited.mode === "constraints";
        const seen = asConstraints ? visited.constraints : visited.requirements;
        if (seen.has(key)) continue;
        seen.add(key);
        const nested: Visited = asConstraints ? { ...visited, mode: "constraints" } : visited;
        let included: RequirementsTxt;
        try {
          included = await parseFile(sub, opts, nested);
        } catch (e) {
          const position = byteOffset(content, statement.start);
          throw new RequirementsTxtError(
            "include",
            `Error parsing included file in \`${ctx.display}\` at position ${position}`,
            ctx.display,
            { ...ctx.lines.locate(statement.start), position },
            { cause: e },
          );
        }
        if (statement.kind === "requirements") {
          if (
            included.indexUrl !== undefined &&
            data.indexUrl !== undefined &&
            included.indexUrl.url.href !== data.indexUrl.url.href
          ) {
            throw syntaxError(
              ctx,
              "Nested `requirements` file contains conflicting `--index-url`",
              s.pos,
            );
          }
          mergeRequirementsTxt(data, included);
        } else {
          // Everything a constraints file holds or includes is a constraint (pip would treat
          // its `-r` requirements as requirements; uv does not).
          for (const entry of [...included.requirements, ...included.constraints]) {
            if (entry.requirement instanceof UnnamedRequirement) {
              const position = byteOffset(content, statement.start);
              throw new RequirementsTxtError(
                "unnamed-constraint",
                `Unnamed requirements are not allowed as constraints in \`${ctx.display}\``,
                ctx.display,
                { ...ctx.lines.locate(statement.start), position },
              );
            }
            data.constraints.push(entry);
          }
          data.warnings.push(...included.warnings);
        }
        break;
      }
      case "requirement":
        data.requirements.push(statement.entry);
        break;
      case "editable":
        data.editables.push(statement.entry);
        break;
      case "index-url":
        if (data.indexUrl !== undefined) {
          throw syntaxError(ctx, "Multiple `--index-url` values provided", s.pos);
        }
        data.indexUrl = statement.url;
        break;
      case "extra-index-url":
        data.extraIndexUrls.push(statement.url);
        break;
      case "find-links":
        data.findLinks.push(statement.url);
        break;
      case "no-index":
        data.noIndex = true;
        break;
      case "require-hashes":
        data.requireHashes = true;
        break;
      case "no-binary":
        data.noBinary = extendSelection(data.noBinary, statement.selection);
        break;
      case "only-binary":
        data.onlyBinary = extendSelection(data.onlyBinary, statement.selection);
        break;
      case "unsupported": {
        const flag = statement.option.name;
        const where = file === "-" ? "from stdin" : `in \`${ctx.display}\``;
        const hint = statement.option.cli
          ? ` (hint: pass \`${flag}\` on the command line instead)`
          : "";
        data.warnings.push(`Ignoring unsupported option ${where}: \`${flag}\`${hint}`);
        break;
      }
    }
  }
  return data;
}
