import {
  appendFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { startSpareThread } from "@uv-ts/fs";
import type { WheelSpec } from "@uv-ts/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type InstalledWheel,
  installInOrder,
  installWheel,
  type Layout,
  Linker,
  LinkWorker,
  SitePackages,
} from "../src/index.ts";
import { LinkWorkerError } from "../src/link-worker.ts";
import {
  archiveFiles,
  cleanup,
  fakeVenv,
  snapshotTree,
  tempDir,
  unpackedWheel,
} from "./helpers.ts";

// Enough files for several chunks of the root's links, in nested directories.
const FILES: Record<string, string> = {};
for (let i = 0; i < 600; i++) FILES[`big/sub${i % 7}/deep${i % 3}/m${i}.py`] = `X = ${i}\n`;
FILES["big/__init__.py"] = "";
FILES["top.py"] = "T = 1\n";

const SPEC: WheelSpec = {
  name: "big",
  version: "1.0.0",
  files: FILES,
  scripts: { big: "big:main" },
  data: { "data/share/big.txt": "d\n" },
};

let root: string;
let worker: LinkWorker | undefined;
beforeEach(() => {
  root = tempDir("link-worker");
});
afterEach(() => {
  worker?.close();
  worker = undefined;
  cleanup(root);
});

/** A started worker that has taken (and finished) a first chunk, so that it is ready. */
async function readyWorker(): Promise<LinkWorker> {
  const started = LinkWorker.start();
  if (started === undefined) throw new Error("no worker threads here");
  mkdirSync(join(root, "probe-src"));
  mkdirSync(join(root, "probe-dst"));
  writeFileSync(join(root, "probe-src", "f"), "");
  await started.link("hardlink", join(root, "probe-src"), join(root, "probe-dst"), ["f"]);
  expect(started.ready).toBe(true);
  return started;
}

/** Counts what the worker is handed. */
function spied(target: LinkWorker): { worker: LinkWorker; files: () => number } {
  let files = 0;
  const link = target.link.bind(target);
  target.link = (mode, src, dst, rels, dirs, at) => {
    files += rels.length;
    return link(mode, src, dst, rels, dirs, at);
  };
  return { worker: target, files: () => files };
}

async function installTwice(
  mutate: (layout: Layout, dir: string) => string[],
  steal = false,
): Promise<{
  here: { result?: InstalledWheel; error?: unknown; tree: Map<string, Buffer> };
  split: { result?: InstalledWheel; error?: unknown; tree: Map<string, Buffer> };
  delegated: number;
}> {
  const wheel = await unpackedWheel(SPEC, root);
  const spy = spied(await readyWorker());
  worker = spy.worker;
  const outcome = async (venv: string, linkWorker: LinkWorker | undefined) => {
    const layout = fakeVenv(venv);
    const files = mutate(layout, wheel.dir);
    try {
      let result: InstalledWheel | undefined;
      const install = async () => {
        result = await installWheel(wheel.dir, wheel.filename, layout, {
          files,
          linker: new Linker("hardlink"),
          linkWorker,
        });
      };
      if (steal && linkWorker !== undefined) {
        // This thread takes back what the worker has not reached, as `pip install` does.
        await installInOrder([0], install, true, () => linkWorker.steal());
      } else {
        await install();
      }
      return { ...(result === undefined ? {} : { result }), tree: snapshotTree(venv) };
    } catch (error) {
      return { error, tree: snapshotTree(venv) };
    }
  };
  const venv = join(root, "venv");
  const here = await outcome(venv, undefined);
  renameSync(venv, join(root, "venv-here"));
  const split = await outcome(venv, spy.worker);
  return { here, split, delegated: spy.files() };
}

/** Both installs succeeded, the worker linked some files, and they wrote the same tree and RECORD. */
function expectSameInstall(
  here: Awaited<ReturnType<typeof installTwice>>["here"],
  split: Awaited<ReturnType<typeof installTwice>>["split"],
  delegated: number,
): void {
  expect(delegated).toBeGreaterThan(0);
  expect(here.error).toBeUndefined();
  expect(split.error).toBeUndefined();
  expect([...split.tree.keys()].sort()).toEqual([...here.tree.keys()].sort());
  for (const [path, bytes] of here.tree)
    expect(split.tree.get(path)?.equals(bytes), path).toBe(true);
  expect(split.result?.record).toEqual(here.result?.record);
}

describe("linking on a second thread", () => {
  it("install_with_a_link_worker_writes_what_one_thread_writes", async () => {
    const { here, split, delegated } = await installTwice((_, dir) => archiveFiles(dir));
    expectSameInstall(here, split, delegated);
    // Linked, not copied.
    const sample = join(root, "venv", "lib", "python3.12", "site-packages", "big", "sub1");
    expect(statSync(join(sample, "deep1", "m1.py")).nlink).toBeGreaterThan(1);
  });

  it("worker_mkdir_failure_is_reported_and_rolled_back_like_this_threads", async () => {
    // A file where the worker must create a directory: every chunk but the first needs it, so
    // the worker takes the earliest failing chunk.
    const { here, split, delegated } = await installTwice((layout, dir) => {
      writeFileSync(join(layout.scheme.purelib, "blocked"), "in the way");
      const files = archiveFiles(dir).filter((f) => !f.startsWith("blocked/"));
      const meta = files.filter((f) => f.startsWith("big-1.0.0."));
      const rootFiles = files.filter((f) => !f.startsWith("big-1.0.0."));
      const firstChunk = [...meta, ...rootFiles.slice(0, 128)];
      const rest = rootFiles.slice(128);
      // Listed in the RECORD, but their sources need not exist: the directory fails first.
      const blocked = rest.flatMap((_, i) => (i % 20 === 0 ? [`blocked/x${i}.py`] : []));
      appendFileSync(
        join(dir, "big-1.0.0.dist-info", "RECORD"),
        blocked.map((f) => `${f},sha256=AAAA,1\n`).join(""),
      );
      const interleaved = rest.flatMap((f, i) => (i % 20 === 0 ? [f, `blocked/x${i}.py`] : [f]));
      return [...firstChunk, ...interleaved];
    });
    expect(delegated).toBeGreaterThan(0);
    const message = (e: unknown) => {
      const error = e as Error & { cause?: Error };
      return [error?.constructor.name, error?.message, error?.cause?.message];
    };
    expect(here.error).toBeDefined();
    expect(message(split.error)).toEqual(message(here.error));
    expect(String((split.error as Error).cause)).toContain("EEXIST");
    // Rolled back as far as this thread gets: the linked files are gone. (A file where a
    // directory should be also stops the removal of the listed files below it, so the staging
    // directory stays for the next run to repair, on either path.)
    const keys = (tree: Map<string, Buffer>) =>
      [...tree.keys()].map((k) => k.replace(/partial-[0-9a-f]+/, "partial-[ID]")).sort();
    expect(keys(split.tree)).toEqual(keys(here.tree));
    expect(keys(split.tree).filter((k) => !k.includes(".partial-"))).toEqual([
      "lib/python3.12/site-packages/blocked",
    ]);
  });

  it("worker_link_failure_names_the_file_like_this_threads", async () => {
    const { here, split, delegated } = await installTwice((_, dir) => {
      const files = archiveFiles(dir);
      // Listed (with a digest) but missing from the archive: its link fails.
      const recordPath = join(dir, "big-1.0.0.dist-info", "RECORD");
      appendFileSync(recordPath, "big/ghost.py,sha256=AAAA,1\n");
      const at = files.length - 10;
      return [...files.slice(0, at), "big/ghost.py", ...files.slice(at)];
    });
    expect(delegated).toBeGreaterThan(0);
    const error = split.error as Error & { cause?: Error & { code?: string } };
    expect(error.message).toBe((here.error as Error).message);
    expect(error.message).toMatch(/^Failed to hardlink `.*big\/ghost\.py` to `.*big\/ghost\.py`$/);
    expect(error.cause?.message).toBe((here.error as Error & { cause?: Error }).cause?.message);
    expect(error.cause?.code).toBe("ENOENT");
    expect(SitePackages.read(fakeVenv(join(root, "venv"))).partials).toEqual([]);
    expect([...split.tree.keys()]).toEqual([]);
  });
});

describe("the worker's thread", () => {
  it("worker_runs_on_a_spare_thread_when_given_one", async () => {
    // Waits for a program as the launcher's spare thread does (see `SpareThreads`).
    const spare = startSpareThread();
    const idle = [spare];
    worker = LinkWorker.start({ take: () => idle.shift() });
    expect(idle).toEqual([]);
    mkdirSync(join(root, "src"));
    mkdirSync(join(root, "dst"));
    writeFileSync(join(root, "src", "f"), "x");
    await worker?.link("hardlink", join(root, "src"), join(root, "dst"), ["f"]);
    expect(statSync(join(root, "dst", "f")).nlink).toBe(2);
    // Closing the worker ends that very thread.
    const exited = new Promise((resolve) => spare.once("exit", resolve));
    worker?.close();
    worker = undefined;
    await exited;
  });
});

describe("removing on the worker's thread", () => {
  it("worker_removes_a_directory_with_everything_below_it", async () => {
    worker = await readyWorker();
    const empty = join(root, "empty");
    const full = join(root, "full");
    mkdirSync(empty);
    mkdirSync(join(full, "a", "b"), { recursive: true });
    writeFileSync(join(full, "a", "b", "f"), "x");
    writeFileSync(join(full, "g"), "y");
    await worker.remove(empty);
    await worker.remove(full);
    // Gone already is fine.
    await worker.remove(join(root, "never-made"));
    expect(readdirSync(root).sort()).toEqual(["probe-dst", "probe-src"]);
  });

  it("worker_reports_a_directory_it_could_not_remove", async () => {
    worker = await readyWorker();
    // A file stands in the way of the path's parent: neither call can remove it.
    writeFileSync(join(root, "file"), "");
    const error = await worker.remove(join(root, "file", "below")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkWorkerError);
    expect((error as LinkWorkerError).failure).toMatchObject({
      op: "remove",
      dst: join(root, "file", "below"),
    });
  });
});

describe("committing on the worker's thread", () => {
  /** A tree to move: `x/y.txt`, `x/z.txt` and `top.txt`, under `root/<name>`. */
  function tree(name: string): { dir: string; rels: string[] } {
    const dir = join(root, name);
    mkdirSync(join(dir, "x"), { recursive: true });
    writeFileSync(join(dir, "x", "y.txt"), "y");
    writeFileSync(join(dir, "x", "z.txt"), "z");
    writeFileSync(join(dir, "top.txt"), "t");
    return { dir, rels: ["x/y.txt", "x/z.txt", "top.txt"] };
  }

  it("worker_takes_each_step_in_order", async () => {
    worker = await readyWorker();
    const { dir, rels } = tree("tree");
    const dst = join(root, "dst");
    // `x` exists there already (a namespace directory): its files move into it.
    mkdirSync(join(dst, "x"), { recursive: true });
    writeFileSync(join(dst, "x", "kept.txt"), "k");
    mkdirSync(join(root, "ahead"));
    writeFileSync(join(root, "ahead", "stray"), "");
    // What the staging directory replaces.
    mkdirSync(join(root, "final", "old"), { recursive: true });
    const staging = join(root, "staging");
    const outcome = await worker.commit([
      { kind: "ahead", from: join(root, "ahead"), to: staging },
      { kind: "unlink", path: join(staging, "stray") },
      { kind: "create", path: join(staging, "RECORD"), content: "r\n" },
      { kind: "move", from: dir, to: dst, rels: rels.join("\0") },
      { kind: "mkdir", path: join(root, "bin", "deep") },
      {
        kind: "script",
        path: join(root, "bin", "deep", "run"),
        temp: join(root, "bin", "deep", ".run.tmp"),
        content: "#!/bin/sh\n",
      },
      { kind: "finish", from: staging, to: join(root, "final") },
    ]);
    expect(outcome).toEqual({});
    expect(readdirSync(join(root, "final"))).toEqual(["RECORD"]);
    expect(readFileSync(join(root, "final", "RECORD"), "utf8")).toBe("r\n");
    expect(readdirSync(join(dst, "x")).sort()).toEqual(["kept.txt", "y.txt", "z.txt"]);
    expect(readFileSync(join(dst, "top.txt"), "utf8")).toBe("t");
    expect(readdirSync(join(root, "bin", "deep"))).toEqual(["run"]);
    expect(statSync(join(root, "bin", "deep", "run")).mode & 0o111).toBe(0o111);
    expect(readdirSync(join(root, "tree", "x"))).toEqual([]);
    expect(existsSync(staging)).toBe(false);
  });

  it("worker_stops_where_the_install_would_change_course", async () => {
    worker = await readyWorker();
    // No dist-info directory to rename: nothing at all is done.
    const marker = join(root, "marker");
    expect(
      await worker.commit([
        { kind: "ahead", from: join(root, "missing"), to: join(root, "staging") },
        { kind: "create", path: marker, content: "" },
      ]),
    ).toEqual({ stopped: "ahead" });
    expect(existsSync(marker)).toBe(false);
    // A directory where a file of the tree goes: what was moved goes back, and it stops.
    const { dir, rels } = tree("tree");
    const dst = join(root, "dst");
    mkdirSync(join(dst, "top.txt"), { recursive: true });
    expect(
      await worker.commit([
        { kind: "move", from: dir, to: dst, rels: rels.join("\0") },
        { kind: "create", path: marker, content: "" },
      ]),
    ).toEqual({ stopped: "move" });
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(join(dir, "x")).sort()).toEqual(["y.txt", "z.txt"]);
    expect(readdirSync(dst)).toEqual(["top.txt"]);
  });

  it("worker_fails_a_commit_with_the_error_of_its_step", async () => {
    worker = await readyWorker();
    const taken = join(root, "taken");
    writeFileSync(taken, "before");
    const later = join(root, "later");
    const error = await worker
      .commit([
        { kind: "create", path: taken, content: "after" },
        { kind: "create", path: later, content: "" },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkWorkerError);
    expect((error as LinkWorkerError).failure).toMatchObject({ op: "commit", dst: taken });
    expect((error as LinkWorkerError).failure.error).toMatchObject({ code: "EEXIST" });
    expect(readFileSync(taken, "utf8")).toBe("before");
    expect(existsSync(later)).toBe(false);
  });
});

describe("taking links back from the worker", () => {
  it("chunks_taken_back_are_linked_once_by_one_thread_or_the_other", async () => {
    worker = await readyWorker();
    const src = join(root, "src");
    const dst = join(root, "dst");
    mkdirSync(src);
    mkdirSync(dst);
    const chunks = Array.from({ length: 12 }, (_, c) =>
      Array.from({ length: c === 0 ? 3000 : 40 }, (_, i) => `c${c}-f${i}`),
    );
    for (const chunk of chunks) for (const f of chunk) writeFileSync(join(src, f), f);
    let localRuns = 0;
    const settled = chunks.map((rels) =>
      worker!.link("hardlink", src, dst, rels, [], [], () => {
        localRuns++;
        for (const f of rels) linkSync(join(src, f), join(dst, f));
      }),
    );
    let stolen = 0;
    while (worker.steal()) stolen++;
    // The worker starts the big first chunk before this thread can take it back, and is busy
    // with it while this thread takes back the small ones from the end.
    expect(stolen).toBeGreaterThan(0);
    expect(stolen).toBeLessThan(chunks.length);
    expect(localRuns).toBe(stolen);
    await Promise.all(settled);
    expect(worker.steal()).toBe(false);
    expect(worker.backlog).toBe(0);
    // Each file linked exactly once (a second link would have failed or replaced it).
    for (const chunk of chunks) {
      for (const f of chunk) expect(statSync(join(src, f)).nlink).toBe(2);
    }
  });

  it("install_taking_links_back_writes_what_one_thread_writes", async () => {
    const { here, split, delegated } = await installTwice((_, dir) => archiveFiles(dir), true);
    expectSameInstall(here, split, delegated);
  });

  it("link_failure_in_a_chunk_taken_back_is_reported_like_this_threads", async () => {
    const { here, split } = await installTwice((_, dir) => {
      const files = archiveFiles(dir);
      appendFileSync(join(dir, "big-1.0.0.dist-info", "RECORD"), "big/ghost.py,sha256=AAAA,1\n");
      // In the last chunk, the one taken back first.
      return [...files, "big/ghost.py"];
    }, true);
    const error = split.error as Error & { cause?: Error & { code?: string } };
    expect(error.message).toBe((here.error as Error).message);
    expect(error.cause?.code).toBe("ENOENT");
    expect(SitePackages.read(fakeVenv(join(root, "venv"))).partials).toEqual([]);
    expect([...split.tree.keys()]).toEqual([]);
  });
});

describe("installing in order", () => {
  const wait = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

  it("install_in_order_stops_after_a_failure_and_reports_the_earliest", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const install = async (i: number) => {
      started.push(i);
      if (i === 1) {
        // Fails late, after waiting for the worker.
        await wait();
        throw new Error("late 1");
      }
      if (i === 2) throw new Error("at once 2");
      if (i === 0) await wait();
      finished.push(i);
    };
    await expect(installInOrder([0, 1, 2, 3, 4], install, true)).rejects.toThrow("late 1");
    // Nothing starts after a failure is known; what started has settled.
    expect(started).toEqual([0, 1, 2]);
    expect(finished).toEqual([0]);
  });

  it("install_in_order_without_overlap_is_a_sequential_loop", async () => {
    const events: string[] = [];
    const install = async (i: number) => {
      events.push(`start ${i}`);
      await wait();
      if (i === 1) throw new Error("one");
      events.push(`end ${i}`);
    };
    await expect(installInOrder([0, 1, 2], install, false)).rejects.toThrow("one");
    expect(events).toEqual(["start 0", "end 0", "start 1"]);
  });
});
