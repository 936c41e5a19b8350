import { parseArgs, ROOT } from "@uv-ts/cli";
import { describe, expect, it } from "vitest";
import { defaultCacheDir, envBool, resolveGlobalSettings } from "../src/index.ts";

async function settings(argv: string, env: NodeJS.ProcessEnv = {}) {
  const outcome = await parseArgs(argv.split(" "), {
    root: ROOT,
    bin: "uv-ts",
    version: "",
    env,
    width: 100,
  });
  if (outcome.kind !== "parsed") throw new Error(outcome.kind);
  return resolveGlobalSettings(outcome.args, env, "/work", "/home/u");
}

describe("global settings", () => {
  it("maps -q/-qq/-v to verbosity", async () => {
    expect((await settings("cache dir")).verbosity).toBe("default");
    expect((await settings("-q cache dir")).verbosity).toBe("quiet");
    expect((await settings("cache dir -qq")).verbosity).toBe("silent");
    expect((await settings("-v cache dir")).verbosity).toBe("verbose");
  });

  it("resolves the color choice", async () => {
    expect((await settings("cache dir")).color).toBe("auto");
    expect((await settings("--color never cache dir")).color).toBe("never");
    expect((await settings("cache dir --no-color")).color).toBe("never");
  });

  it("resolves the cache directory: flag, then UV_CACHE_DIR, then the default", async () => {
    expect((await settings("cache dir --cache-dir rel")).cacheDir).toBe("/work/rel");
    expect((await settings("cache dir", { UV_CACHE_DIR: "/c" })).cacheDir).toBe("/c");
    expect((await settings("--directory /d cache dir --cache-dir rel")).cacheDir).toBe("/d/rel");
    expect((await settings("cache dir", { XDG_CACHE_HOME: "/xdg" })).cacheDir).toBe("/xdg/uv-ts");
    expect((await settings("cache dir", { XDG_CACHE_HOME: "relative" })).cacheDir).toBe(
      "/home/u/.cache/uv-ts",
    );
  });

  it("reads --offline, --no-offline and UV_OFFLINE", async () => {
    expect((await settings("cache dir")).offline).toBe(false);
    expect((await settings("cache dir", { UV_OFFLINE: "1" })).offline).toBe(true);
    expect((await settings("cache dir --no-offline", { UV_OFFLINE: "true" })).offline).toBe(false);
    expect((await settings("--offline cache dir")).offline).toBe(true);
  });

  it("reads boolish environment variables", () => {
    expect(envBool({ X: "Yes" }, "X")).toBe(true);
    expect(envBool({ X: "0" }, "X")).toBe(false);
    expect(envBool({}, "X")).toBeUndefined();
    expect(() => envBool({ X: "2" }, "X")).toThrow(/expected a boolish value/);
  });

  it("defaults the cache to uv-ts's own directory, apart from uv's", () => {
    expect(defaultCacheDir({ HOME: "/h" }, "/fallback")).toBe("/h/.cache/uv-ts");
    expect(defaultCacheDir({}, "/fallback")).toBe("/fallback/.cache/uv-ts");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" }, "/h")).toBe("/x/uv-ts");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "rel" }, "/h")).toBe("/h/.cache/uv-ts");
  });
});
