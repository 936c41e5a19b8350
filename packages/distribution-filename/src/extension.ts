import { UvError } from "@uv-ts/error";

/**
 * The extension of a source distribution, without the leading dot. `tar.gz` is the PEP 625
 * format; `zip` is still accepted for compatibility; the rest are legacy formats.
 */
export type SourceDistExtension =
  | "tar.gz"
  | "zip"
  | "tar"
  | "tar.bz2"
  | "tar.lz"
  | "tar.lzma"
  | "tar.xz"
  | "tar.zst"
  | "tbz"
  | "tgz"
  | "tlz"
  | "txz";

/** A distribution archive's extension: `whl` or a source distribution one. */
export type DistExtension = "whl" | SourceDistExtension;

const DIST_LIST =
  "`.whl`, `.tar.gz`, `.zip`, `.tar.bz2`, `.tar.lz`, `.tar.lzma`, `.tar.xz`, `.tar.zst`, `.tar`, `.tbz`, `.tgz`, `.tlz`, or `.txz`";
const SOURCE_DIST_LIST =
  "`.tar.gz`, `.zip`, `.tar.bz2`, `.tar.lz`, `.tar.lzma`, `.tar.xz`, `.tar.zst`, `.tar`, `.tbz`, `.tgz`, `.tlz`, or `.txz`";

/** The path does not end in a distribution extension; the message lists the accepted ones. */
export class ExtensionError extends UvError {
  /** `dist` when wheels were accepted too, `source-dist` otherwise. */
  readonly kind: "dist" | "source-dist";

  constructor(kind: "dist" | "source-dist") {
    super(
      "distribution-filename.invalid-extension",
      kind === "dist" ? DIST_LIST : SOURCE_DIST_LIST,
    );
    this.kind = kind;
  }
}

/** The last component of a `/`-separated path, as Rust's `Path::file_name` (none for `..`). */
function fileName(path: string): string | undefined {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  const name = path.slice(path.lastIndexOf("/", end - 1) + 1, end);
  if (name === "" || name === "." || name === "..") return undefined;
  return name;
}

/** Splits a file name as Rust's `Path::file_stem`/`extension`: a leading dot is not a separator. */
function splitExtension(name: string): { stem: string; extension: string | undefined } {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return { stem: name, extension: undefined };
  return { stem: name.slice(0, dot), extension: name.slice(dot + 1) };
}

/** The extension of a path's file name (the text after its last dot), if any. */
export function pathExtension(path: string): string | undefined {
  const name = fileName(path);
  return name === undefined ? undefined : splitExtension(name).extension;
}

/** Whether the last `/`-separated segment of `path` is longer than `suffix` and ends with it. */
function nameEndsWith(path: string, suffix: string): boolean {
  return path.endsWith(suffix) && path.length - path.lastIndexOf("/") - 1 > suffix.length;
}

/** The source distribution extension of a path, or `undefined` (no error is built). */
export function trySourceDistExtensionFromPath(path: string): SourceDistExtension | undefined {
  if (nameEndsWith(path, ".tar.gz")) return "tar.gz";
  const name = fileName(path);
  if (name === undefined) return undefined;
  const { stem, extension } = splitExtension(name);
  switch (extension) {
    case "zip":
    case "tar":
    case "tgz":
    case "tbz":
    case "txz":
    case "tlz":
      return extension;
    case "gz":
    case "bz2":
    case "xz":
    case "lz":
    case "lzma":
    case "zst":
      // `.tar.<compression>`: the inner extension may be any case, as uv allows.
      if (splitExtension(stem).extension?.toLowerCase() === "tar") return `tar.${extension}`;
  }
  return undefined;
}

/** The source distribution extension of a path; throws {@link ExtensionError}. */
export function sourceDistExtensionFromPath(path: string): SourceDistExtension {
  const extension = trySourceDistExtensionFromPath(path);
  if (extension === undefined) throw new ExtensionError("source-dist");
  return extension;
}

/** The distribution extension of a path (`whl` or a source one), or `undefined`. */
export function tryDistExtensionFromPath(path: string): DistExtension | undefined {
  // The two extensions of nearly every file on an index, without splitting the path.
  if (nameEndsWith(path, ".whl")) return "whl";
  if (nameEndsWith(path, ".tar.gz")) return "tar.gz";
  const extension = pathExtension(path);
  if (extension === undefined) return undefined;
  if (extension === "whl") return "whl";
  return trySourceDistExtensionFromPath(path);
}

/** The distribution extension of a path (`whl` or a source one); throws {@link ExtensionError}. */
export function distExtensionFromPath(path: string): DistExtension {
  const extension = tryDistExtensionFromPath(path);
  // Report the wider list: wheels were acceptable here too.
  if (extension === undefined) throw new ExtensionError("dist");
  return extension;
}

/** Whether PEP 625 allows the extension for new uploads (`tar.gz`, and `zip` for compatibility). */
export function isPep625Compliant(extension: SourceDistExtension): boolean {
  return extension === "tar.gz" || extension === "zip";
}
