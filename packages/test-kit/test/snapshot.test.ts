import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { assertSnapshot, checkSnapshot, SnapshotMismatchError } from "../src/snapshot.ts";
import { diffLines, formatDiff } from "../src/snapshot-diff.ts";
import { normalizeSnapshot } from "../src/snapshot-normalize.ts";
import { callSiteFromStack, listPending, pendingFileName } from "../src/snapshot-store.ts";

const THIS_FILE = fileURLToPath(import.meta.url);

/** The source of this file from a 1-based line and column on. */
function sourceAt(line: number, column: number): string {
  return (readFileSync(THIS_FILE, "utf8").split("\n")[line - 1] ?? "").slice(column - 1);
}

describe("normalizeSnapshot", () => {
  it("strips the common indentation and the first and last blank lines", () => {
    const expected = `
      exit_code: 0 (success)
      ----- stdout -----
        indented
    `;
    expect(normalizeSnapshot(expected)).toBe(
      "exit_code: 0 (success)\n----- stdout -----\n  indented",
    );
  });

  it("ignores blank lines when measuring the indentation", () => {
    expect(normalizeSnapshot("\n    a\n\n    b\n  ")).toBe("a\n\nb");
  });

  it("makes a missing trailing newline irrelevant", () => {
    expect(normalizeSnapshot("a\nb\n")).toBe(normalizeSnapshot("a\nb"));
  });

  it("keeps a single line as it is, but for trailing whitespace", () => {
    expect(normalizeSnapshot("  one line  ")).toBe("  one line");
  });

  it("does not dedent when the first line starts at column zero", () => {
    expect(normalizeSnapshot("a\n    b")).toBe("a\n    b");
  });

  it("turns CRLF into LF", () => {
    expect(normalizeSnapshot("a\r\nb\r\n")).toBe("a\nb");
  });
});

describe("diff", () => {
  it("finds a minimal line diff", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc")).toEqual([
      { kind: " ", text: "a" },
      { kind: "-", text: "b" },
      { kind: "+", text: "x" },
      { kind: " ", text: "c" },
    ]);
  });

  it("renders unified hunks with context", () => {
    const old = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].join("\n");
    const next = old.replace("2", "two").replace("9", "nine");
    expect(formatDiff(old, next, { context: 1 })).toBe(
      [
        "@@ -1,3 +1,3 @@",
        " 1",
        "-2",
        "+two",
        " 3",
        "@@ -8,3 +8,3 @@",
        " 8",
        "-9",
        "+nine",
        " 10",
      ].join("\n"),
    );
    expect(formatDiff("same", "same")).toBe("");
  });

  it("colours removals red and additions green on request", () => {
    expect(formatDiff("a", "b", { color: true })).toContain("\x1b[31m-a\x1b[0m");
    expect(formatDiff("a", "b", { color: true })).toContain("\x1b[32m+b\x1b[0m");
  });
});

describe("callSiteFromStack", () => {
  const skipKit = (file: string): boolean => file.includes("/test-kit/src/");

  it("takes the first frame outside the harness", () => {
    const stack = [
      "Error: ",
      "    at assertSnapshot (/w/packages/test-kit/src/snapshot.ts:120:5)",
      "    at /w/tests/it/venv.test.ts:12:7",
      "    at file:///w/node_modules/@vitest/runner/dist/index.js:1:1",
    ].join("\n");
    expect(callSiteFromStack(stack, skipKit)).toEqual({
      file: "/w/tests/it/venv.test.ts",
      line: 12,
      column: 7,
    });
  });

  it("reads named, async and file:// frames, and skips node internals", () => {
    const stack = [
      "Error",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at async Object.check (file:///w/tests/it/a%20b.test.ts:3:9)",
    ].join("\n");
    expect(callSiteFromStack(stack, skipKit)).toEqual({
      file: "/w/tests/it/a b.test.ts",
      line: 3,
      column: 9,
    });
    expect(callSiteFromStack("Error\n    at <anonymous>", skipKit)).toBeUndefined();
  });

  it("locates a real call through vitest's source maps", () => {
    const site = callSiteFromStack(new Error().stack ?? "", skipKit);
    expect(site?.file).toBe(THIS_FILE);
    expect(sourceAt(site?.line ?? 0, site?.column ?? 0)).toMatch(/^new Error\(\)\.stack/);
  });
});

describe("checkSnapshot", () => {
  const dir = mkdtempSync(join(tmpdir(), "uv-ts-pending-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const site = { file: "/w/tests/it/x.test.ts", line: 10, column: 3 };
  const options = { site, pendingDir: dir, update: false, testName: "x > y" };

  it("passes on a match and leaves nothing pending", () => {
    checkSnapshot("a\nb\n", "\n  a\n  b\n", options);
    expect(listPending(dir)).toEqual([]);
  });

  it("records a mismatch and fails with a diff", () => {
    let error: unknown;
    try {
      checkSnapshot("a\nc\n", "\n  a\n  b\n", options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnapshotMismatchError);
    const mismatch = error as SnapshotMismatchError;
    expect(mismatch.message).toContain("Snapshot mismatch at ");
    expect(mismatch.message).toContain("x.test.ts:10:3");
    expect(mismatch.message).toContain("@@ -1,2 +1,2 @@\n a\n-b\n+c");
    expect(mismatch.actual).toBe("a\nc");
    expect(mismatch.expected).toBe("a\nb");
    const [entry, ...rest] = listPending(dir);
    expect(rest).toEqual([]);
    expect(entry?.snapshot).toMatchObject({ ...site, old: "a\nb", new: "a\nc", test: "x > y" });
    expect(entry?.path).toBe(join(dir, pendingFileName(site)));
  });

  it("forgets the pending record once the assertion passes", () => {
    checkSnapshot("a\nb", "a\nb", options);
    expect(listPending(dir)).toEqual([]);
  });

  it("records a missing snapshot as new and fails", () => {
    expect(() => checkSnapshot("fresh\n", undefined, options)).toThrow(
      /New snapshot at .*\n\+fresh/,
    );
    expect(listPending(dir)[0]?.snapshot.old).toBeNull();
  });

  it("records but does not fail when updating", () => {
    checkSnapshot("other", "b", { ...options, update: true });
    expect(listPending(dir)[0]?.snapshot).toMatchObject({ old: "b", new: "other" });
    checkSnapshot("b", "b", options);
  });

  it("leaves only whole files behind (writes are atomic)", () => {
    checkSnapshot("z", undefined, { ...options, update: true });
    expect(readdirSync(dir).filter((n) => !n.endsWith(".json"))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, pendingFileName(site)), "utf8")).version).toBe(1);
  });

  it("names distinct call sites and same-named files in different dirs apart", () => {
    const a = pendingFileName({ file: "/a/x.test.ts", line: 1, column: 1 });
    const b = pendingFileName({ file: "/b/x.test.ts", line: 1, column: 1 });
    const c = pendingFileName({ file: "/a/x.test.ts", line: 1, column: 2 });
    expect(new Set([a, b, c]).size).toBe(3);
  });
});

describe("assertSnapshot", () => {
  it("passes on a match", () => {
    assertSnapshot(
      "exit_code: 0 (success)\n----- stdout -----\nhi\n",
      `
      exit_code: 0 (success)
      ----- stdout -----
      hi
    `,
    );
  });

  it("records the test file's call site on a mismatch", () => {
    const dir = mkdtempSync(join(tmpdir(), "uv-ts-pending-"));
    const saved = process.env.UV_TS_SNAPSHOT_PENDING_DIR;
    process.env.UV_TS_SNAPSHOT_PENDING_DIR = dir;
    try {
      expect(() => assertSnapshot("new", "old")).toThrow(SnapshotMismatchError);
      const [entry] = listPending(dir);
      expect(entry?.snapshot).toMatchObject({ file: THIS_FILE, old: "old", new: "new" });
      expect(sourceAt(entry?.snapshot.line ?? 0, entry?.snapshot.column ?? 0)).toMatch(
        /^assertSnapshot\("new", "old"\)/,
      );
      expect(entry?.snapshot.test).toContain("records the test file's call site");
    } finally {
      if (saved === undefined) delete process.env.UV_TS_SNAPSHOT_PENDING_DIR;
      else process.env.UV_TS_SNAPSHOT_PENDING_DIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
