export type { CommandContext, CommandRun } from "./context.ts";
export { type CommandTable, type Io, main } from "./main.ts";
export {
  defaultCacheDir,
  envBool,
  type GlobalSettings,
  resolveGlobalSettings,
} from "./settings.ts";
export {
  BULK_INTERRUPT_BUDGET,
  NO_TUNING,
  type ProcessTuning,
  type V8TuningOptions,
  v8Tuning,
} from "./tuning.ts";
export { VERSION } from "./version.ts";
