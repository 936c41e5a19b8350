import { ExtractError } from "./extract-error.ts";

/** A member name split into safe components, plus whether it names a directory. */
export interface MemberPath {
  /** Non-empty components, none of them `.`, `..` or containing `/` or `\`. */
  readonly components: readonly string[];
  /** `components.join("/")`: the path relative to the destination, with `/` separators. */
  readonly path: string;
  /** The name ended in `/`. */
  readonly isDirectory: boolean;
}

const CONTROL = /\p{C}/gu;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Rejects names other archive readers might handle differently: empty names and names with any
 * Unicode control, format, surrogate or unassigned character (uv's rule, GHSA-pqhf-p39g-3x64).
 */
export function validateMemberName(name: string): void {
  if (name.length === 0) {
    throw new ExtractError(
      "extract.empty-filename",
      "Archive contains a file with an empty filename",
    );
  }
  CONTROL.lastIndex = 0;
  if (CONTROL.test(name)) {
    throw new ExtractError(
      "extract.unacceptable-filename",
      `Archive contains unacceptable filename: ${name.replace(CONTROL, "\u{FFFD}")}`,
    );
  }
}

function unsafe(name: string, reason: string): ExtractError {
  return new ExtractError(
    "extract.unsafe-path",
    `Archive member \`${name}\` has an unsafe path (${reason})`,
  );
}

/**
 * Parses an archive member name into destination-relative components, rejecting anything that
 * could land outside the destination or mean different things on different OSes: absolute paths,
 * `..`, backslashes (`a\..\x`, `C:\x`, `\\?\C:\x`), drive prefixes (`C:x`), and empty or `.`
 * components. uv skips such members with a warning; uv-ts refuses the whole archive, because a
 * wheel that needs them is malformed and skipping silently changes what gets installed.
 *
 * `leadingDot` allows a leading `./` (common in tarballs made with `tar -C dir .`).
 */
export function parseMemberPath(name: string, options: { leadingDot?: boolean } = {}): MemberPath {
  validateMemberName(name);
  if (name.includes("\\")) throw unsafe(name, "backslash");
  if (name.startsWith("/")) throw unsafe(name, "absolute path");
  if (/^[A-Za-z]:/.test(name)) throw unsafe(name, "drive prefix");
  // NTFS would treat `a:b` as an alternate data stream; only Windows can misread it.
  if (process.platform === "win32" && name.includes(":")) throw unsafe(name, "colon");
  const isDirectory = name.endsWith("/");
  const raw = (isDirectory ? name.slice(0, -1) : name).split("/");
  let start = 0;
  if (options.leadingDot === true) {
    while (start < raw.length - 1 && raw[start] === ".") start += 1;
  }
  const components = start === 0 ? raw : raw.slice(start);
  for (const component of components) {
    if (component === "..") throw unsafe(name, "parent directory reference");
    if (component === "" || component === ".") throw unsafe(name, "empty or `.` component");
  }
  // Nothing stripped: joining the pieces again gives back the name (less a trailing `/`).
  const path = start > 0 ? components.join("/") : isDirectory ? name.slice(0, -1) : name;
  return { components, path, isDirectory };
}

/**
 * The key under which two names count as the same file on some filesystem: Unicode NFC (macOS
 * normalises), then case-folded (Windows and macOS are case-insensitive; `toUpperCase` first so
 * `ß` meets `ss`, CVE-2026-23950).
 */
export function collisionKey(path: string): string {
  // ASCII is its own NFC form and folds within ASCII: the same key, without four passes.
  if (ASCII.test(path)) return path.toLowerCase();
  return path.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

/** What an archive path turned out to be, as far as {@link PathModel} knows. */
export type PathKind = "file" | "directory" | "symlink";

/** The outcome of {@link PathModel.claim}. */
export type ClaimResult = "new" | "existing-directory" | "duplicate-file";

/**
 * Everything an extraction has placed in its (initially empty) staging directory, keyed both by
 * exact path and by {@link collisionKey}. It makes the result independent of the filesystem:
 * `Foo.py` and `foo.py`, or NFC and NFD spellings, are refused on every OS rather than colliding
 * only on some, and nothing is ever written through a symlink the archive created.
 */
export class PathModel {
  readonly #kinds = new Map<string, PathKind>();
  readonly #byKey = new Map<string, string>();
  readonly #symlinks = new Map<string, string>();
  /** The parent of the last path claimed: a directory, and usually the next path's parent too. */
  #lastParent = "";

  /** The kind recorded at `path`, looked up case- and normalisation-insensitively. */
  kindOf(path: string): PathKind | undefined {
    const exact = this.#byKey.get(collisionKey(path));
    return exact === undefined ? undefined : this.#kinds.get(exact);
  }

  /** The target of the symlink at `path` (looked up like {@link kindOf}), if there is one. */
  symlinkTarget(path: string): string | undefined {
    const exact = this.#byKey.get(collisionKey(path));
    return exact === undefined ? undefined : this.#symlinks.get(exact);
  }

  /** Every symlink recorded so far, as `[path, target]`. */
  symlinks(): IterableIterator<[string, string]> {
    return this.#symlinks.entries();
  }

  #checkSpelling(path: string): string | undefined {
    const key = collisionKey(path);
    const existing = this.#byKey.get(key);
    if (existing !== undefined && existing !== path) {
      throw new ExtractError(
        "extract.path-collision",
        `Archive contains paths that differ only in case or Unicode normalization: \`${existing}\` and \`${path}\``,
      );
    }
    if (existing === undefined) this.#byKey.set(key, path);
    return existing;
  }

  /** Checks that the parents of `member` (the nearest ends at `parentEnd`) are plain directories. */
  #claimParents(member: MemberPath, parentEnd: number): void {
    const { path } = member;
    // The parents are the prefixes of `path` ending before each `/` (components hold none). Those
    // of a directory already recorded were all checked when it was: start below the deepest one.
    const ends: number[] = [];
    for (let end = parentEnd; end > 0; end = path.lastIndexOf("/", end - 1)) {
      if (this.#kinds.get(path.slice(0, end)) === "directory") break;
      ends.push(end);
    }
    for (let i = ends.length - 1; i >= 0; i--) {
      const parent = path.slice(0, ends[i]);
      const existing = this.#checkSpelling(parent);
      const parentKind = existing === undefined ? undefined : this.#kinds.get(parent);
      if (parentKind === "symlink") {
        throw new ExtractError(
          "extract.write-through-link",
          `Archive member \`${member.path}\` would be written through the symbolic link \`${parent}\``,
        );
      }
      if (parentKind === "file") {
        throw new ExtractError(
          "extract.path-conflict",
          `Archive contains \`${parent}\` as both a file and a directory`,
        );
      }
      if (parentKind === undefined) this.#kinds.set(parent, "directory");
    }
  }

  /**
   * Records that `member` will be created as `kind`, after checking its parents are (or become)
   * plain directories. Returns whether the path is new, a repeated directory, or a repeated file
   * (which the caller must prove identical).
   */
  claim(member: MemberPath, kind: PathKind, target?: string): ClaimResult {
    const { path } = member;
    const parentEnd = path.lastIndexOf("/");
    // Archives list members directory by directory: a parent just checked needs no look-up (a
    // path recorded as a directory stays one).
    const last = this.#lastParent;
    if (parentEnd > 0 && (parentEnd !== last.length || !path.startsWith(last))) {
      this.#claimParents(member, parentEnd);
      this.#lastParent = path.slice(0, parentEnd);
    }
    const existing = this.#checkSpelling(path);
    const previous = existing === undefined ? undefined : this.#kinds.get(path);
    if (previous === undefined) {
      this.#kinds.set(path, kind);
      if (kind === "symlink" && target !== undefined) this.#symlinks.set(path, target);
      return "new";
    }
    if (previous === "directory" && kind === "directory") return "existing-directory";
    if (previous === "file" && kind === "file") return "duplicate-file";
    throw new ExtractError(
      "extract.path-conflict",
      previous === "symlink" || kind === "symlink"
        ? `Archive contains multiple entries for the symbolic link \`${path}\``
        : `Archive contains \`${path}\` as both a file and a directory`,
    );
  }
}
