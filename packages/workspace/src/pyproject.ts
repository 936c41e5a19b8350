import { UvError } from "@uv-ts/error";
import { parse, TomlError } from "smol-toml";

/** `[tool.uv.workspace]`: member globs and exclusions. */
export interface ToolUvWorkspace {
  readonly members: readonly string[] | undefined;
  readonly exclude: readonly string[] | undefined;
}

/** The parts of a `pyproject.toml` that workspace discovery and `init` read. */
export interface PyProjectToml {
  /** The file's text, for format-preserving edits. */
  readonly raw: string;
  readonly project:
    | { readonly name: string; readonly requiresPython: string | undefined }
    | undefined;
  /** `tool.uv.managed`. */
  readonly managed: boolean | undefined;
  readonly workspace: ToolUvWorkspace | undefined;
}

/** A `pyproject.toml` that is not valid TOML or does not fit uv's schema. */
export class PyProjectParseError extends UvError {
  constructor(message: string) {
    super("workspace.pyproject-parse", message);
  }
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new PyProjectParseError(`invalid type for \`${field}\`: expected a sequence of strings`);
  }
  return value as string[];
}

/** Parses `raw` (the text of a `pyproject.toml`) into the fields uv-ts reads. */
export function parsePyProject(raw: string): PyProjectToml {
  let doc: Table;
  try {
    doc = parse(raw) as Table;
  } catch (error) {
    if (error instanceof TomlError)
      throw new PyProjectParseError(`TOML parse error: ${error.message}`);
    throw error;
  }
  let project: PyProjectToml["project"];
  if (doc.project !== undefined) {
    if (!isTable(doc.project))
      throw new PyProjectParseError("invalid type for `project`: expected a table");
    const { name } = doc.project;
    if (typeof name !== "string") throw new PyProjectParseError("missing field `name`");
    const requiresPython = doc.project["requires-python"];
    if (requiresPython !== undefined && typeof requiresPython !== "string") {
      throw new PyProjectParseError("invalid type for `requires-python`: expected a string");
    }
    project = { name, requiresPython };
  }
  const tool = isTable(doc.tool) ? doc.tool : undefined;
  const uv = tool !== undefined && isTable(tool.uv) ? tool.uv : undefined;
  let managed: boolean | undefined;
  let workspace: ToolUvWorkspace | undefined;
  if (uv !== undefined) {
    if (typeof uv.managed === "boolean") managed = uv.managed;
    if (uv.workspace !== undefined) {
      if (!isTable(uv.workspace)) {
        throw new PyProjectParseError("invalid type for `tool.uv.workspace`: expected a table");
      }
      for (const key of Object.keys(uv.workspace)) {
        if (key !== "members" && key !== "exclude") {
          throw new PyProjectParseError(
            `unknown field \`${key}\`, expected \`members\` or \`exclude\``,
          );
        }
      }
      workspace = {
        members: stringList(uv.workspace.members, "members"),
        exclude: stringList(uv.workspace.exclude, "exclude"),
      };
    }
  }
  return { raw, project, managed, workspace };
}
