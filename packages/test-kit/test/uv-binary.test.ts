import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findUv, isOracleUv, ORACLE_UV_VERSION, ScratchDirs } from "../src/index.ts";

const scratch = new ScratchDirs("uv-ts-find-uv-");
afterAll(() => scratch.removeAll());

/** A directory holding a fake `uv` that reports `version` (under `sub`, e.g. a shims directory). */
function fakeUv(version: string, sub = "bin"): string {
  const dir = join(scratch.make(), sub);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "uv"), `#!/bin/sh\necho "uv ${version} (fake)"\n`, { mode: 0o755 });
  return dir;
}

/** The environment of a lookup: only `PATH`, no interpreter installations, and `extra`. */
function env(path: readonly string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: path.join(":"), UV_TS_TEST_PYTHON_ROOT: "/nonexistent", ...extra };
}

/** Lookup options without the repository's own test venv. */
function opts(path: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  return { env: env(path, extra), testVenv: "/nonexistent" };
}

describe("findUv", () => {
  it("skips pyenv shims and prefers the oracle release over the first uv on PATH", () => {
    const shims = fakeUv(ORACLE_UV_VERSION, ".pyenv/shims");
    const newer = fakeUv("0.99.0");
    const oracle = fakeUv(ORACLE_UV_VERSION);
    const found = findUv(opts([shims, newer, oracle]));
    expect(found).toEqual({ path: join(oracle, "uv"), version: ORACLE_UV_VERSION });
    expect(isOracleUv(found)).toBe(true);
  });

  it("takes another release when it is the only one, but does not call it the oracle", () => {
    const newer = fakeUv("0.99.0");
    const found = findUv(opts(["/nonexistent", newer]));
    expect(found).toEqual({ path: join(newer, "uv"), version: "0.99.0" });
    expect(isOracleUv(found)).toBe(false);
  });

  it("looks in the test venv before PATH", () => {
    const venvBin = fakeUv("0.99.2", "venv/bin");
    const onPath = fakeUv("0.99.3");
    const found = findUv({ env: env([onPath]), testVenv: join(venvBin, "..") });
    expect(found).toEqual({ path: join(venvBin, "..", "bin", "uv"), version: "0.99.2" });
  });

  it("takes $UV alone when it is set", () => {
    const onPath = fakeUv(ORACLE_UV_VERSION);
    const chosen = fakeUv("0.99.1");
    const found = findUv(opts([onPath], { UV: join(chosen, "uv") }));
    expect(found).toEqual({ path: join(chosen, "uv"), version: "0.99.1" });
  });

  it("finds nothing where there is no uv, and fails when one is required", () => {
    const empty = scratch.make();
    expect(findUv(opts([empty]))).toBeUndefined();
    expect(() => findUv(opts([empty], { UV_TS_REQUIRE_UV: "1" }))).toThrow(
      `UV_TS_REQUIRE_UV is set but there is no uv ${ORACLE_UV_VERSION} (none found)`,
    );
    const newer = fakeUv("0.99.0");
    expect(() => findUv(opts([newer], { UV_TS_REQUIRE_UV: "1" }))).toThrow(
      `there is no uv ${ORACLE_UV_VERSION} (found 0.99.0 at ${join(newer, "uv")})`,
    );
  });
});
