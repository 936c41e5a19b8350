import type { Removal } from "@uv-ts/cache";
import { UvError } from "@uv-ts/error";
import type { CommandRun } from "../context.ts";
import { openCacheExclusive, removalSummary } from "./cache-clean.ts";

/** `uv-ts cache prune [--ci]`: removes unused entries, stale buckets and cached environments. */
export const run: CommandRun = async (ctx) => {
  const cache = await openCacheExclusive(ctx);
  if (cache === undefined) return 0;
  try {
    ctx.printer.stderr(`Pruning cache at: ${ctx.style.cyan(cache.display)}\n`);
    let removal: Removal;
    try {
      removal = await cache.prune({ ci: ctx.args.flag("ci"), force: true });
    } catch (error) {
      throw new UvError("cache.prune", `Failed to prune cache at: ${cache.display}`, {
        cause: error,
      });
    }
    ctx.printer.stderr(removalSummary(removal, "No unused entries found", ctx.style));
    return 0;
  } finally {
    await cache.dispose();
  }
};
