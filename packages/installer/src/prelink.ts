import { constants, copyFileSync, linkSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { LinkMode } from "@uv-ts/fs";
import type { LinkWorker } from "./link-worker.ts";
import { Linker, tempId } from "./linker.ts";
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

/**
 * A wheel's root files linked ahead of its install (see {@link Prelinker}): `dir` holds each of
 * `rootFiles` at the same relative path as it will have in site-packages.
 */
export interface PrelinkedTree {
  readonly dir: string;
  /** The unpacked wheel it was linked from. */
  readonly source: string;
  /** The dist-info prefix the listing implied. */
  readonly prefix: string;
  readonly rootFiles: readonly string[];
  /** `true` once every file is there, `false` when any failed (the install then links). */
  readonly done: Promise<boolean>;
}

/** The parent directory of a clean relative path, `""` at the top. */
function parentOf(rel: string): string {
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
 * the same lock, see `SitePackages.prelinks`).
 *
 * Any failure (another file system, a link mode that does not work there) disables it: the
 * install then links as it always did, and reports as it always did.
 */
export class Prelinker {
  readonly #root: string;
  readonly #worker: LinkWorker;
  readonly #requested: LinkMode;
  /** The mode that worked for the first file (see {@link add}). */
  #mode: LinkMode | undefined;
  readonly #trees = new Map<string, PrelinkedTree>();
  readonly #pending: Promise<unknown>[] = [];
  #made = false;
  #failed = false;
  #sealed = false;
  #next = 0;

  /**
   * Links into a new `.uv-ts-prelink-<id>` of `sitePackages` with `mode` (the install's), on
   * `worker`; the directory is made with the first wheel.
   */
  constructor(sitePackages: string, worker: LinkWorker, mode: LinkMode) {
    this.#root = `${sitePackages}/.uv-ts-prelink-${tempId()}`;
    this.#worker = worker;
    this.#requested = mode;
  }

  /** The hidden directory (whether or not it exists yet). */
  get root(): string {
    return this.#root;
  }

  /**
   * Starts linking the root files of the unpacked wheel at `source` (its archive listing
   * `files`), unless it was started before, the listing is unusual, or prelinking failed once.
   */
  add(source: string, files: readonly string[] | undefined): void {
    if (this.#failed || this.#sealed || files === undefined || this.#trees.has(source)) return;
    const prefix = listedPrefix(files);
    if (prefix === undefined) return;
    const rootFiles = wheelRootFiles(files, prefix);
    if (rootFiles.length === 0) return;
    const dir = `${this.#root}/${this.#next++}`;
    // The worker takes chunks in order: each makes the directories its files need that no
    // earlier chunk made, parents first ("" is the wheel's own directory, made first).
    const made = new Set<string>();
    let first = 0;
    if (this.#mode === undefined) {
      // The first file finds the mode that works here, as the install's linker will (a clone
      // falls back to a hard link where the file system has no reflinks), without its warnings.
      const probe = new Linker(this.#requested);
      try {
        if (!this.#made) mkdirSync(this.#root);
        this.#made = true;
        const rel = rootFiles[0]!;
        const parent = parentOf(rel);
        mkdirSync(parent === "" ? dir : `${dir}/${parent}`, { recursive: true });
        probe.link(`${source}/${rel}`, `${dir}/${rel}`);
        for (let d = parent; d !== ""; d = parentOf(d)) made.add(d);
        made.add("");
      } catch {
        this.#failed = true;
        return;
      }
      this.#mode = probe.mode;
      first = 1;
    }
    const mode = this.#mode;
    const chunks: Promise<boolean>[] = [];
    for (let start = first; start < rootFiles.length; start += CHUNK_FILES) {
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
      // Taken back by `steal`, possibly before earlier chunks ran: it makes every parent itself.
      const local = () => {
        ok = this.#linkHere(source, dir, rels);
      };
      const linked = this.#worker.link(mode, source, dir, rels, dirs, at, local).then(
        () => ok,
        () => false,
      );
      chunks.push(linked);
    }
    const done = Promise.all(chunks).then((results) => {
      const all = results.every((r) => r);
      if (!all) this.#failed = true;
      return all;
    });
    this.#pending.push(done);
    this.#trees.set(source, { dir, source, prefix, rootFiles, done });
  }

  /** No wheel is added from now on: the install has begun, and would not wait for it. */
  seal(): void {
    this.#sealed = true;
  }

  /**
   * The tree linked from the unpacked wheel at `source`, if one was started; the install owns it
   * from then on (it checks that the tree matches the wheel, and moves its files out).
   */
  take(source: string): PrelinkedTree | undefined {
    const tree = this.#trees.get(source);
    this.#trees.delete(source);
    return tree;
  }

  /**
   * Waits for the links still under way (the link thread must outlive this call) and removes
   * the hidden directory with whatever is left in it: nothing after a complete install but the
   * directories merged into existing ones, everything after a failed resolution.
   */
  async dispose(): Promise<void> {
    this.#sealed = true;
    await Promise.allSettled(this.#pending);
    if (!this.#made) return;
    this.#made = false;
    await rm(this.#root, { recursive: true, force: true }).catch(() => {});
  }

  /** Links a chunk on this thread (taken back from the worker); `false` on any failure. */
  #linkHere(source: string, dir: string, rels: readonly string[]): boolean {
    try {
      const op = LINK_OPS[this.#mode ?? this.#requested];
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

const LINK_OPS: Record<LinkMode, (src: string, dst: string) => void> = {
  clone: (src, dst) =>
    copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL),
  hardlink: (src, dst) => linkSync(src, dst),
  symlink: (src, dst) => symlinkSync(src, dst),
  copy: (src, dst) => copyFileSync(src, dst, constants.COPYFILE_EXCL),
};

/**
 * Removes what killed runs left in site-packages ({@link isPrelinkDirName}); the caller holds the
 * environment lock, so none of them is in use.
 */
export function removePrelinkLeftovers(paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { recursive: true, force: true });
}
