import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeAll } from "./remove-all.ts";

/**
 * Creates a fresh temporary directory (under `parent`, default the system temp dir), passes it to
 * `fn`, and removes it afterwards, whether `fn` resolves or throws.
 */
export async function withTempDir<T>(
  fn: (dir: string) => Promise<T>,
  options: { readonly parent?: string; readonly prefix?: string } = {},
): Promise<T> {
  const dir = await mkdtemp(join(options.parent ?? tmpdir(), options.prefix ?? ".tmp"));
  try {
    return await fn(dir);
  } finally {
    await removeAll(dir);
  }
}
