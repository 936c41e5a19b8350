import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type DistExtension,
  distExtensionFromPath,
  ExtensionError,
  pathExtension,
} from "@uv-ts/distribution-filename";
import { UvError } from "@uv-ts/error";

/**
 * What a direct reference points at, as uv classifies it: a local file or directory, a Git
 * repository (its root or a subdirectory, or an archive inside it), or a remote archive.
 */
export type ParsedUrl =
  | {
      readonly kind: "path";
      readonly url: URL;
      /** The absolute path of the archive. */
      readonly installPath: string;
      readonly ext: DistExtension;
    }
  | {
      readonly kind: "directory";
      readonly url: URL;
      /** The absolute path of the source tree. */
      readonly installPath: string;
      /** `true` for `-e` lines; building editables is a later issue. */
      readonly editable: boolean;
    }
  | {
      readonly kind: "git-directory";
      /** The repository URL without `git+`, the revision, query and fragment. */
      readonly repository: URL;
      /** The revision after the last `@` in the path, percent-decoded. */
      readonly reference: string | undefined;
      /** The `#subdirectory=` fragment. */
      readonly subdirectory: string | undefined;
    }
  | {
      readonly kind: "git-path";
      readonly repository: URL;
      readonly reference: string | undefined;
      /** The `#path=` fragment: an archive inside the repository. */
      readonly installPath: string;
      readonly ext: DistExtension;
    }
  | {
      readonly kind: "archive";
      /** The archive URL without its fragment. */
      readonly url: URL;
      readonly subdirectory: string | undefined;
      readonly ext: DistExtension;
    };

/** A direct reference that uv cannot use; the message is uv's. */
export class ParsedUrlError extends UvError {
  constructor(message: string) {
    // No cause: uv shows this message alone under the requirement's carets.
    super("requirements-txt.invalid-direct-url", message);
  }
}

/** Whether `path` is a directory, or `undefined` when it cannot be stat'ed. */
function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory();
  } catch {
    return undefined;
  }
}

function fragmentParam(url: URL, key: string): string | undefined {
  const fragment = url.hash.startsWith("#") ? url.hash.slice(1) : url.hash;
  if (fragment === "") return undefined;
  for (const part of fragment.split("&")) {
    if (part.startsWith(`${key}=`)) return part.slice(key.length + 1);
  }
  return undefined;
}

function withoutFragment(url: URL): URL {
  const copy = new URL(url.href);
  copy.hash = "";
  return copy;
}

function extensionOrThrow(path: string, shown: string, what: "path" | "url"): DistExtension {
  try {
    return distExtensionFromPath(path);
  } catch (e) {
    if (!(e instanceof ExtensionError)) throw e;
    const subject = what === "path" ? "path" : "direct URL";
    throw new ParsedUrlError(
      `Expected ${subject} (\`${shown}\`) to end in a supported file extension: ${e.message}`,
    );
  }
}

/**
 * A local path that is a directory (when it exists) or has no extension is a source tree;
 * anything else must be an archive. `shown` is the path as the error message names it.
 */
export function classifyLocalPath(url: URL, installPath: string, shown: string): ParsedUrl {
  const dir = isDirectory(installPath) ?? pathExtension(installPath) === undefined;
  if (dir) return { kind: "directory", url, installPath, editable: false };
  return { kind: "path", url, installPath, ext: extensionOrThrow(shown, shown, "path") };
}

function gitRepository(url: URL): { repository: URL; reference: string | undefined } {
  const href = url.href.startsWith("git+") ? url.href.slice("git+".length) : url.href;
  let repository: URL;
  try {
    repository = new URL(href);
  } catch {
    throw new ParsedUrlError(`Not a valid URL: \`${href}\``);
  }
  repository.hash = "";
  repository.search = "";
  const at = repository.pathname.split("@").length - 1;
  if (at > 1) {
    throw new ParsedUrlError(
      `Ambiguous Git URL \`${repository.href}\`: the path contains multiple \`@\` characters. If the Git revision contains \`@\`, percent-encode it as \`%40\``,
    );
  }
  let reference: string | undefined;
  if (at === 1) {
    const split = repository.pathname.lastIndexOf("@");
    const suffix = repository.pathname.slice(split + 1);
    try {
      reference = decodeURIComponent(suffix);
    } catch {
      reference = suffix;
    }
    repository.pathname = repository.pathname.slice(0, split);
  }
  const scheme = repository.protocol.slice(0, -1);
  if (!["http", "https", "ssh", "file"].includes(scheme)) {
    throw new ParsedUrlError(
      `Unsupported Git URL scheme \`${scheme}:\` in \`${repository.href}\` (expected one of \`https:\`, \`ssh:\`, or \`file:\`)`,
    );
  }
  return { repository, reference };
}

function looksLikeGitRepository(url: URL): boolean {
  if (!["github.com", "gitlab.com", "bitbucket.org"].includes(url.hostname)) return false;
  const ext = pathExtension(url.pathname);
  if (ext !== undefined && ext.toLowerCase() !== "git") return false;
  return url.pathname.slice(1).split("/").length === 2;
}

const VCS_MESSAGES: Record<string, string> = {
  bzr: "Bazaar is not supported",
  hg: "Mercurial is not supported",
  svn: "Subversion is not supported",
};

/** Classifies a parsed direct URL the way uv does; throws {@link ParsedUrlError}. */
export function classifyUrl(url: URL): ParsedUrl {
  const scheme = url.protocol.slice(0, -1);
  const plus = scheme.indexOf("+");
  if (plus !== -1) {
    const prefix = scheme.slice(0, plus);
    if (prefix !== "git") {
      const message = VCS_MESSAGES[prefix] ?? "Unknown scheme";
      throw new ParsedUrlError(
        `Unsupported URL prefix \`${prefix}\` in URL \`${url.href}\` (${message})`,
      );
    }
    const installPath = fragmentParam(url, "path");
    const { repository, reference } = gitRepository(url);
    if (installPath !== undefined) {
      const ext = extensionOrThrow(installPath, installPath, "path");
      return { kind: "git-path", repository, reference, installPath, ext };
    }
    return {
      kind: "git-directory",
      repository,
      reference,
      subdirectory: fragmentParam(url, "subdirectory"),
    };
  }
  if (pathExtension(url.pathname)?.toLowerCase() === "git") {
    const { repository, reference } = gitRepository(url);
    return {
      kind: "git-directory",
      repository,
      reference,
      subdirectory: fragmentParam(url, "subdirectory"),
    };
  }
  if (scheme === "file") {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      throw new ParsedUrlError(`Invalid path in file URL: \`${url.href}\``);
    }
    return classifyLocalPath(url, path, path);
  }
  const bare = withoutFragment(url);
  let ext: DistExtension;
  try {
    ext = distExtensionFromPath(bare.pathname);
  } catch (e) {
    if (!(e instanceof ExtensionError)) throw e;
    if (looksLikeGitRepository(bare)) {
      throw new ParsedUrlError(
        `Direct URL (\`${bare.href}\`) references a Git repository, but is missing the \`git+\` prefix (e.g., \`git+${bare.href}\`)`,
      );
    }
    throw new ParsedUrlError(
      `Expected direct URL (\`${bare.href}\`) to end in a supported file extension: ${e.message}`,
    );
  }
  return { kind: "archive", url: bare, subdirectory: fragmentParam(url, "subdirectory"), ext };
}

/** Why a `-e` requirement cannot be editable; uv hints that it must be a local directory. */
export class MakeEditableError extends UvError {
  constructor(message: string) {
    super("requirements-txt.not-editable", message, {
      hint: "Editable requirements must refer to a local directory",
    });
  }
}

/** Marks a local directory editable; anything else throws {@link MakeEditableError}. */
export function makeEditable(parsed: ParsedUrl | undefined): ParsedUrl {
  switch (parsed?.kind) {
    case undefined:
      throw new MakeEditableError("Registry requirements cannot be editable");
    case "directory":
      return { ...parsed, editable: true };
    case "path":
      throw new MakeEditableError("Local archives cannot be editable");
    case "archive":
      throw new MakeEditableError("Remote archives cannot be editable");
    case "git-directory":
    case "git-path":
      throw new MakeEditableError("Git sources cannot be editable");
  }
}
