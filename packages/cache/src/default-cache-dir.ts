import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The cache root when neither `--cache-dir` nor `UV_CACHE_DIR` is given: `$XDG_CACHE_HOME/uv-ts`
 * or `~/.cache/uv-ts` (`%LOCALAPPDATA%\uv-ts\cache` on Windows). uv uses `uv` in the same places;
 * a directory of our own keeps the two tools from pruning each other's buckets.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === "win32") {
    const local = env.LOCALAPPDATA;
    return join(
      local !== undefined && local !== "" ? local : join(home, "AppData", "Local"),
      "uv-ts",
      "cache",
    );
  }
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg?.startsWith("/")) return join(xdg, "uv-ts");
  return join(home, ".cache", "uv-ts");
}
