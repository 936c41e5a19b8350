#!/usr/bin/env node
// The `uv-ts` command: loads the bundle in ../dist and runs it.
//
// This file is CommonJS (./package.json says so): Node reads an ES module entry on the libuv
// thread pool, which starts the pool with its default 4 threads before the first line here could
// raise the size; and the bundle is loaded by hand, which needs no ES module loader either.
//
// The bundle (made by scripts/bundle.mjs) is a set of CommonJS modules, each written as a function
// expression `(function (exports, require, module, __filename, __dirname) {...})`: an entry and
// chunks that `require()` one another by relative path. Packs (`<module>.pack`) hold a module
// together with the chunks it imports, so that a command's code comes from a few files, not a
// dozen. Each file is compiled with `vm.Script` and a V8 code cache kept next to it
// (`<file>.v8-cache`): Node 20 keeps no compile cache of its own, and compiling the code a command
// needs is a large part of a short run. A cache is written at exit when a run found none for a
// file (or V8 rejected it), after the functions the run used were compiled, so that later runs
// skip compiling those too. The next successful runs write it again, up to CACHE_RUNS of them in
// all: a cache holds the functions its runs called, and the first run of a command often takes
// another path than those after it (a cold install downloads and unpacks, the warm ones that
// follow link from the cache), whose functions V8 would otherwise compile on every later run.
// A run that fails often stops early (a missing environment, a bad argument), having compiled
// little: its cache is marked provisional, and the next run that succeeds writes a full one in
// its place. `UV_TS_CODE_CACHE=0` turns the cache off (reading and writing).
//
// Stack traces (`-v`) point into the pack or module files; with `--enable-source-maps` (in
// NODE_OPTIONS) Node maps them to the TypeScript sources, and modules then load from their own
// files, through Node's loader, without packs or code cache.
"use strict";

// The libuv pool runs fs and zlib work; its default of 4 throttles installs. It must be set
// before anything touches the pool, hence first.
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = "16";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

/** The first line of a cache file, before the key of the source it was made from. */
const CACHE_MAGIC = "uv-ts-code-cache-v2";
/** Ends the first line of a cache written by a failed run (see {@link readCodeCache}). */
const PROVISIONAL = " provisional";
/** Ends the first line of a cache written by successful runs: ` runs=<how many>`. */
const RUNS = " runs=";
/**
 * How many successful runs write a file's cache, each with what the ones before compiled and
 * what it compiled itself. Writing costs the run ~6 ms for the biggest pack (V8 serialises its
 * code, ~0.8 MB), so it stops there. Measured on a warm 37-wheel sync whose cache a cold sync had
 * written: the warm path's functions, compiled again on every run, made ~14 KB more of cache.
 */
const CACHE_RUNS = 3;

/**
 * Reads the V8 code cache at `file` when it was made from the source `key` names, else returns
 * `undefined`. The key matters: V8 checks only a source's length, so a cache of an older bundle
 * with the same length would otherwise run the old code. `provisional`: written by a run that
 * failed, to be replaced by the next run that succeeds; else `runs` successful runs wrote it.
 */
function readCodeCache(file, key) {
  let data;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const end = data.indexOf(10);
  if (end < 0) return undefined;
  const line = data.toString("latin1", 0, end);
  const rest = line.startsWith(key) ? line.slice(key.length) : undefined;
  if (rest === PROVISIONAL) return { data: data.subarray(end + 1), provisional: true, runs: 0 };
  const runs = rest?.startsWith(RUNS) ? Number(rest.slice(RUNS.length)) : Number.NaN;
  if (!Number.isInteger(runs) || runs < 1) return undefined;
  return { data: data.subarray(end + 1), provisional: false, runs };
}

/**
 * Writes `script`'s code cache to `file` (atomically: concurrent runs race to write the same
 * cache), marked provisional or as written by `runs` successful runs. A directory that cannot be
 * written (a read-only install) costs one failed open.
 */
function writeCodeCache(file, key, script, { provisional = false, runs = 1 } = {}) {
  const temp = `${file}.${process.pid}.tmp`;
  let fd;
  try {
    fd = fs.openSync(temp, "w");
  } catch {
    return;
  }
  try {
    fs.writeSync(fd, `${key}${provisional ? PROVISIONAL : `${RUNS}${runs}`}\n`, null, "latin1");
    fs.writeSync(fd, script.createCachedData());
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch {
    // No cache this time (a full disk, say): the run itself must not fail for it.
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
    } catch {
      // Nothing more to do.
    }
  }
}

/**
 * Compiles a module through Node's own CommonJS loader, which is the only way to have Node apply
 * its source map to stack traces (`--enable-source-maps`); no code cache then.
 */
function compileWithSourceMap(file, source) {
  const Module = require("node:module");
  const holder = new Module(file);
  holder.filename = file;
  holder._compile(`module.exports = ${source}`, file);
  return holder.exports;
}

/**
 * `path.join(dir, id)` for a relative id in the bundle. Nearly all are `./chunk-X.cjs` beside the
 * module asking, and a start resolves a few hundred of them: those are joined by hand, without
 * `path.join` normalising the whole path each time.
 */
function joinId(dir, id) {
  const plain =
    id.startsWith("./") &&
    id.charCodeAt(2) !== 46 &&
    !id.includes("/", 2) &&
    !id.includes(path.sep, 2) &&
    !dir.endsWith(path.sep);
  return plain ? `${dir}${path.sep}${id.slice(2)}` : path.join(dir, id);
}

/**
 * A loader of the bundle's modules by absolute path. `load(file)` runs the module once and returns
 * its exports; relative `require()`s inside it load more modules the same way, others go to Node's
 * `require` (built-in modules). A module's pack (`<module>.pack`, when there is one) is read in
 * its place: it defines the module and the chunks it imports, which then need no file of their
 * own. `saveCodeCache(exitCode)` writes the code caches that were missing or stale, and once the
 * run succeeded, those a failed run left and those fewer than {@link CACHE_RUNS} runs wrote
 * (`unsavedCaches` counts them); call it once the run is
 * over.
 */
function createLoader({ codeCache = true } = {}) {
  const modules = new Map();
  const defined = new Map();
  const unsaved = [];
  // Node applies source maps only to modules it compiles itself: then each module is its own file.
  const packs = !process.sourceMapsEnabled;

  /** Compiles the script `file` (with its code cache) and returns its value, or `undefined`. */
  function compile(file, { optional = false } = {}) {
    // One descriptor for the key and the text, so that both describe the same file even while a
    // rebuild swaps the bundle's directory.
    let fd;
    try {
      fd = fs.openSync(file, "r");
    } catch (error) {
      if (optional && error.code === "ENOENT") return undefined;
      throw error;
    }
    let source;
    let key;
    try {
      const stat = fs.fstatSync(fd);
      key = `${CACHE_MAGIC} ${process.version} ${process.arch} ${stat.dev}:${stat.ino} ${stat.size} ${stat.mtimeMs}`;
      source = fs.readFileSync(fd, "utf8");
    } finally {
      fs.closeSync(fd);
    }
    if (!packs) return compileWithSourceMap(file, source);
    const cacheFile = `${file}.v8-cache`;
    const cached = codeCache ? readCodeCache(cacheFile, key) : undefined;
    const script = new vm.Script(source, { filename: file, cachedData: cached?.data });
    if (codeCache && (cached === undefined || script.cachedDataRejected === true)) {
      unsaved.push({ cacheFile, key, script, kind: "missing", runs: 0 });
    } else if (codeCache && cached.provisional) {
      unsaved.push({ cacheFile, key, script, kind: "provisional", runs: 0 });
    } else if (codeCache && cached.runs < CACHE_RUNS) {
      unsaved.push({ cacheFile, key, script, kind: "partial", runs: cached.runs });
    }
    return script.runInThisContext();
  }

  /** The function holding `file`'s code: from a pack run before, from its own pack, or its own. */
  function factoryOf(file) {
    if (!defined.has(file) && packs) {
      const pack = compile(`${file}.pack`, { optional: true });
      if (pack !== undefined) {
        const dir = path.dirname(file);
        pack((id, factory) => {
          const member = joinId(dir, id);
          if (!defined.has(member) && !modules.has(member)) defined.set(member, factory);
        });
      }
    }
    const factory = defined.get(file) ?? compile(file);
    defined.delete(file);
    return factory;
  }

  function load(file) {
    const known = modules.get(file);
    if (known !== undefined) return known.exports;
    const factory = factoryOf(file);
    const module = { exports: {}, filename: file };
    const dir = path.dirname(file);
    const requireHere = (id) =>
      id.startsWith("./") || id.startsWith("../") ? load(joinId(dir, id)) : require(id);
    requireHere.resolve = (id, options) => require.resolve(id, options);
    // Registered before it runs, as Node does, so that a cycle gets the exports made so far.
    modules.set(file, module);
    try {
      factory(module.exports, requireHere, module, file, dir);
    } catch (error) {
      modules.delete(file);
      throw error;
    }
    return module.exports;
  }

  function saveCodeCache(exitCode = 0) {
    const failed = exitCode !== 0;
    for (const { cacheFile, key, script, kind, runs } of unsaved.splice(0)) {
      if (failed) {
        // The cache it used, provisional or not, is as good as what it would write.
        if (kind === "missing") writeCodeCache(cacheFile, key, script, { provisional: true });
        continue;
      }
      writeCodeCache(cacheFile, key, script, { runs: runs + 1 });
    }
  }

  return {
    load,
    saveCodeCache,
    get unsavedCaches() {
      return unsaved.length;
    },
  };
}

/** Subcommands (after `pip`, and top-level ones) that fetch from an index on nearly every run. */
const INDEX_PIP_COMMANDS = new Set(["install", "sync", "compile"]);
const INDEX_COMMANDS = new Set(["lock", "add", "remove"]);
/** Options that name an index (their values say whether it is reached over TLS). */
const INDEX_OPTIONS = new Set([
  "--index-url",
  "-i",
  "--extra-index-url",
  "--default-index",
  "--index",
]);
const INDEX_ENV = ["UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX"];

/**
 * Whether this run will most likely open a TLS connection to an index: a command that fetches
 * from one, not offline, and with an `https:` index (PyPI unless others are named). Only the
 * command line and environment are looked at, not configuration files: a wrong guess costs a
 * thread's work on another core, or the time this saves.
 */
function expectsTls(argv, env) {
  const args = argv.slice(2);
  const pip = args.indexOf("pip");
  const fetches =
    (pip !== -1 && INDEX_PIP_COMMANDS.has(args[pip + 1])) ||
    args.some((arg) => INDEX_COMMANDS.has(arg));
  if (!fetches || args.includes("--offline") || args.includes("--no-index")) return false;
  if (/^(1|true|yes|on)$/i.test(env.UV_OFFLINE ?? "")) return false;
  const indexes = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (INDEX_OPTIONS.has(name)) indexes.push(eq === -1 ? (args[++i] ?? "") : arg.slice(eq + 1));
    else if (arg.startsWith("-i") && arg.length > 2 && !arg.startsWith("--"))
      indexes.push(arg.slice(2));
  }
  for (const name of INDEX_ENV) if (env[name]) indexes.push(env[name]);
  return indexes.length === 0 || indexes.some((index) => /(^|[\s=])https:\/\//i.test(index));
}

/**
 * The code of the thread {@link startTlsPrewarm} starts: it makes a TLS context, sets the flag in
 * its `workerData` (`tlsMade`, see {@link tlsReadiness}), then waits on its `parentPort` for one
 * message, which the bundle sends (`SpareThreads` in packages/fs says the same): `{ source, data }`,
 * a thread program's source and data, run as `(source)(require, data)`, or `null`, after which
 * the thread ends.
 */
const SPARE_THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
try {
  require("node:tls").createSecureContext();
} catch {
  // The context was for speed only; the thread can still be used.
}
const made = workerData?.tlsMade;
if (made instanceof Int32Array) {
  Atomics.store(made, 0, 1);
  Atomics.notify(made, 0);
}
parentPort.once("message", (job) => {
  if (job !== null) require("node:vm").runInThisContext(\`(\${job.source})\`)(require, job.data);
});
`;

/**
 * Makes one TLS context on another thread. The first context of a process costs ~25 ms
 * (OpenSSL's set-up and Node's root certificates, shared by every thread after that); made here,
 * at start, it overlaps loading the bundle and reading the environment on another core instead
 * of delaying the first request (see {@link wantsTlsPrewarm}). The thread then stays, idle, for
 * the bundle's first thread to take (`runFromProcess({ spareThreads })`), which spares that
 * thread's start-up (measured: 17-22 ms of the new thread's CPU before its first line runs, and
 * 25-40 ms of wall time) and has it ready sooner. It is unref'd: it never keeps the process alive.
 * `tlsMade` (a one-element `Int32Array` on shared memory) is set to 1 once the context is made,
 * or the thread has ended without it.
 */
function startTlsPrewarm(tlsMade) {
  try {
    const { Worker } = require("node:worker_threads");
    const worker = new Worker(SPARE_THREAD, {
      eval: true,
      stdout: true,
      stderr: true,
      ...(tlsMade === undefined ? {} : { workerData: { tlsMade } }),
    });
    worker.unref();
    worker.on("error", () => {});
    if (tlsMade !== undefined) worker.once("exit", () => setFlag(tlsMade));
    return worker;
  } catch {
    return undefined;
  }
}

function setFlag(flag) {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

/** Longest a connection waits for the prewarm thread's context (see {@link tlsReadiness}). */
const TLS_READY_TIMEOUT_MS = 250;

/**
 * What the client asks before it makes the run's first TLS context (`runFromProcess({ tlsReady
 * })`): `undefined` once the prewarm thread has made its context, else a promise that resolves
 * when it has (or has ended), or after `timeoutMs` at the most. Any context waits for Node's root
 * certificates, which the prewarm thread is parsing (a process-wide store made once, under a
 * lock): made before that is done, the context blocks the main thread until it is (10-18 ms of a
 * warm trio sync here). Waiting instead lets the main thread go on with the resolver while the TCP
 * connection is made; the context then takes ~1 ms.
 */
function tlsReadiness(flag, timeoutMs = TLS_READY_TIMEOUT_MS) {
  let waiting;
  return () => {
    if (Atomics.load(flag, 0) !== 0) return undefined;
    if (waiting === undefined) {
      const wait = Atomics.waitAsync(flag, 0, 0, timeoutMs);
      waiting = wait.async ? wait.value.then(() => undefined) : Promise.resolve();
    }
    return waiting;
  };
}

/**
 * Whether to start {@link startTlsPrewarm}: a run that will most likely connect over TLS.
 * `SSL_CERT_FILE` does not spare it: the client's context then trusts only the few roots an
 * origin needs (remembered in the cache), but Node parses its own bundled roots on the first
 * context of a process that is given any CA certificate (~18 ms here, measured: a one-root
 * context takes 18-19 ms first, 0.5-1 ms once another thread has made a context). On this
 * project's 2-core machine, a warm trio sync whose pages must be fetched again (a server that
 * sends no freshness) went from a median of 248/240 ms to 239/231 ms (two orders, 25 runs
 * each); one whose pages are all fresh, which connects nowhere, from 161/162 to 167/167 ms.
 * `UV_TS_TLS_PREWARM=0` turns it off.
 */
function wantsTlsPrewarm(argv, env) {
  return env.UV_TS_TLS_PREWARM !== "0" && expectsTls(argv, env);
}

/**
 * V8 releases whose default for `--regexp-tier-up` is known (true), which {@link prewarmIpPattern}
 * puts back: the rest of the run compiles patterns as V8 would.
 */
const REGEXP_TIER_UP_DEFAULT = new Set(["11.3"]);

/**
 * Compiles Node's IPv6 address pattern (`net.isIPv6`) to machine code at once. Node tests every
 * host name it connects to, and every TLS server name, against it. V8 first compiles a pattern to
 * bytecode and interprets it, which for this one (hundreds of alternatives) costs ~3.2 ms on the
 * first call and ~0.7 ms on the second here, against ~1 ms to compile it to machine code straight
 * away. Measured: 2.9 ms less of the main thread in a warm trio sync (median of 20 runs). The flag
 * is set back at once, before any code cache is read or made: V8 rejects caches made under other
 * flags, and a cache made while the flag was off would be rejected by every later run.
 */
function prewarmIpPattern(v8Version = process.versions.v8) {
  const release = /^(\d+\.\d+)\./.exec(v8Version)?.[1];
  if (release === undefined || !REGEXP_TIER_UP_DEFAULT.has(release)) return false;
  const v8 = require("node:v8");
  // Loaded first: Node's own modules compiled while a flag differs miss its code cache (the
  // cache's flag hash no longer matches) and compile from source, ~2 ms for `net` and the two
  // modules it loads.
  const net = require("node:net");
  v8.setFlagsFromString("--no-regexp-tier-up");
  try {
    net.isIPv6("localhost");
  } finally {
    v8.setFlagsFromString("--regexp-tier-up");
  }
  return true;
}

function run() {
  const tlsMade = wantsTlsPrewarm(process.argv, process.env)
    ? new Int32Array(new SharedArrayBuffer(4))
    : undefined;
  const prewarm = tlsMade === undefined ? undefined : startTlsPrewarm(tlsMade);
  // The run will connect by host name (see `expectsTls`).
  if (tlsMade !== undefined) prewarmIpPattern();
  const loader = createLoader({ codeCache: process.env.UV_TS_CODE_CACHE !== "0" });
  process.once("exit", loader.saveCodeCache);
  let entry;
  try {
    entry = loader.load(path.join(__dirname, "..", "dist", "uv-ts.cjs"));
  } catch (error) {
    process.stderr.write(
      `error: the uv-ts bundle is missing or broken; run \`pnpm build\` (${error.message})\n`,
    );
    process.exitCode = 2;
    return;
  }
  const dist = path.join(__dirname, "..", "dist");
  entry.runFromProcess({
    spareThreads: prewarm === undefined ? [] : [prewarm],
    // The client's first TLS context waits for the prewarm thread's (see `tlsReadiness`).
    ...(prewarm === undefined || tlsMade === undefined ? {} : { tlsReady: tlsReadiness(tlsMade) }),
    // Read JSON pages on another thread (`UV_TS_PAGE_THREAD=0`: on the main thread).
    ...(process.env.UV_TS_PAGE_THREAD === "0"
      ? {}
      : { pageThreadModule: path.join(dist, "page-thread.cjs") }),
  });
}

if (require.main === module) run();

module.exports = {
  createLoader,
  expectsTls,
  prewarmIpPattern,
  startTlsPrewarm,
  tlsReadiness,
  wantsTlsPrewarm,
};
