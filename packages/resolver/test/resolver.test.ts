import { Version } from "@uv-ts/pep440";
import type { IndexServer } from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES } from "./cases.ts";
import { compile, startResolverIndex } from "./harness.ts";

let server: IndexServer;
beforeAll(async () => {
  server = await startResolverIndex();
});
afterAll(() => server.close());

// Each case's expected text is what `uv pip compile` 0.13.8 prints for the same requirements on
// the same index (see `differential.test.ts`, which re-checks that against the real uv).
describe.each([
  ["resolves", CASES.filter((c) => c.ok)],
  ["fails_like_uv", CASES.filter((c) => !c.ok)],
])("%s", (_, cases) => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const outcome = await compile(server, c.requirements, {
      ...(c.options === undefined ? {} : { options: c.options }),
      ...(c.constraints === undefined ? {} : { constraints: c.constraints }),
      ...(c.overrides === undefined ? {} : { overrides: c.overrides }),
      ...(c.output === undefined ? {} : { preferences: preferencesFrom(c.output) }),
    });
    expect(outcome.text).toBe(c.expected);
    expect(outcome.ok).toBe(c.ok);
  });
});

function preferencesFrom(lines: readonly string[]) {
  return lines.map((line) => {
    const [name, version] = line.split("==") as [string, string];
    return {
      name: name as never,
      version: Version.parse(version),
      source: "requirements-txt" as const,
    };
  });
}
