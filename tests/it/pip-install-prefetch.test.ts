// `uv-ts pip install` fetches the wheels of `==` pins while the resolution still runs (a
// scheduling choice of uv-ts; uv downloads after resolving). What the user sees must be exactly
// what a download after the resolution shows.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertSnapshot,
  hasFeature,
  type IndexServer,
  type PackageSpec,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const wheel = (v: Omit<PackageSpec["versions"][number], "wheels">) => ({
  ...v,
  wheels: ["py3-none-any"],
});

const PACKAGES: PackageSpec[] = [
  { name: "pf-a", versions: [wheel({ version: "1.0.0" })] },
  { name: "pf-b", versions: [wheel({ version: "1.0.0", requiresDist: ["pf-c"] })] },
  { name: "pf-c", versions: [wheel({ version: "1.0.0" })] },
  { name: "pf-d", versions: [wheel({ version: "1.0.0", requiresDist: ["pf-c>=2"] })] },
];

let server: IndexServer;

beforeAll(async () => {
  if (!hasFeature("python")) return;
  server = await startIndexServer({ packages: PACKAGES });
});

afterAll(async () => {
  await server?.close();
});

const venvContext = () => TestContext.withVenv({ python: ["3.12"] });

/** Where in the request log the first request for `path` is (-1: none). */
const position = (path: string, from: number) =>
  server.requests.slice(from).findIndex((r) => r.pathname === path);

/** Full downloads of the served file `filename` since the `from`-th request. */
const downloads = (filename: string, from: number) =>
  server.requests
    .slice(from)
    .filter(
      (r) => r.method === "GET" && r.pathname === `/files/${filename}` && r.range === undefined,
    ).length;

/**
 * A wrapper of the venv's interpreter that answers 2 s late, and when it first answered (epoch
 * ms, read after the run).
 */
function slowInterpreter(ctx: { readonly tempDir: string; readonly venv: string }) {
  const answered = join(ctx.tempDir, "answered");
  const path = join(ctx.tempDir, "slow-python");
  writeFileSync(
    path,
    `#!/bin/sh\nsleep 2\ndate +%s%3N >> '${answered}'\nexec '${join(ctx.venv, "bin", "python3")}' "$@"\n`,
    { mode: 0o755 },
  );
  return { path, firstAnswer: () => Number(readFileSync(answered, "utf8").split("\n")[0]) };
}

/** The first connection the index accepted since the `from`-th came before `time`. */
function expectConnectedBefore(time: number, from: number): void {
  const first = server.connectionTimes[from];
  expect(first).toBeDefined();
  expect(first!).toBeLessThan(time);
}

describe.skipIf(!hasFeature("python"))("pip install, pinned wheels fetched while resolving", () => {
  it("pinned_wheels_download_before_the_resolution_ends", async () => {
    await using ctx = await venvContext();
    // `pf-b`'s dependencies are known late: the resolution ends only after `pf-c`'s page and
    // metadata, which are asked for once `pf-b`'s metadata is in.
    const slow = server.setFault({
      kind: "slow",
      headersDelayMs: 1500,
      path: "/files/pf_b-1.0.0-py3-none-any.whl.metadata",
    });
    const from = server.requests.length;
    try {
      assertSnapshot(
        await ctx.snapshot([
          "pip",
          "install",
          "pf-a==1.0.0",
          "pf-b==1.0.0",
          "-i",
          server.simpleUrl,
        ]),
        `
        exit_code: 0 (success)
        ----- stderr -----
        Resolved 3 packages in [TIME]
        Prepared 3 packages in [TIME]
        Installed 3 packages in [TIME]
         + pf-a==1.0.0
         + pf-b==1.0.0
         + pf-c==1.0.0
        `,
      );
    } finally {
      slow.remove();
    }
    expect(slow.hits).toBeGreaterThan(0);
    const endOfResolution = position("/simple/pf-c/", from);
    expect(endOfResolution).toBeGreaterThan(0);
    for (const file of ["pf_a-1.0.0-py3-none-any.whl", "pf_b-1.0.0-py3-none-any.whl"]) {
      const download = position(`/files/${file}`, from);
      expect(download, file).toBeGreaterThanOrEqual(0);
      expect(download, file).toBeLessThan(endOfResolution);
    }
    // Each wheel once: the install took the early downloads over.
    for (const file of [
      "pf_a-1.0.0-py3-none-any.whl",
      "pf_b-1.0.0-py3-none-any.whl",
      "pf_c-1.0.0-py3-none-any.whl",
    ]) {
      expect(downloads(file, from), file).toBe(1);
    }
    // Installed and recorded as from the index (no cache hit was reported either).
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "pf-a==1.0.0", "pf-b==1.0.0", "-i", server.simpleUrl]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Checked 2 packages in [TIME]
      `,
    );
  });

  it("a_failed_resolution_stops_the_early_downloads_quietly", async () => {
    await using ctx = await venvContext();
    // `pf-a`'s download starts, then stalls for longer than the test may take: only stopping
    // it lets the command end.
    const stalled = server.setFault({
      kind: "slow",
      bodyDelayMs: 30_000,
      path: "/files/pf_a-1.0.0-py3-none-any.whl",
    });
    // `pf-d`'s metadata, which makes the resolution fail, arrives after that download started.
    const late = server.setFault({
      kind: "slow",
      headersDelayMs: 500,
      path: "/files/pf_d-1.0.0-py3-none-any.whl.metadata",
    });
    const from = server.requests.length;
    try {
      assertSnapshot(
        await ctx.snapshot([
          "pip",
          "install",
          "pf-a==1.0.0",
          "pf-d==1.0.0",
          "-i",
          server.simpleUrl,
        ]),
        `
        exit_code: 1 (failure)
        ----- stderr -----
        error: No solution found when resolving dependencies
          cause: Because only pf-c==1.0.0 is available and all versions of pf-d depend on pf-c>=2, we can conclude that all versions of pf-d cannot be used.
                 And because you require pf-d==1.0.0, we can conclude that your requirements are unsatisfiable.
        `,
      );
    } finally {
      stalled.remove();
      late.remove();
    }
    expect(downloads("pf_a-1.0.0-py3-none-any.whl", from)).toBe(1);
    // Nothing was installed, and the cache keeps no half-fetched wheel.
    expect(readdirSync(ctx.cacheDir).filter((n) => n.startsWith(".tmp"))).toEqual([]);
  }, 20_000);

  it("pinned_wheels_download_as_soon_as_their_pages_arrive", async () => {
    // Whichever of the two the solver decides first, the other's page is in long before that
    // decision can be made: its wheel's download starts from the page, not from the decision.
    for (const [slowName, otherWheel] of [
      ["pf-a", "pf_c-1.0.0-py3-none-any.whl"],
      ["pf-c", "pf_a-1.0.0-py3-none-any.whl"],
    ] as const) {
      await using ctx = await venvContext();
      writeFileSync(join(ctx.tempDir, "requirements.txt"), "pf-a==1.0.0\npf-c==1.0.0\n");
      const slow = server.setFault({
        kind: "slow",
        headersDelayMs: 2000,
        path: `/simple/${slowName}/`,
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
           + pf-a==1.0.0
           + pf-c==1.0.0
          `,
        );
      } finally {
        slow.remove();
      }
      const log = server.requests.slice(from);
      const slowPage = log.find((r) => r.pathname === `/simple/${slowName}/`);
      const download = log.find((r) => r.pathname === `/files/${otherWheel}`);
      expect(slowPage?.faults, slowName).toContain("slow");
      expect(download, otherWheel).toBeDefined();
      // Well before the slow page is answered (2 s after it was asked for).
      expect(download!.receivedAt - slowPage!.receivedAt, otherWheel).toBeLessThan(1000);
    }
  }, 20_000);

  it("the_index_connection_overlaps_the_interpreter_query", async () => {
    await using ctx = await venvContext();
    // A cold cache queries the interpreter; the connection to the index is made meanwhile.
    const slow = slowInterpreter(ctx);
    writeFileSync(join(ctx.tempDir, "requirements.txt"), "pf-a==1.0.0\n");
    const from = server.connectionTimes.length;
    assertSnapshot(
      await ctx.snapshot([
        "pip",
        "sync",
        "requirements.txt",
        "--python",
        slow.path,
        "-i",
        server.simpleUrl,
      ]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + pf-a==1.0.0
      `,
    );
    expectConnectedBefore(slow.firstAnswer(), from);
  }, 20_000);

  it("pip_compile_connects_to_the_index_while_the_interpreter_answers", async () => {
    await using ctx = await venvContext();
    const slow = slowInterpreter(ctx);
    writeFileSync(join(ctx.tempDir, "requirements.in"), "pf-a==1.0.0\n");
    const from = server.connectionTimes.length;
    const out = await ctx.run([
      "pip",
      "compile",
      "requirements.in",
      "--python",
      slow.path,
      "--no-header",
      "-i",
      server.simpleUrl,
    ]);
    expect(out.stderr).toContain("Resolved 1 package in");
    expect(out.stdout).toContain("pf-a==1.0.0");
    expect(out.exitCode).toBe(0);
    expectConnectedBefore(slow.firstAnswer(), from);
  }, 20_000);
});
