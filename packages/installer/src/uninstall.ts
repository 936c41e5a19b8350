import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { userDisplay } from "@uv-ts/fs";
import { MissingRecordError } from "./install-error.ts";
import type { Layout } from "./layout.ts";
import { parseRecord } from "./record.ts";
import { removeRecorded, type UninstallSummary } from "./remove-recorded.ts";
import { displayInstalled, type InstalledDist } from "./site-packages.ts";

/** Options of {@link uninstall}. */
export interface UninstallOptions {
  readonly onWarning?: (message: string) => void;
  /** Paths in messages are shown relative to this directory (default: the process cwd). */
  readonly cwd?: string;
}

/**
 * Uninstalls a distribution from its RECORD: every listed file inside the environment, then the
 * directories left empty (and their `__pycache__`). Entries that escape the environment are
 * skipped with uv's warning. Without a RECORD nothing is removed and uv's error is thrown; the
 * caller decides whether that is fatal (uv warns and carries on when reinstalling).
 *
 * Unlike uv, a `.dist-info` that still holds unlisted files afterwards is removed too, so no
 * RECORD-less remnant is left to look like a broken install.
 */
export function uninstall(
  dist: InstalledDist,
  layout: Layout,
  options: UninstallOptions = {},
): UninstallSummary {
  const recordPath = join(dist.path, "RECORD");
  let text: string;
  try {
    text = readFileSync(recordPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new MissingRecordError(
        recordPath,
        userDisplay(recordPath, options.cwd ?? process.cwd()),
      );
    }
    throw error;
  }
  const summary = removeRecorded(
    dirname(dist.path),
    parseRecord(text),
    layout,
    displayInstalled(dist),
    options.onWarning ?? (() => {}),
  );
  let dirCount = summary.dirCount;
  try {
    rmSync(dist.path, { recursive: true });
    dirCount++;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return { fileCount: summary.fileCount, dirCount };
}

/** uv's warning when a reinstall finds no RECORD to uninstall with. */
export function missingRecordWarning(dist: InstalledDist, cwd: string = process.cwd()): string {
  return `Failed to uninstall package at ${userDisplay(dist.path, cwd)} due to missing \`RECORD\` file. Installation may result in an incomplete environment.`;
}
