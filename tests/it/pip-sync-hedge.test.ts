// A file request whose answer is late is sent a second time and the first answer is used (a
// choice of uv-ts's client, see `packages/client/src/hedge.ts`): what the user sees is exactly
// what an install without the stall shows.
import {
  assertSnapshot,
  hasFeature,
  type IndexServer,
  type PackageSpec,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACKAGES: PackageSpec[] = [
  { name: "hg-a", versions: [{ version: "1.0.0", wheels: ["py3-none-any"] }] },
  { name: "hg-b", versions: [{ version: "1.0.0", wheels: ["py3-none-any"] }] },
];

const STALLED = "/files/hg_b-1.0.0-py3-none-any.whl";

let server: IndexServer;

beforeAll(async () => {
  if (!hasFeature("python")) return;
  server = await startIndexServer({ packages: PACKAGES });
});

afterAll(async () => {
  await server?.close();
});

/** GET requests for `path` since the `from`-th request. */
const gets = (path: string, from: number) =>
  server.requests.slice(from).filter((r) => r.method === "GET" && r.pathname === path).length;

describe.skipIf(!hasFeature("python"))("pip sync, a stalled download", () => {
  it("is_sent_again_and_the_sync_finishes", async () => {
    await using ctx = await TestContext.withVenv({ python: ["3.12"] });
    await ctx.writeFile("requirements.txt", "hg-a==1.0.0\nhg-b==1.0.0\n");
    // The first request for the wheel gets no answer for longer than the test may take.
    const stall = server.setFault({
      kind: "slow",
      headersDelayMs: 25_000,
      path: STALLED,
      times: 1,
    });
    const from = server.requests.length;
    try {
      assertSnapshot(
        await ctx.snapshot(["pip", "sync", "requirements.txt", "-i", server.simpleUrl]),
        `
        exit_code: 0 (success)
        ----- stderr -----
        Resolved 2 packages in [TIME]
        Prepared 2 packages in [TIME]
        Installed 2 packages in [TIME]
         + hg-a==1.0.0
         + hg-b==1.0.0
        `,
      );
      expect(stall.hits).toBe(1);
      expect(gets(STALLED, from)).toBe(2);
    } finally {
      stall.remove();
    }
  });

  it("waits_for_the_answer_with_uv_ts_hedge_0", async () => {
    await using ctx = await TestContext.withVenv({ python: ["3.12"] });
    await ctx.writeFile("requirements.txt", "hg-a==1.0.0\nhg-b==1.0.0\n");
    const stall = server.setFault({ kind: "slow", headersDelayMs: 1500, path: STALLED, times: 1 });
    const from = server.requests.length;
    try {
      const out = await ctx.run(["pip", "sync", "requirements.txt", "-i", server.simpleUrl], {
        env: { UV_TS_HEDGE: "0" },
      });
      expect(out.exitCode).toBe(0);
      expect(gets(STALLED, from)).toBe(1);
    } finally {
      stall.remove();
    }
  });
});
