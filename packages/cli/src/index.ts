export { type ClapErrorParts, formatClapError } from "./clap-error.ts";
export { type CommandLevel, childLevel, levelArgs, rootLevel } from "./command-level.ts";
export { ROOT } from "./generated/root.ts";
export { type HelpOptions, renderHelp } from "./help.ts";
export { renderHelpCommand } from "./help-command.ts";
export { didYouMean, jaro } from "./jaro.ts";
export { type ArgValue, ParsedArgs } from "./parsed-args.ts";
export { type ParseOptions, type ParseOutcome, parseArgs } from "./parser.ts";
export type {
  ArgGroupSpec,
  ArgKind,
  ArgSpec,
  CommandSpec,
  LongArgHelp,
  LongCommandHelp,
  LongHelpTable,
} from "./spec.ts";
export { displayWidth, wrap } from "./textwrap.ts";
export { argDisplay, usageLine } from "./usage.ts";
