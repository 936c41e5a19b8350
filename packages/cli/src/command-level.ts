import type { ArgSpec, CommandSpec } from "./spec.ts";

/**
 * A command as the parser and help renderer see it: its spec, the names leading to it
 * (`["uv-ts", "pip", "install"]`), and the global arguments it inherits from its ancestors.
 */
export interface CommandLevel {
  readonly spec: CommandSpec;
  readonly path: readonly string[];
  readonly inherited: readonly ArgSpec[];
}

/** The level of the top-level command. */
export function rootLevel(spec: CommandSpec, bin: string): CommandLevel {
  return { spec, path: [bin], inherited: [] };
}

/** The level of a subcommand of `parent`; globals of `parent` propagate to it. */
export function childLevel(parent: CommandLevel, spec: CommandSpec): CommandLevel {
  const own = new Set((spec.args ?? []).map((a) => a.id));
  // clap appends the parent's arguments that are global (its own, then those it inherited).
  const inherited = [
    ...(parent.spec.args ?? []).filter((a) => a.global === true && !own.has(a.id)),
    ...parent.inherited.filter((a) => !own.has(a.id)),
  ];
  return { spec, path: [...parent.path, spec.name], inherited };
}

/**
 * Every argument of the level: its own first, then inherited globals, the order in which
 * clap lists them (globals are appended when propagated).
 */
export function levelArgs(level: CommandLevel): readonly ArgSpec[] {
  const own = level.spec.args ?? [];
  return [...own, ...level.inherited];
}

/** Whether the argument takes values (options and positionals). */
export function takesValue(arg: ArgSpec): boolean {
  return arg.valueName !== undefined || arg.positional === true;
}

/** Every name the level's subcommands answer to, names and aliases, in definition order. */
export function subcommandNames(spec: CommandSpec): string[] {
  const names: string[] = [];
  for (const sub of spec.subcommands ?? []) {
    names.push(sub.name, ...(sub.visibleAliases ?? []), ...(sub.aliases ?? []));
  }
  return names;
}

/** The subcommand called `name` (or aliased so). */
export function findSubcommand(spec: CommandSpec, name: string): CommandSpec | undefined {
  return (spec.subcommands ?? []).find(
    (s) =>
      s.name === name ||
      (s.aliases ?? []).includes(name) ||
      (s.visibleAliases ?? []).includes(name),
  );
}

/** The full spec of a subcommand entry, loading it when the entry is a lazy stub. */
export async function resolveSpec(spec: CommandSpec): Promise<CommandSpec> {
  return spec.load === undefined ? spec : await spec.load();
}
