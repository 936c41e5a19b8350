import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "@uv-ts/fs";

/** The cache bucket holding the trust anchors learnt per origin (see `@uv-ts/cache`). */
export const TLS_BUCKET = "tls-v0";

/** What identifies one version of a CA bundle file: any edit changes its size, mtime or inode. */
export interface BundleIdentity {
  /** Absolute. */
  readonly path: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ino: string;
}

/** One bundle certificate that anchored an origin's chain. */
export interface AnchorRecord {
  /** SHA-256 of the DER, lowercase hex. */
  readonly sha256: string;
  /** Its position among the bundle's `CERTIFICATE` blocks: a hint, checked against `sha256`. */
  readonly index: number;
}

/** Anchors per origin (`host:port`). */
export type OriginAnchors = ReadonlyMap<string, readonly AnchorRecord[]>;

interface AnchorFile {
  readonly bundle: BundleIdentity;
  readonly origins: Record<string, readonly AnchorRecord[]>;
}

const HEX64 = /^[0-9a-f]{64}$/;

function sameBundle(a: unknown, b: BundleIdentity): boolean {
  if (typeof a !== "object" || a === null) return false;
  const r = a as Record<string, unknown>;
  return r.path === b.path && r.size === b.size && r.mtimeNs === b.mtimeNs && r.ino === b.ino;
}

function parseRecords(value: unknown): AnchorRecord[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const records: AnchorRecord[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) return undefined;
    const { sha256, index } = item as Record<string, unknown>;
    if (typeof sha256 !== "string" || !HEX64.test(sha256)) return undefined;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return undefined;
    records.push({ sha256, index });
  }
  return records;
}

/**
 * The trust anchors learnt for one CA bundle, in `<cache>/tls-v0/anchors-<hash of path>.json`.
 * Entries for another version of the bundle, and files that do not parse, read as empty: the
 * worst a stale or tampered file can do is select other certificates of the same bundle.
 */
export class TlsAnchorStore {
  readonly path: string;
  readonly #bundle: BundleIdentity;

  constructor(cacheDir: string, bundle: BundleIdentity, pathDigest: string) {
    this.#bundle = bundle;
    this.path = join(cacheDir, TLS_BUCKET, `anchors-${pathDigest.slice(0, 16)}.json`);
  }

  /** The anchors remembered for this exact bundle; empty when none are, or the file is unusable. */
  load(): Map<string, readonly AnchorRecord[]> {
    const origins = new Map<string, readonly AnchorRecord[]>();
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      // Missing or corrupt: the full bundle is used and the file is rewritten once learnt.
      return origins;
    }
    if (typeof parsed !== "object" || parsed === null) return origins;
    const file = parsed as Record<string, unknown>;
    if (!sameBundle(file.bundle, this.#bundle)) return origins;
    if (typeof file.origins !== "object" || file.origins === null) return origins;
    for (const [origin, value] of Object.entries(file.origins)) {
      const records = parseRecords(value);
      if (records !== undefined) origins.set(origin, records);
    }
    return origins;
  }

  /** Replaces the file, atomically, with `origins` for this bundle. */
  async save(origins: OriginAnchors): Promise<void> {
    const file: AnchorFile = { bundle: this.#bundle, origins: Object.fromEntries(origins) };
    // Not recursive: a cache root that is gone (a `--no-cache` run's, removed at exit) stays gone.
    await mkdir(dirname(this.path)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await writeFileAtomic(this.path, `${JSON.stringify(file, null, 1)}\n`);
  }
}
