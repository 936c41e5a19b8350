export { type ClapErrorParts, formatClapError } from "./clap-error.ts";
export { type CommandLevel, childLevel, levelArgs, rootLevel } from "./command-level.ts";
export { ROOT } from "./generated/root.ts";
// `renderHelp` (./help.ts) is deliberately not exported: a static re-export here would put the help
// renderer into every command's start-up; `parseArgs` and `renderHelpCommand` load it on demand.
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
