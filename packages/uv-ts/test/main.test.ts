import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStyler, renderError } from "@uv-ts/console";
import { UvError } from "@uv-ts/error";
import { describe, expect, it } from "vitest";
import {
  type CommandContext,
  type CommandTable,
  main,
  type ProcessTuning,
  VERSION,
} from "../src/index.ts";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  ctx: CommandContext | undefined;
}

async function run(
  argv: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    commands?: CommandTable;
    cwd?: string;
    tuning?: ProcessTuning;
  } = {},
) {
  const out: Captured = { code: -1, stdout: "", stderr: "", ctx: undefined };
  const sink = (key: "stdout" | "stderr") => ({
    write(text: string) {
      out[key] += text;
      return true;
    },
  });
  const commands: CommandTable = options.commands ?? {
    "cache dir": async () => ({
      run: async (ctx) => {
        out.ctx = ctx;
        ctx.printer.stdout(`${ctx.cacheDir}\n`);
        return 0;
      },
    }),
  };
  out.code = await main(
    {
      argv,
      env: options.env ?? { HOME: "/home/test" },
      cwd: options.cwd ?? "/tmp",
      stdout: sink("stdout") as unknown as NodeJS.WritableStream,
      stderr: sink("stderr") as unknown as NodeJS.WritableStream,
      ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
    },
    commands,
  );
  return out;
}

const throwing = (error: unknown): CommandTable => ({
  "cache dir": async () => ({
    run: async () => {
      throw error;
    },
  }),
});

describe("main", () => {
  it("prints the version", async () => {
    expect(await run(["--version"])).toMatchObject({
      code: 0,
      stdout: `uv-ts ${VERSION}\n`,
      stderr: "",
    });
    expect(await run(["self", "version", "--short"])).toMatchObject({
      code: 0,
      stdout: `${VERSION}\n`,
    });
  });

  it("prints help on stdout, and on stderr with exit 2 when given nothing", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^An extremely fast Python package manager\.\n\nUsage: uv-ts \[OPTIONS\] <COMMAND>\n/,
    );
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe(help.stdout);
  });

  it("wraps help at COLUMNS", async () => {
    const narrow = await run(["venv", "--help"], { env: { COLUMNS: "60" } });
    expect(Math.max(...narrow.stdout.split("\n").map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it("renders usage errors on stderr with exit 2", async () => {
    const result = await run(["venvv"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("tip: some similar subcommands exist: 'v', 'venv'");
  });

  it("answers commands that are not implemented yet", async () => {
    const result = await run(["lock"]);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "error: The `uv-ts lock` command is not implemented yet\n",
    });
  });

  it("dispatches with the resolved context", async () => {
    const result = await run(["cache", "dir", "-q", "--offline"], { env: { HOME: "/home/test" } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("/home/test/.cache/uv-ts\n");
    expect(result.ctx?.offline).toBe(true);
    expect(result.ctx?.cwd).toBe("/tmp");
    expect(result.ctx?.args.command).toEqual(["cache", "dir"]);
  });

  it("gives commands the process tuning it was given", async () => {
    const tuning: ProcessTuning = { bulkInstall() {}, restore() {} };
    expect((await run(["cache", "dir"], { tuning })).ctx?.io.tuning).toBe(tuning);
    expect((await run(["cache", "dir"])).ctx?.io.tuning).toBeUndefined();
  });

  it("uses a temporary cache for --no-cache and removes it afterwards", async () => {
    const result = await run(["cache", "dir", "--no-cache"]);
    const dir = result.stdout.trim();
    expect(dir).toContain("uv-ts-cache-");
    expect(result.ctx?.noCache).toBe(true);
    await expect(import("node:fs/promises").then((fs) => fs.stat(dir))).rejects.toThrow();
  });

  it("changes directory with --directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "uv-ts-main-"));
    try {
      const result = await run(["--directory", dir, "cache", "dir", "--cache-dir", "c"]);
      expect(result.ctx?.cwd).toBe(dir);
      expect(result.stdout).toBe(`${join(dir, "c")}\n`);
      const missing = await run(["--directory", join(dir, "nope"), "cache", "dir"]);
      expect(missing).toMatchObject({
        code: 2,
        stderr: "error: No such file or directory (os error 2)\n",
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("renders thrown errors with causes and hints, exit 2", async () => {
    const error = new UvError("test.outer", "Failed to do the thing", {
      cause: new Error("disk full"),
      hint: "Free some space",
    });
    const result = await run(["cache", "dir"], { commands: throwing(error) });
    // The layout is @uv-ts/console's; main must print it uncoloured, on stderr, whole.
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: renderError(error, createStyler("never", {}, {})),
    });
    expect(result.stderr).toMatch(
      /^error: Failed to do the thing\n.*disk full\n\nhint: Free some space\n$/s,
    );
  });

  it("honours an error's exitCode", async () => {
    const error = Object.assign(new UvError("test.no-solution", "No solution found"), {
      exitCode: 1,
    });
    expect((await run(["cache", "dir"], { commands: throwing(error) })).code).toBe(1);
  });

  it("shows a stack for unexpected errors only with -v", async () => {
    const quiet = await run(["cache", "dir"], { commands: throwing(new TypeError("boom")) });
    expect(quiet).toMatchObject({ code: 2, stderr: "error: boom\n" });
    const verbose = await run(["cache", "dir", "-v"], {
      commands: throwing(new TypeError("boom")),
    });
    expect(verbose.stderr).toMatch(/^error: boom\n\nTypeError: boom\n {4}at /);
  });

  it("renders `help <command>` and its errors", async () => {
    const help = await run(["help", "cache", "dir"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Show the cache directory\.\n/);
    const missing = await run(["help", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^error: There is no command `nope` for `uv-ts`\. Did you mean one of:\n {4}auth\n/,
    );
  });

  it("rejects a malformed UV_OFFLINE as uv does", async () => {
    const result = await run(["cache", "dir"], { env: { HOME: "/h", UV_OFFLINE: "maybe" } });
    expect(result).toMatchObject({
      code: 2,
      stderr:
        "error: Failed to parse environment variable `UV_OFFLINE` with invalid value `maybe`: expected a boolish value\n",
    });
  });
});
