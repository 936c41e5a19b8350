// The bin's module loader (packages/uv-ts/bin/uv-ts.js): module graphs, the V8 code cache and its
// validation, source maps, and the bin's own start, on small hand-written bundles.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { isIP, isIPv6 } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSourceThread } from "@uv-ts/fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LauncherThreads } from "../src/spare-threads.ts";

const BIN_DIR = fileURLToPath(new URL("../bin/", import.meta.url));

interface Loader {
  load(file: string): Record<string, unknown>;
  saveCodeCache(exitCode?: number): void;
  readonly unsavedCaches: number;
}

const {
  createLoader,
  expectsTls,
  prewarmIpPattern,
  startTlsPrewarm,
  tlsReadiness,
  wantsTlsPrewarm,
} = createRequire(import.meta.url)("../bin/uv-ts.js") as {
  createLoader(options?: { codeCache?: boolean }): Loader;
  prewarmIpPattern(v8Version?: string): boolean;
  expectsTls(argv: readonly string[], env: NodeJS.ProcessEnv): boolean;
  wantsTlsPrewarm(argv: readonly string[], env: NodeJS.ProcessEnv): boolean;
  startTlsPrewarm(tlsMade?: Int32Array): import("node:worker_threads").Worker | undefined;
  tlsReadiness(flag: Int32Array, timeoutMs?: number): () => Promise<void> | undefined;
};

/** A module file as scripts/bundle.mjs writes them: a CommonJS body wrapped in a function. */
function moduleText(body: string, sourceMap?: string): string {
  const tail = sourceMap === undefined ? "" : `\n//# sourceMappingURL=${sourceMap}`;
  return `(function (exports, require, module, __filename, __dirname) {\n${body}\n})${tail}\n`;
}

/** A pack as scripts/bundle.mjs writes them: module bodies keyed by their relative paths. */
function packText(members: Record<string, string>): string {
  const defines = Object.entries(members).map(
    ([id, body]) =>
      `define(${JSON.stringify(id)}, function (exports, require, module, __filename, __dirname) {\n${body}\n});`,
  );
  return `(function (define) {\n${defines.join("\n")}\n})\n`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "uv-ts-bin-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("createLoader", () => {
  it("loads a module graph by relative paths, each module once, cycles included", () => {
    mkdirSync(join(dir, "chunks"));
    writeFileSync(
      join(dir, "entry.cjs"),
      moduleText(
        'exports.a = require("./chunks/a.cjs"); exports.again = require("./chunks/a.cjs"); exports.sep = require("node:path").sep;',
      ),
    );
    writeFileSync(
      join(dir, "chunks", "a.cjs"),
      moduleText(
        'exports.name = "a"; exports.b = require("./b.cjs"); exports.count = (globalThis.__uvTsLoads = (globalThis.__uvTsLoads ?? 0) + 1);',
      ),
    );
    writeFileSync(
      join(dir, "chunks", "b.cjs"),
      moduleText('exports.seenA = require("./a.cjs").name; exports.file = __filename;'),
    );
    const loader = createLoader({ codeCache: false });
    const entry = loader.load(join(dir, "entry.cjs")) as {
      a: { count: number; b: { seenA: string; file: string } };
      again: unknown;
      sep: string;
    };
    expect(entry.a).toBe(entry.again);
    expect(entry.a.count).toBe(1);
    expect(entry.a.b).toEqual({ seenA: "a", file: join(dir, "chunks", "b.cjs") });
    expect(entry.sep).toBe("/");
    expect(loader.unsavedCaches).toBe(0);
  });

  it("resolves parent and dotted relative ids to the same modules as plain ones", () => {
    mkdirSync(join(dir, "chunks"));
    writeFileSync(join(dir, "top.cjs"), moduleText('exports.id = require("./chunks/.x.cjs");'));
    writeFileSync(join(dir, "chunks", ".x.cjs"), moduleText("exports.value = {};"));
    writeFileSync(
      join(dir, "chunks", "c.cjs"),
      moduleText(
        'exports.top = require("../top.cjs"); exports.x = require("./.x.cjs"); exports.self = require("../chunks/c.cjs");',
      ),
    );
    const loader = createLoader({ codeCache: false });
    const c = loader.load(join(dir, "chunks", "c.cjs")) as {
      top: { id: unknown };
      x: unknown;
      self: unknown;
    };
    expect(c.top.id).toBe(c.x);
    expect(c.self).toBe(c);
  });

  it("writes a code cache at the end of a run and uses it in the next", () => {
    const file = join(dir, "m.cjs");
    writeFileSync(file, moduleText("exports.answer = () => 42; exports.answer();"));
    const first = createLoader();
    expect((first.load(file).answer as () => number)()).toBe(42);
    expect(first.unsavedCaches).toBe(1);
    first.saveCodeCache();
    expect(existsSync(`${file}.v8-cache`)).toBe(true);
    expect(readFileSync(`${file}.v8-cache`, "latin1")).toMatch(
      /^uv-ts-code-cache-v2 v\d+.* runs=1\n/,
    );

    const second = createLoader();
    expect((second.load(file).answer as () => number)()).toBe(42);
    // Accepted, and written again at the end (see the next test).
    expect(second.unsavedCaches).toBe(1);
  });

  it("adds what the next successful runs compile to the cache, up to three runs", () => {
    // A run compiles only the functions it calls: the first run of a command often takes another
    // path than the runs after it, whose functions would otherwise be compiled on every run.
    const file = join(dir, "m.cjs");
    const body = Array.from({ length: 400 }, (_, i) => `  s += String(i * ${i}).length;`);
    writeFileSync(
      file,
      moduleText(
        [
          "exports.small = () => 1;",
          `exports.big = (i) => { let s = 0;\n${body.join("\n")}\n  return s; };`,
        ].join("\n"),
      ),
    );
    const cache = () => readFileSync(`${file}.v8-cache`);
    const header = () => cache().toString("latin1").split("\n", 1)[0];
    const run = (call: "small" | "big", exitCode = 0) => {
      const loader = createLoader();
      (loader.load(file)[call] as (i: number) => number)(3);
      const unsaved = loader.unsavedCaches;
      loader.saveCodeCache(exitCode);
      return unsaved;
    };

    expect(run("small")).toBe(1);
    expect(header()).toMatch(/ runs=1$/);
    const first = cache().length;
    // A failed run changes nothing.
    expect(run("big", 1)).toBe(1);
    expect(header()).toMatch(/ runs=1$/);
    expect(cache().length).toBe(first);
    // The second run called `big`: its code is in the cache now, besides `small`'s.
    expect(run("big")).toBe(1);
    expect(header()).toMatch(/ runs=2$/);
    const second = cache().length;
    expect(second).toBeGreaterThan(first + 1000);
    expect(run("small")).toBe(1);
    expect(header()).toMatch(/ runs=3$/);
    // `big` was not called, yet its code stays: what V8 took from the cache is written again.
    expect(cache().length).toBeGreaterThanOrEqual(second);
    // Three runs wrote it: later runs only read it.
    const final = cache();
    expect(run("big")).toBe(0);
    expect(cache().equals(final)).toBe(true);
  });

  it("replaces the cache of a failed run with that of the next run that succeeds", () => {
    // A failed run often stops early, having compiled little of what later runs need.
    const file = join(dir, "m.cjs");
    writeFileSync(file, moduleText("exports.answer = () => 42;"));
    const header = () => readFileSync(`${file}.v8-cache`, "latin1").split("\n", 1)[0];
    const failed = createLoader();
    failed.load(file);
    failed.saveCodeCache(2);
    expect(header()).toMatch(/ provisional$/);

    // Another failure keeps it as it is; its code is used all the same.
    const again = createLoader();
    expect((again.load(file).answer as () => number)()).toBe(42);
    expect(again.unsavedCaches).toBe(1);
    const before = readFileSync(`${file}.v8-cache`);
    again.saveCodeCache(1);
    expect(readFileSync(`${file}.v8-cache`).equals(before)).toBe(true);

    const succeeded = createLoader();
    expect((succeeded.load(file).answer as () => number)()).toBe(42);
    succeeded.saveCodeCache(0);
    expect(header()).not.toMatch(/provisional/);
    expect(header()).toMatch(/^uv-ts-code-cache-v2 v\d+.* runs=1$/);
  });

  it("ignores a cache whose first line ends in an unknown state", () => {
    const file = join(dir, "m.cjs");
    writeFileSync(file, moduleText("exports.answer = () => 42;"));
    const first = createLoader();
    first.load(file);
    first.saveCodeCache();
    const text = readFileSync(`${file}.v8-cache`, "latin1");
    for (const state of [" runs=0", " runs=x", " runs=", "", " later"]) {
      writeFileSync(`${file}.v8-cache`, text.replace(/ runs=1\n/, `${state}\n`), "latin1");
      const loader = createLoader();
      expect((loader.load(file).answer as () => number)()).toBe(42);
      loader.saveCodeCache();
      expect(readFileSync(`${file}.v8-cache`, "latin1").split("\n", 1)[0]).toMatch(/ runs=1$/);
    }
  });

  it("ignores the cache of a different source of the same length", () => {
    // V8 checks only the source's length: a cache of the old text would run the old code.
    const file = join(dir, "m.cjs");
    writeFileSync(file, moduleText('exports.version = "old";'));
    const first = createLoader();
    expect(first.load(file).version).toBe("old");
    first.saveCodeCache();

    writeFileSync(file, moduleText('exports.version = "new";'));
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const second = createLoader();
    expect(second.load(file).version).toBe("new");
    expect(second.unsavedCaches).toBe(1);
  });

  it("ignores a cache file that is not one", () => {
    const file = join(dir, "m.cjs");
    writeFileSync(file, moduleText("exports.ok = true;"));
    writeFileSync(`${file}.v8-cache`, "garbage");
    const loader = createLoader();
    expect(loader.load(file).ok).toBe(true);
    expect(loader.unsavedCaches).toBe(1);
  });

  it("reads a module and the chunks it imports from its pack", () => {
    mkdirSync(join(dir, "chunks"));
    writeFileSync(
      join(dir, "entry.cjs"),
      moduleText('exports.lazy = () => require("./chunks/cmd.cjs");'),
    );
    // The pack's copy of `shared.cjs` must not run again: the entry's pack loaded it first.
    writeFileSync(
      join(dir, "entry.cjs.pack"),
      packText({
        "./entry.cjs":
          'exports.shared = require("./chunks/shared.cjs"); exports.lazy = () => require("./chunks/cmd.cjs");',
        "./chunks/shared.cjs":
          "exports.runs = (globalThis.__uvTsShared = (globalThis.__uvTsShared ?? 0) + 1);",
      }),
    );
    writeFileSync(
      join(dir, "chunks", "cmd.cjs.pack"),
      packText({
        "./cmd.cjs":
          'exports.name = "cmd"; exports.shared = require("./shared.cjs"); exports.util = require("./util.cjs").util;',
        "./shared.cjs": 'throw new Error("loaded twice");',
        "./util.cjs": 'exports.util = "util";',
      }),
    );
    const loader = createLoader();
    const entry = loader.load(join(dir, "entry.cjs")) as {
      shared: { runs: number };
      lazy(): { name: string; shared: unknown; util: string };
    };
    const command = entry.lazy();
    expect(command).toEqual({ name: "cmd", shared: entry.shared, util: "util" });
    expect(entry.shared.runs).toBe(1);
    // One cache per pack; none for the modules inside them.
    expect(loader.unsavedCaches).toBe(2);
    loader.saveCodeCache();
    expect(existsSync(join(dir, "chunks", "cmd.cjs.pack.v8-cache"))).toBe(true);
  });

  it("does not register a module whose body throws", () => {
    const file = join(dir, "m.cjs");
    writeFileSync(
      file,
      moduleText(
        'globalThis.__uvTsTries = (globalThis.__uvTsTries ?? 0) + 1; throw new Error("boom");',
      ),
    );
    const loader = createLoader({ codeCache: false });
    expect(() => loader.load(file)).toThrow("boom");
    expect(() => loader.load(file)).toThrow("boom");
  });
});

describe("the bin", () => {
  /** A copy of the bin next to a `dist/` holding `entry` as `uv-ts.cjs` (if given). */
  function install(entry?: string, files: Record<string, string> = {}): string {
    mkdirSync(join(dir, "bin"));
    copyFileSync(join(BIN_DIR, "uv-ts.js"), join(dir, "bin", "uv-ts.js"));
    copyFileSync(join(BIN_DIR, "package.json"), join(dir, "bin", "package.json"));
    if (entry !== undefined) {
      mkdirSync(join(dir, "dist"));
      writeFileSync(join(dir, "dist", "uv-ts.cjs"), entry);
      for (const [name, text] of Object.entries(files))
        writeFileSync(join(dir, "dist", name), text);
    }
    return join(dir, "bin", "uv-ts.js");
  }

  function runBin(
    bin: string,
    args: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
    cliArgs: readonly string[] = [],
  ) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.UV_THREADPOOL_SIZE;
    delete childEnv.NODE_OPTIONS;
    return spawnSync(process.execPath, [...args, bin, ...cliArgs], {
      encoding: "utf8",
      env: childEnv,
    });
  }

  it("makes a TLS context on another thread at start for commands that fetch from an index", () => {
    const bin = install(moduleText("exports.runFromProcess = () => {};"));
    // Counts the threads the bin starts, printed at exit.
    const hook = join(dir, "count-workers.cjs");
    writeFileSync(
      hook,
      [
        'const threads = require("node:worker_threads");',
        "let started = 0;",
        "const Base = threads.Worker;",
        "threads.Worker = class extends Base { constructor(...a) { super(...a); started++; } };",
        'process.on("exit", () => process.stdout.write("threads " + started + "\\n"));',
      ].join("\n"),
    );
    // On Node's own roots, as without `SSL_CERT_FILE`.
    const threads = (cli: string[], env: NodeJS.ProcessEnv = {}) =>
      runBin(bin, ["--require", hook], { SSL_CERT_FILE: undefined, ...env }, cli).stdout;
    expect(threads(["pip", "sync", "requirements.txt"])).toBe("threads 1\n");
    expect(threads(["pip", "compile", "-q", "requirements.in"])).toBe("threads 1\n");
    expect(threads(["pip", "list"])).toBe("threads 0\n");
    expect(threads(["pip", "sync", "--offline", "requirements.txt"])).toBe("threads 0\n");
    expect(threads(["pip", "sync", "r.txt"], { UV_TS_TLS_PREWARM: "0" })).toBe("threads 0\n");
    // A context from that file makes Node parse its own roots as well.
    expect(threads(["pip", "sync", "r.txt"], { SSL_CERT_FILE: "/etc/ssl/certs/x.pem" })).toBe(
      "threads 1\n",
    );
  });

  it("hands its TLS thread to the bundle, and exits when the bundle leaves it idle", () => {
    // Exits at once, without releasing or taking the thread: it must not keep the process up.
    const bin = install(
      moduleText(
        "exports.runFromProcess = (options) => process.stdout.write('spares ' + options.spareThreads.map((w) => typeof w.postMessage).join(',') + '\\n');",
      ),
    );
    const spares = (cli: string[]) => {
      const result = runBin(bin, [], { SSL_CERT_FILE: undefined }, cli);
      expect(result.status).toBe(0);
      return result.stdout;
    };
    expect(spares(["pip", "sync", "requirements.txt"])).toBe("spares function\n");
    expect(spares(["pip", "list"])).toBe("spares \n");
  });

  it("names the bundle's page thread module, unless UV_TS_PAGE_THREAD=0", () => {
    const bin = install(
      moduleText(
        "exports.runFromProcess = (options) => process.stdout.write(String(options.pageThreadModule) + '\\n');",
      ),
    );
    const module = (env: NodeJS.ProcessEnv) => runBin(bin, [], env, ["pip", "list"]).stdout;
    expect(module({})).toBe(`${join(dir, "dist", "page-thread.cjs")}\n`);
    expect(module({ UV_TS_PAGE_THREAD: "0" })).toBe("undefined\n");
  });

  it("runs the bundle's entry with a 16-thread pool and leaves code caches behind", () => {
    const bin = install(
      moduleText(
        "exports.runFromProcess = () => process.stdout.write('pool ' + process.env.UV_THREADPOOL_SIZE + '\\n');",
      ),
    );
    const result = runBin(bin);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("pool 16\n");
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, "dist", "uv-ts.cjs.v8-cache"))).toBe(true);
  });

  it("marks the code cache of a run that exits with an error as provisional", () => {
    const bin = install(
      moduleText("exports.runFromProcess = () => { if (process.env.FAIL) process.exitCode = 2; };"),
    );
    const header = () =>
      readFileSync(join(dir, "dist", "uv-ts.cjs.v8-cache"), "latin1").split("\n", 1)[0];
    expect(runBin(bin, [], { FAIL: "1" }).status).toBe(2);
    expect(header()).toMatch(/ provisional$/);
    expect(runBin(bin).status).toBe(0);
    expect(header()).not.toMatch(/provisional/);
  });

  it("writes no code cache with UV_TS_CODE_CACHE=0", () => {
    const bin = install(moduleText("exports.runFromProcess = () => {};"));
    expect(runBin(bin, [], { UV_TS_CODE_CACHE: "0" }).status).toBe(0);
    expect(existsSync(join(dir, "dist", "uv-ts.cjs.v8-cache"))).toBe(false);
  });

  it("says how to rebuild a missing bundle", () => {
    const result = runBin(install());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^error: the uv-ts bundle is missing or broken; run `pnpm build` \(ENOENT: /,
    );
  });

  it("leaves packs aside when Node applies source maps", () => {
    const bin = install(moduleText('exports.runFromProcess = () => console.log("module");'), {
      "uv-ts.cjs.pack": packText({
        "./uv-ts.cjs": 'exports.runFromProcess = () => console.log("pack");',
      }),
    });
    expect(runBin(bin).stdout).toBe("pack\n");
    expect(runBin(bin, ["--enable-source-maps"]).stdout).toBe("module\n");
  });

  it("maps stack traces through the bundle's source maps with --enable-source-maps", () => {
    // Line 2 of the module (its first line of code) comes from line 7 of `original.ts`.
    const map = { version: 3, sources: ["original.ts"], names: [], mappings: ";AAMA" };
    const bin = install(
      moduleText(
        'exports.runFromProcess = () => { console.log(new Error("boom").stack.split("\\n")[1]); };',
        "uv-ts.cjs.map",
      ),
      { "uv-ts.cjs.map": JSON.stringify(map) },
    );
    const mapped = runBin(bin, ["--enable-source-maps"]);
    expect(mapped.stdout).toContain(`${join(dir, "dist", "original.ts")}:7:`);
    const plain = runBin(bin);
    expect(plain.stdout).toContain(`${join(dir, "dist", "uv-ts.cjs")}:2:`);
  });
});

describe("prewarmIpPattern", () => {
  it("sets V8's flags back: a code cache made after it is accepted by the next process", () => {
    const cache = join(dir, "cache.bin");
    const source = JSON.stringify("(function () { return [1, 2].map((x) => x * 2); })");
    const node = (body: string) => spawnSync(process.execPath, ["-e", body], { encoding: "utf8" });
    const make = (before: string) =>
      node(
        `const vm = require("node:vm"); ${before}
        require("node:fs").writeFileSync(${JSON.stringify(cache)}, new vm.Script(${source}).createCachedData());`,
      );
    const rejected = () =>
      node(
        `const data = require("node:fs").readFileSync(${JSON.stringify(cache)});
        const script = new (require("node:vm").Script)(${source}, { cachedData: data });
        process.stdout.write(String(script.cachedDataRejected));`,
      ).stdout;
    // What it must undo: with the flag left off, the next process rejects the cache.
    expect(make(`require("node:v8").setFlagsFromString("--no-regexp-tier-up");`).status).toBe(0);
    expect(rejected()).toBe("true");
    const bin = JSON.stringify(join(BIN_DIR, "uv-ts.js"));
    const made = make(`process.stdout.write(String(require(${bin}).prewarmIpPattern()));`);
    expect(made.stdout).toBe(String(process.versions.v8.startsWith("11.3.")));
    expect(rejected()).toBe("false");
  });

  it("loads `net` before the flag changes, so Node's code cache still serves it", () => {
    // Node's built-in modules come with a code cache made under V8's default flags; a module
    // compiled while a flag differs is compiled from source (Node lists it as such).
    const bin = JSON.stringify(join(BIN_DIR, "uv-ts.js"));
    const run = spawnSync(
      process.execPath,
      [
        "--expose-internals",
        "--no-warnings",
        "-e",
        `const { internalBinding } = require("internal/test/binding");
        const builtins = internalBinding("builtins");
        const warmed = require(${bin}).prewarmIpPattern();
        const usage = builtins.getCacheUsage();
        process.stdout.write(JSON.stringify({
          warmed,
          cached: builtins.hasCachedBuiltins(),
          netLoaded: process.moduleLoadList.includes("NativeModule net"),
          withCache: [...usage.compiledWithCache],
          withoutCache: [...usage.compiledWithoutCache],
        }));`,
      ],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const usage = JSON.parse(run.stdout) as {
      warmed: boolean;
      cached: boolean;
      netLoaded: boolean;
      withCache: string[];
      withoutCache: string[];
    };
    if (!usage.warmed || !usage.cached) return; // another V8, or a Node built without the cache
    expect(usage.netLoaded).toBe(true);
    expect(usage.withCache).toContain("net");
    expect(usage.withoutCache).toEqual([]);
  });

  it("keeps Node's answers", () => {
    prewarmIpPattern();
    expect(isIPv6("::1")).toBe(true);
    expect(isIPv6("2001:db8::8a2e:370:7334")).toBe(true);
    expect(isIPv6("fe80::1%eth0")).toBe(true);
    expect(isIPv6("pypi.org")).toBe(false);
    expect(isIPv6("1.2.3.4")).toBe(false);
    expect(isIP("1.2.3.4")).toBe(4);
  });

  it("does nothing on a V8 whose default it does not know", () => {
    expect(prewarmIpPattern("99.1.0.0")).toBe(false);
    expect(prewarmIpPattern("")).toBe(false);
  });
});

describe("expectsTls", () => {
  const expects = (line: string, env: NodeJS.ProcessEnv = {}) =>
    expectsTls(["node", "uv-ts.js", ...line.split(" ")], env);

  it("is true for commands that fetch from PyPI or another https index", () => {
    expect(expects("pip sync requirements.txt")).toBe(true);
    expect(expects("pip install requests")).toBe(true);
    expect(expects("--cache-dir c pip compile requirements.in")).toBe(true);
    expect(expects("lock")).toBe(true);
    expect(expects("pip install --index-url=https://example.org/simple x")).toBe(true);
    expect(expects("pip install -i http://a/simple --extra-index-url https://b/simple x")).toBe(
      true,
    );
    expect(expects("pip install --index name=https://example.org/simple x")).toBe(true);
  });

  it("is false offline, without an https index, or for commands that do not fetch", () => {
    expect(expects("pip list")).toBe(false);
    expect(expects("venv")).toBe(false);
    expect(expects("pip sync --offline requirements.txt")).toBe(false);
    expect(expects("pip sync --no-index -f wheels requirements.txt")).toBe(false);
    expect(expects("pip sync r.txt", { UV_OFFLINE: "1" })).toBe(false);
    expect(expects("pip sync -i http://127.0.0.1:8080/simple r.txt")).toBe(false);
    expect(expects("pip sync -ihttp://127.0.0.1:8080/simple r.txt")).toBe(false);
    expect(expects("pip sync r.txt", { UV_INDEX_URL: "file:///srv/simple" })).toBe(false);
  });
});

describe("wantsTlsPrewarm", () => {
  const wants = (line: string, env: NodeJS.ProcessEnv = {}) =>
    wantsTlsPrewarm(["node", "uv-ts.js", ...line.split(" ")], env);

  it("is true for a fetching run, and off otherwise", () => {
    expect(wants("pip sync requirements.txt")).toBe(true);
    expect(wants("pip list")).toBe(false);
    expect(wants("pip sync requirements.txt", { UV_TS_TLS_PREWARM: "0" })).toBe(false);
    // The client's contexts come from that file, but the first of them still makes Node parse
    // its own roots.
    expect(wants("pip sync requirements.txt", { SSL_CERT_FILE: "/etc/ssl/certs/ca.pem" })).toBe(
      true,
    );
  });
});

describe("startTlsPrewarm", () => {
  it("runs a thread that makes a context, then runs the program the bundle hands it", async () => {
    const worker = startTlsPrewarm();
    expect(worker).toBeDefined();
    if (worker === undefined) return;
    const spares = new LauncherThreads([worker]);
    const thread = startSourceThread(
      (load, data) => {
        const tls = load("node:tls") as typeof import("node:tls");
        data.port.postMessage(typeof tls.createSecureContext);
      },
      1,
      spares,
    );
    expect(thread?.worker).toBe(worker);
    const reply = await Promise.race([
      new Promise((resolve) => thread?.port.once("message", resolve)),
      new Promise((resolve) => worker.once("exit", () => resolve("exited"))),
    ]);
    expect(reply).toBe("function");
    thread?.port.close();
    await worker.terminate();
  });

  it("runs a thread that ends cleanly when the bundle lets it go", async () => {
    const worker = startTlsPrewarm();
    expect(worker).toBeDefined();
    const code = new Promise<number>((resolve) => worker?.on("exit", resolve));
    new LauncherThreads(worker === undefined ? [] : [worker]).release();
    expect(await code).toBe(0);
  });
});

describe("tlsReadiness", () => {
  const newFlag = () => new Int32Array(new SharedArrayBuffer(4));

  it("is a promise until the flag is set, then nothing to wait for", async () => {
    const flag = newFlag();
    const ready = tlsReadiness(flag);
    const waiting = ready();
    expect(waiting).toBeInstanceOf(Promise);
    expect(ready()).toBe(waiting);
    let settled = false;
    void waiting?.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await waiting;
    expect(ready()).toBeUndefined();
  });

  it("stops waiting after its timeout", async () => {
    const started = performance.now();
    await tlsReadiness(newFlag(), 30)();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("is set by the prewarm thread once its context is made", async () => {
    const flag = newFlag();
    const worker = startTlsPrewarm(flag);
    expect(worker).toBeDefined();
    // Not in TypeScript's library for this target; Node has it.
    const { waitAsync } = Atomics as unknown as {
      waitAsync(
        array: Int32Array,
        index: number,
        value: number,
        timeout: number,
      ): { async: boolean; value: string | Promise<string> };
    };
    expect(await waitAsync(flag, 0, 0, 10_000).value).not.toBe("timed-out");
    expect(tlsReadiness(flag)()).toBeUndefined();
    new LauncherThreads(worker === undefined ? [] : [worker]).release();
  });
});
