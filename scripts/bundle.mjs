#!/usr/bin/env node
import { existsSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
// Bundles the `uv-ts` CLI with esbuild: one small entry chunk (argument parsing and dispatch) and
// lazily imported chunks for each command, so that start-up loads only what a command needs.
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const finalDir = `${root}packages/uv-ts/dist`;
// Build beside the final directory and swap it in, so that a CLI started while another build runs
// (parallel test runs) never sees a half-written bundle.
const outdir = `${finalDir}.tmp-${process.pid}`;
const quiet = process.argv.includes("--quiet");

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { "uv-ts": "packages/uv-ts/src/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  minifySyntax: true,
  metafile: true,
  logLevel: quiet ? "warning" : "info",
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: "import { createRequire as __uvTsCreateRequire } from 'node:module'; const require = __uvTsCreateRequire(import.meta.url);",
  },
});
const stale = `${finalDir}.old-${process.pid}`;
if (existsSync(finalDir)) renameSync(finalDir, stale);
renameSync(outdir, finalDir);
rmSync(stale, { recursive: true, force: true });
if (!quiet) {
  const entry = Object.entries(result.metafile.outputs).find(
    ([, o]) => o.entryPoint === "packages/uv-ts/src/main.ts",
  );
  if (entry) console.error(`entry chunk: ${entry[0]} (${entry[1].bytes} bytes)`);
}
