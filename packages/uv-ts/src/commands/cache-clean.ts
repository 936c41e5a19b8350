import { existsSync } from "node:fs";
import { Cache, humanReadableBytes, type Removal } from "@uv-ts/cache";
import { formatClapError } from "@uv-ts/cli";
import type { Styler } from "@uv-ts/console";
import { UvError } from "@uv-ts/error";
import { lockTimeoutFromEnv } from "@uv-ts/fs";
import { InvalidNameError, type PackageName, parsePackageName } from "@uv-ts/normalize";
import type { CommandContext, CommandRun } from "../context.ts";

/** `uv-ts cache clean [PACKAGE]...`: removes the whole cache, or the entries of some packages. */
export const run: CommandRun = async (ctx) => {
  const packages = packageArgs(ctx);
  if (typeof packages === "number") return packages;
  const cache = await openCacheExclusive(ctx);
  if (cache === undefined) return 0;
  try {
    if (packages.length === 0) {
      ctx.printer.stderr(`Clearing cache at: ${ctx.style.cyan(cache.display)}\n`);
    }
    let removal: Removal;
    try {
      // The lock is already ours, or `--force` said to go without it.
      removal = await cache.clean(packages, { force: true });
    } catch (error) {
      if (packages.length > 0) throw error;
      throw new UvError("cache.clear", `Failed to clear cache at: ${cache.display}`, {
        cause: error,
      });
    }
    ctx.printer.stderr(removalSummary(removal, "No cache entries found", ctx.style));
    return 0;
  } finally {
    await cache.dispose();
  }
};

// Shared with `cache prune`.

/**
 * Opens the cache for `cache clean` / `cache prune` as uv does: `undefined` (after printing
 * `No cache found at: ...`) when there is none; otherwise with the exclusive lock, printing the
 * in-use line first if other processes hold it, or without any lock under `--force`.
 */
export async function openCacheExclusive(ctx: CommandContext): Promise<Cache | undefined> {
  const options = {
    cwd: ctx.cwd,
    lockTimeoutMs: lockTimeoutFromEnv(ctx.io.env),
  };
  // Under `--no-cache`, `ctx.cacheDir` is already the run's temporary cache.
  const cache = Cache.fromPath(ctx.cacheDir, options);
  if (!existsSync(cache.root)) {
    ctx.printer.stderr(`No cache found at: ${ctx.style.cyan(cache.display)}\n`);
    return undefined;
  }
  if (await cache.tryLockExclusive()) return cache;
  if (ctx.args.flag("force")) return cache;
  ctx.printer.stderr(
    "Cache is currently in-use, waiting for other uv processes to finish (use `--force` to override)\n",
  );
  try {
    await cache.lockExclusive();
  } catch (error) {
    await cache.dispose();
    throw error;
  }
  return cache;
}

/**
 * The `PACKAGE` arguments as names, or the exit code after printing clap's error for an invalid
 * one (uv rejects them while parsing the command line).
 */
export function packageArgs(ctx: CommandContext): PackageName[] | number {
  const names: PackageName[] = [];
  for (const raw of ctx.args.strings("package")) {
    try {
      names.push(parsePackageName(raw));
    } catch (error) {
      if (!(error instanceof InvalidNameError)) throw error;
      ctx.printer.stderrImportant(
        formatClapError({ message: `invalid value '${raw}' for '[PACKAGE]...': ${error.message}` }),
      );
      return 2;
    }
  }
  return names;
}

/**
 * The last line of `cache clean` and `cache prune`: `Removed 12 files (48.0KiB)`, or `empty`
 * (`No cache entries found`, `No unused entries found`) when nothing went.
 */
export function removalSummary(removal: Removal, empty: string, style: Styler): string {
  const { numFiles, numDirs } = removal;
  if (numFiles === 0 && numDirs === 0) return `${empty}\n`;
  let text: string;
  if (numFiles === 0)
    text = numDirs === 1 ? "Removed 1 directory" : `Removed ${numDirs} directories`;
  else text = numFiles === 1 ? "Removed 1 file" : `Removed ${numFiles} files`;
  // uv 0.13 reports reclaimed storage whenever anything was removed, `(0B)` included.
  return `${text} (${style.green(humanReadableBytes(removal.bytes))})\n`;
}
