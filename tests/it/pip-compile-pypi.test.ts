// `uv-ts pip compile` against the real PyPI (feature `pypi`), with `--exclude-newer` pinned so the
// answer does not move: the pins must be the ones the reference `uv pip compile` finds on the
// same input. Kept to two small sets so that the run stays short.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatOutput, hasFeature, runCommand, TestContext } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";
import { findReferenceUv } from "./pip-inspect-support.ts";

const uv = findReferenceUv();
const EXCLUDE_NEWER = "2025-06-01T00:00:00Z";

/** Compiles `requirements` with uv-ts and, when installed, with uv; returns both snapshots. */
async function compileBoth(
  ctx: TestContext,
  requirements: string,
): Promise<{ ours: string; reference: string | undefined }> {
  await writeFile(join(ctx.tempDir, "requirements.in"), requirements);
  const args = ["pip", "compile", "requirements.in", "--exclude-newer", EXCLUDE_NEWER];
  const ours = await ctx.snapshot(args, { activateVenv: false });
  let reference: string | undefined;
  if (uv !== undefined) {
    const spec = ctx.command(args, {
      activateVenv: false,
      env: { UV_CACHE_DIR: join(ctx.root, "uv-cache") },
    });
    reference = ctx
      .filterText(formatOutput(await runCommand({ ...spec, program: uv, args })))
      .replaceAll("#    uv pip compile", "#    uv-ts pip compile");
  }
  return { ours, reference };
}

function pins(snapshot: string): string[] {
  return snapshot.split("\n").filter((line) => /^[a-z0-9][a-z0-9._-]*==/.test(line));
}

// The network to PyPI can fail once, for either tool; a second failure is not the network's.
describe.skipIf(!hasFeature("python", "pypi"))(
  "pip compile (PyPI)",
  { concurrent: true, retry: 1 },
  () => {
    it("compile_black_pypi", async () => {
      await using ctx = await TestContext.create({ python: ["3.12"] });
      const { ours, reference } = await compileBoth(ctx, "black\n");
      expect(pins(ours)).toContain("black==25.1.0");
      if (reference !== undefined) expect(ours).toBe(reference);
    });

    it("compile_flask_extras_pypi", async () => {
      await using ctx = await TestContext.create({ python: ["3.12"] });
      const { ours, reference } = await compileBoth(ctx, "flask[async,dotenv]\nrequests\n");
      expect(pins(ours)).toContain("flask==3.1.1");
      if (reference !== undefined) expect(ours).toBe(reference);
    });
  },
);
