import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScratchDirs } from "../src/index.ts";

describe("ScratchDirs", () => {
  it("makes fresh directories under the temporary directory and removes them all", () => {
    const scratch = new ScratchDirs("uv-ts-scratch-test-");
    const a = scratch.make();
    const b = scratch.make("uv-ts-scratch-other-");
    expect(a).not.toBe(b);
    expect(dirname(a)).toBe(tmpdir());
    expect(basename(a).startsWith("uv-ts-scratch-test-")).toBe(true);
    expect(basename(b).startsWith("uv-ts-scratch-other-")).toBe(true);
    writeFileSync(join(a, "file"), "x");
    scratch.removeAll();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
    // Nothing is left to remove twice; a directory removed by someone else is no error.
    const c = scratch.make();
    scratch.removeAll();
    scratch.removeAll();
    expect(existsSync(c)).toBe(false);
  });
});
