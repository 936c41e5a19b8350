export {
  type CreateVenvOptions,
  createVenv,
  type OnExisting,
  type Prompt,
  promptFromArg,
  type VirtualEnvironment,
} from "./create-venv.ts";
export {
  ClearNonVirtualenvError,
  VenvExistsError,
  VenvIoError,
  VenvPathIsFileError,
} from "./errors.ts";
export { type PyvenvCfg, parsePyvenvCfg, renderPyvenvCfg } from "./pyvenv-cfg.ts";
export {
  type ActivatorContext,
  escapePosixForSingleQuotes,
  renderActivators,
} from "./render-activators.ts";
