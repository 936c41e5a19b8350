/**
 * Where an environment's files go, in the shape of Python's `sysconfig` install scheme. Callers
 * map an interpreter's paths into it (uv's `Layout`); nothing here runs Python.
 */
export interface Scheme {
  /** Pure-Python site-packages. */
  readonly purelib: string;
  /** Platform-specific site-packages (the same directory in a venv). */
  readonly platlib: string;
  /** Executables: `<venv>/bin`. */
  readonly scripts: string;
  /** Data files (`.data/data`): the environment root. */
  readonly data: string;
  /** Headers (`.data/headers`) land in `<include>/<package name>`. */
  readonly include: string;
}

/** The target environment of an install or uninstall. */
export interface Layout {
  /** The interpreter as `sys.executable` reports it; written into script shebangs. */
  readonly sysExecutable: string;
  /** `sys.version_info[:2]`; the minor version names the extra `pip3.X` script. */
  readonly pythonVersion: readonly [major: number, minor: number];
  /** `os.name`; only `posix` is supported for now. */
  readonly osName: "posix";
  readonly scheme: Scheme;
}
