import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Layout } from "./layout.ts";
import { parseRecord, type RecordEntry } from "./record.ts";
import { removeRecorded, type UninstallSummary } from "./remove-recorded.ts";

/**
 * The staging directory of an install that did not finish: `.<prefix>.dist-info.partial-<id>`
 * in site-packages. Its RECORD lists every file the install meant to write.
 */
export interface PartialInstall {
  readonly path: string;
  /** The dist-info prefix, `<name>-<version>`. */
  readonly prefix: string;
}

const PARTIAL = /^\.(.+)\.dist-info\.partial-[0-9a-f]+$/;

/** The staging directory name for `prefix`. Python and uv ignore it: it does not end in `.dist-info`. */
export function partialDistInfoName(prefix: string, id: string): string {
  return `.${prefix}.dist-info.partial-${id}`;
}

/** The install a staging directory name belongs to, or `undefined` for any other name. */
export function parsePartialDistInfoName(name: string): string | undefined {
  return PARTIAL.exec(name)?.[1];
}

/**
 * Removes what an interrupted install left: the files its staged RECORD lists (with the same
 * environment guard as an uninstall) and the staging directory. A staged RECORD that cannot be
 * read was being written before any file was placed, so only the directory goes.
 */
export function removePartialInstall(
  partial: PartialInstall,
  layout: Layout,
  options: { readonly onWarning?: (message: string) => void } = {},
): UninstallSummary {
  let entries: RecordEntry[] = [];
  try {
    entries = parseRecord(readFileSync(join(partial.path, "RECORD"), "utf8"));
  } catch {
    entries = [];
  }
  const summary = removeRecorded(
    dirname(partial.path),
    entries,
    layout,
    partial.prefix,
    options.onWarning ?? (() => {}),
  );
  rmSync(partial.path, { recursive: true, force: true });
  return { fileCount: summary.fileCount, dirCount: summary.dirCount + 1 };
}
