import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LockTimeoutError } from "@uv-ts/fs";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ArchivePointer,
  Cache,
  combineRefresh,
  findArchiveReferences,
  humanReadableBytes,
  PointerPathError,
  parsePointer,
  refreshFromArgs,
  serializePointer,
} from "../src/index.ts";

let scratch: string;
let fillScript: string;
let n = 0;
const freshRoot = () => join(scratch, `cache-${n++}`);
const name = (s: string): PackageName => parsePackageName(s);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "uv-ts-cache-test-"));
  fillScript = join(scratch, "fill-entry.mjs");
  // Child processes run plain Node, which cannot load TypeScript: bundle the helper once.
  await build({
    entryPoints: [fileURLToPath(new URL("./fixtures/fill-entry.ts", import.meta.url))],
    outfile: fillScript,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
  });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function write(path: string, contents = "x"): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}

/** Unpacks a fake wheel into a temp dir of the cache and persists it; returns the archive id. */
async function fillArchive(cache: Cache, marker: string): Promise<string> {
  const temp = await cache.tempDir();
  await writeFile(join(temp, "module.py"), marker);
  mkdirSync(join(temp, "pkg-1.0.dist-info"));
  await writeFile(join(temp, "pkg-1.0.dist-info", "RECORD"), "");
  return cache.persistArchive(temp);
}

const pointerTo = (archiveId: string): ArchivePointer => ({
  archiveId,
  filename: "pkg-1.0-py3-none-any.whl",
  hashes: [{ algorithm: "sha256", digest: "ab".repeat(32) }],
});

/** Lists every path under `root`, relative, sorted, directories with a trailing `/`. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        out.push(`${rel}/`);
        if (entry.name !== ".lock") walk(join(dir, entry.name), `${rel}/`);
      } else {
        out.push(rel);
      }
    }
  };
  walk(root, "");
  return out.sort();
}

describe("Cache.init", () => {
  it("writes_uvs_scaffold_and_takes_the_shared_lock", async () => {
    const root = freshRoot();
    const cache = await Cache.fromPath(root).init();
    expect(tree(root)).toEqual([
      ".gitignore",
      ".lock/",
      "CACHEDIR.TAG",
      "sdists-v0/",
      "sdists-v0/.git",
      "sdists-v0/.gitignore",
    ]);
    expect(readFileSync(join(root, "CACHEDIR.TAG"), "utf8")).toBe(
      "Signature: 8a477f597d28d172789f06886806bc55",
    );
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toBe("*");
    expect(cache.lockMode).toBe("shared");
    expect(readdirSync(cache.lockPath)).toHaveLength(1);
    // A second init (another command) keeps what is there.
    writeFileSync(join(root, ".gitignore"), "custom");
    const other = await Cache.fromPath(root).init();
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toBe("custom");
    expect(readdirSync(cache.lockPath)).toHaveLength(2);
    await cache.dispose();
    await other.dispose();
    expect(readdirSync(cache.lockPath)).toHaveLength(0);
  });

  it("lays_out_buckets_with_our_versions", () => {
    const cache = Cache.fromPath("/c");
    expect(cache.bucket("wheels")).toBe("/c/wheels-v0");
    expect(cache.bucket("simple")).toBe("/c/simple-v0");
    expect(cache.bucket("archive")).toBe("/c/archive-v0");
    expect(cache.entry("interpreter", "ab", "cd.json")).toBe("/c/interpreter-v0/ab/cd.json");
    expect(cache.archivePath("kXS4ssQaRvVQRuEM")).toBe("/c/archive-v0/kXS4ssQaRvVQRuEM");
    expect(() => cache.archivePath("../escape")).toThrow("Invalid archive id `../escape`");
  });

  it("spells_entries_as_join_does", () => {
    const cache = Cache.fromPath("/c/./x/..");
    const cases: string[][] = [
      [],
      ["a"],
      ["a", "b.json"],
      ["a/", "./b", "c"],
      ["a", "..", "b"],
      ["."],
      [".."],
      ["..", "simple-v0", "x"],
      ["a", "../..", "b"],
    ];
    for (const parts of cases) {
      expect(cache.entry("wheels", ...parts)).toBe(join("/c/./x/..", "wheels-v0", ...parts));
    }
  });

  it("temp_caches_are_removed_on_dispose", async () => {
    const cache = await Cache.temp().init();
    expect(cache.temporary).toBe(true);
    expect(existsSync(join(cache.root, "CACHEDIR.TAG"))).toBe(true);
    await cache.dispose();
    expect(existsSync(cache.root)).toBe(false);
  });
});

describe("archive store", () => {
  it("persists_archives_and_resolves_pointers", async () => {
    const cache = await Cache.fromPath(freshRoot()).init();
    const id = await fillArchive(cache, "one");
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const pointer = cache.entry("wheels", "pypi", "pkg", "pkg-1.0-py3-none-any.pointer");
    await cache.writePointer(pointer, pointerTo(id));
    const resolved = await cache.resolvePointer(pointer);
    expect(resolved?.path).toBe(cache.archivePath(id));
    expect(resolved?.pointer).toEqual(pointerTo(id));
    expect(readFileSync(join(resolved!.path, "module.py"), "utf8")).toBe("one");
    // Temp dirs are consumed by the rename.
    expect(readdirSync(cache.root).filter((e) => e.startsWith(".tmp"))).toEqual([]);
    await cache.dispose();
  });

  it("missing_or_corrupt_pointers_are_cache_misses", async () => {
    const cache = await Cache.fromPath(freshRoot()).init();
    const pointer = cache.entry("wheels", "pypi", "pkg", "pkg.pointer");
    expect(await cache.resolvePointer(pointer)).toBeUndefined();
    write(pointer, "{not json");
    expect(await cache.resolvePointer(pointer)).toBeUndefined();
    // A pointer to an archive that `cache clean` removed meanwhile.
    await cache.writePointer(pointer, pointerTo("gone0000gone0000"));
    expect(await cache.resolvePointer(pointer)).toBeUndefined();
    expect(parsePointer('{"version":0,"archive":"../x","filename":"f","hashes":[]}')).toBe(
      undefined,
    );
    expect(parsePointer(serializePointer(pointerTo("abc")))).toEqual(pointerTo("abc"));
    await expect(
      cache.writePointer(join(cache.root, "wheels-v0", "x.json"), pointerTo("a")),
    ).rejects.toBeInstanceOf(PointerPathError);
    await cache.dispose();
  });

  it("two_writers_of_one_entry_both_succeed_and_the_loser_is_prunable", async () => {
    const root = freshRoot();
    const [a, b] = await Promise.all([Cache.fromPath(root).init(), Cache.fromPath(root).init()]);
    const pointer = a.entry("wheels", "pypi", "pkg", "pkg-1.0-py3-none-any.pointer");
    const fill = async (cache: Cache, marker: string) => {
      const id = await fillArchive(cache, marker);
      await cache.writePointer(pointer, pointerTo(id));
      return id;
    };
    const ids = await Promise.all([fill(a, "a"), fill(b, "b")]);
    expect(new Set(ids).size).toBe(2);
    const winner = (await a.resolvePointer(pointer))!.pointer.archiveId;
    expect(ids).toContain(winner);
    const loser = ids.find((id) => id !== winner)!;
    expect([...findArchiveReferences(root).keys()]).toEqual([winner]);
    await b.dispose();
    const removal = await a.prune();
    expect(removal.numDirs).toBe(2);
    expect(removal.numFiles).toBe(2);
    expect(existsSync(a.archivePath(loser))).toBe(false);
    expect(existsSync(join(a.archivePath(winner), "module.py"))).toBe(true);
    await a.dispose();
  });

  it("two_processes_filling_one_entry_both_succeed", async () => {
    const root = freshRoot();
    const pointer = join(root, "wheels-v0", "pypi", "pkg", "pkg-1.0-py3-none-any.pointer");
    const children = [0, 1].map(() =>
      spawn(process.execPath, [fillScript, root, pointer, "10"], {
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
    const results = await Promise.all(
      children.map(async (child) => {
        let out = "";
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk;
        });
        const [code] = await once(child, "exit");
        return { code, ids: JSON.parse(out) as string[] };
      }),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const all = results.flatMap((r) => r.ids);
    expect(new Set(all).size).toBe(20);
    const cache = Cache.fromPath(root);
    const winner = (await cache.resolvePointer(pointer))!.pointer.archiveId;
    expect(all).toContain(winner);
    const removal = await cache.prune();
    // Each losing archive is a directory, its `pkg/` and one file.
    expect(removal.numFiles).toBe(19);
    expect(readdirSync(cache.bucket("archive"))).toEqual([winner]);
    await cache.dispose();
  });

  it("pointer_replacement_is_atomic_for_readers", async () => {
    const cache = await Cache.fromPath(freshRoot()).init();
    const ids = [await fillArchive(cache, "1"), await fillArchive(cache, "2")];
    const pointer = cache.entry("wheels", "pypi", "pkg", "pkg.pointer");
    await cache.writePointer(pointer, pointerTo(ids[0]!));
    let writing = true;
    let misses = 0;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        reads++;
        if ((await cache.resolvePointer(pointer)) === undefined) misses++;
        // A pointer is read without a trip through the thread pool: let the writer on.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 200; i++) await cache.writePointer(pointer, pointerTo(ids[i % 2]!));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(misses).toBe(0);
    await cache.dispose();
  });
});

describe("Cache.clean", () => {
  it("clears_everything_but_the_lock_and_counts_like_uv", async () => {
    const root = freshRoot();
    const cache = await Cache.fromPath(root).init();
    write(join(root, "simple-v0", "abc", "foo.json"), "hi\n");
    // A hard link whose other name is outside the cache reclaims nothing.
    const outside = join(scratch, `outside-${n++}`);
    writeFileSync(outside, Buffer.alloc(10_000));
    mkdirSync(join(root, "wheels-v0"), { recursive: true });
    linkSync(outside, join(root, "wheels-v0", "linked"));
    symlinkSync(outside, join(root, "wheels-v0", "symlink"));
    const removal = await cache.clean();
    // CACHEDIR.TAG, .gitignore, sdists .gitignore and .git, foo.json, linked, symlink.
    expect(removal.numFiles).toBe(7);
    // simple-v0, simple-v0/abc, wheels-v0, sdists-v0.
    expect(removal.numDirs).toBe(4);
    expect(removal.bytes % 4096).toBe(0);
    expect(tree(root)).toEqual([".lock/"]);
    expect(readFileSync(outside).length).toBe(10_000);
    expect(cache.lockMode).toBe("exclusive");
    await cache.dispose();
  });

  it("waits_for_other_users_of_the_cache_unless_forced", async () => {
    const root = freshRoot();
    const user = await Cache.fromPath(root).init();
    const waits: string[] = [];
    const cleaner = Cache.fromPath(root, {
      lockTimeoutMs: 100,
      onLockWait: (m) => waits.push(m),
      cwd: scratch,
    });
    expect(await cleaner.tryLockExclusive()).toBe(false);
    const error = await cleaner.clean().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toBe(
      `Timeout (0s) when waiting for lock on \`${root}\` at \`${join(root, ".lock").slice(scratch.length + 1)}\`, is another uv process running? You can set \`UV_LOCK_TIMEOUT\` to increase the timeout.`,
    );
    expect(waits).toHaveLength(1);
    const forced = await cleaner.clean([], { force: true });
    expect(forced.numFiles).toBe(4);
    await user.dispose();
    expect(await cleaner.tryLockExclusive()).toBe(true);
    await cleaner.dispose();
  });

  it("removes_one_package_across_buckets_and_its_dangling_archives", async () => {
    const root = freshRoot();
    const cache = await Cache.fromPath(root).init();
    const fooId = await fillArchive(cache, "foo");
    const barId = await fillArchive(cache, "bar");
    const sharedId = await fillArchive(cache, "shared");
    await cache.writePointer(cache.entry("wheels", "d1", "foo", "foo-1.pointer"), pointerTo(fooId));
    await cache.writePointer(
      cache.entry("wheels", "url", "d2", "foo", "foo-2.pointer"),
      pointerTo(sharedId),
    );
    await cache.writePointer(cache.entry("wheels", "d1", "bar", "bar-1.pointer"), pointerTo(barId));
    await cache.writePointer(
      cache.entry("wheels", "d1", "bar", "bar-2.pointer"),
      pointerTo(sharedId),
    );
    write(cache.entry("wheels", "d1", "foo", "foo-1.json"));
    write(cache.entry("simple", "d1", "foo.json"));
    write(cache.entry("simple", "d1", "bar.json"));
    write(cache.entry("sdists", "url", "d3", "rev1", "metadata.json"), '{"name": "Foo"}');
    write(cache.entry("sdists", "url", "d4", "rev1", "metadata.json"), '{"name": "bar"}');
    write(cache.entry("sdists", "git", "repo", "sha1", "metadata.json"), '{"name": "foo"}');
    write(cache.entry("flatIndex", "html", "x.json"));
    // A link out of the cache is removed, never followed.
    const victim = join(scratch, `victim-${n++}`);
    write(join(victim, "payload.txt"), "payload");
    symlinkSync(victim, cache.entry("wheels", "d1", "foo", "escape"));

    const removal = await cache.clean([name("foo")]);
    expect(removal.numFiles).toBeGreaterThan(0);
    expect(existsSync(join(victim, "payload.txt"))).toBe(true);
    expect(tree(root).filter((p) => !p.startsWith("archive-v0/") && p !== ".lock/")).toEqual([
      ".gitignore",
      "CACHEDIR.TAG",
      "sdists-v0/",
      "sdists-v0/.git",
      "sdists-v0/.gitignore",
      "sdists-v0/git/",
      "sdists-v0/git/repo/",
      "sdists-v0/url/",
      "sdists-v0/url/d4/",
      "sdists-v0/url/d4/rev1/",
      "sdists-v0/url/d4/rev1/metadata.json",
      "simple-v0/",
      "simple-v0/d1/",
      "simple-v0/d1/bar.json",
      "wheels-v0/",
      "wheels-v0/d1/",
      "wheels-v0/d1/bar/",
      "wheels-v0/d1/bar/bar-1.pointer",
      "wheels-v0/d1/bar/bar-2.pointer",
      "wheels-v0/url/",
      "wheels-v0/url/d2/",
    ]);
    // foo's own archive went; the one bar still points at stayed.
    expect(readdirSync(cache.bucket("archive")).sort()).toEqual([barId, sharedId].sort());
    // Nothing left to prune.
    expect((await cache.prune()).empty).toBe(true);
    await cache.dispose();
  });
});

describe("Cache.prune", () => {
  it("removes_stale_buckets_temp_leftovers_environments_and_unreferenced_archives", async () => {
    const root = freshRoot();
    const cache = await Cache.fromPath(root).init();
    const used = await fillArchive(cache, "used");
    await cache.writePointer(cache.entry("wheels", "d", "pkg", "pkg.pointer"), pointerTo(used));
    const unused = await fillArchive(cache, "unused");
    mkdirSync(join(root, "simple-v4"));
    write(join(root, "junk"));
    write(join(root, ".tmpAbCd12", "half-unpacked.py"));
    write(cache.entry("environments", "tool-0123456789abcdef", "pyvenv.cfg"));
    write(cache.entry("python", "python.tar.gz"));
    write(cache.entry("simple", "d", "pkg.json"));
    // A symlink posing as a bucket is removed as a link.
    const victim = join(scratch, `victim-${n++}`);
    write(join(victim, "payload.txt"));
    symlinkSync(victim, join(root, "escape-v0"));

    const removal = await cache.prune();
    // junk, the temp file, pyvenv.cfg, the unused archive's two files, escape-v0.
    expect(removal.numFiles).toBe(6);
    // simple-v4, .tmpAbCd12, the environment, the unused archive and its dist-info.
    expect(removal.numDirs).toBe(5);
    expect(existsSync(cache.archivePath(unused))).toBe(false);
    expect(existsSync(cache.archivePath(used))).toBe(true);
    expect(existsSync(cache.entry("python", "python.tar.gz"))).toBe(true);
    expect(existsSync(cache.entry("simple", "d", "pkg.json"))).toBe(true);
    expect(existsSync(join(victim, "payload.txt"))).toBe(true);
    expect(readdirSync(cache.bucket("environments"))).toEqual([]);
    expect((await cache.prune()).empty).toBe(true);
    await cache.dispose();
  });

  it("ci_mode_keeps_only_built_wheels_and_their_metadata", async () => {
    const root = freshRoot();
    const cache = await Cache.fromPath(root).init();
    write(cache.entry("wheels", "pypi", "pkg", "pkg.json"));
    const revision = cache.entry("sdists", "pypi", "pkg", "1.0", "rev");
    write(join(revision, "metadata.json"), "{}");
    write(join(revision, "pkg-1.0-py3-none-any.whl"));
    write(join(revision, "src", "setup.py"));
    write(join(revision, "pkg-1.0-py3-none-any", "pkg.py"));
    const removal = await cache.prune({ ci: true });
    expect(removal.numFiles).toBe(3);
    expect(readdirSync(cache.bucket("wheels"))).toEqual([]);
    expect(readdirSync(revision).sort()).toEqual(["metadata.json", "pkg-1.0-py3-none-any.whl"]);
    await cache.dispose();
  });
});

describe("freshness", () => {
  it("follows_the_refresh_policy_and_the_run_start", async () => {
    const root = freshRoot();
    write(join(root, "entry.json"));
    const path = join(root, "entry.json");
    const past = Date.now() - 60_000;
    const future = Date.now() + 60_000;
    const foo = name("foo");
    const bar = name("bar");
    const check = (refresh: ReturnType<typeof refreshFromArgs>, pkg?: PackageName) =>
      Cache.fromPath(root, { refresh }).freshness(path, pkg);
    expect(await check(refreshFromArgs(undefined, [], future))).toBe("fresh");
    expect(await check(refreshFromArgs(true, [], future))).toBe("stale");
    // Written after the run started: fresh even under --refresh.
    expect(await check(refreshFromArgs(true, [], past))).toBe("fresh");
    expect(await check(refreshFromArgs(undefined, [foo], future), foo)).toBe("stale");
    expect(await check(refreshFromArgs(undefined, [foo], future), bar)).toBe("fresh");
    expect(await Cache.fromPath(root).freshness(join(root, "nope"))).toBe("missing");
    expect(
      Cache.fromPath(root, { refresh: refreshFromArgs(undefined, [foo]) }).mustRevalidatePackage(
        foo,
      ),
    ).toBe(true);
  });

  it("combines_policies_like_uv", () => {
    const none = refreshFromArgs(undefined, [], 1);
    const all = refreshFromArgs(true, [], 2);
    const foo = refreshFromArgs(undefined, [name("foo")], 3);
    const bar = refreshFromArgs(undefined, [name("bar")], 4);
    expect(combineRefresh(none, all)).toEqual({ kind: "all", timestamp: 2 });
    expect(combineRefresh(foo, none)).toEqual({ ...foo, timestamp: 3 });
    expect(combineRefresh(foo, bar)).toEqual({
      kind: "packages",
      packages: ["foo", "bar"],
      paths: [],
      timestamp: 4,
    });
    expect(combineRefresh(bar, all)).toEqual({ kind: "all", timestamp: 4 });
    expect(refreshFromArgs(false, [name("foo")], 5)).toEqual({ kind: "none", timestamp: 5 });
  });
});

describe("humanReadableBytes", () => {
  it("formats_like_uv", () => {
    expect(humanReadableBytes(0)).toBe("0B");
    expect(humanReadableBytes(1023)).toBe("1023B");
    expect(humanReadableBytes(1024)).toBe("1.0KiB");
    expect(humanReadableBytes(4096)).toBe("4.0KiB");
    expect(humanReadableBytes(16384)).toBe("16.0KiB");
    expect(humanReadableBytes(1048575)).toBe("1.0MiB");
    expect(humanReadableBytes(1048576)).toBe("1.0MiB");
    // Exact ties round to even, as Rust's formatter does.
    expect(humanReadableBytes(1.25 * 1024 * 1024)).toBe("1.2MiB");
    expect(humanReadableBytes(3.75 * 1024 * 1024)).toBe("3.8MiB");
    expect(humanReadableBytes(2.5 * 1024 ** 3)).toBe("2.5GiB");
  });
});
