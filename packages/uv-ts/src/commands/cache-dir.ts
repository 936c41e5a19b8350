import type { CommandRun } from "../context.ts";

/**
 * `uv-ts cache dir`: prints the cache root. Under `--no-cache` that is the run's temporary cache,
 * which is gone once the command exits, as with uv.
 */
export const run: CommandRun = async (ctx) => {
  ctx.printer.stdout(`${ctx.style.cyan(ctx.cacheDir)}\n`);
  return 0;
};
