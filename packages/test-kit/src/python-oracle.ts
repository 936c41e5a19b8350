import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root (this file is packages/test-kit/src/python-oracle.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The Python of `target/test-venv`, which has the reference `packaging` installed. */
export const ORACLE_PYTHON = `${REPO_ROOT}target/test-venv/bin/python`;

/** Whether the reference venv exists (made by `scripts/setup-test-python.mjs`). */
export function oracleAvailable(): boolean {
  return existsSync(ORACLE_PYTHON);
}

/**
 * Runs a Python script in the reference venv, feeding it `input` as JSON on stdin and parsing
 * its stdout as JSON. Used by differential tests against `packaging`.
 */
export function runOracle<T>(scriptPath: string, input: unknown): T {
  const result = spawnSync(ORACLE_PYTHON, [scriptPath], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`oracle ${scriptPath} failed (${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}
