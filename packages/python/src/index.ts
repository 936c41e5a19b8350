export {
  type DiscoveryOptions,
  type EnvironmentPreference,
  executableNames,
  findAllPythonInstallations,
  findPythonInstallation,
  isVirtualenvBase,
  PythonDiscoveryError,
  type PythonInstallation,
  PythonNotFoundError,
  type PythonPreference,
  type PythonSource,
  virtualenvFromWorkingDir,
  virtualenvPythonExecutable,
} from "./discovery.ts";
export {
  InterpreterQueryError,
  InvalidVersionRequestError,
  LatestVersionRequestError,
} from "./errors.ts";
export {
  ALL_IMPLEMENTATIONS,
  type ImplementationName,
  parseImplementation,
  prettyImplementation,
} from "./implementation.ts";
export { Interpreter } from "./interpreter.ts";
export type {
  InterpreterInfo,
  MarkerEnvironmentData,
  OsData,
  SchemeData,
} from "./interpreter-info.ts";
export {
  DEFAULT_PYTHON_REQUEST,
  formatPythonRequest,
  type PythonRequest,
  parsePythonRequest,
  pythonRequestIncludesPatch,
} from "./python-request.ts";
export {
  type PythonVariant,
  parseVariant,
  variantDisplaySuffix,
  variantExecutableSuffix,
} from "./python-variant.ts";
export { compareVersions, type Prerelease, PythonVersion } from "./python-version.ts";
export {
  INTERPRETER_CACHE_BUCKET,
  interpreterCachePath,
  type QueryOptions,
  queryInterpreter,
} from "./query-interpreter.ts";
export { RequiresPython, tildeRequiresPythonWarning } from "./requires-python.ts";
export {
  discoverVersionFile,
  PYTHON_VERSION_FILENAME,
  PYTHON_VERSIONS_FILENAME,
  type PythonVersionFile,
  userConfigDir,
  type VersionFileOptions,
} from "./version-files.ts";
export {
  checkVersionRequestSupported,
  formatVersionRequest,
  parseVersionRequest,
  type VersionRequest,
  versionRequestFromSpecifiers,
  versionRequestMatches,
} from "./version-request.ts";
