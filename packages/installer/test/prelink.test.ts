import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { buildWheel, type WheelSpec } from "@uv-ts/test-kit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type InstallWheelOptions,
  installInOrder,
  installWheel,
  type Layout,
  Linker,
  LinkWorker,
  Prelinker,
  removePartialInstall,
  SitePackages,
  wheelRootFiles,
} from "../src/index.ts";
import { LinkAheadCancelled } from "../src/link-worker.ts";
import {
  archiveFiles,
  cleanup,
  directories,
  fakeVenv,
  snapshotTree,
  tempDir,
  type UnpackedWheel,
  unpackedWheel,
  unzip,
  venvLayout,
} from "./helpers.ts";

// Several chunks of links, nested directories, a top-level module, and a namespace directory
// (`ns/`) that the second wheel shares.
const BIG: Record<string, string> = {};
for (let i = 0; i < 300; i++) BIG[`big/sub${i % 7}/deep${i % 3}/m${i}.py`] = `X = ${i}\n`;
BIG["big/__init__.py"] = "";
BIG["top.py"] = "T = 1\n";
BIG["ns/big_part/__init__.py"] = "B = 1\n";

const SPECS: WheelSpec[] = [
  {
    name: "big",
    version: "1.0.0",
    files: BIG,
    scripts: { big: "big:main" },
    data: { "data/share/big.txt": "d\n" },
  },
  {
    name: "other",
    version: "2.0.0",
    files: { "ns/other_part/__init__.py": "O = 1\n", "other.py": "O = 2\n" },
  },
];

let root: string;
let worker: LinkWorker | undefined;
beforeEach(() => {
  root = tempDir("prelink");
});
afterEach(() => {
  worker?.close();
  worker = undefined;
  cleanup(root);
});

function startWorker(): LinkWorker {
  const started = LinkWorker.start();
  if (started === undefined) throw new Error("no worker threads here");
  worker = started;
  return started;
}

/** The test wheels, a link thread, a fake venv and a prelinker into its purelib. */
async function prelinking() {
  const unpacked = await wheels();
  const linkWorker = startWorker();
  const layout = fakeVenv(join(root, "venv"));
  const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
  return { unpacked, linkWorker, layout, prelinker };
}

/** A prelinker into the site-packages of a new venv, with every wheel of `unpacked` linked ahead. */
async function prelinkedAll(unpacked: readonly UnpackedWheel[]) {
  const linkWorker = startWorker();
  const venv = join(root, "venv");
  const layout = fakeVenv(venv);
  const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
  for (const wheel of unpacked) {
    prelinker.add(wheel.filename.name, wheel.dir, archiveFiles(wheel.dir));
  }
  await prelinker.settled();
  return { linkWorker, venv, layout, prelinker };
}

/** `wheel` as the cache keeps it: an archive under `archives/<id>` and its pointer. */
function cached(wheel: UnpackedWheel, files: unknown[] = archiveFiles(wheel.dir)) {
  const archiveRoot = join(root, "archives");
  mkdirSync(archiveRoot, { recursive: true });
  const id = `id${wheel.filename.name}`;
  renameSync(wheel.dir, join(archiveRoot, id));
  const pointer = join(root, `${wheel.filename.stem()}.pointer`);
  writeFileSync(
    pointer,
    JSON.stringify({
      version: 0,
      archive: id,
      filename: wheel.filename.toString(),
      hashes: [],
      files,
    }),
  );
  return { archiveRoot, pointer, source: join(archiveRoot, id) };
}

async function wheels(): Promise<UnpackedWheel[]> {
  return Promise.all(SPECS.map((spec) => unpackedWheel(spec, root)));
}

/** Installs `wheels` in order into a new fake venv at `venv`, with `prelinker` when given. */
async function install(
  venv: string,
  unpacked: readonly UnpackedWheel[],
  options: {
    prelinker?: Pick<Prelinker, "take">;
    worker?: LinkWorker;
    prepare?: (layout: Layout) => void;
    /** The venv exists already. */
    keep?: boolean;
    options?: InstallWheelOptions;
  } = {},
): Promise<Layout> {
  const layout = options.keep === true ? venvLayout(venv) : fakeVenv(venv);
  options.prepare?.(layout);
  const linker = new Linker("hardlink");
  await installInOrder(
    unpacked,
    (wheel) =>
      installWheel(wheel.dir, wheel.filename, layout, {
        files: archiveFiles(wheel.dir),
        linker,
        linkWorker: options.worker,
        prelinked: options.prelinker?.take(wheel.filename.name),
        ...options.options,
      }),
    options.worker !== undefined,
    options.worker === undefined ? undefined : () => options.worker!.steal(),
  );
  return layout;
}

describe("linking ahead", () => {
  it("installs_the_same_tree_as_linking_at_install_time", async () => {
    const unpacked = await wheels();
    // The same path for both installs: scripts name their interpreter.
    await install(join(root, "venv"), unpacked);
    const expected = snapshotTree(join(root, "venv"));
    const expectedDirs = directories(join(root, "venv"));
    renameSync(join(root, "venv"), join(root, "plain"));

    const { linkWorker, venv, layout, prelinker } = await prelinkedAll(unpacked);
    // Linked ahead, out of sight: nothing of the wheels is in site-packages yet.
    const hidden = readdirSync(layout.scheme.purelib);
    expect(hidden).toEqual([prelinker.root.slice(layout.scheme.purelib.length + 1)]);
    expect(hidden[0]).toMatch(/^\.uv-ts-prelink-[0-9a-f]+$/);
    expect(SitePackages.read(layout).distributions).toEqual([]);

    const taken: string[] = [];
    const take = (name: string) => {
      const tree = prelinker.take(name);
      if (tree !== undefined) taken.push(name);
      return tree;
    };
    await install(venv, unpacked, { prelinker: { take }, worker: linkWorker });
    await prelinker.dispose();
    expect(taken).toEqual(["big", "other"]);
    expect(snapshotTree(venv)).toEqual(expected);
    expect(directories(venv)).toEqual(expectedDirs);
    // The files are the cache's (hard links), moved rather than copied.
    const source = statSync(join(unpacked[0]!.dir, "big", "sub1", "deep1", "m1.py"));
    const installed = statSync(join(layout.scheme.purelib, "big", "sub1", "deep1", "m1.py"));
    expect(installed.ino).toBe(source.ino);
  });

  it("moves_the_tree_rather_than_linking_each_file", async () => {
    const unpacked = await wheels();
    const linkWorker = startWorker();
    const venv = join(root, "venv");
    const layout = fakeVenv(venv);
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    const big = unpacked[0]!;
    prelinker.add("big", big.dir, archiveFiles(big.dir));
    await prelinker.settled();
    const tree = prelinker.take("big");
    expect(await tree?.done).toBeDefined();
    // A marker only the tree linked ahead has: the install must move that tree.
    writeFileSync(join(tree!.dir, "big", "marker"), "moved\n");
    await installWheel(big.dir, big.filename, layout, {
      files: archiveFiles(big.dir),
      linker: new Linker("hardlink"),
      prelinked: tree,
    });
    expect(readFileSync(join(layout.scheme.purelib, "big", "marker"), "utf8")).toBe("moved\n");
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("removes_a_discarded_tree_before_dispose", async () => {
    const unpacked = await wheels();
    const { linkWorker, layout, prelinker } = await prelinkedAll(unpacked);
    const big = unpacked[0] as UnpackedWheel;
    const bigTree = prelinker.take("big")!;
    const otherTree = prelinker.take("other")!;
    await installWheel(big.dir, big.filename, layout, {
      files: archiveFiles(big.dir),
      linker: new Linker("hardlink"),
      prelinked: bigTree,
    });
    // Moved out: an empty directory is left, which goes on the link thread, before dispose.
    expect(readdirSync(bigTree.dir)).toEqual([]);
    prelinker.discard(bigTree);
    // A tree the install did not move is removed whole.
    prelinker.discard(otherTree);
    // In order with what the thread was handed before: a job after them is done after them.
    await linkWorker.remove(join(root, "nothing-here"));
    expect(existsSync(bigTree.dir)).toBe(false);
    expect(existsSync(otherTree.dir)).toBe(false);
    expect(existsSync(prelinker.root)).toBe(true);
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib).filter((n) => n.startsWith("."))).toEqual([]);
    expect(existsSync(join(layout.scheme.purelib, "big", "__init__.py"))).toBe(true);
  });

  it("falls_back_to_linking_when_a_directory_stands_where_a_file_goes", async () => {
    const unpacked = (await wheels()).slice(0, 1);
    const inTheWay = (layout: Layout) => mkdirSync(join(layout.scheme.purelib, "top.py"));
    const plain = await install(join(root, "venv"), unpacked, { prepare: inTheWay }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(plain).toBeInstanceOf(Error);
    const plainTree = snapshotTree(join(root, "venv"));
    renameSync(join(root, "venv"), join(root, "plain"));

    const linkWorker = startWorker();
    const venv = join(root, "venv");
    const prelinker = new Prelinker(fakeVenv(venv).scheme.purelib, linkWorker, "hardlink");
    for (const wheel of unpacked)
      prelinker.add(wheel.filename.name, wheel.dir, archiveFiles(wheel.dir));
    await prelinker.settled();
    const ahead = await install(venv, unpacked, {
      prelinker,
      worker: linkWorker,
      prepare: inTheWay,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await prelinker.dispose();
    // The same failure as without linking ahead, and the same environment after its rollback.
    expect(String(ahead)).toBe(String(plain));
    expect(snapshotTree(venv)).toEqual(plainTree);
  });

  it("ignores_a_tree_linked_from_other_files", async () => {
    const unpacked = await wheels();
    const big = unpacked[0]!;
    const linkWorker = startWorker();
    const venv = join(root, "venv");
    const layout = fakeVenv(venv);
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    // Linked ahead from a listing that lacks a file the install has.
    const files = archiveFiles(big.dir);
    prelinker.add(
      "big",
      big.dir,
      files.filter((f) => f !== "top.py"),
    );
    await prelinker.settled();
    const tree = prelinker.take("big");
    expect(await tree?.done).toBeDefined();
    writeFileSync(join(tree!.dir, "big", "marker"), "moved\n");
    await installWheel(big.dir, big.filename, layout, {
      files,
      linker: new Linker("hardlink"),
      prelinked: tree,
    });
    expect(readFileSync(join(layout.scheme.purelib, "top.py"), "utf8")).toBe("T = 1\n");
    expect(statSync(join(layout.scheme.purelib, "big", "marker"), { throwIfNoEntry: false })).toBe(
      undefined,
    );
    await prelinker.dispose();
  });

  it("removes_what_an_install_did_not_take", async () => {
    const { unpacked, layout, prelinker } = await prelinking();
    for (const wheel of unpacked)
      prelinker.add(wheel.filename.name, wheel.dir, archiveFiles(wheel.dir));
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
    // Sealed by disposal: a wheel that arrives late is not linked.
    prelinker.add("big", unpacked[0]!.dir, archiveFiles(unpacked[0]!.dir));
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });

  it("shares_one_removal_between_every_dispose_call", async () => {
    // The command starts disposing when the install ends and waits for it only once it has
    // closed its client: both calls must wait for the same removal, on the link thread.
    const { unpacked, layout, prelinker } = await prelinking();
    for (const wheel of unpacked)
      prelinker.add(wheel.filename.name, wheel.dir, archiveFiles(wheel.dir));
    const first = prelinker.dispose();
    const second = prelinker.dispose();
    expect(second).toBe(first);
    await second;
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });

  it("removes_the_hidden_directory_itself_once_the_link_thread_is_gone", async () => {
    const { unpacked, linkWorker, layout, prelinker } = await prelinking();
    const big = unpacked[0]!;
    prelinker.add("big", big.dir, archiveFiles(big.dir));
    await prelinker.settled();
    linkWorker.close();
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });

  it("reports_the_leftover_of_a_killed_run", async () => {
    const { unpacked, layout, prelinker } = await prelinking();
    prelinker.add("big", unpacked[0]!.dir, archiveFiles(unpacked[0]!.dir));
    await prelinker.settled();
    expect(await prelinker.take("big")?.done).toBeDefined();
    // The process dies here: its directory stays, and the next run finds it.
    const sitePackages = SitePackages.read(layout);
    expect(sitePackages.prelinks).toEqual([prelinker.root]);
    expect(sitePackages.distributions).toEqual([]);
    expect(sitePackages.partials).toEqual([]);
  });

  it("stops_linking_ahead_after_a_failure", async () => {
    const { unpacked, layout, prelinker } = await prelinking();
    // A listed file the archive lacks: its link fails.
    const [big, other] = unpacked as [UnpackedWheel, UnpackedWheel];
    prelinker.add("big", big.dir, [...archiveFiles(big.dir), "big/missing.py"]);
    await prelinker.settled();
    // Failed: not handed to the install.
    expect(prelinker.take("big")).toBeUndefined();
    // Whatever made it fail would likely fail again: the rest is linked at install time.
    prelinker.add("other", other.dir, archiveFiles(other.dir));
    expect(prelinker.take("other")).toBeUndefined();
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });

  it.skipIf(process.platform !== "linux")("links_ahead_at_a_lower_priority", async () => {
    const [big] = (await wheels()) as [UnpackedWheel];
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const nices = () =>
      readdirSync("/proc/self/task").map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      });
    expect(nices()).not.toContain(10);
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    prelinker.add("big", big.dir, archiveFiles(big.dir));
    await prelinker.settled();
    expect(nices()).toContain(10);
    await prelinker.dispose();
  });

  it("links_nothing_when_its_directory_cannot_be_made", async () => {
    const unpacked = await wheels();
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    writeFileSync(join(layout.scheme.purelib, "blocked"), "");
    const prelinker = new Prelinker(join(layout.scheme.purelib, "blocked"), linkWorker, "hardlink");
    prelinker.add("big", unpacked[0]!.dir, archiveFiles(unpacked[0]!.dir));
    expect(prelinker.take("big")).toBeUndefined();
    await prelinker.dispose();
  });
});

describe("linking ahead, committed on the link thread", () => {
  // No `.data`: with a tree linked ahead, the whole end of each install goes to the link thread.
  const LEAN: WheelSpec[] = [
    {
      name: "lean",
      version: "1.0.0",
      files: {
        "lean/__init__.py": "L = 1\n",
        "lean/sub/m.py": "M = 1\n",
        "ns/lean_part/__init__.py": "",
        "lean_top.py": "T = 1\n",
      },
      scripts: { lean: "lean:main", "lean-too": "lean:other" },
    },
    {
      name: "other",
      version: "2.0.0",
      files: { "ns/other_part/__init__.py": "O = 1\n", "other.py": "O = 2\n" },
    },
  ];

  /**
   * Installs `specs` as the plain install does, then with trees linked ahead; both outcomes,
   * errors with the archive's directory spelt `[ARCHIVE]` (the cache's is another).
   */
  async function bothWays(
    specs: readonly WheelSpec[],
    prepare?: (layout: Layout) => void,
    onThisThread = false,
  ) {
    const unpacked = await Promise.all(specs.map((spec) => unpackedWheel(spec, root)));
    const archives = new Map<string, string>();
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const plainError = await outcome(
      install(join(root, "venv"), unpacked, { ...(prepare === undefined ? {} : { prepare }) }),
    );
    const plain = snapshotTree(join(root, "venv"));
    const plainDirs = directories(join(root, "venv"));
    renameSync(join(root, "venv"), join(root, "plain"));
    // Linked ahead from the cache's pointers, as a warm run does: dist-info directories too.
    const linkWorker = startWorker();
    const venv = join(root, "venv");
    const prelinker = new Prelinker(fakeVenv(venv).scheme.purelib, linkWorker, "hardlink");
    const moved: UnpackedWheel[] = [];
    for (const wheel of unpacked) {
      const { archiveRoot, pointer, source } = cached(wheel);
      prelinker.addPointer(wheel.filename.name, pointer, wheel.filename.toString(), 0, archiveRoot);
      moved.push({ ...wheel, dir: source });
      archives.set(wheel.dir, source);
    }
    await prelinker.settled();
    const commit = vi.spyOn(linkWorker, "commit");
    const spelt = (error: unknown) => {
      let text = String(error);
      for (const [plainDir, cacheDir] of archives) {
        text = text.replaceAll(plainDir, "[ARCHIVE]").replaceAll(cacheDir, "[ARCHIVE]");
      }
      return text;
    };
    const aheadError = await outcome(
      install(venv, moved, {
        prelinker,
        ...(onThisThread ? {} : { worker: linkWorker }),
        keep: true,
        ...(prepare === undefined ? {} : { prepare }),
      }),
    );
    await prelinker.dispose();
    return {
      plain,
      plainDirs,
      plainError: spelt(plainError),
      aheadError: spelt(aheadError),
      aheadCause: spelt((aheadError as Error | undefined)?.cause),
      venv,
      commit,
    };
  }

  it("installs_the_same_tree_with_each_commit_on_the_link_thread", async () => {
    const { plain, plainDirs, plainError, aheadError, venv, commit } = await bothWays(LEAN);
    expect(plainError).toBe("undefined");
    expect(aheadError).toBe("undefined");
    expect(commit).toHaveBeenCalledTimes(LEAN.length);
    expect(snapshotTree(venv)).toEqual(plain);
    expect(directories(venv)).toEqual(plainDirs);
    expect(SitePackages.read(venvLayout(venv)).distributions.map((d) => d.name)).toEqual([
      "lean",
      "other",
    ]);
  });

  it("installs_the_same_tree_moving_it_on_this_thread", async () => {
    const { plain, plainDirs, aheadError, venv, commit } = await bothWays(LEAN, undefined, true);
    expect(aheadError).toBe("undefined");
    expect(commit).not.toHaveBeenCalled();
    // `ns/`, merged into the directory the first wheel made, is not left in the dist-info.
    expect(snapshotTree(venv)).toEqual(plain);
    expect(directories(venv)).toEqual(plainDirs);
  });

  it("links_a_tree_whose_names_clash_below_its_dist_info_directory", async () => {
    // A top-level `METADATA` of the root: the dist-info directory stays apart in the tree.
    const clash: WheelSpec = {
      name: "clash",
      version: "1.0.0",
      files: { METADATA: "m\n", "clash.py": "" },
    };
    const { plain, plainDirs, aheadError, venv, commit } = await bothWays([clash]);
    expect(aheadError).toBe("undefined");
    expect(commit).toHaveBeenCalledTimes(1);
    expect(snapshotTree(venv)).toEqual(plain);
    expect(directories(venv)).toEqual(plainDirs);
  });

  it("goes_on_here_when_the_tree_does_not_move_and_fails_as_a_plain_install", async () => {
    // A directory where a file goes: the tree does not move, linking fails, all is undone.
    const inTheWay = (layout: Layout) => mkdirSync(join(layout.scheme.purelib, "lean_top.py"));
    const { plain, plainError, aheadError, venv, commit } = await bothWays(
      LEAN.slice(0, 1),
      inTheWay,
    );
    expect(plainError).toMatch(/^UvError: Failed to hardlink `\[ARCHIVE\]\/lean_top.py`/);
    expect(commit).toHaveBeenCalled();
    expect(aheadError).toBe(plainError);
    expect(snapshotTree(venv)).toEqual(plain);
  });

  it("fails_a_step_of_the_link_thread_as_a_plain_install_fails_it", async () => {
    // A directory where a launcher goes: its rename fails, after the tree moved.
    const inTheWay = (layout: Layout) =>
      mkdirSync(join(layout.scheme.scripts, "lean-too", "x"), { recursive: true });
    const { plain, plainError, aheadError, aheadCause, venv, commit } = await bothWays(
      LEAN.slice(0, 1),
      inTheWay,
    );
    expect(plainError).toMatch(/^\w+: Failed to install: lean-1\.0\.0/);
    expect(commit).toHaveBeenCalled();
    expect(aheadError).toBe(plainError);
    expect(aheadCause).toMatch(/^Error: (EISDIR|ENOTEMPTY|EEXIST)/);
    // Rolled back as the plain install was: the same environment.
    expect(snapshotTree(venv)).toEqual(plain);
  });
});

describe("linking ahead from a cache pointer", () => {
  it("installs_the_same_tree_from_the_pointer", async () => {
    const unpacked = await wheels();
    await install(join(root, "venv"), unpacked);
    const expected = snapshotTree(join(root, "venv"));
    renameSync(join(root, "venv"), join(root, "plain"));

    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    const moved: UnpackedWheel[] = [];
    for (const wheel of unpacked) {
      const { archiveRoot, pointer, source } = cached(wheel);
      prelinker.addPointer(wheel.filename.name, pointer, wheel.filename.toString(), 0, archiveRoot);
      moved.push({ ...wheel, dir: source });
    }
    await prelinker.settled();
    const tree = prelinker.take("big");
    const outcome = await tree?.done;
    const listing = archiveFiles(moved[0]!.dir);
    const rootFiles = wheelRootFiles(listing, "big-1.0.0");
    const distInfo = listing.filter(
      (f) => f.startsWith("big-1.0.0.dist-info/") && f !== "big-1.0.0.dist-info/RECORD",
    );
    expect(outcome).toEqual({
      source: moved[0]!.dir,
      prefix: "big-1.0.0",
      count: rootFiles.length,
      distInfo: distInfo.length,
      generated: [],
      flat: true,
    });
    // The tree is its dist-info directory (all but the RECORD), which becomes the install's
    // staging directory once the root's entries are moved out.
    expect(readdirSync(tree!.dir).sort()).toEqual(
      [
        ...new Set(
          [...rootFiles, ...distInfo].map(
            (f) => f.replace(/^big-1\.0\.0\.dist-info\//, "").split("/")[0],
          ),
        ),
      ].sort(),
    );
    writeFileSync(join(tree!.dir, "marker"), "staged\n");
    // The install takes that tree: a marker only it has ends up in site-packages.
    writeFileSync(join(tree!.dir, "big", "marker"), "moved\n");
    await install(join(root, "venv"), moved, {
      prelinker: {
        take: (name: string) => (name === "big" ? tree : prelinker.take(name)),
      } as Prelinker,
      worker: linkWorker,
      keep: true,
    });
    await prelinker.dispose();
    const tree2 = snapshotTree(join(root, "venv"));
    expect(tree2.get("lib/python3.12/site-packages/big/marker")?.toString()).toBe("moved\n");
    tree2.delete("lib/python3.12/site-packages/big/marker");
    expect(tree2.get("lib/python3.12/site-packages/big-1.0.0.dist-info/marker")?.toString()).toBe(
      "staged\n",
    );
    tree2.delete("lib/python3.12/site-packages/big-1.0.0.dist-info/marker");
    expect(tree2).toEqual(expected);
  });

  for (const step of ["staged", "linked", "scripts", "dist-info"] as const) {
    it(`repairs_an_install_from_the_pointer_interrupted_after_${step.replace("-", "_")}`, async () => {
      const [wheel] = (await Promise.all(
        [{ ...SPECS[1]!, scripts: { other: "other:main" } }].map((spec) =>
          unpackedWheel(spec, root),
        ),
      )) as [UnpackedWheel];
      const linkWorker = startWorker();
      const venv = join(root, "venv");
      const layout = fakeVenv(venv);
      const before = snapshotTree(venv);
      const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
      const { archiveRoot, pointer, source } = cached(wheel);
      prelinker.addPointer("other", pointer, wheel.filename.toString(), 0, archiveRoot);
      await prelinker.settled();
      const tree = prelinker.take("other")!;
      expect((await tree.done)?.flat).toBe(true);
      class Killed extends Error {}
      const files = archiveFiles(source);
      await expect(
        installWheel(source, wheel.filename, layout, {
          files,
          linker: new Linker("hardlink"),
          prelinked: tree,
          failpoint: (at) => {
            if (at === step) throw new Killed(at);
          },
        }),
      ).rejects.toBeInstanceOf(Killed);
      await prelinker.dispose();
      // The tree became the staging directory: a partial install, which the repair removes.
      const site = SitePackages.read(layout);
      expect(site.distributions).toEqual([]);
      expect(site.partials.map((p) => p.prefix)).toEqual(["other-2.0.0"]);
      for (const partial of site.partials) removePartialInstall(partial, layout);
      expect([...snapshotTree(venv).keys()].sort()).toEqual([...before.keys()].sort());
      expect(directories(layout.scheme.purelib)).toEqual([]);
    });
  }

  it("leaves_nothing_to_discard_of_a_flat_tree", async () => {
    const [wheel] = (await Promise.all([unpackedWheel(SPECS[1]!, root)])) as [UnpackedWheel];
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    const { archiveRoot, pointer, source } = cached(wheel);
    prelinker.addPointer("other", pointer, wheel.filename.toString(), 0, archiveRoot);
    await prelinker.settled();
    const tree = prelinker.take("other")!;
    await installWheel(source, wheel.filename, layout, {
      files: archiveFiles(source),
      linker: new Linker("hardlink"),
      prelinked: tree,
    });
    // Renamed into the dist-info directory: no removal goes to the link thread.
    expect(existsSync(tree.dir)).toBe(false);
    const remove = vi.spyOn(linkWorker, "remove");
    prelinker.discard(tree);
    expect(remove).not.toHaveBeenCalled();
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("keeps_the_dist_info_directory_apart_when_a_name_would_clash", async () => {
    const clash = await unpackedWheel(
      { name: "clash", version: "1.0.0", files: { METADATA: "m\n", "clash.py": "" } },
      root,
    );
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    const { archiveRoot, pointer } = cached(clash);
    prelinker.addPointer("clash", pointer, clash.filename.toString(), 0, archiveRoot);
    await prelinker.settled();
    const tree = prelinker.take("clash")!;
    expect((await tree.done)?.flat).toBe(false);
    expect(readdirSync(tree.dir).sort()).toEqual(["METADATA", "clash-1.0.0.dist-info", "clash.py"]);
    expect(readdirSync(join(tree.dir, "clash-1.0.0.dist-info"))).toContain("METADATA");
    await prelinker.dispose();
  });

  it("skips_a_pointer_to_another_wheel_or_with_unsafe_paths", async () => {
    const [big, other] = (await wheels()) as [UnpackedWheel, UnpackedWheel];
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    const a = cached(big);
    // The pointer names another file than the wheel asked for.
    prelinker.addPointer("big", a.pointer, "big-2.0.0-py3-none-any.whl", 0, a.archiveRoot);
    await prelinker.settled();
    expect(prelinker.take("big")).toBeUndefined();
    // A listing with a path that climbs out.
    const b = cached(other, [...archiveFiles(other.dir), "../escape.py"]);
    prelinker.addPointer("other", b.pointer, other.filename.toString(), 0, b.archiveRoot);
    await prelinker.settled();
    expect(prelinker.take("other")).toBeUndefined();
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });
});

describe("linking ahead, at the seal", () => {
  /** A wheel of many files: its link takes the thread long enough to be caught under way. */
  const HUGE: WheelSpec = {
    name: "huge",
    version: "1.0.0",
    files: Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`huge/p${i % 20}/m${i}.py`, `H = ${i}\n`]),
    ),
  };

  // {@link HUGE}, built and unpacked once for the tests below (which only read it), as a cache
  // archive `archives/huge` of its own directory.
  let hugeRoot: string;
  let huge: Promise<UnpackedWheel> | undefined;
  beforeAll(() => {
    hugeRoot = tempDir("prelink-huge");
  });
  afterAll(() => cleanup(hugeRoot));
  function hugeWheel(): Promise<UnpackedWheel> {
    huge ??= (async () => {
      const built = await buildWheel(HUGE);
      const dir = join(hugeRoot, "archives", "huge");
      mkdirSync(dir, { recursive: true });
      await unzip(built.bytes, dir);
      const wheelPath = join(hugeRoot, built.filename);
      writeFileSync(wheelPath, built.bytes);
      return { built, filename: WheelFilename.parse(built.filename), dir, wheelPath };
    })();
    return huge;
  }

  /**
   * `wheel` as the cache keeps it (see above): its pointer under `root/cache-<name>`, its archive
   * moved there too, unless it is one already (`archives/<id>`).
   */
  function cachedPointer(wheel: UnpackedWheel) {
    const cache = join(root, `cache-${wheel.filename.name}`);
    mkdirSync(cache, { recursive: true });
    const files = archiveFiles(wheel.dir);
    const archived = /^[A-Za-z0-9_-]+$/.test(basename(wheel.dir));
    const archiveRoot = archived ? dirname(wheel.dir) : cache;
    const archive = archived ? basename(wheel.dir) : "a";
    if (!archived) renameSync(wheel.dir, join(archiveRoot, archive));
    const pointer = join(cache, "pointer");
    writeFileSync(
      pointer,
      JSON.stringify({ version: 0, archive, filename: wheel.filename.toString(), files }),
    );
    return {
      pointer,
      archiveRoot,
      wheel: { ...wheel, dir: join(archiveRoot, archive) },
    };
  }

  /** Every file below `dir`, relative to it. */
  function filesBelow(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => !e.isDirectory())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
  }

  /** Spins until the link thread has made `dir`: it is then under way on that tree. */
  function untilStarted(dir: string): void {
    const end = Date.now() + 10_000;
    while (!existsSync(dir)) if (Date.now() > end) throw new Error(`${dir} never appeared`);
  }

  /** A linker that records every target this thread links. */
  class CountingLinker extends Linker {
    readonly targets: string[] = [];
    override link(source: string, target: string): void {
      this.targets.push(target);
      super.link(source, target);
    }
  }

  /**
   * The huge wheel, the venv a plain install of it makes (moved aside), and a prelinker for a new
   * fake venv at the same place.
   */
  async function hugeAfterPlainInstall() {
    const huge = await hugeWheel();
    await install(join(root, "venv"), [huge]);
    const expected = snapshotTree(join(root, "venv"));
    renameSync(join(root, "venv"), join(root, "plain"));
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, startWorker(), "hardlink");
    return { huge, expected, layout, prelinker };
  }

  /**
   * Seals `prelinker` and installs `wheel` from the tree of `name` it hands over, which must be
   * under way (not complete); the linker tells what this thread linked itself.
   */
  async function installTreeUnderWay(
    prelinker: Prelinker,
    name: string,
    wheel: Pick<UnpackedWheel, "dir" | "filename">,
    layout: Layout,
  ): Promise<CountingLinker> {
    prelinker.seal();
    const tree = prelinker.take(name);
    expect(tree, "the tree under way is handed over").toBeDefined();
    expect(tree!.complete).toBe(false);
    const linker = new CountingLinker("hardlink");
    await installWheel(wheel.dir, wheel.filename, layout, {
      files: archiveFiles(wheel.dir),
      linker,
      prelinked: tree,
    });
    return linker;
  }

  it("installs_the_tree_under_way_at_the_seal_without_linking_it_again", async () => {
    const { huge, expected, layout, prelinker } = await hugeAfterPlainInstall();
    const { pointer, archiveRoot, wheel } = cachedPointer(huge);
    prelinker.addPointer("huge", pointer, wheel.filename.toString(), 0, archiveRoot);
    untilStarted(join(prelinker.root, "0"));
    const linker = await installTreeUnderWay(prelinker, "huge", wheel, layout);
    // Moved, not linked again: this thread linked none of the wheel's files.
    expect(linker.targets).toEqual([]);
    // Nothing of it is left to remove.
    expect(filesBelow(prelinker.root)).toEqual([]);
    await prelinker.dispose();
    expect(snapshotTree(join(root, "venv"))).toEqual(expected);
  });

  it("drops_the_trees_not_started_at_the_seal", async () => {
    const huge = await hugeWheel();
    const [big, other] = (await wheels()) as [UnpackedWheel, UnpackedWheel];
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    const { pointer, archiveRoot } = cachedPointer(huge);
    prelinker.addPointer("huge", pointer, huge.filename.toString(), 0, archiveRoot);
    untilStarted(join(prelinker.root, "0"));
    // The install begins while the thread is at the first wheel: it has started no chunk of
    // either of the others (several chunks, one), which are not handed over.
    prelinker.add("big", big.dir, archiveFiles(big.dir));
    prelinker.add("other", other.dir, archiveFiles(other.dir));
    prelinker.seal();
    expect(prelinker.take("big")).toBeUndefined();
    expect(prelinker.take("other")).toBeUndefined();
    await prelinker.settled();
    expect(readdirSync(prelinker.root)).toEqual(["0"]);
    await prelinker.dispose();
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
    // The thread goes on with the install's own work.
    mkdirSync(join(root, "dst"));
    await linkWorker.link("hardlink", big.dir, join(root, "dst"), ["top.py"], [], []);
    expect(readFileSync(join(root, "dst", "top.py"), "utf8")).toBe("T = 1\n");
  });

  it("keeps_every_chunk_of_a_tree_under_way_at_the_seal", async () => {
    const { huge, expected, layout, prelinker } = await hugeAfterPlainInstall();
    // Its 1000 root files go to the thread in 11 chunks; the seal comes during the first.
    prelinker.add("huge", huge.dir, archiveFiles(huge.dir));
    untilStarted(join(prelinker.root, "0"));
    const linker = await installTreeUnderWay(prelinker, "huge", huge, layout);
    // Its root files moved, not linked again (its dist-info is linked at install time from an
    // archive listing), and nothing of it is left to remove.
    expect(linker.targets.filter((t) => !t.includes(".dist-info"))).toEqual([]);
    expect(linker.targets.length).toBeLessThan(5);
    expect(filesBelow(prelinker.root)).toEqual([]);
    await prelinker.dispose();
    expect(snapshotTree(join(root, "venv"))).toEqual(expected);
  });

  it("links_here_the_chunks_of_a_kept_tree_it_takes_back", async () => {
    const huge = await hugeWheel();
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    prelinker.add("huge", huge.dir, archiveFiles(huge.dir));
    untilStarted(join(prelinker.root, "0"));
    prelinker.seal();
    const tree = prelinker.take("huge");
    expect(tree).toBeDefined();
    // What the install's waiting thread does: take back the chunks the thread has not begun.
    let stolen = 0;
    while (linkWorker.steal()) stolen++;
    expect(stolen).toBeGreaterThan(0);
    expect(await tree!.done).toMatchObject({ prefix: "huge-1.0.0", count: 1000 });
    expect(filesBelow(join(tree!.dir, "huge")).length).toBe(1000);
    await prelinker.dispose();
  });

  it("keeps_a_group_of_which_the_thread_has_answered_a_chunk", async () => {
    const huge = await hugeWheel();
    const [big] = (await wheels()) as [UnpackedWheel];
    const linkWorker = startWorker();
    const dst = join(root, "dst");
    mkdirSync(dst);
    const group = {};
    const cancelled: string[] = [];
    await linkWorker.link(
      "hardlink",
      big.dir,
      dst,
      ["top.py"],
      [],
      [],
      undefined,
      () => cancelled.push("first"),
      group,
    );
    // The rest of the group waits behind other work ahead of need when the cancel comes.
    const { pointer, archiveRoot } = cachedPointer(huge);
    const busy = linkWorker.prelinkPointer(
      "hardlink",
      pointer,
      huge.filename.toString(),
      0,
      archiveRoot,
      join(dst, "huge"),
    );
    const rest = linkWorker.link(
      "hardlink",
      big.dir,
      dst,
      ["big/__init__.py"],
      ["big"],
      [0],
      undefined,
      () => cancelled.push("rest"),
      group,
    );
    untilStarted(join(dst, "huge"));
    linkWorker.cancelOptional();
    expect(cancelled).toEqual([]);
    await rest;
    expect(existsSync(join(dst, "big", "__init__.py"))).toBe(true);
    expect(await busy).toMatchObject({ count: 1000 });
  });

  it("never_hands_over_a_tree_the_seal_cancelled", async () => {
    const huge = await hugeWheel();
    const others = await wheels();
    const linkWorker = startWorker();
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, linkWorker, "hardlink");
    for (const wheel of [huge, ...others]) {
      const { pointer, archiveRoot } = cachedPointer(wheel);
      prelinker.addPointer(wheel.filename.name, pointer, wheel.filename.toString(), 0, archiveRoot);
    }
    // The thread is at the first wheel: the others are dropped, for sure.
    untilStarted(join(prelinker.root, "0"));
    prelinker.seal();
    expect(prelinker.take("big")).toBeUndefined();
    expect(prelinker.take("other")).toBeUndefined();
    const tree = prelinker.take("huge");
    expect(tree).toBeDefined();
    await prelinker.settled();
    // Only the tree handed over was linked.
    expect(readdirSync(prelinker.root)).toEqual(["0"]);
    expect(await tree!.done).toMatchObject({ prefix: "huge-1.0.0", count: 1000 });
    // Not even later.
    expect(prelinker.take("big")).toBeUndefined();
    await prelinker.dispose();
  });

  it("cancels_for_sure_what_the_link_thread_has_not_started", async () => {
    const huge = await hugeWheel();
    const [big] = (await wheels()) as [UnpackedWheel];
    const linkWorker = startWorker();
    const dst = join(root, "dst");
    mkdirSync(dst);
    const cancelled: string[] = [];
    const ahead = (wheel: UnpackedWheel, name: string) => {
      const { pointer, archiveRoot } = cachedPointer(wheel);
      const filename = wheel.filename.toString();
      return linkWorker.prelinkPointer(
        "hardlink",
        pointer,
        filename,
        0,
        archiveRoot,
        join(dst, name),
        [],
        () => cancelled.push(name),
      );
    };
    const first = ahead(huge, "a");
    const second = ahead(big, "b");
    untilStarted(join(dst, "a"));
    linkWorker.cancelOptional();
    // Known at once, not when the thread gets to it.
    expect(cancelled).toEqual(["b"]);
    await expect(second).rejects.toBeInstanceOf(LinkAheadCancelled);
    expect(await first).toMatchObject({ count: 1000 });
    expect(existsSync(join(dst, "b"))).toBe(false);
  });

  /**
   * `big` installed into `root/plain` with `options` (its files and RECORD: `expected`), then
   * linked ahead, with uv's generated files, for an install into a new `root/venv`.
   */
  async function aheadOfAPlainInstall(big: UnpackedWheel, options?: InstallWheelOptions) {
    await install(join(root, "venv"), [big], options === undefined ? {} : { options });
    const expected = snapshotTree(join(root, "venv"));
    renameSync(join(root, "venv"), join(root, "plain"));
    const layout = fakeVenv(join(root, "venv"));
    const prelinker = new Prelinker(layout.scheme.purelib, startWorker(), "hardlink", {
      installer: "uv",
      requested: true,
    });
    const { pointer, archiveRoot, wheel } = cachedPointer(big);
    prelinker.addPointer("big", pointer, wheel.filename.toString(), 0, archiveRoot);
    await prelinker.settled();
    return { expected, layout, prelinker, wheel, tree: prelinker.take("big")! };
  }

  it("fixes_the_generated_files_a_tree_holds_that_the_install_writes_otherwise", async () => {
    const [big] = (await wheels()) as [UnpackedWheel];
    const options = { installer: "pip", requested: false } as const;
    const { expected, layout, prelinker, wheel, tree } = await aheadOfAPlainInstall(big, options);
    expect((await tree.done)?.flat).toBe(true);
    const distInfo = tree.dir;
    // Written ahead as told, which is not what this install writes.
    expect(readFileSync(join(distInfo, "INSTALLER"), "utf8")).toBe("uv");
    expect(readFileSync(join(distInfo, "REQUESTED"), "utf8")).toBe("");
    await installWheel(wheel.dir, wheel.filename, layout, {
      files: archiveFiles(wheel.dir),
      linker: new Linker("hardlink"),
      prelinked: tree,
      ...options,
    });
    await prelinker.dispose();
    // The same files and RECORD as an install that linked everything itself.
    expect(snapshotTree(join(root, "venv"))).toEqual(expected);
  });

  it("keeps_the_generated_files_a_tree_holds_with_the_install_s_content", async () => {
    const [big] = (await wheels()) as [UnpackedWheel];
    const { expected, layout, prelinker, wheel, tree } = await aheadOfAPlainInstall(big);
    const ahead = statSync(join(tree.dir, "INSTALLER")).ino;
    await installWheel(wheel.dir, wheel.filename, layout, {
      files: archiveFiles(wheel.dir),
      linker: new Linker("hardlink"),
      prelinked: tree,
    });
    await prelinker.dispose();
    // The very file written ahead, not a new one.
    const installed = join(layout.scheme.purelib, "big-1.0.0.dist-info", "INSTALLER");
    expect(statSync(installed).ino).toBe(ahead);
    expect(snapshotTree(join(root, "venv"))).toEqual(expected);
  });
});

describe("installing in order, by rank", () => {
  it("starts_lower_ranks_first_and_reports_the_earliest_failure_of_the_list", async () => {
    const started: string[] = [];
    const items = ["a", "b", "c", "d", "e"];
    // `b` and `d` have trees linked ahead (rank 1), `c` one still under way (rank 2).
    const rank = (item: string) => ({ b: 1, d: 1, c: 2 })[item] ?? 0;
    await installInOrder(
      items,
      async (item) => {
        started.push(item);
      },
      true,
      undefined,
      rank,
    );
    expect(started).toEqual(["a", "e", "b", "d", "c"]);

    // `d` fails first in time, `b` (earlier in the list) later: `b`'s failure is reported.
    const failing = installInOrder(
      items,
      async (item) => {
        if (item === "b") {
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error("b failed");
        }
        if (item === "d") throw new Error("d failed");
      },
      true,
      undefined,
      (item) => ({ b: 1, d: 1 })[item] ?? 0,
    );
    await expect(failing).rejects.toThrow("b failed");
  });
});
