import { randomBytes } from "node:crypto";
import { rename, rm, symlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Points the symlink at `path` to `target`, replacing whatever link or file is there. The new link
 * is made beside it and renamed into place, so `path` never goes missing in between.
 */
export async function replaceSymlink(target: string, path: string): Promise<void> {
  try {
    await symlink(target, path);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  await symlink(target, temp);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
