export type { CommandContext, CommandRun } from "./context.ts";
export { type CommandTable, type Io, main } from "./main.ts";
export {
  defaultCacheDir,
  envBool,
  type GlobalSettings,
  resolveGlobalSettings,
} from "./settings.ts";
export { VERSION } from "./version.ts";
