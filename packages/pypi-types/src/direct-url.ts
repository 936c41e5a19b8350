import { UvError } from "@uv-ts/error";
import { HASH_ALGORITHMS_PREFERRED, HashError, parseHashFragment } from "./hashes.ts";

/** Version control systems PEP 610 names. */
export type VcsKind = "git" | "hg" | "bzr" | "svn";

/** `direct_url.json` of a local directory install: `{"url": "file:///...", "dir_info": {...}}`. */
export interface DirectUrlDirectory {
  readonly kind: "directory";
  readonly url: string;
  readonly dirInfo: { readonly editable?: boolean };
  readonly subdirectory?: string;
}

/** `direct_url.json` of an archive (wheel or sdist) install. */
export interface DirectUrlArchive {
  readonly kind: "archive";
  readonly url: string;
  readonly archiveInfo: {
    /** The legacy single `algorithm=digest` form. */
    readonly hash?: string;
    readonly hashes?: Readonly<Record<string, string>>;
  };
  readonly subdirectory?: string;
}

/** `direct_url.json` of a VCS install. */
export interface DirectUrlVcs {
  readonly kind: "vcs";
  /** The repository URL, without the `git+` prefix or revision. */
  readonly url: string;
  readonly vcsInfo: {
    readonly vcs: VcsKind;
    readonly commitId?: string;
    readonly requestedRevision?: string;
    readonly gitLfs?: boolean;
  };
  readonly subdirectory?: string;
  /** uv's extension: a path within the repository. */
  readonly path?: string;
}

/** PEP 610 `direct_url.json`: how a distribution was installed from a direct URL. */
export type DirectUrl = DirectUrlDirectory | DirectUrlArchive | DirectUrlVcs;

/** A `direct_url.json` that could not be read. */
export class DirectUrlError extends UvError {
  constructor(detail: string, cause?: unknown) {
    super("pypi-types.invalid-direct-url", `Invalid \`direct_url.json\`: ${detail}`, { cause });
  }
}

/**
 * Parses `direct_url.json`. Like uv, the first shape that fits wins, in the order directory,
 * archive, VCS; unknown keys are ignored.
 */
export function parseDirectUrl(json: string): DirectUrl {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new DirectUrlError((error as Error).message, error);
  }
  if (!isObject(value)) throw new DirectUrlError("expected an object");
  if (typeof value.url !== "string") throw new DirectUrlError("missing field `url`");
  const url = value.url;
  const subdirectory = optionalString(value.subdirectory, "subdirectory");
  const sub = subdirectory === undefined ? {} : { subdirectory };

  if (isObject(value.dir_info)) {
    const editable = optionalBoolean(value.dir_info.editable, "dir_info.editable");
    return { kind: "directory", url, dirInfo: editable === undefined ? {} : { editable }, ...sub };
  }
  if (isObject(value.archive_info)) {
    const info = value.archive_info;
    const hash = optionalString(info.hash, "archive_info.hash");
    let hashes: Record<string, string> | undefined;
    if (info.hashes !== undefined && info.hashes !== null) {
      if (!isObject(info.hashes))
        throw new DirectUrlError("`archive_info.hashes` must be an object");
      const entries = Object.entries(info.hashes);
      for (const [algorithm, digest] of entries) {
        if (typeof digest !== "string") {
          throw new DirectUrlError(`\`archive_info.hashes.${algorithm}\` must be a string`);
        }
      }
      // `fromEntries` defines own properties, so even a `__proto__` key survives.
      hashes = Object.fromEntries(entries) as Record<string, string>;
    }
    return {
      kind: "archive",
      url,
      archiveInfo: {
        ...(hash === undefined ? {} : { hash }),
        ...(hashes === undefined ? {} : { hashes }),
      },
      ...sub,
    };
  }
  if (isObject(value.vcs_info)) {
    const info = value.vcs_info;
    const vcs = info.vcs;
    if (vcs !== "git" && vcs !== "hg" && vcs !== "bzr" && vcs !== "svn") {
      throw new DirectUrlError("`vcs_info.vcs` must be one of `git`, `hg`, `bzr`, `svn`");
    }
    const commitId = optionalString(info.commit_id, "vcs_info.commit_id");
    const requestedRevision = optionalString(
      info.requested_revision,
      "vcs_info.requested_revision",
    );
    const gitLfs = optionalBoolean(info.git_lfs, "vcs_info.git_lfs");
    const path = optionalString(value.path, "path");
    return {
      kind: "vcs",
      url,
      vcsInfo: {
        vcs,
        ...(commitId === undefined ? {} : { commitId }),
        ...(requestedRevision === undefined ? {} : { requestedRevision }),
        ...(gitLfs === undefined ? {} : { gitLfs }),
      },
      ...sub,
      ...(path === undefined ? {} : { path }),
    };
  }
  throw new DirectUrlError("expected one of `dir_info`, `archive_info` or `vcs_info`");
}

/**
 * Serialises `direct_url.json` exactly as uv writes it: compact JSON, keys in uv's field order
 * (`url`, the info object, `subdirectory`, `path`), `hashes` sorted by algorithm, absent
 * optional keys omitted, no trailing newline.
 */
export function serializeDirectUrl(directUrl: DirectUrl): string {
  // Objects are built in the target key order; `JSON.stringify` keeps insertion order and
  // escapes exactly what serde_json escapes.
  const out: Record<string, unknown> = { url: directUrl.url };
  switch (directUrl.kind) {
    case "directory":
      out.dir_info =
        directUrl.dirInfo.editable === undefined ? {} : { editable: directUrl.dirInfo.editable };
      break;
    case "archive": {
      const info: Record<string, unknown> = {};
      if (directUrl.archiveInfo.hash !== undefined) info.hash = directUrl.archiveInfo.hash;
      if (directUrl.archiveInfo.hashes !== undefined) {
        info.hashes = Object.fromEntries(
          Object.entries(directUrl.archiveInfo.hashes).sort(([a], [b]) => compareUtf8(a, b)),
        );
      }
      out.archive_info = info;
      break;
    }
    case "vcs": {
      const v = directUrl.vcsInfo;
      const info: Record<string, unknown> = { vcs: v.vcs };
      if (v.commitId !== undefined) info.commit_id = v.commitId;
      if (v.requestedRevision !== undefined) info.requested_revision = v.requestedRevision;
      if (v.gitLfs !== undefined) info.git_lfs = v.gitLfs;
      out.vcs_info = info;
      break;
    }
  }
  if (directUrl.subdirectory !== undefined) out.subdirectory = directUrl.subdirectory;
  if (directUrl.kind === "vcs" && directUrl.path !== undefined) out.path = directUrl.path;
  return JSON.stringify(out);
}

/**
 * The URL a `direct_url.json` stands for, as uv rebuilds it to compare installs with requests:
 * `git+https://host/repo@<commit>#subdirectory=...`, `https://.../x.whl#sha256=...`.
 */
export function directUrlToUrl(directUrl: DirectUrl): string {
  switch (directUrl.kind) {
    case "directory": {
      const url = parseUrl(directUrl.url);
      if (directUrl.subdirectory !== undefined) url.hash = `subdirectory=${directUrl.subdirectory}`;
      return url.href;
    }
    case "archive": {
      const url = parseUrl(directUrl.url);
      const fragments: string[] = [];
      if (directUrl.subdirectory !== undefined)
        fragments.push(`subdirectory=${directUrl.subdirectory}`);
      const hash = archiveFragment(directUrl.archiveInfo);
      if (hash !== undefined) fragments.push(hash);
      if (fragments.length > 0) url.hash = fragments.join("&");
      return url.href;
    }
    case "vcs": {
      const url = parseUrl(`${directUrl.vcsInfo.vcs}+${directUrl.url}`);
      const revision = directUrl.vcsInfo.commitId ?? directUrl.vcsInfo.requestedRevision;
      if (revision !== undefined) url.pathname = `${url.pathname}@${revision}`;
      const fragments: string[] = [];
      if (directUrl.subdirectory !== undefined)
        fragments.push(`subdirectory=${directUrl.subdirectory}`);
      if (directUrl.vcsInfo.gitLfs === true) fragments.push("lfs=true");
      if (directUrl.path !== undefined) fragments.push(`path=${directUrl.path}`);
      if (fragments.length > 0) url.hash = fragments.join("&");
      return url.href;
    }
  }
}

// The strongest hash from `hashes`, else the legacy `hash` when it is a well-formed fragment.
function archiveFragment(info: DirectUrlArchive["archiveInfo"]): string | undefined {
  if (info.hashes !== undefined) {
    for (const algorithm of HASH_ALGORITHMS_PREFERRED) {
      const digest = Object.hasOwn(info.hashes, algorithm) ? info.hashes[algorithm] : undefined;
      if (digest !== undefined) return `${algorithm}=${digest}`;
    }
  }
  if (info.hash === undefined) return undefined;
  try {
    parseHashFragment(info.hash);
    return info.hash;
  } catch (error) {
    if (error instanceof HashError) return undefined;
    throw error;
  }
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (error) {
    throw new DirectUrlError(`\`url\` is not a valid URL: ${url}`, error);
  }
}

// Rust's `BTreeMap<String, _>` orders keys by bytes, which for strings is code point order.
function compareUtf8(a: string, b: string): number {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  }
  return ca.length - cb.length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new DirectUrlError(`\`${field}\` must be a string`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new DirectUrlError(`\`${field}\` must be a boolean`);
  return value;
}
