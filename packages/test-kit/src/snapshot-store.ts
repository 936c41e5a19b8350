import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./python-oracle.ts";

/** Where a snapshot assertion was called: a source file and a 1-based line and column. */
export interface CallSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A snapshot that did not match (or did not exist), waiting for review: `old` is the normalised
 * inline snapshot in the test file (`null` when the call has none), `new` the normalised actual.
 */
export interface PendingSnapshot extends CallSite {
  readonly old: string | null;
  readonly new: string;
  /** The vitest test name, when known, to help the reviewer. */
  readonly test?: string | undefined;
}

/** The default directory of pending snapshots: `target/snapshots-pending/` in the repository. */
export const DEFAULT_PENDING_DIR = join(REPO_ROOT, "target", "snapshots-pending");

/** The pending-snapshot directory for this run (`UV_TS_SNAPSHOT_PENDING_DIR` overrides it). */
export function pendingDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.UV_TS_SNAPSHOT_PENDING_DIR || DEFAULT_PENDING_DIR;
}

/**
 * The file name for a call site: readable (test file name, line, column) and unique across test
 * files with the same base name (a hash of the full path), so that concurrent workers never
 * write the same file unless they run the same call site.
 */
export function pendingFileName(site: CallSite): string {
  const hash = createHash("sha256").update(site.file).digest("hex").slice(0, 10);
  const name = basename(site.file).replace(/[^\w.-]/g, "_");
  return `${name}-${hash}-L${site.line}-C${site.column}.json`;
}

/** Records `pending`, replacing an earlier record of the same call site; the write is atomic. */
export function writePending(dir: string, pending: PendingSnapshot): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, pendingFileName(pending));
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, ...pending }, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

/** Forgets the pending snapshot of `site`, if any (its assertion now passes). */
export function removePending(dir: string, site: CallSite): void {
  rmSync(join(dir, pendingFileName(site)), { force: true });
}

/** A pending snapshot together with the file that records it. */
export interface PendingEntry {
  readonly path: string;
  readonly snapshot: PendingSnapshot;
}

function isPendingSnapshot(value: unknown): value is PendingSnapshot {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.file === "string" &&
    typeof v.line === "number" &&
    typeof v.column === "number" &&
    (v.old === null || typeof v.old === "string") &&
    typeof v.new === "string"
  );
}

/** Every pending snapshot in `dir`, ordered by file and position. Unreadable records are skipped. */
export function listPending(dir: string): PendingEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: PendingEntry[] = [];
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    const path = join(dir, name);
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (isPendingSnapshot(parsed)) entries.push({ path, snapshot: parsed });
    } catch {
      // A half-written or foreign file is not ours to interpret.
    }
  }
  return entries.sort(
    (a, b) =>
      a.snapshot.file.localeCompare(b.snapshot.file) ||
      a.snapshot.line - b.snapshot.line ||
      a.snapshot.column - b.snapshot.column,
  );
}

const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?\s*$/;

/**
 * The first frame of a V8 stack trace whose file `skip` does not reject: the test's call to the
 * snapshot assertion. Handles `at fn (path:1:2)`, `at path:1:2`, `async` frames and `file://`
 * URLs; frames of Node internals (`node:`) never match.
 */
export function callSiteFromStack(
  stack: string,
  skip: (file: string) => boolean,
): CallSite | undefined {
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const raw = m[1] ?? "";
    const file = raw.startsWith("file://") ? fileURLToPath(raw) : raw;
    if (skip(file)) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
