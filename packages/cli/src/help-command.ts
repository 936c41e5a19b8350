import {
  type CommandLevel,
  childLevel,
  findSubcommand,
  resolveSpec,
  rootLevel,
} from "./command-level.ts";
import { loadLongHelp } from "./generated/root.ts";
import type { CommandSpec, LongArgHelp, LongCommandHelp } from "./spec.ts";

/** Hidden commands that `uv help` lists anyway. */
const SHOW_HIDDEN = ["generate-shell-completion"];

/** What `uv-ts help <command>...` prints: text for stdout, or an error for stderr (exit 2). */
export type HelpCommandResult =
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "error"; readonly message: string };

/** Inputs of {@link renderHelpCommand}. */
export interface HelpCommandOptions {
  readonly root: CommandSpec;
  readonly bin: string;
  readonly width: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `uv-ts help [COMMAND]...`: the top-level help (listing `generate-shell-completion` too), or
 * the long help of a command, with `[env: X=]` notes written in help text moved to their own
 * line as uv's `help` command does. Unknown commands give uv's "There is no command" error.
 */
export async function renderHelpCommand(
  query: readonly string[],
  options: HelpCommandOptions,
): Promise<HelpCommandResult> {
  // Loaded here, not imported: the renderer is start-up cost that only help output needs.
  const { renderHelp } = await import("./help.ts");
  const unhide = (spec: CommandSpec): CommandSpec => ({
    ...spec,
    ...(spec.subcommands !== undefined
      ? {
          subcommands: spec.subcommands.map((s) =>
            SHOW_HIDDEN.includes(s.name) ? { ...s, hidden: false } : s,
          ),
        }
      : {}),
  });
  let level: CommandLevel = rootLevel(unhide(options.root), options.bin);
  for (let i = 0; i < query.length; i++) {
    const name = query[i] as string;
    const sub = findSubcommand(level.spec, name);
    if (sub === undefined) {
      const unmatched = query.slice(i).join(" ");
      const where = i === 0 ? options.bin : `${options.bin} ${level.spec.name}`;
      const names = (level.spec.subcommands ?? [])
        .filter((s) => s.hidden !== true && s.name !== "help")
        .map((s) => s.name);
      return {
        kind: "error",
        message: `There is no command \`${unmatched}\` for \`${where}\`. Did you mean one of:\n    ${names.join("\n    ")}`,
      };
    }
    level = childLevel(level, await resolveSpec(sub));
  }
  if (query.length === 0) {
    const text = renderHelp(level, {
      long: false,
      width: options.width,
      env: options.env,
      afterHelp: "Use `{bin} help <command>` for more information on a specific command.",
    });
    return { kind: "help", text: trimLines(text) };
  }
  if (level.spec.helpText !== undefined) {
    return { kind: "help", text: level.spec.helpText.replaceAll("{bin}", options.bin) };
  }
  // Globals show their long help too: merge the root's and every ancestor's entries.
  const [rootTable, table] = await Promise.all([
    loadLongHelp(""),
    loadLongHelp(level.path[1] as string),
  ]);
  const key = level.path.slice(1).join(" ");
  const names = level.path.slice(1);
  let args: Record<string, LongArgHelp> = { ...rootTable?.[""]?.args };
  for (let i = 1; i <= names.length; i++)
    args = { ...args, ...table?.[names.slice(0, i).join(" ")]?.args };
  const about = table?.[key]?.about;
  const longHelp: LongCommandHelp = about !== undefined ? { about, args } : { args };
  const hasSubs = level.spec.subcommands !== undefined;
  const text = renderHelp(level, {
    long: true,
    width: options.width,
    env: options.env,
    longHelp,
    afterHelp: hasSubs
      ? `Use \`{bin} help ${level.spec.name} <command>\` for more information on a specific command.`
      : undefined,
  });
  return { kind: "help", text: `${reformatEnvAnnotations(trimLines(text).replace(/\n$/u, ""))}\n` };
}

function trimLines(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+$/u, ""))
    .join("\n");
}

const ENV_NOTE = / \[env: ([A-Z_]+)=\]/u;

/**
 * uv's `help` command moves an `[env: NAME=]` written inside a description line to its own
 * line after the argument's description (adding a period to the line it leaves).
 */
function reformatEnvAnnotations(help: string): string {
  let result = "";
  let pending: string | undefined;
  const flush = () => {
    if (pending === undefined) return;
    while (result.endsWith("\n\n")) result = result.slice(0, -1);
    if (!result.endsWith("\n")) result += "\n";
    result += `\n          ${pending}\n\n`;
    pending = undefined;
  };
  for (const line of help.split("\n")) {
    const indent = line.length - line.trimStart().length;
    const first = line.trimStart()[0];
    const isArgLine = indent === 6 && (first === "-" || first === "<");
    const isSection = indent === 0 && line.endsWith(":");
    if (isArgLine || isSection) flush();
    if (indent === 10) {
      const m = ENV_NOTE.exec(line);
      if (m !== null) {
        const rest = line.slice(0, m.index) + line.slice(m.index + m[0].length);
        if (rest.trim() !== "") {
          pending = m[0].slice(1);
          result += rest;
          if (!rest.endsWith(".") && !rest.endsWith(":")) result += ".";
          result += "\n";
          continue;
        }
      }
    }
    result += `${line}\n`;
  }
  if (pending !== undefined) {
    while (result.endsWith("\n\n")) result = result.slice(0, -1);
    if (!result.endsWith("\n")) result += "\n";
    result += `\n          ${pending}\n`;
  }
  return result.endsWith("\n") ? result.slice(0, -1) : result;
}
