import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/python-oracle.ts";
import { normalizeSnapshot } from "../src/snapshot-normalize.ts";
import { reviewMain, reviewSnapshots } from "../src/snapshot-review.ts";
import {
  escapeTemplateLiteral,
  renderInlineSnapshot,
  rewriteInlineSnapshots,
} from "../src/snapshot-rewrite.ts";
import { listPending, writePending } from "../src/snapshot-store.ts";

/** `${`, spelled so that no linter mistakes it for a placeholder in a plain string. */
const DOLLAR_BRACE = "$" + "{";

/** The cooked values of every `assertSnapshot` call's second argument, in source order. */
function snapshotsIn(source: string): (string | null)[] {
  const file = ts.createSourceFile("x.ts", source, ts.ScriptTarget.Latest, true);
  const found: (string | null)[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(file).endsWith("assertSnapshot")) {
      const arg = node.arguments[1];
      found.push(
        arg && ts.isNoSubstitutionTemplateLiteral(arg) ? normalizeSnapshot(arg.text) : null,
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** 1-based line and column of the `n`th occurrence of `needle`, as a stack frame reports it. */
function position(source: string, needle: string, n = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= n; i++) at = source.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`no ${needle}`);
  const before = source.slice(0, at).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

describe("escapeTemplateLiteral", () => {
  it("escapes backslashes, backticks, ${ and control characters", () => {
    expect(escapeTemplateLiteral(`a\\b \`c\` ${DOLLAR_BRACE}d} $e \x1b[0m\r`)).toBe(
      `a\\\\b \\\`c\\\` \\${DOLLAR_BRACE}d} $e \\u001b[0m\\r`,
    );
  });
});

describe("renderInlineSnapshot", () => {
  it("writes one line inline and several lines indented", () => {
    expect(renderInlineSnapshot("exit_code: 7 (failure)", "    ")).toBe("`exit_code: 7 (failure)`");
    expect(renderInlineSnapshot("a\n\nb", "    ")).toBe("`\n    a\n\n    b\n    `");
  });

  it("round-trips any normalised text through a parsed template literal", () => {
    const line = fc.stringMatching(/^[ -~\t\\`$\x1b{}]{0,20}$/);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.nat(8), (lines, width) => {
        const text = normalizeSnapshot(lines.join("\n"));
        const literal = renderInlineSnapshot(text, " ".repeat(width));
        const file = ts.createSourceFile("x.ts", `f(${literal});`, ts.ScriptTarget.Latest, true);
        const statement = file.statements[0];
        if (!statement || !ts.isExpressionStatement(statement)) throw new Error("not parsed");
        const call = statement.expression as ts.CallExpression;
        const arg = call.arguments[0];
        if (!arg || !ts.isNoSubstitutionTemplateLiteral(arg)) throw new Error("not a literal");
        expect(normalizeSnapshot(arg.text)).toBe(text);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

const SAMPLE = `import { assertSnapshot } from "@uv-ts/test-kit";

describe("x", () => {
  it("one", async () => {
    assertSnapshot(
      await ctx.snapshot(["--version"]),
      \`
      exit_code: 0 (success)
      ----- stdout -----
      uv-ts 0.0.9
      \`,
    );
  });

  it("two", () => {
    assertSnapshot(out, \`exit_code: 1 (failure)\`);
  });

  it("missing", () => {
    assertSnapshot(await ctx.snapshot(["help"]));
  });

  it("untouched", () => {
    assertSnapshot(other, \`keep\`);
  });
});
`;

describe("rewriteInlineSnapshots", () => {
  const one = position(SAMPLE, "assertSnapshot(", 0);
  const two = position(SAMPLE, "assertSnapshot(", 1);
  const missing = position(SAMPLE, "assertSnapshot(", 2);
  const edits = [
    {
      ...one,
      old: "exit_code: 0 (success)\n----- stdout -----\nuv-ts 0.0.9",
      new: "exit_code: 0 (success)\n----- stdout -----\nuv-ts [VERSION]",
    },
    {
      ...two,
      old: "exit_code: 1 (failure)",
      new: `exit_code: 2 (failure)\n----- stderr -----\nerror: \`x\` is ${DOLLAR_BRACE}bad}`,
    },
    { ...missing, old: null, new: "exit_code: 0 (success)" },
  ];

  it("rewrites two snapshots and adds a missing one", () => {
    const result = rewriteInlineSnapshots(SAMPLE, "sample.test.ts", edits);
    expect(result.stale).toEqual([]);
    expect(result.applied).toHaveLength(3);
    expect(snapshotsIn(result.source)).toEqual([
      "exit_code: 0 (success)\n----- stdout -----\nuv-ts [VERSION]",
      `exit_code: 2 (failure)\n----- stderr -----\nerror: \`x\` is ${DOLLAR_BRACE}bad}`,
      "exit_code: 0 (success)",
      "keep",
    ]);
    expect(result.source).toBe(`import { assertSnapshot } from "@uv-ts/test-kit";

describe("x", () => {
  it("one", async () => {
    assertSnapshot(
      await ctx.snapshot(["--version"]),
      \`
      exit_code: 0 (success)
      ----- stdout -----
      uv-ts [VERSION]
      \`,
    );
  });

  it("two", () => {
    assertSnapshot(
      out,
      \`
      exit_code: 2 (failure)
      ----- stderr -----
      error: \\\`x\\\` is \\\${bad}
      \`,
    );
  });

  it("missing", () => {
    assertSnapshot(await ctx.snapshot(["help"]), \`exit_code: 0 (success)\`);
  });

  it("untouched", () => {
    assertSnapshot(other, \`keep\`);
  });
});
`);
  });

  it("adds a multi-line snapshot to a call whose arguments are on their own lines", () => {
    const source = "f(() => {\n  assertSnapshot(\n    value,\n  );\n});\n";
    const result = rewriteInlineSnapshots(source, "x.ts", [
      { ...position(source, "assertSnapshot"), old: null, new: "a\nb" },
    ]);
    expect(result.source).toBe(
      "f(() => {\n  assertSnapshot(\n    value,\n    `\n    a\n    b\n    `,\n  );\n});\n",
    );
  });

  it("leaves stale edits alone", () => {
    const result = rewriteInlineSnapshots(SAMPLE, "sample.test.ts", [
      { ...two, old: "something else", new: "x" },
      { ...one, old: null, new: "x" },
      { line: 2, column: 1, old: null, new: "x" },
    ]);
    expect(result.source).toBe(SAMPLE);
    expect(result.applied).toEqual([]);
    expect(result.stale.map((s) => s.reason)).toEqual([
      "the snapshot in the file changed since the test ran",
      "the snapshot in the file changed since the test ran",
      "no `assertSnapshot` call at 2:1",
    ]);
  });

  it("finds a call through a method and when the column is off", () => {
    const source = "await kit.assertSnapshot(x, `a`);\n";
    const result = rewriteInlineSnapshots(source, "x.ts", [
      { line: 1, column: 1, old: "a", new: "b" },
    ]);
    expect(result.source).toBe("await kit.assertSnapshot(x, `b`);\n");
  });
});

describe("reviewSnapshots", () => {
  const dir = mkdtempSync(join(tmpdir(), "uv-ts-review-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function setUp(): { file: string; pending: string } {
    const work = mkdtempSync(join(dir, "case-"));
    const file = join(work, "sample.test.ts");
    writeFileSync(file, SAMPLE);
    const pending = join(work, "pending");
    const one = position(SAMPLE, "assertSnapshot(", 0);
    const two = position(SAMPLE, "assertSnapshot(", 1);
    const missing = position(SAMPLE, "assertSnapshot(", 2);
    writePending(pending, {
      file,
      ...one,
      old: "exit_code: 0 (success)\n----- stdout -----\nuv-ts 0.0.9",
      new: "ONE",
    });
    writePending(pending, { file, ...two, old: "exit_code: 1 (failure)", new: "TWO" });
    writePending(pending, { file, ...missing, old: null, new: "NEW" });
    return { file, pending };
  }

  it("accepts, rejects and skips", async () => {
    const { file, pending } = setUp();
    const decisions = ["accept", "reject", "skip"] as const;
    const shown: string[] = [];
    const summary = await reviewSnapshots({
      pendingDir: pending,
      root: dir,
      color: false,
      log: () => {},
      decide: async (_entry, text) => {
        shown.push(text);
        return decisions[shown.length - 1] ?? "skip";
      },
    });
    expect(summary).toEqual({ accepted: 1, rejected: 1, skipped: 1, stale: 0, files: [file] });
    expect(shown[0]).toMatch(/sample\.test\.ts:5:5\n@@ -1,3 \+1,1 @@\n-exit_code: 0 \(success\)/);
    expect(shown[2]).toMatch(/new snapshot:\n\+NEW/);
    expect(snapshotsIn(readFileSync(file, "utf8"))).toEqual([
      "ONE",
      "exit_code: 1 (failure)",
      null,
      "keep",
    ]);
    expect(listPending(pending).map((e) => e.snapshot.new)).toEqual(["NEW"]);
  });

  it("runs as scripts/snapshots-review.mjs --accept-all", () => {
    const { file, pending } = setUp();
    const result = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "scripts/snapshots-review.mjs"), "--accept-all"],
      {
        env: { ...process.env, UV_TS_SNAPSHOT_PENDING_DIR: pending },
        encoding: "utf8",
      },
    );
    expect(result.stderr).toContain("3 accepted, 0 rejected, 0 skipped");
    expect(result.status).toBe(0);
    expect(snapshotsIn(readFileSync(file, "utf8"))).toEqual(["ONE", "TWO", "NEW", "keep"]);
    expect(existsSync(pending) && listPending(pending)).toEqual([]);
  });

  it("discards everything with --reject-all", async () => {
    const { file, pending } = setUp();
    expect(await reviewMain(["--reject-all"], { pendingDir: pending, root: dir })).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(SAMPLE);
    expect(listPending(pending)).toEqual([]);
  });

  it("rejects unknown arguments", async () => {
    const { pending } = setUp();
    expect(await reviewMain(["--bogus"], { pendingDir: pending, root: dir })).toBe(2);
    expect(listPending(pending)).toHaveLength(3);
  });
});
