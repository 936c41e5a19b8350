export {
  expandGlob,
  GlobPatternError,
  globMatchesPath,
  globToRegExp,
  normalizeGlob,
} from "./glob.ts";
export {
  PyProjectParseError,
  type PyProjectToml,
  parsePyProject,
  type ToolUvWorkspace,
} from "./pyproject.ts";
export { addWorkspaceMember, MalformedWorkspaceError } from "./pyproject-mut.ts";
export {
  type DecoratedArray,
  reformatArrayMultiline,
  renderDecoratedArray,
} from "./toml-array-format.ts";
export {
  scanTomlArray,
  scanTomlLayout,
  type TomlArrayItem,
  type TomlArrayLayout,
  type TomlHeader,
  type TomlKeyValue,
  type TomlLayout,
  TomlLayoutError,
} from "./toml-layout.ts";
export { tomlInlineTable, tomlKey, tomlString } from "./toml-repr.ts";
export {
  discoverWorkspace,
  Workspace,
  type WorkspaceDiscoveryOptions,
  WorkspaceError,
  type WorkspaceErrorKind,
  type WorkspaceMember,
} from "./workspace.ts";
