import { InvalidWheelError } from "./install-error.ts";

/** One console or GUI entry point: `name = module:function`. */
export interface Script {
  readonly name: string;
  readonly module: string;
  /** The object path after the colon; may be dotted (`cli.main`). */
  readonly function: string;
}

/** The scripts an installer generates from `entry_points.txt`. */
export interface EntryPoints {
  readonly consoleScripts: readonly Script[];
  readonly guiScripts: readonly Script[];
}

// Rust's `\w` is Unicode-aware; this is its JavaScript spelling.
const W = String.raw`[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\-.]`;
const scriptValue = (w: string, flags: string) =>
  new RegExp(
    String.raw`^(?<module>${w}+)\s*:\s*(?<function>${w}+)(?:\s*\[\s*(?<extras>(?:[^,]+,?\s*)+)\])?\s*$`,
    flags,
  );
const SCRIPT_VALUE = scriptValue(W, "u");
/**
 * {@link SCRIPT_VALUE} for ASCII values, which nearly all are: `W`'s ASCII members are letters,
 * digits, `_`, `-` and `.`. V8 compiles a pattern on its first use, and one with Unicode
 * properties costs ~1 ms here; this one costs a fraction of that.
 */
const ASCII_SCRIPT_VALUE = scriptValue(String.raw`[A-Za-z0-9_\-.]`, "");
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Parses one entry point value (`module:function [extras]`). The extras are accepted and
 * ignored: an installer writes every script, whatever extras were requested (as uv and pip do).
 */
export function parseScript(name: string, value: string): Script {
  const match = (ASCII.test(value) ? ASCII_SCRIPT_VALUE : SCRIPT_VALUE).exec(value);
  if (match?.groups === undefined) {
    throw new InvalidWheelError(`invalid console script: '${value}'`);
  }
  return { name, module: match.groups.module!, function: match.groups.function! };
}

/** The name the launcher imports: the first component of a dotted function path. */
export function importName(script: Script): string {
  const dot = script.function.indexOf(".");
  return dot < 0 ? script.function : script.function.slice(0, dot);
}

/**
 * Parses `entry_points.txt` (INI, `=` as the only delimiter, case-sensitive sections, `#` and
 * `;` start a comment anywhere on a line) into console and GUI scripts. Versioned `pip3.X`
 * console scripts are replaced by one for the target interpreter's minor version, as uv does.
 */
export function parseEntryPoints(text: string, pythonMinor: number): EntryPoints {
  const sections = new Map<string, Map<string, string | undefined>>();
  let current: Map<string, string | undefined> | undefined;
  const lines = text.split(/\r\n|\n|\r/);
  for (const [index, raw] of lines.entries()) {
    const comment = raw.search(/[#;]/);
    const line = (comment < 0 ? raw : raw.slice(0, comment)).trim();
    if (line === "") continue;
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) {
        throw new InvalidWheelError(
          `entry_points.txt is invalid: line ${index + 1}: Found an invalid section header`,
        );
      }
      const name = line.slice(1, -1).trim();
      current = sections.get(name);
      if (current === undefined) {
        current = new Map();
        sections.set(name, current);
      }
      continue;
    }
    // Keys before any section belong to a default section nobody reads.
    if (current === undefined) {
      current = new Map();
      sections.set("", current);
    }
    const eq = line.indexOf("=");
    if (eq < 0) current.set(line, undefined);
    else current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }

  const read = (section: string): Script[] => {
    const scripts: Script[] = [];
    for (const [name, value] of sections.get(section) ?? []) {
      if (value === undefined) {
        throw new InvalidWheelError(`[${section}] key ${name} must have a value`);
      }
      scripts.push(parseScript(name, value));
    }
    return scripts;
  };

  const consoleScripts = read("console_scripts").filter((script) => {
    const dot = script.name.indexOf(".");
    if (dot < 0) return true;
    return !(script.name.slice(0, dot) === "pip3" && isU8(script.name.slice(dot + 1)));
  });
  const pip3 = consoleScripts.find((script) => script.name === "pip3");
  if (pip3 !== undefined) consoleScripts.push({ ...pip3, name: `pip3.${pythonMinor}` });
  return { consoleScripts, guiScripts: read("gui_scripts") };
}

/** Whether Rust's `str::parse::<u8>` accepts `s`. */
export function isU8(s: string): boolean {
  return /^\+?\d+$/.test(s) && Number(s.replace(/^\+/, "")) <= 255;
}
