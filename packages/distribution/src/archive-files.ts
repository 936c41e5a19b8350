import { readdirSync } from "node:fs";
import { sep } from "node:path";

/**
 * Every file of an unpacked archive (anything that is not a directory), relative to `root` and
 * `/`-separated, in one recursive listing. Recorded with the archive when it is unpacked, so
 * that installing it needs no walk of its directories.
 */
export function listArchiveFiles(root: string): string[] {
  const files: string[] = [];
  let lastParent: string | undefined;
  let prefix = "";
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    const parent = entry.parentPath ?? entry.path;
    if (parent !== lastParent) {
      lastParent = parent;
      const rel = parent.length <= root.length ? "" : parent.slice(root.length + 1);
      prefix = rel === "" ? "" : `${sep === "/" ? rel : rel.split(sep).join("/")}/`;
    }
    files.push(`${prefix}${entry.name}`);
  }
  return files;
}
