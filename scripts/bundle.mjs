#!/usr/bin/env node
// Bundles the `uv-ts` CLI with esbuild into packages/uv-ts/dist, for the bin's loader
// (packages/uv-ts/bin/uv-ts.js) to run with V8's code cache.
//
// Three passes:
//  1. esbuild bundles src/main.ts as ES modules with code splitting: one small entry (argument
//     parsing and dispatch) and lazily imported chunks per command, so that a run loads only what
//     its command needs.
//  2. Each chunk is turned into a CommonJS module, its imports into `require()` calls (dynamic
//     ones too), written as a function expression `(function (exports, require, module,
//     __filename, __dirname) {...})`, with its source map chained back to the TypeScript sources.
//  3. Packs: `<module>.pack` holds the entry, or a lazily imported chunk, together with every chunk
//     it imports statically (less those the entry already loaded), so that a command's code is
//     read from two or three files instead of a dozen. The modules stay as files too: the loader
//     falls back to them, and uses them alone when Node applies source maps.
// Besides, the page thread's code (packages/client/src/page-thread-entry.ts) is bundled alone as
// `page-thread.cjs`, an ordinary CommonJS file that the thread loads with `require`.
// Node 20 keeps no code cache for ES modules (`module.enableCompileCache()` came with 22.1), so
// every start would compile each chunk from scratch. The bin instead compiles these files with
// `vm.Script` and a persisted code cache, and never starts Node's ES module loader at all.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const finalDir = `${root}packages/uv-ts/dist`;
// Build beside the final directory and swap it in, so that a CLI started while another build runs
// (parallel test runs) never sees a half-written bundle.
const outdir = `${finalDir}.tmp-${process.pid}`;
const esmDir = `${finalDir}.esm-${process.pid}`;
const quiet = process.argv.includes("--quiet");
const ENTRY = "uv-ts.cjs";
const PAGE_THREAD = "page-thread.cjs";

/** Every `.cjs` file under `dir`, relative to it. */
function modulesIn(dir, prefix = "") {
  return readdirSync(`${dir}/${prefix}`, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return modulesIn(dir, `${prefix}${entry.name}/`);
    return entry.name.endsWith(".cjs") ? [`${prefix}${entry.name}`] : [];
  });
}

/**
 * The module graph from the first pass's metafile, keyed by paths relative to the output
 * directory: each module's static imports, and the modules imported dynamically anywhere.
 */
function moduleGraph(metafile) {
  const base = relative(root, esmDir);
  const name = (path) => relative(base, path);
  const imports = new Map();
  const lazy = new Set();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith(".cjs")) continue;
    const own = [];
    for (const edge of output.imports) {
      if (edge.external) continue;
      if (edge.kind === "import-statement") own.push(name(edge.path));
      else if (edge.kind === "dynamic-import") lazy.add(name(edge.path));
    }
    imports.set(name(path), own);
  }
  return { imports, lazy };
}

/** `start` and every module it imports statically, directly or not. */
function closure(imports, start) {
  const seen = new Set();
  const stack = [start];
  while (stack.length > 0) {
    const module = stack.pop();
    if (seen.has(module)) continue;
    seen.add(module);
    stack.push(...(imports.get(module) ?? []));
  }
  return seen;
}

/**
 * `text` in ASCII. esbuild escapes every non-ASCII character of the code, but not of the comments
 * it keeps, and one such character makes V8 hold the whole source (hundreds of KB) as a two-byte
 * string, and read it through the slow UTF-8 decoder. In a comment an escape is as good as the
 * character; a line or paragraph separator ends a line comment, so it becomes a newline.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (char) =>
    char === "\u2028" || char === "\u2029"
      ? "\n"
      : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Writes the packs (see the top of this file); returns how many. */
function writePacks(metafile) {
  const { imports, lazy } = moduleGraph(metafile);
  const loadedFirst = closure(imports, ENTRY);
  let count = 0;
  for (const head of [ENTRY, ...lazy]) {
    const members = [...closure(imports, head)].filter(
      (module) => head === ENTRY || !loadedFirst.has(module),
    );
    if (members.length < 2) continue;
    let pack = "(function (define) {\n";
    for (const module of members) {
      // The module's `(function ...)` without its map comment and without the parentheses, which
      // would make V8 compile every member up front, used or not.
      const text = readFileSync(`${outdir}/${module}`, "utf8");
      const body = /^\((function [\s\S]*)\)\n\/\/# sourceMappingURL=\S+\s*$/.exec(text)?.[1];
      if (body === undefined) throw new Error(`${module}: not a wrapped module`);
      const id = posix.relative(posix.dirname(head), module);
      pack += `define(${JSON.stringify(id.startsWith(".") ? id : `./${id}`)}, ${body});\n`;
    }
    writeFileSync(`${outdir}/${head}.pack`, asciiOnly(`${pack}})\n`));
    count++;
  }
  return count;
}

rmSync(outdir, { recursive: true, force: true });
rmSync(esmDir, { recursive: true, force: true });
try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { "uv-ts": "packages/uv-ts/src/main.ts" },
    outdir: esmDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // The content is ESM only until the second pass rewrites it; the names are final.
    outExtension: { ".js": ".cjs" },
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    minifySyntax: true,
    metafile: true,
    logLevel: quiet ? "warning" : "info",
  });
  await build({
    absWorkingDir: root,
    entryPoints: modulesIn(esmDir).map((file) => `${esmDir}/${file}`),
    outbase: esmDir,
    outdir,
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    outExtension: { ".js": ".cjs" },
    // `import()` of another chunk becomes `require()`: the loader resolves it, and vm scripts
    // have no dynamic import without a flag-gated callback.
    supported: { "dynamic-import": false },
    // esbuild reads each chunk's linked map, so the final maps point at the TypeScript sources.
    sourcemap: "linked",
    // The wrapper is in the file, so that the loader compiles the text as read (no copy of each
    // module's text) and stack traces show the file's own lines.
    banner: { js: "(function (exports, require, module, __filename, __dirname) {" },
    footer: { js: "})" },
    minifySyntax: true,
    logLevel: "warning",
  });
  const packs = writePacks(result.metafile);
  // The page thread's code (packages/client/src/page-thread.ts), loaded by path on that
  // thread: one self-contained CommonJS file, apart from the CLI's modules.
  await build({
    absWorkingDir: root,
    entryPoints: ["packages/client/src/page-thread-entry.ts"],
    outfile: `${outdir}/${PAGE_THREAD}`,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minifySyntax: true,
    logLevel: "warning",
  });
  const stale = `${finalDir}.old-${process.pid}`;
  if (existsSync(finalDir)) renameSync(finalDir, stale);
  renameSync(outdir, finalDir);
  rmSync(stale, { recursive: true, force: true });
  if (!quiet) {
    const entry = Object.entries(result.metafile.outputs).find(
      ([, o]) => o.entryPoint === "packages/uv-ts/src/main.ts",
    );
    if (entry) console.error(`entry: ${ENTRY} (${entry[1].bytes} bytes), ${packs} packs`);
  }
} finally {
  rmSync(esmDir, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
}
