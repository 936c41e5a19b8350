// `uv-ts python list`, after uv's `crates/uv/tests/python/python_list.rs` (installed only: uv-ts
// has no managed downloads to list).
import { assertSnapshot, hasFeature, TestContext } from "@uv-ts/test-kit";
import { describe, it } from "vitest";

describe.skipIf(!hasFeature("python"))("python list", () => {
  it("python_list", async () => {
    await using ctx = await TestContext.create({ python: ["3.11", "3.12"] });
    ctx.withFilter(/-linux-[a-z0-9_]+-gnu/, "-[PLATFORM]");
    assertSnapshot(
      await ctx.snapshot(["python", "list"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      cpython-3.12.[X]-[PLATFORM]    [PYTHON-3.12] -> [PYTHON-3.12]
      cpython-3.12.[X]-[PLATFORM]    [PYTHON-3.12] -> [PYTHON-3.12]
      cpython-3.11.[X]-[PLATFORM]    [PYTHON-3.11] -> [PYTHON-3.11]
      cpython-3.11.[X]-[PLATFORM]    [PYTHON-3.11] -> [PYTHON-3.11]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["python", "list", "3.11"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      cpython-3.11.[X]-[PLATFORM]    [PYTHON-3.11] -> [PYTHON-3.11]
      cpython-3.11.[X]-[PLATFORM]    [PYTHON-3.11] -> [PYTHON-3.11]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["python", "list", "3.20"]),
      `
      exit_code: 0 (success)
      `,
    );
  });
});
