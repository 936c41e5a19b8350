#!/usr/bin/env node
// Creates target/test-venv: a Python 3.12 virtual environment with what the differential tests
// compare against: the reference `packaging` library, and the real uv of the release uv-ts
// mirrors (test-kit's `findUv` looks here first). Idempotent: does nothing when the venv
// already has the pinned version. Fails soft (exit 0 with a warning) when there is no network,
// so that an offline run still works; the differential tests then report themselves skipped.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PACKAGING = "26.3";
const UV = "0.13.8";
const root = fileURLToPath(new URL("..", import.meta.url));
const venv = `${root}target/test-venv`;
const stamp = `${venv}/.uv-ts-stamp`;
const want = `packaging==${PACKAGING} uv==${UV}`;

if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) process.exit(0);

function findPython() {
  for (const candidate of ["python3.12", "python3.13", "python3.11", "python3"]) {
    try {
      const path = execFileSync(candidate, ["-c", "import sys; print(sys.executable)"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      if (path) return path;
    } catch {}
  }
  return undefined;
}

const python = findPython();
if (!python) {
  console.warn("warning: no Python found; differential tests will be skipped");
  process.exit(0);
}
try {
  rmSync(venv, { recursive: true, force: true });
  execFileSync(python, ["-m", "venv", venv], { stdio: "inherit" });
  execFileSync(
    `${venv}/bin/python`,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...want.split(" ")],
    { stdio: "inherit", env: { ...process.env, PIP_CONFIG_FILE: "/dev/null" } },
  );
  writeFileSync(stamp, want);
} catch (error) {
  rmSync(venv, { recursive: true, force: true });
  console.warn(
    `warning: could not set up ${venv} (${error.message}); differential tests will be skipped`,
  );
}
