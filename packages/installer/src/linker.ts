import { randomBytes } from "node:crypto";
import { constants, copyFileSync, linkSync, renameSync, symlinkSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UvError } from "@uv-ts/error";
import {
  HARDLINK_FALLBACK_WARNING,
  type LinkMode,
  type LinkOperations,
  SYMLINK_FALLBACK_WARNING,
} from "@uv-ts/fs";

const NODE_OPERATIONS: LinkOperations = {
  // FICLONE_FORCE fails instead of silently copying, so the fallback chain decides.
  clone: (src, dst) =>
    copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL),
  hardlink: (src, dst) => linkSync(src, dst),
  symlink: (src, dst) => symlinkSync(src, dst),
  copy: (src, dst) => copyFileSync(src, dst, constants.COPYFILE_EXCL),
};

/** Options of {@link Linker}. */
export interface LinkerOptions {
  /** Receives uv's fallback warning (without `warning: `), once per linker. */
  readonly onWarning?: (message: string) => void;
  /** Replaces the real file operations (tests force a fallback with it). */
  readonly operations?: Partial<LinkOperations>;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Links single files with a link mode and uv's fallback chain (clone → hardlink → copy, symlink →
 * copy). The first file probes the mode; once a mode has worked, a later failure is an error
 * rather than a silent downgrade. Share one linker across the wheels of an install so the
 * fallback warning is printed once, as uv's `warn_user_once!` does.
 *
 * A target that already exists is replaced through a temporary sibling and a rename, never
 * written in place: the existing file may be a hard link into the cache.
 *
 * `linkTree` of `@uv-ts/fs` does the same for whole directories; the installer needs single
 * files (the archive root minus `.dist-info` and `.data`, scripts that may need a copy).
 */
export class Linker {
  #mode: LinkMode;
  #proven = false;
  readonly #warned = new Set<string>();
  readonly #onWarning: (message: string) => void;
  readonly #ops: LinkOperations;

  constructor(mode: LinkMode, options: LinkerOptions = {}) {
    this.#mode = mode;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#ops = { ...NODE_OPERATIONS, ...options.operations };
  }

  /** The mode in effect now (after any fallback). */
  get mode(): LinkMode {
    return this.#mode;
  }

  /** Links `src` to `dst`; the parent of `dst` must exist. */
  link(src: string, dst: string): void {
    for (;;) {
      try {
        this.#replacing(dst, (to) => this.#once(src, to));
        this.#proven = true;
        return;
      } catch (error) {
        if (this.#proven || this.#mode === "copy" || errnoOf(error) === "ENOENT") {
          throw new UvError(
            "installer.link",
            `Failed to ${this.#mode === "clone" ? "clone" : this.#mode} \`${src}\` to \`${dst}\``,
            { cause: error },
          );
        }
        this.#fallBack();
      }
    }
  }

  /** Copies `src` to `dst` whatever the mode, for files that will be modified. */
  copy(src: string, dst: string): void {
    this.#replacing(dst, (to) => this.#ops.copy(src, to));
  }

  #once(src: string, dst: string): void {
    this.#ops[this.#mode](src, dst);
  }

  #fallBack(): void {
    switch (this.#mode) {
      case "clone":
        // uv falls back from clone silently: most filesystems cannot reflink.
        this.#mode = "hardlink";
        return;
      case "hardlink":
      case "symlink":
        this.#warnOnce(
          this.#mode === "hardlink" ? HARDLINK_FALLBACK_WARNING : SYMLINK_FALLBACK_WARNING,
        );
        this.#mode = "copy";
        return;
      case "copy":
        return;
    }
  }

  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#onWarning(message);
  }

  #replacing(dst: string, create: (path: string) => void): void {
    try {
      create(dst);
      return;
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
    }
    const temp = join(dirname(dst), `.${basename(dst)}.${randomBytes(6).toString("hex")}.tmp`);
    create(temp);
    try {
      renameSync(temp, dst);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // The rename error is the one worth reporting.
      }
      throw error;
    }
  }
}
