import { basename } from "node:path";
import type { ImplementationName } from "./implementation.ts";
import { parseImplementation, prettyImplementation } from "./implementation.ts";
import type { InterpreterInfo, MarkerEnvironmentData, SchemeData } from "./interpreter-info.ts";
import type { PythonVariant } from "./python-variant.ts";
import { variantDisplaySuffix } from "./python-variant.ts";
import { PythonVersion } from "./python-version.ts";

/**
 * A queried Python interpreter: the facts the query script reported, plus the path it was found
 * at (which may be a symlink or a shim, unlike `sysExecutable`). Immutable.
 */
export class Interpreter {
  /** The path that was queried, as discovery found it (`real_executable` in uv). */
  readonly path: string;
  readonly info: InterpreterInfo;
  readonly version: PythonVersion;

  constructor(path: string, info: InterpreterInfo) {
    this.path = path;
    this.info = info;
    const version = PythonVersion.parse(info.markers.python_full_version);
    this.version = version ?? new PythonVersion([0]);
  }

  get markers(): MarkerEnvironmentData {
    return this.info.markers;
  }

  get sysExecutable(): string {
    return this.info.sys_executable;
  }

  get sysPrefix(): string {
    return this.info.sys_prefix;
  }

  get sysBasePrefix(): string {
    return this.info.sys_base_prefix;
  }

  get sysBaseExecutable(): string | undefined {
    return this.info.sys_base_executable ?? undefined;
  }

  /** The interpreter's own install scheme (absolute paths). */
  get scheme(): SchemeData {
    return this.info.scheme;
  }

  /** The layout of a virtual environment made from this interpreter (root-relative paths). */
  get virtualenvScheme(): SchemeData {
    return this.info.virtualenv;
  }

  get isVirtualenv(): boolean {
    return this.info.is_virtualenv;
  }

  get gilDisabled(): boolean {
    return this.info.gil_disabled;
  }

  get debugEnabled(): boolean {
    return this.info.debug_enabled;
  }

  get pointerSize(): 32 | 64 {
    return this.info.pointer_size;
  }

  get major(): number {
    return this.version.major;
  }

  get minor(): number {
    return this.version.minor;
  }

  get patch(): number {
    return this.version.patch;
  }

  /** `cpython`, `pypy`, ...; `undefined` for an implementation uv does not know. */
  get implementation(): ImplementationName | undefined {
    return parseImplementation(this.info.markers.implementation_name);
  }

  /** `CPython`, as in `Using CPython 3.12.1 interpreter at: ...`. */
  get implementationPretty(): string {
    const implementation = this.implementation;
    return implementation === undefined
      ? this.info.markers.implementation_name
      : prettyImplementation(implementation);
  }

  get variant(): PythonVariant {
    if (this.gilDisabled && this.debugEnabled) return "freethreaded+debug";
    if (this.gilDisabled) return "freethreaded";
    if (this.debugEnabled) return "debug";
    return "default";
  }

  /** The installation key uv lists: `cpython-3.12.1-linux-x86_64-gnu`. */
  get key(): string {
    const os = this.info.platform.os.name;
    const osName =
      os === "manylinux" || os === "musllinux" ? "linux" : os === "macos" ? "macos" : os;
    const libc = os === "manylinux" ? "gnu" : os === "musllinux" ? "musl" : "none";
    return `${this.info.markers.implementation_name}-${this.version.toString()}${variantDisplaySuffix(this.variant)}-${osName}-${this.info.platform.arch}-${libc}`;
  }

  /** Whether `sys.executable` is called `python` or `python3` (a default name on `PATH`). */
  get hasDefaultExecutableName(): boolean {
    const name = basename(this.sysExecutable);
    return name === "python" || name === "python3";
  }

  /** The executable a new venv should point at: `sys._base_executable`, else `sys.executable`. */
  get baseExecutable(): string {
    return this.info.sys_base_executable ?? this.info.sys_executable;
  }
}
