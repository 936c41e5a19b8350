#!/usr/bin/env node
// `pnpm bench [name...]`: runs every executable benchmark script in scripts/bench/ (this runner
// and helper files such as lib.sh excepted), or only the named ones, one after the other.
import { spawnSync } from "node:child_process";
import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const self = basename(fileURLToPath(import.meta.url));

function isBenchmark(name) {
  if (name === self || name.startsWith(".") || name.startsWith("lib") || name.endsWith(".md"))
    return false;
  const path = join(dir, name);
  if (!statSync(path).isFile()) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const available = readdirSync(dir).filter(isBenchmark).sort();
const [requested, passthrough] = (() => {
  const args = process.argv.slice(2);
  const dash = args.indexOf("--");
  return dash < 0 ? [args, []] : [args.slice(0, dash), args.slice(dash + 1)];
})();
const unknown = requested.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`error: no benchmark named ${unknown.map((n) => `\`${n}\``).join(", ")}`);
  console.error(`available: ${available.join(", ")}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : available;
let failed = 0;
for (const name of selected) {
  console.error(`\n=== ${name} ===`);
  const result = spawnSync(join(dir, name), passthrough, { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark \`${name}\` failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
