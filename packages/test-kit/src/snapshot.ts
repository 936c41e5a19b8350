import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UvError } from "@uv-ts/error";
import { expect } from "vitest";
import { REPO_ROOT } from "./python-oracle.ts";
import { formatDiff } from "./snapshot-diff.ts";
import { normalizeSnapshot } from "./snapshot-normalize.ts";
import {
  type CallSite,
  callSiteFromStack,
  pendingDir,
  removePending,
  writePending,
} from "./snapshot-store.ts";

/** This package's sources: stack frames inside them are the harness, not the test. */
const KIT_SRC = dirname(fileURLToPath(import.meta.url));

/** Thrown when a snapshot does not match; `actual`/`expected` make vitest show its own diff. */
export class SnapshotMismatchError extends UvError {
  readonly actual: string;
  readonly expected: string;
  readonly showDiff = true;

  constructor(message: string, actual: string, expected: string) {
    super("test-kit.snapshot-mismatch", message);
    this.actual = actual;
    this.expected = expected;
  }
}

/** Settings of {@link checkSnapshot}; {@link assertSnapshot} fills them from the environment. */
export interface CheckSnapshotOptions {
  /** Where the assertion was called; without it nothing can be recorded for review. */
  readonly site: CallSite | undefined;
  /** Directory of pending snapshots. */
  readonly pendingDir: string;
  /** Record mismatches but do not fail (`UV_TS_SNAPSHOT_UPDATE=1`, i.e. `pnpm test -u`). */
  readonly update: boolean;
  readonly testName?: string | undefined;
}

/**
 * Compares `actual` with the inline snapshot `expected` (both normalised). On a mismatch, or when
 * `expected` is missing, records a pending snapshot for `pnpm snapshots:review` and, unless
 * updating, throws a {@link SnapshotMismatchError} with a line diff.
 */
export function checkSnapshot(
  actual: string,
  expected: string | undefined,
  options: CheckSnapshotOptions,
): void {
  const newText = normalizeSnapshot(actual);
  const oldText = expected === undefined ? null : normalizeSnapshot(expected);
  const { site } = options;
  if (oldText === newText) {
    if (site) removePending(options.pendingDir, site);
    return;
  }
  if (site) {
    writePending(options.pendingDir, {
      file: site.file,
      line: site.line,
      column: site.column,
      old: oldText,
      new: newText,
      test: options.testName,
    });
  }
  if (options.update) return;
  const where = site
    ? `${relative(REPO_ROOT, site.file)}:${site.line}:${site.column}`
    : "an unknown location";
  const what = oldText === null ? "New snapshot" : "Snapshot mismatch";
  const recorded = site
    ? "recorded as pending; review it with `pnpm snapshots:review` or accept all with `pnpm test -u`"
    : "not recorded: the call site could not be found in the stack trace";
  const body =
    oldText === null
      ? newText
          .split("\n")
          .map((l) => `+${l}`)
          .join("\n")
      : formatDiff(oldText, newText);
  throw new SnapshotMismatchError(
    `${what} at ${where} (${recorded})\n${body}`,
    newText,
    oldText ?? "",
  );
}

function currentTestName(): string | undefined {
  try {
    return expect.getState().currentTestName;
  } catch {
    // Outside a running vitest test there is no state to ask.
    return undefined;
  }
}

/**
 * Asserts that `actual` matches the inline snapshot `expected`, a template literal the test
 * indents freely (see {@link normalizeSnapshot}). Leave `expected` out to create a snapshot:
 * the run fails and records it, and `pnpm snapshots:review` writes it into the test file.
 *
 * ```ts
 * assertSnapshot(await ctx.snapshot(["--version"]), `
 *   exit_code: 0 (success)
 *   ----- stdout -----
 *   uv-ts [VERSION]
 * `);
 * ```
 */
export function assertSnapshot(actual: string, expected?: string): void {
  const site = callSiteFromStack(
    new Error().stack ?? "",
    (file) => file.startsWith(`${KIT_SRC}/`) || file.includes("/node_modules/"),
  );
  checkSnapshot(actual, expected, {
    site,
    pendingDir: pendingDir(),
    update: process.env.UV_TS_SNAPSHOT_UPDATE === "1",
    testName: currentTestName(),
  });
}
