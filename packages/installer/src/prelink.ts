import { mkdirSync, rmSync, unlinkSync } from "node:fs";
import type { LinkMode } from "@uv-ts/fs";
import { installerFiles } from "./installer-files.ts";
import type { LinkWorker } from "./link-worker.ts";
import { Linker, NODE_OPERATIONS, tempId } from "./linker.ts";
import { listedDistInfoPrefix } from "./wheel-contents.ts";

/**
 * Where a run links wheels ahead of their install: `.uv-ts-prelink-<id>` in site-packages. Python
 * never imports it (the name is no identifier) and no tool reads it as a distribution (it does
 * not end in `.dist-info`); a run killed before its install leaves one for the next to remove.
 */
const PRELINK_DIR = /^\.uv-ts-prelink-[0-9a-f]+$/;

/** Whether a site-packages entry is a prelink directory (see {@link Prelinker}). */
export function isPrelinkDirName(name: string): boolean {
  return PRELINK_DIR.test(name);
}

/** Files per message to the link thread, as the installer's own chunks. */
const CHUNK_FILES = 96;

/**
 * The files of an unpacked wheel (its archive listing) that go to the root of site-packages:
 * everything but the `.dist-info` and `.data` directories of `prefix`.
 */
export function wheelRootFiles(files: readonly string[], prefix: string): string[] {
  const distInfo = `${prefix}.dist-info/`;
  const dataName = `${prefix}.data`;
  const data = `${dataName}/`;
  const root: string[] = [];
  for (const path of files) {
    if (path.startsWith(distInfo) || path === dataName || path.startsWith(data)) continue;
    root.push(path);
  }
  return root;
}

/** The dist-info prefix an archive listing implies; `undefined` when the install would refuse it. */
function listedPrefix(files: readonly string[]): string | undefined {
  try {
    return listedDistInfoPrefix(files);
  } catch {
    return undefined;
  }
}

/** What a wheel linked ahead holds (see {@link PrelinkedTree}). */
export interface PrelinkOutcome {
  /** The unpacked wheel it was linked from. */
  readonly source: string;
  /** Its dist-info prefix. */
  readonly prefix: string;
  /** How many root files it holds: all of the wheel's. */
  readonly count: number;
  /**
   * How many files of the wheel's `<prefix>.dist-info` (all but its RECORD) it holds, in that
   * directory, if it holds them.
   */
  readonly distInfo?: number;
  /**
   * The files written into that directory besides the wheel's (name, then content), as the
   * install writes them (see {@link GeneratedFiles}).
   */
  readonly generated?: readonly (readonly [file: string, content: string])[];
  /**
   * Whether the dist-info directory is `dir` itself rather than `<prefix>.dist-info` below it
   * (see `PointerPrelink.flat`).
   */
  readonly flat?: boolean;
}

/**
 * What the install will write into each dist-info directory whatever the wheel: the link thread
 * writes these ahead too, sparing this thread the creation of two files per wheel.
 */
export interface GeneratedFiles {
  /** The `INSTALLER` content, if the install writes one. */
  readonly installer?: string;
  /** Whether the install writes `REQUESTED` (empty). */
  readonly requested?: boolean;
}

/**
 * A wheel's root files linked ahead of its install (see {@link Prelinker}): once `done`
 * resolves with an outcome, `dir` holds each root file of `outcome.source` at the same relative
 * path as it will have in site-packages. `undefined` when nothing usable was linked (the
 * install then links as usual).
 */
export interface PrelinkedTree {
  readonly dir: string;
  readonly done: Promise<PrelinkOutcome | undefined>;
  /**
   * Whether `done` had resolved with an outcome when the install took the tree; else the link
   * thread was still at it, and the install waits.
   */
  readonly complete?: boolean;
}

/** A tree started, as the prelinker keeps it. */
interface Started {
  readonly dir: string;
  done: Promise<PrelinkOutcome | undefined>;
  /** Settled with an outcome. */
  complete: boolean;
  /** Settled without one (a link failed, or the pointer was not usable). */
  failed: boolean;
  /** Some of its work was cancelled for sure: it will never be complete. */
  cancelled: boolean;
  /** Marks it {@link cancelled} (the link thread's cancel callback). */
  readonly onCancel: () => void;
}

/** The parent directory of a clean relative path, `""` at the top. */
export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf("/");
  return slash === -1 ? "" : rel.slice(0, slash);
}

/**
 * Links wheels into a hidden directory of site-packages while the resolution still runs, on the
 * link thread, so that the install of each wheel later moves a few top-level entries instead of
 * linking every file. Creating a directory or a link costs ~0.05-0.1 ms of system time each here,
 * and a 35-wheel install makes ~1000 and ~3500 of them: done ahead, that work overlaps the index
 * requests rather than following them.
 *
 * Nothing the environment shows changes before the install: the directory is hidden, and an
 * install that does not happen (a failed resolution, a wheel the plan does not take) leaves it
 * to {@link dispose}. Only for a locked environment (a leftover of a killed run is removed under
 * the same lock, see `SitePackages.prelinks`). One tree per package name: the install checks that
 * it was linked from the very wheel it installs.
 *
 * Any failure (another file system, a link mode that does not work there) disables it: the
 * install then links as it always did, and reports as it always did.
 */
export class Prelinker {
  readonly #root: string;
  readonly #worker: LinkWorker;
  readonly #requested: LinkMode;
  /** The mode that works here, found by the first link (see {@link #ready}). */
  #mode: LinkMode | undefined;
  readonly #trees = new Map<string, Started>();
  readonly #generated: readonly (readonly [file: string, content: string])[];
  readonly #pending: Promise<unknown>[] = [];
  /** The directories of flat trees (see `PrelinkOutcome.flat`). */
  readonly #flat = new Set<string>();
  /** Removals of trees the install is done with (see {@link discard}). */
  readonly #discarding: Promise<void>[] = [];
  #made = false;
  #disposing: Promise<void> | undefined;
  #failed = false;
  #sealed = false;
  #next = 0;

  /**
   * Links into a new `.uv-ts-prelink-<id>` of `sitePackages` with `mode` (the install's), on
   * `worker`; the directory is made with the first wheel. Trees linked from a cache pointer also
   * get the `generated` files the install will write.
   */
  constructor(
    sitePackages: string,
    worker: LinkWorker,
    mode: LinkMode,
    generated: GeneratedFiles = {},
  ) {
    this.#root = `${sitePackages}/.uv-ts-prelink-${tempId()}`;
    this.#worker = worker;
    this.#requested = mode;
    this.#generated = installerFiles(generated.installer, generated.requested === true);
    // Work ahead of need yields to the main thread (and to anything else that wants a core).
    worker.lowerPriority();
  }

  /** The hidden directory (whether or not it exists yet). */
  get root(): string {
    return this.#root;
  }

  /**
   * Starts linking the root files of `name`'s unpacked wheel at `source` (its archive listing
   * `files`), unless a tree of `name` was started before, the listing is unusual, or linking
   * ahead failed once.
   */
  add(name: string, source: string, files: readonly string[] | undefined): void {
    if (files === undefined || !this.#open(name)) return;
    const prefix = listedPrefix(files);
    if (prefix === undefined) return;
    const rootFiles = wheelRootFiles(files, prefix);
    if (rootFiles.length === 0 || !this.#ready(`${source}/${rootFiles[0]}`)) return;
    const dir = `${this.#root}/${this.#next++}`;
    const mode = this.#mode!;
    const started = this.#start(name, dir);
    const chunks: Promise<boolean>[] = [];
    // The worker takes chunks in order: each makes the directories its files need that no
    // earlier chunk made, parents first ("" is the wheel's own directory, made first).
    const made = new Set<string>();
    for (let start = 0; start < rootFiles.length; start += CHUNK_FILES) {
      const rels = rootFiles.slice(start, start + CHUNK_FILES);
      const dirs: string[] = [];
      const at: number[] = [];
      const addDir = (d: string, index: number): void => {
        if (made.has(d)) return;
        if (d !== "") addDir(parentOf(d), index);
        made.add(d);
        dirs.push(d);
        at.push(index);
      };
      for (let i = 0; i < rels.length; i++) addDir(parentOf(rels[i]!), i);
      let ok = true;
      // Taken back by `steal` (once the install waits for the tree), possibly before earlier
      // chunks ran: it makes every parent itself.
      const local = () => {
        ok = !started.cancelled && this.#linkHere(mode, source, dir, rels);
      };
      // One group: the seal keeps a tree the thread has begun whole (see `seal`).
      const linked = this.#worker
        .link(mode, source, dir, rels, dirs, at, local, started.onCancel, started)
        .then(
          () => ok,
          () => false,
        );
      chunks.push(linked);
    }
    this.#track(
      started,
      Promise.all(chunks).then((results): PrelinkOutcome | undefined => {
        if (results.every((r) => r)) return { source, prefix, count: rootFiles.length };
        // A cancelled chunk is no failure of linking ahead.
        if (!started.cancelled) this.#failed = true;
        return undefined;
      }),
    );
  }

  /**
   * Starts linking `name`'s wheel from the cache pointer `pointer` (of wheel `filename`, in
   * pointer format `version`, its archives in `archiveRoot`): the link thread reads the pointer
   * and the archive's listing, so that this thread does nothing but ask. Skipped as in
   * {@link add}.
   */
  addPointer(
    name: string,
    pointer: string,
    filename: string,
    version: number,
    archiveRoot: string,
  ): void {
    // The pointer lives in the cache, as the archives: linking it tells which mode works.
    if (!this.#open(name) || !this.#ready(pointer)) return;
    const dir = `${this.#root}/${this.#next++}`;
    const started = this.#start(name, dir);
    this.#track(
      started,
      this.#worker
        .prelinkPointer(
          this.#mode!,
          pointer,
          filename,
          version,
          archiveRoot,
          dir,
          this.#generated,
          started.onCancel,
        )
        .then(
          (prelink) => prelink,
          () => {
            if (!started.cancelled) this.#failed = true;
            return undefined;
          },
        ),
    );
  }

  /**
   * Nothing more is linked ahead: the install has begun. The link thread drops every wheel it
   * has not started, for sure; those under way finish, all of their chunks, for the install to
   * take (see {@link take}) or {@link dispose} to remove. (Dropping the rest of a wheel under
   * way left the install to link it all again, and {@link dispose} to remove the part linked:
   * seen in a cold 37-wheel install, babel's 1113 files linked at install time and 290 of them
   * removed at the end, ~70 ms under strace.)
   */
  seal(): void {
    this.#sealed = true;
    this.#worker.cancelOptional();
  }

  /**
   * The tree of `name`, if one is complete or, once {@link seal}ed, under way on the link thread
   * (then the install waits for it: that is sooner than linking the wheel again); the install
   * owns it from then on (it checks that the tree was linked from the wheel it installs, and
   * moves its files out). Trees that failed or were dropped are never returned.
   */
  take(name: string): PrelinkedTree | undefined {
    const tree = this.#trees.get(name);
    if (tree === undefined || tree.cancelled || tree.failed) return undefined;
    // Before the seal a tree under way may still be dropped: not handed out.
    if (!tree.complete && !this.#sealed) return undefined;
    this.#trees.delete(name);
    return { dir: tree.dir, done: tree.done, complete: tree.complete };
  }

  /**
   * Removes the directory of `tree` (a tree {@link take} handed out) on the link thread, now:
   * once the install has moved a wheel's files out, only empty directories are left there,
   * whose removal (~0.1 ms each here) then overlaps the install of the next wheels instead of
   * waiting for {@link dispose} at the very end. Whatever this cannot remove, {@link dispose}
   * does.
   */
  discard(tree: PrelinkedTree): void {
    // A flat tree became the install's staging directory whole: nothing is left of it here (an
    // install that could not rename it leaves it to dispose, with the hidden directory).
    if (this.#flat.has(tree.dir)) return;
    this.#discarding.push(
      this.#worker.remove(tree.dir).catch(() => {
        // Left for the removal of the whole directory.
      }),
    );
  }

  /**
   * Waits for the links still under way (the link thread must outlive this call) and removes
   * the hidden directory with whatever is left in it: after a complete install, the (empty)
   * directory of each tree and those merged into existing ones; everything after a failed
   * resolution. Every call shares the one removal, so that a caller may start it and wait for it
   * later (see below).
   */
  dispose(): Promise<void> {
    this.#disposing ??= this.#dispose();
    return this.#disposing;
  }

  async #dispose(): Promise<void> {
    this.#sealed = true;
    await this.settled();
    await Promise.all(this.#discarding);
    if (!this.#made) return;
    this.#made = false;
    // On the link thread: a directory costs ~0.1 ms of system time to remove here, and a
    // 37-wheel install leaves ~40 of them, a 97-wheel one ~100 (4-10 ms measured at the very end
    // of a warm run), which this thread would otherwise spend while the rest of the command
    // waits; the caller closes the client and the fetcher meanwhile.
    try {
      await this.#worker.remove(this.#root);
      return;
    } catch {
      // A thread that stopped (or a directory it could not remove): tried here.
    }
    try {
      rmSync(this.#root, { recursive: true, force: true });
    } catch {
      // Left for the next install under the lock (see `removePrelinkLeftovers`).
    }
  }

  /** Resolves once every tree started so far is complete, failed or dropped. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.#pending);
  }

  /** Whether a tree of `name` may start now. */
  #open(name: string): boolean {
    return !this.#failed && !this.#sealed && !this.#trees.has(name);
  }

  #start(name: string, dir: string): Started {
    const started: Started = {
      dir,
      done: Promise.resolve(undefined),
      complete: false,
      failed: false,
      cancelled: false,
      onCancel: () => {
        started.cancelled = true;
      },
    };
    this.#trees.set(name, started);
    return started;
  }

  /** Follows the work of `started`, which `done` settles. */
  #track(started: Started, done: Promise<PrelinkOutcome | undefined>): void {
    started.done = done;
    this.#pending.push(done);
    void done.then((outcome) => {
      if (outcome === undefined) started.failed = true;
      else started.complete = true;
      if (outcome?.flat === true) this.#flat.add(started.dir);
    });
  }

  /**
   * Makes the hidden directory and, the first time, finds the link mode that works here with
   * `probe` (a file of the cache), as the install's linker will (a clone falls back to a hard
   * link where the file system has no reflinks), without its warnings. `false` disables
   * linking ahead.
   */
  #ready(probe: string): boolean {
    if (this.#mode !== undefined) return true;
    try {
      if (!this.#made) mkdirSync(this.#root);
      this.#made = true;
      const linker = new Linker(this.#requested);
      const target = `${this.#root}/probe`;
      linker.link(probe, target);
      unlinkSync(target);
      this.#mode = linker.mode;
      return true;
    } catch {
      this.#failed = true;
      return false;
    }
  }

  /** Links a chunk on this thread (taken back from the worker); `false` on any failure. */
  #linkHere(mode: LinkMode, source: string, dir: string, rels: readonly string[]): boolean {
    try {
      const op = NODE_OPERATIONS[mode];
      const made = new Set<string>();
      for (const rel of rels) {
        const parent = parentOf(rel);
        if (!made.has(parent)) {
          mkdirSync(parent === "" ? dir : `${dir}/${parent}`, { recursive: true });
          made.add(parent);
        }
        op(`${source}/${rel}`, `${dir}/${rel}`);
      }
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Removes what killed runs left in site-packages ({@link isPrelinkDirName}); the caller holds the
 * environment lock, so none of them is in use.
 */
export function removePrelinkLeftovers(paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { recursive: true, force: true });
}
