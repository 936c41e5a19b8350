// Differential test: every help page uv-ts renders (with the binary named `uv`) must equal the
// installed uv 0.13.8's, byte for byte, at several terminal widths.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findUv, isOracleUv } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";
// Not part of the package's API: the parser and `renderHelpCommand` load it when help is shown.
import { renderHelp } from "../src/help.ts";
import {
  type CommandLevel,
  type CommandSpec,
  childLevel,
  ROOT,
  renderHelpCommand,
  rootLevel,
} from "../src/index.ts";

const uv = findUv();
const UV = uv?.path ?? "uv";
const available = isOracleUv(uv);

function scrubbedEnv(columns: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("UV_") && k !== "VIRTUAL_ENV") env[k] = v;
  }
  env.COLUMNS = String(columns);
  env.NO_COLOR = "1";
  return env;
}

const execFileAsync = promisify(execFile);

async function runUv(args: readonly string[], columns: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync(UV, args, {
      encoding: "utf8",
      env: scrubbedEnv(columns),
    });
    return stdout;
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? "");
  }
}

/** Runs `jobs` with at most `limit` in flight (uv takes a while to start). */
async function limited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

async function allLevels(): Promise<CommandLevel[]> {
  const out: CommandLevel[] = [];
  const visit = async (level: CommandLevel) => {
    out.push(level);
    for (const sub of level.spec.subcommands ?? []) {
      // Hidden commands uv-ts only knows by name (`upgrade`, `clean`, ...) have no spec to compare.
      if (
        sub.name === "help" ||
        (sub.hidden === true && sub.load === undefined && sub.args === undefined)
      )
        continue;
      const spec: CommandSpec = sub.load ? await sub.load() : sub;
      await visit(childLevel(level, spec));
    }
  };
  await visit(rootLevel(ROOT, "uv"));
  return out;
}

describe.skipIf(!available)("help pages equal uv 0.13.8's", async () => {
  const levels = available ? await allLevels() : [];
  const env = scrubbedEnv(100);
  const cases: { long: boolean; width: number }[] = [
    { long: false, width: 100 },
    { long: false, width: 60 },
    { long: false, width: 250 },
    { long: true, width: 100 },
  ];
  for (const { long, width } of cases) {
    it(`${long ? "long help (uv help <command>)" : "short help (--help)"} at width ${width}`, async () => {
      const expected = await limited(
        levels.map((level) => () => {
          const path = level.path.slice(1);
          return runUv(long ? ["help", ...path, "--no-pager"] : [...path, "--help"], width);
        }),
        16,
      );
      const mismatches: string[] = [];
      for (const [i, level] of levels.entries()) {
        const path = level.path.slice(1);
        let actual: string;
        if (long) {
          const result = await renderHelpCommand(path, { root: ROOT, bin: "uv", width, env });
          actual = result.kind === "help" ? result.text : result.message;
        } else {
          actual = renderHelp(level, { long: false, width, env });
        }
        if (actual !== expected[i]) {
          if (mismatches.length === 0) expect(actual).toBe(expected[i]);
          mismatches.push(path.join(" "));
        }
      }
      expect(mismatches).toEqual([]);
      expect(levels.length).toBeGreaterThan(60);
    }, 60_000);
  }
});
