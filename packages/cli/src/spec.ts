/**
 * How an argument reacts to occurrences, after clap's `ArgAction`: `flag` (SetTrue), `count`
 * (`-vv`), `set` (one value; repeating it is an error), `append` (values accumulate), `help`,
 * `version`.
 */
export type ArgKind = "flag" | "count" | "set" | "append" | "help" | "version";

/** One argument of a command: a flag, an option taking values, or a positional. */
export interface ArgSpec {
  /** The key in `ParsedArgs`: the long name (`system-site-packages`) or the positional's id (`path`). */
  readonly id: string;
  readonly kind: ArgKind;
  readonly long?: string;
  readonly short?: string;
  /** Hidden long aliases (accepted, not shown). */
  readonly aliases?: readonly string[];
  /** Long aliases shown in help as `[aliases: --x]`. */
  readonly visibleAliases?: readonly string[];
  readonly shortAliases?: readonly string[];
  /** The environment variable read when the argument is absent from the command line. */
  readonly env?: string;
  /** Show `[env: NAME]` without the current value. */
  readonly hideEnvValues?: boolean;
  /** Set for options and positionals: the placeholder in `<NAME>`. */
  readonly valueName?: string;
  /** `--flag [<NAME>]`: the value may be omitted. */
  readonly optionalValue?: boolean;
  /** `--flag <NAME>...`: one occurrence takes every following value up to the next flag. */
  readonly multipleValues?: boolean;
  /** `--flag=<NAME>`: the value must be attached with `=`. */
  readonly requireEquals?: boolean;
  readonly positional?: boolean;
  /** A positional taking any number of values (`[NAME]...`). */
  readonly multiple?: boolean;
  readonly required?: boolean;
  /** A positional reachable only after `--` (`[-- <NAME>...]`). */
  readonly last?: boolean;
  /** A positional that takes every remaining argument, flags included. */
  readonly trailingVarArg?: boolean;
  readonly allowHyphenValues?: boolean;
  /** clap's display order: help sections list options by it (globals interleave with own args). */
  readonly order?: number;
  /** The short help (first paragraph of the doc comment). */
  readonly help?: string;
  /** The help section, e.g. `Python options`; absent for `Options` / `Arguments`. */
  readonly heading?: string;
  readonly possibleValues?: readonly string[];
  readonly default?: string;
  /** Propagated to every subcommand and accepted anywhere after it. */
  readonly global?: boolean;
  readonly hidden?: boolean;
  /** Ids of arguments that cannot be combined with this one. */
  readonly conflicts?: readonly string[];
  /** Ids of arguments that a later occurrence of this one cancels (and vice versa). */
  readonly overrides?: readonly string[];
  /** Ids of arguments that must be present when this one is. */
  readonly requires?: readonly string[];
  /** Each value is split on this character (`--allow-insecure-host "a b"`). */
  readonly delimiter?: string;
  /**
   * A hidden flag that exists only to fail with clap's "a similar argument exists" tip naming
   * this flag (uv's `init --backend` suggests `--build-backend`).
   */
  readonly suggestArg?: string;
  /** The environment value is read as a boolean: 1/0, true/false, yes/no, on/off. */
  readonly boolish?: boolean;
}

/** A group of arguments, of which at least one must be given when `required`. */
export interface ArgGroupSpec {
  readonly id: string;
  readonly args: readonly string[];
  readonly required?: boolean;
  readonly multiple?: boolean;
}

/** A command or subcommand (`pip`, `pip install`), with its arguments and help text. */
export interface CommandSpec {
  readonly name: string;
  /** The short description (one line, no trailing period). */
  readonly about?: string;
  readonly aliases?: readonly string[];
  readonly visibleAliases?: readonly string[];
  readonly hidden?: boolean;
  readonly args?: readonly ArgSpec[];
  readonly groups?: readonly ArgGroupSpec[];
  readonly subcommands?: readonly CommandSpec[];
  /** Text after the options; `{bin}` stands for the binary's name. */
  readonly afterHelp?: string;
  /** Verbatim help page replacing the rendered one (`{bin}` stands for the binary's name). */
  readonly helpText?: string;
  /** Takes an external command after its options (`uv run [OPTIONS] [COMMAND]`). */
  readonly external?: boolean;
  /** Resolves to the full spec when this entry is only a stub (name and about). */
  readonly load?: () => Promise<CommandSpec>;
}

/** The long help of one argument: its full text and possible-value descriptions. */
export interface LongArgHelp {
  readonly help?: string;
  readonly possibleValues?: Readonly<Record<string, string>>;
}

/** The long help of one command. */
export interface LongCommandHelp {
  readonly about?: string;
  readonly args?: Readonly<Record<string, LongArgHelp>>;
}

/** Long help of a command tree, keyed by the command path (`"pip install"`). */
export type LongHelpTable = Readonly<Record<string, LongCommandHelp>>;
