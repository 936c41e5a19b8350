import { UvError } from "@uv-ts/error";

/** The target exists and is not empty, and neither `--clear` nor `--allow-existing` was given. */
export class VenvExistsError extends UvError {
  constructor(name: "virtual environment" | "directory", display: string) {
    super("virtualenv.exists", `A ${name} already exists at: ${display}`, {
      hint: `Use the \`--clear\` flag or set \`UV_VENV_CLEAR=1\` to replace the existing ${name}`,
    });
  }
}

/** `--clear` on a directory that is not a virtual environment, without `--force`. */
export class ClearNonVirtualenvError extends UvError {
  constructor() {
    super(
      "virtualenv.clear-non-virtualenv",
      "uv will not clear a directory that is not a virtual environment",
      { hint: "Use the `--force` flag to remove the existing directory anyway" },
    );
  }
}

/** The target is a file (or another non-directory). */
export class VenvPathIsFileError extends UvError {
  constructor(display: string, kind: "File" | "Object") {
    super("virtualenv.path-is-file", `${kind} exists at \`${display}\``);
  }
}

const OS_MESSAGES: Record<string, [string, number]> = {
  EACCES: ["Permission denied", 13],
  EPERM: ["Operation not permitted", 1],
  ENOENT: ["No such file or directory", 2],
  EEXIST: ["File exists", 17],
  ENOTDIR: ["Not a directory", 20],
  EISDIR: ["Is a directory", 21],
  EROFS: ["Read-only file system", 30],
  ENOSPC: ["No space left on device", 28],
  ENAMETOOLONG: ["File name too long", 36],
  ELOOP: ["Too many levels of symbolic links", 40],
};

/** A filesystem failure while creating the environment, worded as uv words I/O errors. */
export class VenvIoError extends UvError {
  constructor(action: string, path: string, error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const known = OS_MESSAGES[code];
    const detail =
      known === undefined
        ? String((error as Error).message ?? error)
        : `${known[0]} (os error ${known[1]})`;
    super("virtualenv.io", `Failed to ${action} \`${path}\`: ${detail}`);
  }
}
