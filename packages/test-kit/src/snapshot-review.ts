import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { createInterface } from "node:readline";
import { formatDiff } from "./snapshot-diff.ts";
import { rewriteInlineSnapshots, type SnapshotEdit } from "./snapshot-rewrite.ts";
import { listPending, type PendingEntry } from "./snapshot-store.ts";

/** What to do with one pending snapshot. */
export type ReviewDecision = "accept" | "reject" | "skip";

/** Settings of {@link reviewSnapshots}. */
export interface ReviewOptions {
  readonly pendingDir: string;
  /** Paths are shown relative to this directory. */
  readonly root: string;
  /** Decides each pending snapshot, e.g. by asking the user; called in file order. */
  readonly decide: (entry: PendingEntry, shown: string) => Promise<ReviewDecision>;
  /** Where messages go. */
  readonly log: (line: string) => void;
  readonly color: boolean;
}

/** Counts of what a review did. */
export interface ReviewSummary {
  accepted: number;
  rejected: number;
  skipped: number;
  stale: number;
  /** Test files that were rewritten. */
  files: string[];
}

/** The text shown for a pending snapshot: its location, its test, and a diff or the new text. */
export function describePending(entry: PendingEntry, root: string, color: boolean): string {
  const s = entry.snapshot;
  const bold = (t: string): string => (color ? `\x1b[1m${t}\x1b[0m` : t);
  const header = `${bold(`${relative(root, s.file)}:${s.line}:${s.column}`)}${s.test ? ` (${s.test})` : ""}`;
  if (s.old === null) {
    const added = s.new
      .split("\n")
      .map((l) => (color ? `\x1b[32m+${l}\x1b[0m` : `+${l}`))
      .join("\n");
    return `${header}\nnew snapshot:\n${added}`;
  }
  return `${header}\n${formatDiff(s.old, s.new, { color }) || "(no difference)"}`;
}

function writeAtomic(path: string, contents: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/**
 * Walks the pending snapshots: accepted ones are written into their test files (all edits of a
 * file in one rewrite), rejected and accepted ones are deleted, skipped ones stay for later.
 * Stale ones (the test file changed since the run) are reported and deleted.
 */
export async function reviewSnapshots(options: ReviewOptions): Promise<ReviewSummary> {
  const summary: ReviewSummary = {
    accepted: 0,
    rejected: 0,
    skipped: 0,
    stale: 0,
    files: [],
  };
  const accepted = new Map<string, PendingEntry[]>();
  for (const entry of listPending(options.pendingDir)) {
    const decision = await options.decide(
      entry,
      describePending(entry, options.root, options.color),
    );
    if (decision === "accept") {
      const list = accepted.get(entry.snapshot.file) ?? [];
      list.push(entry);
      accepted.set(entry.snapshot.file, list);
    } else if (decision === "reject") {
      rmSync(entry.path, { force: true });
      summary.rejected++;
    } else {
      summary.skipped++;
    }
  }
  for (const [file, entries] of accepted) {
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      options.log(
        `warning: \`${relative(options.root, file)}\` no longer exists; dropping its snapshots`,
      );
      for (const e of entries) rmSync(e.path, { force: true });
      summary.stale += entries.length;
      continue;
    }
    const edits: SnapshotEdit[] = entries.map((e) => e.snapshot);
    const result = rewriteInlineSnapshots(source, file, edits);
    if (result.applied.length > 0) {
      writeAtomic(file, result.source);
      summary.files.push(file);
    }
    for (const { edit, reason } of result.stale) {
      options.log(
        `warning: dropped the snapshot for \`${relative(options.root, file)}:${edit.line}:${edit.column}\`: ${reason}`,
      );
    }
    for (const e of entries) rmSync(e.path, { force: true });
    summary.accepted += result.applied.length;
    summary.stale += result.stale.length;
  }
  return summary;
}

/**
 * The `scripts/snapshots-review.mjs` command line: `--accept-all`, `--reject-all`, or
 * interactive (`a`ccept, `r`eject, `s`kip for each, on stdin). Returns the exit code.
 */
export async function reviewMain(
  argv: readonly string[],
  settings: {
    readonly pendingDir: string;
    readonly root: string;
    /** Called with the rewritten files, e.g. to run the formatter over them. */
    readonly afterWrite?: (files: readonly string[]) => void;
  },
): Promise<number> {
  const acceptAll = argv.includes("--accept-all");
  const rejectAll = argv.includes("--reject-all");
  const unknown = argv.filter((a) => a !== "--accept-all" && a !== "--reject-all");
  if (unknown.length > 0 || (acceptAll && rejectAll)) {
    process.stderr.write("usage: snapshots-review [--accept-all | --reject-all]\n");
    return 2;
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  if (listPending(settings.pendingDir).length === 0) {
    if (!acceptAll && !rejectAll) log("No pending snapshots");
    return 0;
  }
  const rl =
    acceptAll || rejectAll ? undefined : createInterface({ input: process.stdin, terminal: false });
  // Iterating buffers lines typed (or piped) ahead of the prompt; `question()` would drop them.
  const lines = rl?.[Symbol.asyncIterator]();
  try {
    const summary = await reviewSnapshots({
      pendingDir: settings.pendingDir,
      root: settings.root,
      color,
      log,
      decide: async (_entry, shown) => {
        if (acceptAll) return "accept";
        if (rejectAll) return "reject";
        process.stdout.write(`\n${shown}\n`);
        while (lines) {
          process.stdout.write("[a]ccept, [r]eject, [s]kip? ");
          const next = await lines.next();
          // End of input: what is left stays pending.
          if (next.done) break;
          const answer = String(next.value).trim().toLowerCase();
          if (answer === "a" || answer === "accept") return "accept";
          if (answer === "r" || answer === "reject") return "reject";
          if (answer === "s" || answer === "skip" || answer === "") return "skip";
        }
        return "skip";
      },
    });
    if (summary.files.length > 0) settings.afterWrite?.(summary.files);
    log(
      `${summary.accepted} accepted, ${summary.rejected} rejected, ${summary.skipped} skipped${summary.stale > 0 ? `, ${summary.stale} stale` : ""}`,
    );
    return 0;
  } finally {
    rl?.close();
  }
}
