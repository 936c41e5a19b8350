import { UvError } from "@uv-ts/error";
import type { DecoratedArray } from "./toml-array-format.ts";
import { reformatArrayMultiline, renderDecoratedArray } from "./toml-array-format.ts";
import type { TomlLayout } from "./toml-layout.ts";
import { scanTomlArray, scanTomlLayout } from "./toml-layout.ts";
import { tomlString } from "./toml-repr.ts";

/** `tool.uv.workspace` exists but is not a table (an inline table, a string, ...). */
export class MalformedWorkspaceError extends UvError {
  constructor() {
    super("workspace.malformed", "Workspace in `pyproject.toml` is malformed");
  }
}

const WORKSPACE = ["tool", "uv", "workspace"] as const;
const MEMBERS = [...WORKSPACE, "members"] as const;

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((k, i) => path[i] === k);
}

function equals(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

interface FullKeyValue {
  readonly path: readonly string[];
  readonly headerPath: readonly string[];
  readonly valueStart: number;
  readonly end: number;
}

function fullKeyValues(layout: TomlLayout): FullKeyValue[] {
  return layout.keyValues.map((kv) => {
    const headerPath = layout.headers[kv.header]?.path ?? [];
    return { path: [...headerPath, ...kv.key], headerPath, valueStart: kv.valueStart, end: kv.end };
  });
}

/** The end of the text that precedes an insertion, with a newline added if the line is open. */
function insertAt(text: string, offset: number, insertion: string): string {
  const open = offset > 0 && text[offset - 1] !== "\n";
  return text.slice(0, offset) + (open ? "\n" : "") + insertion + text.slice(offset);
}

/**
 * Where toml_edit places a table that a document did not have: tables print in the order of their
 * positions (header order), and a new one takes the position of the last positioned table met
 * before it in a depth-first walk of the key tree, so it lands right after that table's body.
 * Returns the index (into `layout.headers`) of that table, or -1 for the root.
 */
function newTablePredecessor(layout: TomlLayout, path: readonly string[]): number {
  interface Node {
    readonly children: Map<string, Node>;
    header: number;
  }
  const root: Node = { children: new Map(), header: -1 };
  const descend = (keys: readonly string[]): Node => {
    let node = root;
    for (const key of keys) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = { children: new Map(), header: Number.NaN };
        node.children.set(key, child);
      }
      node = child;
    }
    return node;
  };
  // Headers and dotted keys create nodes in document order, as the parser does.
  const events = [
    ...layout.headers.map((h, index) => ({ start: h.start, keys: h.path, header: index })),
    ...layout.keyValues
      .filter((kv) => kv.key.length > 1)
      .map((kv) => ({
        start: kv.start,
        keys: [...(layout.headers[kv.header]?.path ?? []), ...kv.key.slice(0, -1)],
        header: Number.NaN,
      })),
  ].sort((a, b) => a.start - b.start);
  for (const event of events) {
    const node = descend(event.keys);
    if (!Number.isNaN(event.header)) node.header = event.header;
  }
  const target = descend(path);
  let last = -1;
  const visit = (node: Node): boolean => {
    if (!Number.isNaN(node.header)) last = node.header;
    if (node === target) return true;
    for (const child of node.children.values()) if (visit(child)) return true;
    return false;
  };
  visit(root);
  return last;
}

function membersArrayText(member: string): string {
  const array: DecoratedArray = {
    items: [{ prefix: "", value: tomlString(member), suffix: "" }],
    trailing: "",
    trailingComma: false,
  };
  reformatArrayMultiline(array);
  return renderDecoratedArray(array);
}

/**
 * Adds `member` (a relative path with `/` separators) to `tool.uv.workspace.members`, creating
 * the key or the table as needed, and returns the new document text. Everything else keeps its
 * bytes; the members array is rewritten one item per line, as uv does.
 */
export function addWorkspaceMember(original: string, member: string): string {
  // toml_edit writes every line ending it re-emits as `\n`; normalising first matches it.
  const text = original.replaceAll("\r\n", "\n");
  const layout = scanTomlLayout(text);
  const keyValues = fullKeyValues(layout);
  // `tool`, `tool.uv` or `tool.uv.workspace` given as a value, or as an array of tables.
  for (const kv of keyValues) {
    if (kv.path.length <= WORKSPACE.length && startsWith(WORKSPACE, kv.path)) {
      throw new MalformedWorkspaceError();
    }
  }
  for (const header of layout.headers) {
    if (header.arrayOfTables && startsWith(WORKSPACE, header.path)) {
      throw new MalformedWorkspaceError();
    }
  }

  const members = keyValues.find((kv) => equals(kv.path, MEMBERS));
  if (members !== undefined) {
    if (text[members.valueStart] !== "[") throw new MalformedWorkspaceError();
    const scanned = scanTomlArray(text, members.valueStart);
    const array: DecoratedArray = {
      items: scanned.items.map((item) => ({
        prefix: text.slice(item.prefixStart, item.valueStart),
        value: text.slice(item.valueStart, item.valueEnd),
        suffix: text.slice(item.valueEnd, item.suffixEnd),
      })),
      trailing: text.slice(scanned.trailingStart, scanned.close),
      trailingComma: scanned.trailingComma,
    };
    array.items.push({
      prefix: array.items.length === 0 ? "" : " ",
      value: tomlString(member),
      suffix: "",
    });
    reformatArrayMultiline(array);
    return (
      text.slice(0, scanned.open) + renderDecoratedArray(array) + text.slice(scanned.close + 1)
    );
  }

  const value = membersArrayText(member);
  const header = layout.headers.findIndex((h) => !h.arrayOfTables && equals(h.path, WORKSPACE));
  if (header !== -1) {
    return insertAt(text, layout.headers[header]!.bodyEnd, `members = ${value}\n`);
  }
  // A dotted `workspace.exclude = [...]` under `[tool.uv]`: the new key joins the dotted group.
  const dotted = keyValues.filter((kv) => startsWith(kv.path, WORKSPACE));
  const lastDotted = dotted.at(-1);
  if (lastDotted !== undefined) {
    const prefix = [...WORKSPACE.slice(lastDotted.headerPath.length), "members"].join(".");
    return insertAt(text, lastDotted.end, `${prefix} = ${value}\n`);
  }

  const predecessor = newTablePredecessor(layout, WORKSPACE);
  const offset = predecessor === -1 ? layout.rootBodyEnd : layout.headers[predecessor]!.bodyEnd;
  const first = predecessor === -1 && layout.rootBodyEnd === 0;
  return insertAt(text, offset, `${first ? "" : "\n"}[tool.uv.workspace]\nmembers = ${value}\n`);
}
