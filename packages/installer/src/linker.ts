import { randomUUID } from "node:crypto";
import { constants, copyFileSync, linkSync, renameSync, symlinkSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UvError } from "@uv-ts/error";
import {
  HARDLINK_FALLBACK_WARNING,
  type LinkMode,
  type LinkOperations,
  SYMLINK_FALLBACK_WARNING,
} from "@uv-ts/fs";

/** The real file operations of each link mode (also what the prelinker links with). */
export const NODE_OPERATIONS: LinkOperations = {
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

/** A random hex id for a temporary name (`randomUUID` draws from a pooled entropy buffer). */
export function tempId(): string {
  return randomUUID().replaceAll("-", "").slice(0, 12);
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
  readonly #native: boolean;
  /** The proven mode's operation, for the common case of a file that does not exist yet. */
  #fast: ((src: string, dst: string) => void) | undefined;

  constructor(mode: LinkMode, options: LinkerOptions = {}) {
    this.#mode = mode;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#ops = { ...NODE_OPERATIONS, ...options.operations };
    this.#native = options.operations === undefined;
  }

  /** The mode in effect now (after any fallback). */
  get mode(): LinkMode {
    return this.#mode;
  }

  /**
   * The mode another thread may link with on this linker's behalf (see `LinkWorker`): once
   * a file has proven it, and only with the real file operations.
   */
  get delegableMode(): LinkMode | undefined {
    return this.#proven && this.#native ? this.#mode : undefined;
  }

  /** Links `src` to `dst`; the parent of `dst` must exist. */
  link(src: string, dst: string): void {
    const fast = this.#fast;
    if (fast !== undefined) {
      try {
        fast(src, dst);
        return;
      } catch (error) {
        if (errnoOf(error) !== "EEXIST") throw this.failure(src, dst, error);
      }
    }
    for (;;) {
      try {
        this.#replacing(dst, (to) => this.#once(src, to));
        this.#proven = true;
        if (this.#native) this.#fast = this.#ops[this.#mode];
        return;
      } catch (error) {
        if (this.#proven || this.#mode === "copy" || errnoOf(error) === "ENOENT") {
          throw this.failure(src, dst, error);
        }
        this.#fallBack();
      }
    }
  }

  /** The error {@link link} throws when the proven mode fails for `src` (`cause`). */
  failure(src: string, dst: string, cause: unknown): UvError {
    return new UvError(
      "installer.link",
      `Failed to ${this.#mode === "clone" ? "clone" : this.#mode} \`${src}\` to \`${dst}\``,
      { cause },
    );
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
    const temp = join(dirname(dst), `.${basename(dst)}.${tempId()}.tmp`);
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
