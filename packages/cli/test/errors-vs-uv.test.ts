// Differential test: for command lines clap rejects, uv-ts's error text (with the binary named
// `uv`) must equal the installed uv 0.13.8's, byte for byte. Only erroneous command lines are
// listed, so uv never runs a command.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findUv, isOracleUv } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";
import { parseArgs, ROOT } from "../src/index.ts";

const uv = findUv();
const UV = uv?.path ?? "uv";

const CASES: readonly (readonly string[])[] = [
  ["venvv"],
  ["foo"],
  ["pip", "foo"],
  ["pip", "instal", "x"],
  ["pyton", "find"],
  ["python", "fnd"],
  ["cache", "cleen"],
  ["venv", "--pythn", "3.12"],
  ["venv", "--seed", "--pythn"],
  ["-v", "venv", "-v", "--pythn"],
  ["venv", "--foo"],
  ["venv", "-x"],
  ["venv", "-cx"],
  ["venv", "a", "b"],
  ["venv", "--python"],
  ["venv", "-p"],
  ["--color"],
  ["--color", "sometimes", "venv"],
  ["venv", "--link-mode", "cop"],
  ["venv", "--link-mode=foo"],
  ["venv", "--seed=3"],
  ["--offline=true"],
  ["venv", "-cc"],
  ["venv", "--clear", "--clear"],
  ["venv", "--python", "3.12", "--python", "3.11"],
  ["-q", "-v", "cache", "dir"],
  ["cache", "dir", "-q", "--verbose"],
  ["pip", "install"],
  ["pip", "install", "--no-deps"],
  ["pip", "install", "--foo"],
  ["pip", "install", "x", "--reinstal"],
  ["pip", "compile"],
  ["pip", "sync"],
  ["pip", "uninstall"],
  ["pip", "list", "--format", "yaml"],
  ["pip", "show", "--fils"],
  ["python", "uninstall"],
  ["python", "find", "--foo"],
  ["python", "list", "--output-format", "xml"],
  ["init", "--backend", "hatch"],
  ["init", "--lib", "--app"],
  ["init", "--script", "--name", "x"],
  ["init", "--vcs", "svn"],
  ["cache", "prune", "--ci", "--ci"],
  ["cache", "clean", "--forse"],
  ["--offline"],
  ["pip", "--offline"],
  ["cache", "--no-cache"],
  ["help", "--foo"],
  ["--cache-dir"],
  ["run", "--pythn", "x"],
  ["run", "--foo"],
  ["tool", "run", "--foo"],
];

describe.skipIf(!isOracleUv(uv))("usage errors equal uv 0.13.8's", () => {
  it("for every listed command line", async () => {
    const exec = promisify(execFile);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith("UV_") && k !== "VIRTUAL_ENV") env[k] = v;
    }
    env.COLUMNS = "100";
    env.NO_COLOR = "1";
    const expected = await Promise.all(
      CASES.map(async (args) => {
        try {
          await exec(UV, [...args], { env, encoding: "utf8" });
          return "(succeeded)";
        } catch (error) {
          return String((error as { stderr?: string }).stderr);
        }
      }),
    );
    const mismatches: string[] = [];
    for (const [i, args] of CASES.entries()) {
      const outcome = await parseArgs(args, {
        root: ROOT,
        bin: "uv",
        version: "uv",
        env,
        width: 100,
      });
      const actual = outcome.kind === "error" ? outcome.text : `(${outcome.kind})`;
      if (actual !== expected[i]) {
        mismatches.push(`uv ${args.join(" ")}\n--- uv-ts\n${actual}\n--- uv\n${expected[i]}`);
      }
    }
    expect(mismatches.join("\n\n")).toBe("");
  }, 60_000);
});
