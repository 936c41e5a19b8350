import { hasFeature, type IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES } from "./cases.ts";
import { startResolverIndex, uvAvailable, uvCompile } from "./harness.ts";

// Running uv 76 times takes ~10 s on a busy machine: the `slow` feature.
const available = hasFeature("slow") && (await uvAvailable());

let server: IndexServer;
beforeAll(async () => {
  if (available) server = await startResolverIndex();
});
afterAll(() => server?.close());

/**
 * uv annotates packages that a `-c` or `--overrides` file touched (`#   -c constraints.txt`);
 * the resolver does not know file names, so those lines are dropped before comparing.
 */
export function withoutFileAnnotations(text: string): string {
  const lines = text
    .split("\n")
    .filter((l) => l !== "    #   -c constraints.txt" && l !== "    #   --override overrides.txt");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    if (
      line === "    # via" &&
      next?.startsWith("    #   ") === true &&
      lines[i + 2]?.startsWith("    #   ") !== true
    ) {
      out.push(`    # via ${next.slice(8)}`);
      i++;
      continue;
    }
    out.push(line);
  }
  return out.join("\n");
}

// The expected texts of `cases.ts` are uv's own output: this re-runs the real uv 0.13.8 against
// the same local index and checks that they still agree (skipped without uv, Python 3.12 or the
// `slow` feature).
describe.skipIf(!available)("uv_pip_compile_agrees", () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const outcome = await uvCompile(server, c.requirements, c.uvArgs ?? [], {
      ...(c.constraints === undefined ? {} : { constraints: c.constraints }),
      ...(c.overrides === undefined ? {} : { overrides: c.overrides }),
      ...(c.output === undefined ? {} : { output: c.output }),
    });
    expect(withoutFileAnnotations(outcome.text)).toBe(c.expected);
    expect(outcome.ok).toBe(c.ok);
  });
});
