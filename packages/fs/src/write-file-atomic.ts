import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never a
 * partial write: the data goes to a temporary sibling first, which is then renamed over `path`
 * (rename is atomic within one filesystem, and a sibling is always on the same one).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: { readonly mode?: number } = {},
): Promise<void> {
  // `node:crypto` is fetched here, not imported: loading it costs every command start-up time.
  const suffix = process.getBuiltinModule("node:crypto").randomBytes(6).toString("hex");
  const temp = join(dirname(path), `.${basename(path)}.${suffix}.tmp`);
  try {
    await writeFile(temp, data, options.mode === undefined ? {} : { mode: options.mode });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
