import { type CommandLevel, levelArgs, takesValue } from "./command-level.ts";
import type { ArgSpec } from "./spec.ts";

/** The value part of an argument as clap renders it: `<NAME>`, `[NAME]...`, `...` for counts. */
function argSuffix(arg: ArgSpec, required: boolean | undefined): string {
  if (!takesValue(arg)) return arg.kind === "count" ? "..." : "";
  const req = required ?? arg.required === true;
  const name = arg.valueName ?? arg.id.toUpperCase();
  const more = arg.positional
    ? arg.multiple === true || arg.kind === "append"
    : arg.multipleValues === true;
  const dots = more ? "..." : "";
  if (arg.positional) return `${req ? `<${name}>` : `[${name}]`}${dots}`;
  if (arg.optionalValue) return `${arg.requireEquals ? "[=" : " ["}<${name}>${dots}]`;
  return `${arg.requireEquals ? "=" : " "}<${name}>${dots}`;
}

/**
 * An argument as clap displays it in messages and usage lines: `--python <PYTHON>`,
 * `--quiet...`, `[PATH]`; `required` overrides whether a positional shows as `<NAME>`.
 */
export function argDisplay(arg: ArgSpec, required?: boolean): string {
  const name =
    arg.long !== undefined ? `--${arg.long}` : arg.short !== undefined ? `-${arg.short}` : "";
  return name + argSuffix(arg, required);
}

function groupDisplay(level: CommandLevel, members: readonly string[]): string {
  const args = levelArgs(level);
  const parts = members
    .map((id) => args.find((a) => a.id === id))
    .filter((a): a is ArgSpec => a !== undefined)
    .map((a) => (a.positional ? (a.valueName ?? a.id.toUpperCase()) : argDisplay(a)));
  return `<${parts.join("|")}>`;
}

function needsOptionsTag(level: CommandLevel): boolean {
  const inRequiredGroup = new Set(
    (level.spec.groups ?? []).filter((g) => g.required).flatMap((g) => g.args),
  );
  return levelArgs(level).some(
    (a) =>
      !a.positional &&
      a.kind !== "help" &&
      a.kind !== "version" &&
      a.hidden !== true &&
      a.required !== true &&
      !inRequiredGroup.has(a.id),
  );
}

/**
 * The usage line after `Usage: `. With no `used` ids it is the help's usage
 * (`uv-ts venv [OPTIONS] [PATH]`); with ids it is clap's "smart" usage that errors show,
 * naming the arguments the user gave (`uv-ts venv --python <PYTHON> [PATH]`).
 */
export function usageLine(level: CommandLevel, used: readonly string[] = []): string {
  const args = levelArgs(level);
  const parts: string[] = [level.path.join(" ")];
  if (used.length === 0 && needsOptionsTag(level)) parts.push("[OPTIONS]");
  const groups = level.spec.groups ?? [];
  const requiredGroups = groups.filter((g) => g.required);
  const groupMembers = new Set(requiredGroups.flatMap((g) => g.args));
  const requiredIds = [
    ...args.filter((a) => a.required === true && !a.positional).map((a) => a.id),
    ...requiredGroups.map((g) => g.id),
    ...args.filter((a) => a.required === true && a.positional).map((a) => a.id),
  ];
  const opts: string[] = [];
  const groupTexts: string[] = [];
  const requiredPositionals = new Map<string, string>();
  for (const id of [...requiredIds, ...used]) {
    const group = groups.find((g) => g.id === id);
    if (group) {
      const text = groupDisplay(level, group.args);
      if (!groupTexts.includes(text)) groupTexts.push(text);
      for (const m of group.args) groupMembers.add(m);
      continue;
    }
    const arg = args.find((a) => a.id === id);
    if (arg === undefined || groupMembers.has(arg.id)) continue;
    if (arg.positional) requiredPositionals.set(arg.id, argDisplay(arg, true));
    else {
      const text = argDisplay(arg, true);
      if (!opts.includes(text)) opts.push(text);
    }
  }
  parts.push(...opts, ...groupTexts);
  for (const pos of args.filter((a) => a.positional && a.hidden !== true)) {
    if (groupMembers.has(pos.id)) continue;
    const req = requiredPositionals.get(pos.id);
    if (pos.last) {
      parts.push(req !== undefined ? `-- ${req}` : `[-- ${argDisplay(pos, true)}]`);
    } else {
      parts.push(req ?? argDisplay(pos, false));
    }
  }
  const hasVisibleSubs = (level.spec.subcommands ?? []).some((s) => s.hidden !== true);
  if (used.length === 0) {
    if (hasVisibleSubs || level.spec.external === true) {
      parts.push(level.spec.subcommands !== undefined ? "<COMMAND>" : "[COMMAND]");
    }
  } else if (level.spec.subcommands !== undefined) {
    parts.push("<COMMAND>");
  }
  return parts.join(" ");
}
