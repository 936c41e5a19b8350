import { mkdir, mkdtemp, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ExtractError, ioError } from "./extract-error.ts";

/** A private directory next to the destination, on the same filesystem so `rename` is atomic. */
export interface Staging {
  /** Where members are unpacked; renamed to the destination on success. */
  readonly root: string;
  /** Scratch space for the run (a spooled archive), removed with the staging dir. */
  readonly scratch: string;
}

/**
 * Runs `work` against a fresh staging directory and moves its result to `dest` only if `work`
 * succeeds. Whatever happens, the staging directory is gone afterwards, so a failed or aborted
 * extraction leaves nothing behind: callers see either the complete tree at `dest` or nothing.
 */
export async function withStaging<T>(
  dest: string,
  work: (staging: Staging) => Promise<T>,
): Promise<T> {
  const target = resolve(dest);
  const parent = dirname(target);
  let base: string;
  try {
    await mkdir(parent, { recursive: true });
    base = await mkdtemp(join(parent, `.${basename(target)}.extract-`));
  } catch (error) {
    throw ioError(error);
  }
  const staging: Staging = { root: join(base, "out"), scratch: base };
  let emptied = false;
  try {
    await mkdir(staging.root);
    const result = await work(staging);
    try {
      await rename(staging.root, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR") {
        throw new ExtractError(
          "extract.destination-exists",
          `Failed to move the extracted archive into place: \`${target}\` already exists`,
          { cause: error },
        );
      }
      throw ioError(error);
    }
    emptied = true;
    return result;
  } finally {
    // After the rename the staging directory is usually empty: one `rmdir` instead of a walk.
    const removed =
      emptied &&
      (await rmdir(base).then(
        () => true,
        () => false,
      ));
    if (!removed) await rm(base, { recursive: true, force: true, maxRetries: 3 });
  }
}
