import { randomBytes } from "node:crypto";
import {
  constants,
  copyFileSync,
  type Dirent,
  linkSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UvError } from "@uv-ts/error";

/**
 * How files get from the cache into an environment, as uv's `--link-mode`: `clone` (copy-on-write
 * reflink), `copy`, `hardlink` or `symlink`.
 */
export type LinkMode = "clone" | "copy" | "hardlink" | "symlink";

/** Every {@link LinkMode}, in the order uv lists them. */
export const LINK_MODES: readonly LinkMode[] = ["clone", "copy", "hardlink", "symlink"];

/** uv's warning when hardlinking fails and files are copied instead (printed once per run). */
export const HARDLINK_FALLBACK_WARNING =
  "Failed to hardlink files; falling back to full copy. This may lead to degraded performance.\n" +
  "         If the cache and target directories are on different filesystems, hardlinking may not be supported.\n" +
  "         If this is intentional, set `export UV_LINK_MODE=copy` or use `--link-mode=copy` to suppress this warning.";

/** uv's warning when symlinking fails and files are copied instead (printed once per run). */
export const SYMLINK_FALLBACK_WARNING =
  "Failed to symlink files; falling back to full copy. This may lead to degraded performance.\n" +
  "         If the cache and target directories are on different filesystems, symlinking may not be supported.\n" +
  "         If this is intentional, set `export UV_LINK_MODE=copy` or use `--link-mode=copy` to suppress this warning.";

/** Parses a `--link-mode` / `UV_LINK_MODE` value (`reflink` is uv's alias for `clone`). */
export function parseLinkMode(value: string): LinkMode | undefined {
  if (value === "reflink") return "clone";
  return (LINK_MODES as readonly string[]).includes(value) ? (value as LinkMode) : undefined;
}

/** uv's default: `clone` on macOS and Linux (falling back to hardlinks), `hardlink` elsewhere. */
export function defaultLinkMode(platform: NodeJS.Platform = process.platform): LinkMode {
  return platform === "linux" || platform === "darwin" ? "clone" : "hardlink";
}

/**
 * The primitive file operations {@link linkTree} uses; tests replace one to force a fallback
 * (an `EXDEV` from `hardlink`, say) on a filesystem where it would otherwise work.
 */
export interface LinkOperations {
  clone(src: string, dst: string): void;
  hardlink(src: string, dst: string): void;
  symlink(src: string, dst: string): void;
  copy(src: string, dst: string): void;
}

const NODE_OPERATIONS: LinkOperations = {
  // FICLONE_FORCE fails (ENOTSUP, EXDEV, EINVAL) rather than silently copying, so that the
  // fallback chain, not libuv, decides what happens next. EXCL keeps it from overwriting.
  clone: (src, dst) =>
    copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL),
  hardlink: (src, dst) => linkSync(src, dst),
  symlink: (src, dst) => symlinkSync(src, dst),
  copy: (src, dst) => copyFileSync(src, dst, constants.COPYFILE_EXCL),
};

/** Options for {@link linkTree}. */
export interface LinkTreeOptions {
  /** The mode to start with; failures step down clone → hardlink → copy, symlink → copy. */
  readonly mode: LinkMode;
  /**
   * Files (by path relative to the source root, `/`-separated) that must be real copies because
   * they will be modified after linking, e.g. a wheel's `RECORD`. Applies to hardlink and symlink.
   */
  readonly needsMutableCopy?: (relativePath: string) => boolean;
  /**
   * Receives uv's fallback warning text (without the `warning: ` prefix). uv shows each warning
   * once per run: pass the same deduplicating callback (see {@link onceWarner}) to every call.
   */
  readonly warn?: (message: string) => void;
  /**
   * `fail` (default): a file already at the destination is an error. `merge`: it is replaced
   * atomically (linked or copied beside it, then renamed over it).
   */
  readonly onExisting?: "fail" | "merge";
  /** Replaces the real file operations (tests). */
  readonly operations?: Partial<LinkOperations>;
}

/** Linking a tree failed for a reason no fallback covers. */
export class LinkError extends UvError {
  constructor(message: string, cause: unknown) {
    super("fs.link", message, { cause });
  }
}

/** Wraps `print` so that each distinct message is passed on only the first time. */
export function onceWarner(print: (message: string) => void): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    print(message);
  };
}

const EXISTS = "EEXIST";

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Links every file under `src` into `dst` (directories are created), synchronously because a
 * tight synchronous loop is the fastest way to issue many small filesystem calls from Node.
 *
 * As uv's `link_dir`: the first file probes the mode; if it fails, the next mode in the chain is
 * tried (with uv's warning when leaving hardlink or symlink), and the working mode is kept for
 * the rest of the tree. Any failure of the first file steps down (uv does the same: `EXDEV`,
 * `ENOTSUP`, `EPERM`, `EMLINK` all mean "not here"); once a mode has worked, a later failure is an
 * error, and so is a destination that already exists unless `onExisting` is `merge` (uv would
 * warn and overwrite it with a copy). Symlinks inside `src` are recreated as symlinks. Returns the
 * mode that was finally used.
 */
export function linkTree(src: string, dst: string, options: LinkTreeOptions): LinkMode {
  const ops: LinkOperations = { ...NODE_OPERATIONS, ...options.operations };
  const merge = options.onExisting === "merge";
  const needsCopy = options.needsMutableCopy;
  let mode = options.mode;
  let proven = false;

  const step = (from: LinkMode): LinkMode => {
    if (from === "hardlink") options.warn?.(HARDLINK_FALLBACK_WARNING);
    if (from === "symlink") options.warn?.(SYMLINK_FALLBACK_WARNING);
    return from === "clone" ? "hardlink" : "copy";
  };

  // Places one file with `op`, replacing an existing destination atomically in merge mode.
  const place = (op: (s: string, d: string) => void, from: string, to: string): void => {
    try {
      op(from, to);
    } catch (error) {
      if (!merge || codeOf(error) !== EXISTS) throw error;
      const temp = join(dirname(to), `.${basename(to)}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        op(from, temp);
        renameSync(temp, to);
      } catch (inner) {
        rmSync(temp, { force: true });
        throw inner;
      }
    }
  };

  const opFor = (m: LinkMode): ((s: string, d: string) => void) => ops[m];

  const linkFile = (from: string, to: string, relative: string): void => {
    if ((mode === "hardlink" || mode === "symlink") && needsCopy?.(relative)) {
      place(ops.copy, from, to);
      return;
    }
    for (;;) {
      try {
        place(opFor(mode), from, to);
        proven = true;
        return;
      } catch (error) {
        if (mode === "copy" || proven || (!merge && codeOf(error) === EXISTS)) {
          throw new LinkError(`Failed to ${verb(mode)} \`${from}\` to \`${to}\``, error);
        }
        mode = step(mode);
        if ((mode === "hardlink" || mode === "symlink") && needsCopy?.(relative)) {
          place(ops.copy, from, to);
          return;
        }
      }
    }
  };

  const walk = (from: string, to: string, relative: string): void => {
    try {
      mkdirSync(to, { recursive: true });
    } catch (error) {
      throw new LinkError(`Failed to create directory \`${to}\``, error);
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(from, { withFileTypes: true });
    } catch (error) {
      throw new LinkError(`Failed to read directory \`${from}\``, error);
    }
    for (const entry of entries) {
      const childFrom = join(from, entry.name);
      const childTo = join(to, entry.name);
      const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(childFrom, childTo, childRelative);
      } else if (entry.isSymbolicLink()) {
        try {
          place((_, d) => symlinkSync(readlinkSync(childFrom), d), childFrom, childTo);
        } catch (error) {
          throw new LinkError(`Failed to create symlink \`${childTo}\``, error);
        }
      } else {
        linkFile(childFrom, childTo, childRelative);
      }
    }
  };

  // Symlinks are made to absolute targets, so they must not depend on the cwd.
  walk(resolve(src), dst, "");
  return mode;
}

function verb(mode: LinkMode): string {
  switch (mode) {
    case "clone":
      return "clone";
    case "hardlink":
      return "hard link";
    case "symlink":
      return "symlink";
    case "copy":
      return "copy";
  }
}
