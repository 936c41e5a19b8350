import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { userDisplay } from "@uv-ts/fs";
import { MissingRecordError } from "./install-error.ts";
import type { Layout } from "./layout.ts";
import { partialDistInfoName } from "./partial-install.ts";
import { parseRecord, type RecordEntry } from "./record.ts";
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
 * RECORD-less remnant is left to look like a broken install. And the `.dist-info` is first
 * renamed to a staging name, so that an uninstall killed halfway leaves no half-removed package
 * that still counts as installed, but a partial install that the next run finishes removing.
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
  let entries: RecordEntry[] = parseRecord(text);
  let distInfo = dist.path;
  let ownFiles = 0;
  const name = basename(dist.path);
  if (name.endsWith(".dist-info")) {
    const staged = partialDistInfoName(
      name.slice(0, -".dist-info".length),
      randomBytes(6).toString("hex"),
    );
    distInfo = join(dirname(dist.path), staged);
    renameSync(dist.path, distInfo);
    // The staged directory, RECORD included, goes last and whole: until then a killed run
    // leaves a partial install whose RECORD still lists what remains to be removed.
    entries = entries.filter((entry) => !entry.path.startsWith(`${name}/`));
    ownFiles = countFiles(distInfo);
  }
  const summary = removeRecorded(
    dirname(dist.path),
    entries,
    layout,
    displayInstalled(dist),
    options.onWarning ?? (() => {}),
  );
  let dirCount = summary.dirCount;
  try {
    rmSync(distInfo, { recursive: true });
    dirCount++;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return { fileCount: summary.fileCount + ownFiles, dirCount };
}

/** Regular files below `dir`, for the uninstall summary. */
function countFiles(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}

/** uv's warning when a reinstall finds no RECORD to uninstall with. */
export function missingRecordWarning(dist: InstalledDist, cwd: string = process.cwd()): string {
  return `Failed to uninstall package at ${userDisplay(dist.path, cwd)} due to missing \`RECORD\` file. Installation may result in an incomplete environment.`;
}
