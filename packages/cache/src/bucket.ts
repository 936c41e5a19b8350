/**
 * The cache's top-level directories, one per kind of entry, as uv's `CacheBucket`. Each name
 * carries a format version: a change of format bumps it, so old entries are never misread and
 * `cache prune` removes the old bucket whole.
 *
 * The versions are uv-ts's own and start at `v0`: our entries are not byte-compatible with uv's
 * (`simple-v27`, `wheels-v7`, ... in uv 0.13.8), and a shared number would suggest otherwise. Only
 * `archive-v0` has uv's layout (a plain unpacked tree per id), but its references differ (see
 * `pointer.ts`).
 */
export const CACHE_BUCKETS = {
  /** Wheels from indexes and URLs: HTTP-cached metadata and pointers into the archive store. */
  wheels: "wheels-v0",
  /** Source distributions: revisions, built wheels, metadata, the unpacked source (`src/`). */
  sdists: "sdists-v0",
  /** `--find-links` listings. */
  flatIndex: "flat-index-v0",
  /** Git repositories and checkouts. */
  git: "git-v0",
  /** Interpreter query results. */
  interpreter: "interpreter-v0",
  /** Simple API responses. */
  simple: "simple-v0",
  /** Unpacked wheels, the files that get linked into environments, by random id. */
  archive: "archive-v0",
  /** Ephemeral build environments. */
  builds: "builds-v0",
  /** Reusable environments (`uv-ts run --with`, `uvx`). */
  environments: "environments-v0",
  /** Python downloads. */
  python: "python-v0",
  /** Downloaded tool binaries. */
  binaries: "binaries-v0",
  /** Vulnerability data. */
  osv: "osv-v0",
  /**
   * Which certificates of an `SSL_CERT_FILE` bundle anchor each origin, so a run need not parse
   * the whole bundle (written by `@uv-ts/client`).
   */
  tls: "tls-v0",
} as const;

/** A bucket's key in {@link CACHE_BUCKETS}. */
export type CacheBucket = keyof typeof CACHE_BUCKETS;

/** Every bucket directory name, in uv's iteration order. */
export const BUCKET_NAMES: readonly string[] = Object.values(CACHE_BUCKETS);

/** Files at the cache root that are part of its scaffold, never pruned. */
export const ROOT_MARKERS: readonly string[] = ["CACHEDIR.TAG", ".gitignore", ".git", ".lock"];
