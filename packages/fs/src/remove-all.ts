import { rm } from "node:fs/promises";

/**
 * Removes `path` and everything below it. A missing path is not an error; a symlink is removed
 * itself, never followed.
 */
export async function removeAll(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 3 });
}
