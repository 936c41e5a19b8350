#!/usr/bin/env node
// Reviews the pending inline snapshots that failing `assertSnapshot` calls recorded under
// target/snapshots-pending/: shows each as a diff and asks to accept (write it into the test
// file), reject (discard it) or skip (keep it for later).
//
//   pnpm snapshots:review                 interactive
//   node scripts/snapshots-review.mjs --accept-all   (what `pnpm test -u` runs)
//   node scripts/snapshots-review.mjs --reject-all
//
// The logic lives in packages/test-kit/src/snapshot-review.ts (unit-tested there); Node 20
// cannot import TypeScript, so it is bundled into target/ first, leaving `typescript` external.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pendingDir = process.env.UV_TS_SNAPSHOT_PENDING_DIR || `${root}target/snapshots-pending`;
const args = process.argv.slice(2).filter((a) => a !== "--");

// Nothing to review: skip the bundling (this runs after every `pnpm test -u`).
const pending = existsSync(pendingDir)
  ? readdirSync(pendingDir).filter((name) => name.endsWith(".json"))
  : [];
if (pending.length === 0) {
  if (!args.includes("--accept-all") && !args.includes("--reject-all")) {
    console.error("No pending snapshots");
  }
  process.exit(0);
}

const { build } = await import("esbuild");
const outdir = `${root}target/snapshots-review`;
mkdirSync(outdir, { recursive: true });
const outfile = `${outdir}/review-${process.pid}.mjs`;
await build({
  absWorkingDir: root,
  entryPoints: ["packages/test-kit/src/snapshot-review.ts"],
  outfile,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["typescript"],
  logLevel: "warning",
});

let code;
try {
  const { reviewMain } = await import(pathToFileURL(outfile).href);
  code = await reviewMain(args, {
    pendingDir,
    root,
    afterWrite: (files) => {
      // Keep the rewritten tests formatted like the rest of the repository; best effort.
      const biome = `${root}node_modules/@biomejs/biome/bin/biome`;
      if (existsSync(biome)) {
        spawnSync(process.execPath, [biome, "format", "--write", ...files], {
          cwd: root,
          stdio: "ignore",
        });
      }
    },
  });
} finally {
  const { rmSync } = await import("node:fs");
  rmSync(outfile, { force: true });
}
process.exit(code);
