import { formatClapError } from "./clap-error.ts";
import {
  type CommandLevel,
  childLevel,
  findSubcommand,
  levelArgs,
  resolveSpec,
  rootLevel,
  subcommandNames,
  takesValue,
} from "./command-level.ts";
import { didYouMean } from "./jaro.ts";
import { type ArgValue, ParsedArgs } from "./parsed-args.ts";
import type { ArgSpec, CommandSpec } from "./spec.ts";
import { argDisplay, usageLine } from "./usage.ts";

/** What parsing a command line led to. */
export type ParseOutcome =
  /** A command to run. */
  | { readonly kind: "parsed"; readonly args: ParsedArgs }
  /**
   * Help to print: requested with `-h`/`--help` (stdout, exit 0), or shown because a command
   * that needs a subcommand got no arguments at all (stderr, exit 2).
   */
  | {
      readonly kind: "help";
      readonly text: string;
      readonly stream: "stdout" | "stderr";
      readonly exitCode: 0 | 2;
    }
  /** `--version` / `-V`: print `text` on stdout, exit 0. */
  | { readonly kind: "version"; readonly text: string }
  /** A usage error: print `text` on stderr, exit 2. */
  | { readonly kind: "error"; readonly text: string; readonly exitCode: 2 };

/** Inputs of {@link parseArgs}. */
export interface ParseOptions {
  /** The top-level command spec (globals and the command list). */
  readonly root: CommandSpec;
  /** The binary's name, shown in usage lines (`uv-ts`). */
  readonly bin: string;
  /** The `--version` line without its newline (`uv-ts 0.1.0`). */
  readonly version: string;
  /** Environment variables, for `env` fallbacks (and shown in help). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Terminal width for help text. */
  readonly width: number;
}

type Source = 1 | 2; // 1: environment, 2: command line (clap ranks command line higher)

interface Matched {
  source: Source;
  values: string[];
  count: number;
  flag: boolean;
}

type Matcher = Map<string, Matched>;

interface LevelResult {
  readonly level: CommandLevel;
  readonly matcher: Matcher;
  readonly external: readonly string[] | undefined;
  readonly child: LevelResult | undefined;
}

/**
 * Help to show for `level`: the parser only notes it, and {@link parseArgs} renders it, loading the
 * help renderer then, so that a command line without `--help` never loads it.
 */
interface HelpRequest {
  readonly kind: "help-request";
  readonly level: CommandLevel;
  readonly stream: "stdout" | "stderr";
  readonly exitCode: 0 | 2;
}

/** Thrown inside the parser to stop with an outcome other than `parsed`. */
class Stop {
  readonly outcome: ParseOutcome | HelpRequest;
  constructor(outcome: ParseOutcome | HelpRequest) {
    this.outcome = outcome;
  }
}

const error = (text: string): Stop => new Stop({ kind: "error", text, exitCode: 2 });

const BOOL_TRUE = new Set(["y", "yes", "t", "true", "on", "1"]);
const BOOL_FALSE = new Set(["n", "no", "f", "false", "off", "0"]);

/**
 * Parses a command line (without the binary name) against the spec, clap-style: long flags
 * with `--flag value` or `--flag=value`, short clusters (`-vvq`, `-pvalue`), `--` ending
 * options, global arguments accepted after any subcommand, environment fallbacks, conflicts,
 * required arguments and groups; errors carry clap's exact text.
 */
export async function parseArgs(
  argv: readonly string[],
  options: ParseOptions,
): Promise<ParseOutcome> {
  const root = rootLevel(options.root, options.bin);
  try {
    const result = await parseLevel(root, argv, 0, options);
    return { kind: "parsed", args: collect(result) };
  } catch (caught) {
    if (!(caught instanceof Stop)) throw caught;
    const outcome = caught.outcome;
    if (outcome.kind !== "help-request") return outcome;
    const { renderHelp } = await import("./help.ts");
    return {
      kind: "help",
      text: renderHelp(outcome.level, { long: false, width: options.width, env: options.env }),
      stream: outcome.stream,
      exitCode: outcome.exitCode,
    };
  }
}

function findLong(args: readonly ArgSpec[], name: string): ArgSpec | undefined {
  return (
    args.find((a) => a.long === name) ??
    args.find((a) => (a.aliases ?? []).includes(name) || (a.visibleAliases ?? []).includes(name))
  );
}

function findShort(args: readonly ArgSpec[], c: string): ArgSpec | undefined {
  return args.find((a) => a.short === c) ?? args.find((a) => (a.shortAliases ?? []).includes(c));
}

async function parseLevel(
  level: CommandLevel,
  argv: readonly string[],
  start: number,
  options: ParseOptions,
): Promise<LevelResult> {
  const args = levelArgs(level);
  const positionals = args.filter((a) => a.positional);
  const matcher: Matcher = new Map();
  let pending: { arg: ArgSpec; values: string[] } | undefined;
  let inPositional: ArgSpec | undefined;
  let posIndex = 0;
  let trailing = false;
  let child: LevelResult | undefined;
  let external: string[] | undefined;

  const explicitUsed = (extra: readonly string[]) => [
    ...[...matcher.keys()].filter((id) => args.find((a) => a.id === id)?.hidden !== true),
    ...extra,
  ];

  const react = (arg: ArgSpec, raw: readonly string[], source: Source): void => {
    if (pending !== undefined && pending.arg !== arg) resolvePending();
    if (arg.suggestArg !== undefined) {
      throw error(
        formatClapError({
          message: `unexpected argument '${argDisplay(arg)}' found`,
          similar: { kind: "argument", values: [arg.suggestArg] },
          usage: usageLine(level),
        }),
      );
    }
    if (source === 2 && takesValue(arg) && raw.length === 0) {
      throw error(
        formatClapError({
          message: `a value is required for '${argDisplay(arg)}' but none was supplied${possibleValuesList(arg)}`,
        }),
      );
    }
    let values = [...raw];
    if (arg.delimiter !== undefined)
      values = values.flatMap((v) => v.split(arg.delimiter as string));
    if (arg.possibleValues !== undefined && takesValue(arg)) {
      for (const v of values) {
        if (arg.possibleValues.includes(v)) continue;
        const similar = didYouMean(v, arg.possibleValues).slice(-1);
        throw error(
          formatClapError({
            message: `invalid value '${v}' for '${argDisplay(arg)}'${possibleValuesList(arg)}`,
            ...(similar.length > 0 ? { similar: { kind: "value" as const, values: similar } } : {}),
          }),
        );
      }
    }
    switch (arg.kind) {
      case "help":
        throw new Stop({ kind: "help-request", level, stream: "stdout", exitCode: 0 });
      case "version":
        throw new Stop({ kind: "version", text: `${options.version}\n` });
      case "count": {
        const prev = matcher.get(arg.id);
        matcher.delete(arg.id);
        removeOverrides(arg, source);
        matcher.set(arg.id, { source, values: [], count: (prev?.count ?? 0) + 1, flag: true });
        return;
      }
      case "append": {
        const prev = matcher.get(arg.id);
        removeOverrides(arg, source);
        if (prev !== undefined) prev.values.push(...values);
        else matcher.set(arg.id, { source, values, count: 1, flag: true });
        return;
      }
      default: {
        if (matcher.delete(arg.id)) {
          throw error(
            formatClapError({
              message: `the argument '${argDisplay(arg)}' cannot be used multiple times`,
              usage: usageLine(level),
            }),
          );
        }
        removeOverrides(arg, source);
        let flag = true;
        if (arg.kind === "flag" && values.length > 0) flag = parseBool(arg, values[0] as string);
        matcher.set(arg.id, { source, values, count: 1, flag });
      }
    }
  };

  const removeOverrides = (arg: ArgSpec, source: Source): void => {
    if (source !== 2) return;
    for (const id of arg.overrides ?? []) matcher.delete(id);
    for (const id of [...matcher.keys()]) {
      const other = args.find((a) => a.id === id);
      if (other?.overrides?.includes(arg.id)) matcher.delete(id);
    }
  };

  const resolvePending = (): void => {
    if (pending === undefined) return;
    const p = pending;
    pending = undefined;
    react(p.arg, p.values, 2);
  };

  let i = start;
  while (i < argv.length) {
    const token = argv[i] as string;
    i++;
    if (!trailing) {
      const hyphenValue =
        (pending?.arg.allowHyphenValues ?? false) || (inPositional?.allowHyphenValues ?? false);
      if (pending === undefined && inPositional === undefined) {
        const sub = findSubcommand(level.spec, token);
        if (sub !== undefined) {
          const spec = await resolveSpec(sub);
          child = await parseLevel(childLevel(level, spec), argv, i, options);
          i = argv.length;
          break;
        }
      }
      if (token === "--" && !hyphenValue) {
        resolvePending();
        trailing = true;
        continue;
      }
      if (token.startsWith("--") && token !== "--" && !hyphenValue) {
        const eq = token.indexOf("=");
        const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
        const value = eq < 0 ? undefined : token.slice(eq + 1);
        const arg = findLong(args, name);
        const positional = positionals[posIndex];
        if (arg !== undefined) {
          if (takesValue(arg)) {
            if (value !== undefined) react(arg, [value], 2);
            else {
              resolvePending();
              pending = { arg, values: [] };
            }
          } else if (value !== undefined) {
            resolvePending();
            const required = new Set(requiredIds(level));
            const used = [...matcher.keys()].filter(
              (id) => args.find((a) => a.id === id)?.hidden !== true && !required.has(id),
            );
            throw error(
              formatClapError({
                message: `unexpected value '${value}' for '${argDisplay(arg)}' found; no more were expected`,
                usage: usageLine(level, [...used, arg.id]),
              }),
            );
          } else react(arg, [], 2);
          inPositional = undefined;
          continue;
        }
        if (!(positional?.allowHyphenValues === true && positional.last !== true)) {
          resolvePending();
          throw unknownLong(level, name, argv.slice(i), trailing, explicitUsed);
        }
      } else if (token.startsWith("-") && token.length > 1 && token !== "--" && !hyphenValue) {
        const chars = [...token.slice(1)];
        for (let k = 0; k < chars.length; k++) {
          const c = chars[k] as string;
          const arg = findShort(args, c);
          if (arg === undefined) {
            resolvePending();
            throw error(
              formatClapError({
                message: `unexpected argument '-${c}' found`,
                tips:
                  !trailing && positionals.length > 0
                    ? [`to pass '-${c}' as a value, use '-- -${c}'`]
                    : [],
                usage: usageLine(level),
              }),
            );
          }
          if (!takesValue(arg)) {
            react(arg, [], 2);
            continue;
          }
          const rest = chars.slice(k + 1).join("");
          if (rest !== "") react(arg, [rest.startsWith("=") ? rest.slice(1) : rest], 2);
          else {
            resolvePending();
            pending = { arg, values: [] };
          }
          break;
        }
        inPositional = undefined;
        continue;
      }
      if (pending !== undefined) {
        pending.values.push(token);
        if (pending.arg.multipleValues !== true) resolvePending();
        continue;
      }
    }
    const positional = positionals[posIndex];
    if (positional !== undefined) {
      if (positional.last === true && !trailing) {
        resolvePending();
        throw error(
          formatClapError({
            message: `unexpected argument '${token}' found`,
            usage: usageLine(level),
          }),
        );
      }
      if (positional.trailingVarArg === true) trailing = true;
      resolvePending();
      const prev = matcher.get(positional.id);
      if (prev !== undefined) prev.values.push(token);
      else matcher.set(positional.id, { source: 2, values: [token], count: 1, flag: true });
      if (positional.multiple === true || positional.kind === "append") inPositional = positional;
      else posIndex++;
      continue;
    }
    if (level.spec.external === true) {
      resolvePending();
      external = [token, ...argv.slice(i)];
      break;
    }
    resolvePending();
    throw unmatched(level, token, trailing);
  }
  resolvePending();

  applyEnv(level, matcher, options.env);
  validate(level, matcher, child !== undefined || external !== undefined);
  return { level, matcher, external, child };
}

function possibleValuesList(arg: ArgSpec): string {
  const pv = arg.possibleValues ?? [];
  return pv.length > 0 ? `\n  [possible values: ${pv.join(", ")}]` : "";
}

function parseBool(arg: ArgSpec, raw: string): boolean {
  const v = raw.toLowerCase();
  if (arg.boolish === true) {
    if (BOOL_TRUE.has(v)) return true;
    if (BOOL_FALSE.has(v)) return false;
    throw error(
      formatClapError({
        message: `invalid value '${raw}' for '${argDisplay(arg)}': value was not a boolean`,
      }),
    );
  }
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw error(
    formatClapError({
      message: `invalid value '${raw}' for '${argDisplay(arg)}'\n  [possible values: true, false]`,
    }),
  );
}

/** Applies environment fallbacks to the level's arguments absent from its command line. */
function applyEnv(level: CommandLevel, matcher: Matcher, env: ParseOptions["env"]): void {
  for (const arg of levelArgs(level)) {
    if (arg.env === undefined || matcher.has(arg.id)) continue;
    const raw = env[arg.env];
    if (raw === undefined) continue;
    if (arg.kind === "flag") {
      matcher.set(arg.id, { source: 1, values: [raw], count: 1, flag: parseBool(arg, raw) });
      continue;
    }
    // An empty variable counts as unset for options (uv treats `UV_PYTHON=` so).
    if (raw === "") continue;
    let values = [raw];
    if (arg.delimiter !== undefined) values = raw.split(arg.delimiter);
    if (arg.possibleValues !== undefined) {
      for (const v of values) {
        if (arg.possibleValues.includes(v)) continue;
        const similar = didYouMean(v, arg.possibleValues).slice(-1);
        throw error(
          formatClapError({
            message: `invalid value '${v}' for '${argDisplay(arg)}'${possibleValuesList(arg)}`,
            ...(similar.length > 0 ? { similar: { kind: "value" as const, values: similar } } : {}),
          }),
        );
      }
    }
    matcher.set(arg.id, { source: 1, values, count: 1, flag: true });
  }
}

function requiredIds(level: CommandLevel): string[] {
  const args = levelArgs(level);
  return [
    ...args.filter((a) => a.required === true).map((a) => a.id),
    ...(level.spec.groups ?? []).filter((g) => g.required).map((g) => g.id),
  ];
}

function validate(level: CommandLevel, matcher: Matcher, hasSubcommand: boolean): void {
  const args = levelArgs(level);
  const spec = level.spec;
  if (spec.subcommands !== undefined && !hasSubcommand) {
    if (matcher.size === 0) {
      throw new Stop({ kind: "help-request", level, stream: "stderr", exitCode: 2 });
    }
    throw error(
      formatClapError({
        message: `'${level.path.join(" ")}' requires a subcommand but one was not provided\n  [subcommands: ${subcommandNames(spec).join(", ")}]`,
        usage: usageLine(level),
      }),
    );
  }
  // Conflicts (symmetric), in the order arguments were given.
  const present = [...matcher.keys()];
  for (const id of present) {
    const arg = args.find((a) => a.id === id);
    if (arg === undefined) continue;
    const direct = [...(arg.conflicts ?? []), ...(arg.overrides ?? [])];
    const conflicts = present.filter((other) => {
      if (other === id) return false;
      const o = args.find((a) => a.id === other);
      return (
        direct.includes(other) ||
        (o?.conflicts ?? []).includes(id) ||
        (o?.overrides ?? []).includes(id)
      );
    });
    if (conflicts.length === 0) continue;
    const shown = conflicts
      .map((c) => args.find((a) => a.id === c))
      .filter((a): a is ArgSpec => a !== undefined)
      .map((a) => argDisplay(a));
    const message =
      shown.length === 1
        ? `the argument '${argDisplay(arg)}' cannot be used with '${shown[0]}'`
        : `the argument '${argDisplay(arg)}' cannot be used with:${shown.map((s) => `\n  ${s}`).join("")}`;
    const used = present.filter(
      (p) => !conflicts.includes(p) && args.find((a) => a.id === p)?.hidden !== true,
    );
    throw error(formatClapError({ message, usage: usageLine(level, used) }));
  }
  // Required arguments and groups, then arguments required by present ones.
  const missing: string[] = [];
  const isPresent = (id: string) => matcher.has(id);
  const conflictsWithPresent = (id: string) => {
    const a = args.find((x) => x.id === id);
    return present.some(
      (p) =>
        (a?.conflicts ?? []).includes(p) ||
        (args.find((x) => x.id === p)?.conflicts ?? []).includes(id),
    );
  };
  for (const arg of args) {
    if (arg.required === true && !isPresent(arg.id) && !conflictsWithPresent(arg.id))
      missing.push(arg.id);
  }
  for (const group of spec.groups ?? []) {
    if (group.required === true && !group.args.some(isPresent)) missing.push(group.id);
  }
  for (const id of present) {
    for (const req of args.find((a) => a.id === id)?.requires ?? []) {
      if (!isPresent(req) && !missing.includes(req)) missing.push(req);
    }
  }
  if (missing.length > 0) {
    const rendered = missing.map((id) => {
      const group = (spec.groups ?? []).find((g) => g.id === id);
      if (group !== undefined) {
        const parts = group.args
          .map((m) => args.find((a) => a.id === m))
          .filter((a): a is ArgSpec => a !== undefined)
          .map((a) => (a.positional ? (a.valueName ?? a.id.toUpperCase()) : argDisplay(a)));
        return `<${parts.join("|")}>`;
      }
      const arg = args.find((a) => a.id === id);
      return arg === undefined ? id : argDisplay(arg, true);
    });
    const used = [
      ...present.filter((p) => args.find((a) => a.id === p)?.hidden !== true),
      ...missing,
    ];
    throw error(
      formatClapError({
        message: `the following required arguments were not provided:${rendered.map((r) => `\n  ${r}`).join("")}`,
        usage: usageLine(level, used),
      }),
    );
  }
}

function unknownLong(
  level: CommandLevel,
  name: string,
  remaining: readonly string[],
  trailing: boolean,
  explicitUsed: (extra: readonly string[]) => string[],
): Stop {
  const args = levelArgs(level);
  const longs = args.flatMap((a) => [
    ...(a.long !== undefined ? [a.long] : []),
    ...(a.visibleAliases ?? []),
    ...(a.aliases ?? []),
  ]);
  const candidate = didYouMean(name, longs).at(-1);
  const hasPositionals = args.some((a) => a.positional);
  const capturesRest = args.some(
    (a) => a.positional && (a.last === true || a.trailingVarArg === true),
  );
  const suggestTrailing = (candidate === undefined || capturesRest) && !trailing && hasPositionals;
  let suggested: ArgSpec | undefined;
  if (candidate !== undefined) suggested = findLong(args, candidate);
  const used = explicitUsed(suggested !== undefined ? [suggested.id] : []);
  void remaining;
  return error(
    formatClapError({
      message: `unexpected argument '--${name}' found`,
      ...(candidate !== undefined
        ? { similar: { kind: "argument" as const, values: [`--${candidate}`] } }
        : {}),
      tips: suggestTrailing ? [`to pass '--${name}' as a value, use '-- --${name}'`] : [],
      usage: usageLine(level, [...new Set(used)]),
    }),
  );
}

function unmatched(level: CommandLevel, token: string, trailing: boolean): Stop {
  const spec = level.spec;
  const hasPositionals = levelArgs(level).some((a) => a.positional);
  const looksLikeFlag = token.startsWith("-") && token.length > 1;
  const suggestTrailing = !trailing && hasPositionals && looksLikeFlag;
  if (spec.subcommands !== undefined) {
    const candidates = didYouMean(token, subcommandNames(spec));
    if (candidates.length > 0) {
      return error(
        formatClapError({
          message: `unrecognized subcommand '${token}'`,
          similar: { kind: "subcommand", values: candidates },
          tips: suggestTrailing
            ? [`to pass '${token}' as a value, use '${level.path.join(" ")} -- ${token}'`]
            : [],
          usage: usageLine(level),
        }),
      );
    }
    if (!hasPositionals) {
      return error(
        formatClapError({ message: `unrecognized subcommand '${token}'`, usage: usageLine(level) }),
      );
    }
  }
  return error(
    formatClapError({
      message: `unexpected argument '${token}' found`,
      tips: suggestTrailing ? [`to pass '${token}' as a value, use '-- ${token}'`] : [],
      usage: usageLine(level),
    }),
  );
}

/** Merges the levels' values: command line beats environment, deeper beats shallower. */
function collect(result: LevelResult): ParsedArgs {
  const merged = new Map<string, { m: Matched; arg: ArgSpec }>();
  const command: string[] = [];
  let external: readonly string[] | undefined;
  for (let r: LevelResult | undefined = result; r !== undefined; r = r.child) {
    if (r !== result) command.push(r.level.spec.name);
    const args = levelArgs(r.level);
    for (const [id, m] of r.matcher) {
      const arg = args.find((a) => a.id === id);
      if (arg === undefined) continue;
      const prev = merged.get(id);
      if (prev !== undefined && prev.m.source > m.source) continue;
      merged.set(id, { m, arg });
    }
    if (r.external !== undefined) external = r.external;
  }
  const values = new Map<string, ArgValue>();
  for (const [id, { m, arg }] of merged) {
    if (arg.kind === "count") values.set(id, m.count);
    else if (arg.kind === "flag") values.set(id, m.flag);
    else if (arg.kind === "append" || arg.multiple === true || arg.multipleValues === true)
      values.set(id, m.values);
    else values.set(id, m.values.at(-1) ?? "");
  }
  if (external !== undefined) values.set("command", external);
  return new ParsedArgs(command, values);
}
