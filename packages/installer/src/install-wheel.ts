import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import { UvError } from "@uv-ts/error";
import { defaultLinkMode, type LinkMode } from "@uv-ts/fs";
import { type DirectUrl, serializeDirectUrl } from "@uv-ts/pypi-types";
import { type EntryPoints, parseEntryPoints } from "./entry-points.ts";
import { InstallIoError, InvalidWheelError } from "./install-error.ts";
import { installerFiles } from "./installer-files.ts";
import type { Layout } from "./layout.ts";
import {
  type CommitOutcome,
  type CommitStep,
  type LinkWorker,
  LinkWorkerError,
} from "./link-worker.ts";
import { Linker, tempId } from "./linker.ts";
import { moveTree } from "./move-tree.ts";
import { partialDistInfoName, removePartialInstall } from "./partial-install.ts";
import { type PrelinkedTree, parentOf, wheelRootFiles } from "./prelink.ts";
import { byteOrderKey, parseRecord, type RecordEntry, recordHash, recordRow } from "./record.ts";
import { checkDataDestination, entryPointPath, formatShebang, scriptLauncher } from "./script.ts";
import {
  checkFilename,
  findDistInfoPrefix,
  listedDistInfoPrefix,
  readDistInfoFile,
  readNameAndVersion,
  skipFilenameCheck,
} from "./wheel-contents.ts";
import { parseWheelFile } from "./wheel-file.ts";
import { sortsAsRow, WheelRecord } from "./wheel-record.ts";

/** A point in {@link installWheel} after which a test can simulate a crash. */
export type InstallStep = "staged" | "linked" | "data" | "scripts" | "dist-info";

/** Options of {@link installWheel}. */
export interface InstallWheelOptions {
  /** Defaults to uv's platform default; ignored when `linker` is given. */
  readonly linkMode?: LinkMode;
  /** A linker shared by the wheels of one install, so fallback warnings appear once. */
  readonly linker?: Linker;
  /** The `INSTALLER` value (uv writes `uv`); `undefined` writes none. Default `uv`. */
  readonly installer?: string | undefined;
  /** Write `REQUESTED` (uv always does). Default `true`. */
  readonly requested?: boolean;
  /** Written as `direct_url.json`, for URL, path and VCS installs. */
  readonly directUrl?: DirectUrl | undefined;
  /** Written verbatim as `uv_cache.json` (see `fileCacheInfo`), for local sources. */
  readonly cacheInfo?: string | undefined;
  /** `false` writes none of INSTALLER, REQUESTED, `direct_url.json`, `uv_cache.json`. */
  readonly installerMetadata?: boolean;
  /** User-facing warnings (uv's `warning: ...` lines, without the prefix). */
  readonly onWarning?: (message: string) => void;
  /** Reads `UV_SKIP_WHEEL_FILENAME_CHECK`; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Called after each step. An error thrown here propagates without any cleanup, which lets
   * tests stand in for a process killed at that point.
   */
  readonly failpoint?: (step: InstallStep) => void;
  /**
   * The unpacked wheel's files (anything but directories), relative and `/`-separated, as
   * recorded when it was unpacked; without it the directory is walked.
   */
  readonly files?: readonly string[];
  /**
   * A thread that links part of the archive root's files while this one goes on (see
   * {@link LinkWorker}); the install then awaits it before completing the `.dist-info`.
   */
  readonly linkWorker?: LinkWorker | undefined;
  /**
   * The root files, linked ahead into a hidden directory (see `Prelinker`): moved from there
   * instead of linked, when the tree was linked from this very wheel and is complete.
   */
  readonly prelinked?: PrelinkedTree | undefined;
  /**
   * This wheel's plan, made ahead (see {@link planWheelInstall}): used when it was made for this
   * very install (see {@link planFits}), else the install plans again.
   */
  readonly plan?: WheelInstallPlan | undefined;
}

/** What {@link installWheel} wrote. */
export interface InstalledWheel {
  /** The `.dist-info` directory, now complete. */
  readonly distInfo: string;
  /** The RECORD written, sorted. */
  readonly record: readonly RecordEntry[];
}

/** One file to place: where it comes from and where it goes. */
interface Placement {
  readonly source: string;
  readonly target: string;
  /** The target's directory, created (once) before the file is linked. */
  readonly targetDir: string;
  /** The source relative to the unpacked wheel, `/`-separated, as the wheel's RECORD spells it. */
  readonly archivePath: string;
  /** The target relative to site-packages, `/`-separated, when known in advance. */
  readonly recordPath?: string;
}

class Failpoint extends Error {
  readonly inner: unknown;
  constructor(inner: unknown) {
    super("failpoint");
    this.inner = inner;
  }
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/** Every file below `root` (anything that is not a directory), relative and `/`-separated. */
function listFiles(root: string): string[] {
  const files: string[] = [];
  let lastParent: string | undefined;
  let prefix = "";
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    const parent = entry.parentPath ?? entry.path;
    if (parent !== lastParent) {
      lastParent = parent;
      prefix = parent.length <= root.length ? "" : `${toPosix(parent.slice(root.length + 1))}/`;
    }
    files.push(`${prefix}${entry.name}`);
  }
  return files;
}

/** `dir/rel` for a clean relative `/`-separated path (no `.`, `..` or empty segments). */
function under(dir: string, rel: string): string {
  return rel === "" ? dir : `${dir}/${rel}`;
}

/** Writes a new file through a temporary sibling, so a hard link at `path` is never written through. */
function writeNewFile(path: string, content: string | Uint8Array, executable = false): void {
  const temp = tempSibling(path);
  try {
    writeFileSync(temp, content, { mode: 0o666 });
    if (executable) chmodSync(temp, statSync(temp).mode | 0o111);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** The first segments of clean relative paths, each once. */
function topLevelNames(rels: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const rel of rels) {
    const slash = rel.indexOf("/");
    names.add(slash === -1 ? rel : rel.slice(0, slash));
  }
  return names;
}

/** A temporary name beside `path` (see {@link writeNewFile}). */
function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${tempId()}.tmp`);
}

/**
 * Writes a file that must not exist yet (in a directory this install just created): `wx`
 * (O_EXCL) never follows or writes through an existing link, so no temporary file is needed.
 */
function createNewFile(path: string, content: string | Uint8Array): void {
  writeFileSync(path, content, { flag: "wx", mode: 0o666 });
}

const PLACEHOLDER = Buffer.from("#!python");

/** The first bytes of a file, up to `length`. */
function head(path: string, length: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** What {@link planWheelInstall} reads of the options (all but the commit's). */
export type WheelPlanOptions = Pick<
  InstallWheelOptions,
  | "installer"
  | "requested"
  | "directUrl"
  | "cacheInfo"
  | "installerMetadata"
  | "onWarning"
  | "env"
  | "files"
>;

/**
 * Everything {@link installWheel} decides before its first write: the wheel validated, where
 * each file goes, and the RECORD. Made ahead by {@link planWheelInstall} (while a resolution
 * waits for the index, see `InstallPlanner`), the install then only writes.
 */
export interface WheelInstallPlan {
  /** What it was made from: the install uses it only for the same. */
  readonly unpackedDir: string;
  readonly filename: string;
  readonly layout: Layout;
  /** The options it was made with, the listing of files among them (see {@link planFits}). */
  readonly options: WheelPlanOptions;
  readonly prefix: string;
  readonly metadata: { readonly name: string; readonly version: { toString(): string } };
  readonly distInfoName: string;
  readonly sitePackages: string;
  readonly finalDistInfo: string;
  readonly rootFiles: readonly string[];
  readonly distInfoFiles: readonly string[];
  readonly distInfoSource: string;
  readonly placements: readonly Placement[];
  readonly dataScripts: readonly Placement[];
  readonly scriptWrites: readonly ScriptWrite[];
  readonly launcherWrites: readonly LauncherWrite[];
  readonly generated: readonly (readonly [file: string, content: string])[];
  readonly recordText: string;
}

/** A script of `.data/scripts`: rewritten (`content`) or linked (its `mode` then). */
interface ScriptWrite {
  readonly placement: Placement;
  readonly content?: Buffer;
  readonly mode?: number;
}

/** An entry point's launcher: its path and its text (written as UTF-8, as hashed). */
interface LauncherWrite {
  readonly target: string;
  readonly text: string;
}

/**
 * Whether `plan` was made for this very install: the same wheel, files, environment and
 * options (those it read).
 */
export function planFits(
  plan: WheelInstallPlan,
  unpackedDir: string,
  filename: WheelFilename,
  layout: Layout,
  options: WheelPlanOptions,
): boolean {
  const made = plan.options;
  return (
    plan.unpackedDir === unpackedDir &&
    plan.filename === filename.toString() &&
    plan.layout === layout &&
    sameFiles(made.files, options.files) &&
    "installer" in made === "installer" in options &&
    made.installer === options.installer &&
    made.requested === options.requested &&
    made.installerMetadata === options.installerMetadata &&
    made.cacheInfo === options.cacheInfo &&
    (made.directUrl === undefined
      ? options.directUrl === undefined
      : options.directUrl !== undefined &&
        serializeDirectUrl(made.directUrl) === serializeDirectUrl(options.directUrl)) &&
    skipFilenameCheck(made.env ?? process.env) === skipFilenameCheck(options.env ?? process.env)
  );
}

function sameFiles(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Plans the install of an unpacked wheel (see {@link WheelInstallPlan}): reads and validates it
 * and composes its RECORD, writing nothing. Throws what {@link installWheel} would for a wheel
 * it refuses.
 */
export function planWheelInstall(
  unpackedDir: string,
  filename: WheelFilename,
  layout: Layout,
  options: WheelPlanOptions = {},
): WheelInstallPlan {
  const warn = options.onWarning ?? (() => {});
  // Validate everything before writing anything.
  const prefix =
    options.files === undefined
      ? findDistInfoPrefix(unpackedDir)
      : listedDistInfoPrefix(options.files);
  const distInfoName = `${prefix}.dist-info`;
  const dataName = `${prefix}.data`;
  const wheelText = readDistInfoFile(unpackedDir, prefix, "WHEEL");
  if (wheelText === undefined) throw new InvalidWheelError("Missing WHEEL file");
  const wheel = parseWheelFile(wheelText);
  const sitePackages = wheel.rootIsPurelib ? layout.scheme.purelib : layout.scheme.platlib;
  const metadataText = readDistInfoFile(unpackedDir, prefix, "METADATA");
  if (metadataText === undefined) throw new InvalidWheelError("Missing METADATA file");
  const metadata = readNameAndVersion(metadataText);
  if (!skipFilenameCheck(options.env ?? process.env)) checkFilename(metadata, filename);

  const recordText = readDistInfoFile(unpackedDir, prefix, "RECORD");
  const wheelRecord = new WheelRecord(recordText === undefined ? "" : recordText.toString("utf8"));

  // The archive root, minus the dist-info and data directories: linked by their archive path
  // below site-packages. Paths from the listing are clean, so plain concatenation stands in for
  // `join` (thousands of files per install).
  const files = options.files ?? listFiles(unpackedDir);
  const rootFiles = wheelRootFiles(files, prefix);
  const distInfoFiles: string[] = [];
  const distInfoPrefix = `${distInfoName}/`;
  for (const path of files) {
    if (!path.startsWith(distInfoPrefix)) continue;
    const file = path.slice(distInfoPrefix.length);
    if (file !== "RECORD") distInfoFiles.push(file);
  }

  const entryPointsText = distInfoFiles.includes("entry_points.txt")
    ? readDistInfoFile(unpackedDir, prefix, "entry_points.txt")
    : undefined;
  let entryPoints: EntryPoints = { consoleScripts: [], guiScripts: [] };
  if (entryPointsText !== undefined) {
    const text = new TextDecoder("utf-8", { fatal: true });
    let decoded: string;
    try {
      decoded = text.decode(entryPointsText);
    } catch (error) {
      throw new InvalidWheelError("entry_points.txt is not valid UTF-8", error);
    }
    entryPoints = parseEntryPoints(decoded, layout.pythonVersion[1]);
  }
  // On POSIX, console and GUI launchers are the same script.
  const launchers = [...entryPoints.consoleScripts, ...entryPoints.guiScripts].map((script) => ({
    script,
    target: entryPointPath(script, layout.scheme.scripts, warn),
  }));
  const entryPointNames = new Set(launchers.map((l) => l.script.name));

  // Files of `.data/<key>/` other than scripts, linked after (and over) the root's.
  const placements: Placement[] = [];

  // `.data/<key>/...`: each key is a destination directory of the scheme.
  const dataScripts: Placement[] = [];
  const dataDir = join(unpackedDir, dataName);
  if (existsSync(dataDir)) {
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      const source = join(dataDir, entry.name);
      const archiveBase = `${dataName}/${entry.name}`;
      if (entry.name === "scripts") {
        for (const file of readdirSync(source, { withFileTypes: true })) {
          const path = join(source, file.name);
          let isDirectory: boolean;
          try {
            isDirectory = statSync(path).isDirectory();
          } catch (error) {
            throw new InvalidWheelError(
              `Wheel contains an invalid entry (broken symlink) in the \`scripts\` directory: ${path}`,
              error,
            );
          }
          if (isDirectory) {
            throw new InvalidWheelError(
              `Wheel contains an invalid entry (directory) in the \`scripts\` directory: ${path}`,
            );
          }
          // An entry point of the same name wins (pip's rule, which uv follows).
          const stem = file.name.replace(/(\.exe|-script\.py|\.pya)$/, "");
          if (entryPointNames.has(stem)) continue;
          const target = join(layout.scheme.scripts, file.name);
          checkDataDestination(target, layout.scheme.scripts);
          dataScripts.push({
            source: path,
            target,
            targetDir: dirname(target),
            archivePath: `${archiveBase}/${file.name}`,
          });
        }
        continue;
      }
      let destination: string;
      switch (entry.name) {
        case "data":
          destination = layout.scheme.data;
          break;
        case "headers":
          destination = join(layout.scheme.include, metadata.name);
          break;
        case "purelib":
          destination = layout.scheme.purelib;
          break;
        case "platlib":
          destination = layout.scheme.platlib;
          break;
        default:
          throw new InvalidWheelError(`Unknown wheel data type: ${entry.name}`);
      }
      if (!entry.isDirectory()) {
        throw new InvalidWheelError(`Unknown wheel data type: ${entry.name}`);
      }
      // What `relative(sitePackages, target)` gives, without resolving each of many paths.
      const base = toPosix(relative(sitePackages, destination));
      for (const path of listFiles(source)) {
        const target = join(destination, path);
        checkDataDestination(target, layout.scheme.scripts);
        placements.push({
          source: join(source, path),
          target,
          targetDir: dirname(target),
          archivePath: `${archiveBase}/${path}`,
          recordPath: base === "" ? path : `${base}/${path}`,
        });
      }
    }
  }

  const installerMetadata = options.installerMetadata ?? true;
  // An explicit `installer: undefined` means no INSTALLER file; absent means uv's `uv`.
  const installer = "installer" in options ? options.installer : "uv";
  const generated: [file: string, content: string][] = [];
  if (installerMetadata) {
    generated.push(...installerFiles(installer, options.requested ?? true));
    if (options.directUrl !== undefined) {
      generated.push(["direct_url.json", serializeDirectUrl(options.directUrl)]);
    }
    if (options.cacheInfo !== undefined) generated.push(["uv_cache.json", options.cacheInfo]);
  }

  const finalDistInfo = join(sitePackages, distInfoName);
  try {
    const composed = (() => {
      // The RECORD is complete before anything is written: linked files are described by the
      // wheel's own RECORD (uv reuses it rather than hashing), and what the install writes itself
      // (rewritten scripts, launchers, INSTALLER...) is known in advance. Keyed by path: a later
      // placement of the same target (`.data/purelib/x.py` over `x.py`) replaces the earlier file,
      // and so its row. Rows the wheel's RECORD already has in uv's form are reused as text.
      const recordPath = (target: string) => toPosix(relative(sitePackages, target));
      const rows = new Map<string, string>();
      let rowsSortByPath = wheelRecord.rowsSortByPath;
      const addEntry = (entry: RecordEntry) => {
        if (rowsSortByPath && !sortsAsRow(entry.path)) rowsSortByPath = false;
        rows.set(entry.path, recordRow(entry));
      };
      const addContent = (path: string, content: Uint8Array) =>
        addEntry({ path, hash: recordHash(content), size: content.length });
      /** The row of a linked file: `source` is read only when the wheel's RECORD falls short. */
      const addListed = (path: string, source: () => string, archivePath: string) => {
        const listed = wheelRecord.entry(archivePath);
        if (listed?.hash !== undefined && listed.size !== undefined) {
          addEntry({ path, hash: listed.hash, size: listed.size });
        } else {
          // Not (fully) listed in the wheel's RECORD: describe the file itself.
          const bytes = readFileSync(source());
          addEntry({ path, hash: listed?.hash ?? recordHash(bytes), size: bytes.length });
        }
      };
      const addLinked = (path: string, source: string, archivePath: string) => {
        if (path === archivePath) {
          const row = wheelRecord.row(path);
          if (row !== undefined) {
            rows.set(path, row);
            return;
          }
        }
        addListed(path, () => source, archivePath);
      };
      // The common case inline: the wheel's own row, reused as it is.
      for (const path of rootFiles) {
        const row = wheelRecord.row(path);
        if (row !== undefined) rows.set(path, row);
        else addListed(path, () => under(unpackedDir, path), path);
      }
      for (const p of placements) {
        addLinked(p.recordPath ?? recordPath(p.target), p.source, p.archivePath);
      }

      // Scripts from `.data/scripts`: `#!python` ones are rewritten for this interpreter, others
      // are linked (or copied, when they must be made executable).
      const scriptWrites: ScriptWrite[] = [];
      for (const placement of dataScripts) {
        const path = recordPath(placement.target);
        const start = head(placement.source, PLACEHOLDER.length);
        if (start.equals(PLACEHOLDER)) {
          const bytes = readFileSync(placement.source);
          let end = PLACEHOLDER.length;
          while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
          const content = Buffer.concat([
            Buffer.from(`${formatShebang(layout.sysExecutable)}\n`),
            bytes.subarray(Math.min(end + 1, bytes.length)),
          ]);
          addContent(path, content);
          scriptWrites.push({ placement, content });
        } else {
          addLinked(path, placement.source, placement.archivePath);
          scriptWrites.push({ placement, mode: statSync(placement.source).mode });
        }
      }

      const shebang = formatShebang(layout.sysExecutable);
      const launcherWrites = launchers.map(({ script, target }) => {
        const text = scriptLauncher(script, shebang);
        addContent(recordPath(target), Buffer.from(text));
        return { target, text };
      });

      const distInfoSource = join(unpackedDir, distInfoName);
      for (const file of distInfoFiles) {
        const path = `${distInfoName}/${file}`;
        addLinked(path, under(distInfoSource, file), path);
      }
      for (const [file, content] of generated) {
        addContent(`${distInfoName}/${file}`, Buffer.from(content));
      }
      addEntry({ path: `${distInfoName}/RECORD` });
      const recordText = sortedRows(rows, rowsSortByPath);
      return { recordText, scriptWrites, launcherWrites, distInfoSource };
    })();
    return {
      unpackedDir,
      filename: filename.toString(),
      layout,
      options,
      prefix,
      metadata,
      distInfoName,
      sitePackages,
      finalDistInfo,
      rootFiles,
      distInfoFiles,
      placements,
      dataScripts,
      generated,
      ...composed,
    };
  } catch (error) {
    // Nothing is written yet: there is nothing to undo.
    if (error instanceof UvError) throw error;
    throw new InstallIoError(
      `Failed to install: ${filename.toString()} (${metadata.name}==${metadata.version.toString()})`,
      error,
    );
  }
}

/**
 * Installs an unpacked wheel (the cache's archive directory, which is never modified) into an
 * environment, following the wheel spec as uv does: the root goes to purelib or platlib per
 * `Root-Is-Purelib`, `.data/*` to the scheme's directories (with `#!python` scripts pointed at
 * the interpreter), entry points become launchers, and the `.dist-info` gets INSTALLER,
 * REQUESTED, `direct_url.json` and a RECORD listing exactly what was written.
 *
 * Everything is validated before the first write. The `.dist-info` is assembled in a hidden
 * staging directory whose RECORD lists every target up front, and renamed into place last; so
 * an interrupted install never looks installed, and `SitePackages` finds the staging directory
 * for `removePartialInstall` to clean up.
 */
export async function installWheel(
  unpackedDir: string,
  filename: WheelFilename,
  layout: Layout,
  options: InstallWheelOptions = {},
): Promise<InstalledWheel> {
  const warn = options.onWarning ?? (() => {});
  const linker =
    options.linker ?? new Linker(options.linkMode ?? defaultLinkMode(), { onWarning: warn });
  const failpoint = (step: InstallStep) => {
    try {
      options.failpoint?.(step);
    } catch (error) {
      throw new Failpoint(error);
    }
  };

  // Made ahead for this very install, or now.
  const plan =
    options.plan !== undefined && planFits(options.plan, unpackedDir, filename, layout, options)
      ? options.plan
      : planWheelInstall(unpackedDir, filename, layout, options);
  const { prefix, sitePackages, finalDistInfo, rootFiles, generated } = plan;
  const staging = join(sitePackages, partialDistInfoName(prefix, tempId()));
  try {
    // A tree linked ahead is used when it was linked from this very wheel and is complete.
    const tree = options.prelinked;
    const ahead = tree === undefined ? undefined : await tree.done;
    const usable =
      ahead !== undefined &&
      ahead.source === unpackedDir &&
      ahead.prefix === prefix &&
      ahead.count === rootFiles.length;
    // Its dist-info directory, with every file but the RECORD, becomes the staging directory
    // (a crash before the RECORD is in leaves a staging directory without one: removed as is).
    const withDistInfo = usable && ahead.distInfo === plan.distInfoFiles.length;
    // The tree is its dist-info directory (see `PointerPrelink.flat`): it becomes the staging
    // directory whole, and the root's entries move out of that.
    const flat = withDistInfo && ahead.flat === true;
    const aheadDistInfo =
      tree === undefined ? "" : flat ? tree.dir : `${tree.dir}/${plan.distInfoName}`;
    // The generated files it holds already, with the very content this install writes, stay;
    // any other is removed before the RECORD is in, so that the directory ends up as if this
    // install had written it all.
    const heldGenerated = new Set<string>();
    const strayGenerated: string[] = [];
    for (const [file, content] of (withDistInfo ? ahead.generated : undefined) ?? []) {
      if (generated.some(([f, c]) => f === file && c === content)) heldGenerated.add(file);
      else strayGenerated.push(file);
    }
    const generatedHere = generated.filter(([file]) => !heldGenerated.has(file));
    const installed = (): InstalledWheel => {
      let record: RecordEntry[] | undefined;
      return {
        distInfo: finalDistInfo,
        // Few callers look at it: parsed from the text on demand.
        get record() {
          record ??= parseRecord(plan.recordText);
          return record;
        },
      };
    };

    let distInfoAhead = false;
    // Whether the staging directory holds its RECORD, and the tree's move was tried, already.
    let staged = false;
    let moveTried = false;
    // The common case, a whole tree linked ahead and no `.data`: the link thread takes every
    // step from here on, in the same order, while this thread goes on with the next wheel. It
    // stops (and says so) where this thread would have changed course: the dist-info directory
    // that does not rename, the tree that does not move; this thread then goes on from there.
    const worker = options.linkWorker;
    if (
      withDistInfo &&
      tree !== undefined &&
      worker?.ready === true &&
      options.failpoint === undefined &&
      plan.placements.length === 0 &&
      plan.dataScripts.length === 0
    ) {
      const steps: CommitStep[] = [
        { kind: "ahead", from: aheadDistInfo, to: staging },
        ...strayGenerated.map(
          (file): CommitStep => ({ kind: "unlink", path: join(staging, file) }),
        ),
        { kind: "create", path: join(staging, "RECORD"), content: plan.recordText },
        {
          kind: "move",
          from: flat ? staging : tree.dir,
          to: sitePackages,
          rels: rootFiles.join("\0"),
          prune: flat,
        },
      ];
      const scriptDirs = new Set<string>();
      for (const { target, text } of plan.launcherWrites) {
        const dir = dirname(target);
        if (!scriptDirs.has(dir)) steps.push({ kind: "mkdir", path: dir });
        scriptDirs.add(dir);
        steps.push({ kind: "script", path: target, temp: tempSibling(target), content: text });
      }
      for (const [file, content] of generatedHere) {
        steps.push({ kind: "create", path: join(staging, file), content });
      }
      steps.push({ kind: "finish", from: staging, to: finalDistInfo });
      let outcome: CommitOutcome;
      try {
        outcome = await worker.commit(steps);
      } catch (error) {
        // The step's own error, as this thread would have met it.
        throw error instanceof LinkWorkerError ? error.failure.error : error;
      }
      if (outcome.stopped === undefined) return installed();
      if (outcome.stopped === "move") {
        distInfoAhead = true;
        staged = true;
        moveTried = true;
      }
      // Stopped at "ahead": nothing was changed, and the dist-info is linked here.
    } else if (withDistInfo && tree !== undefined) {
      try {
        renameSync(aheadDistInfo, staging);
        distInfoAhead = true;
      } catch {
        distInfoAhead = false;
      }
    }
    const toGenerate = distInfoAhead ? generatedHere : generated;
    if (!staged) {
      if (distInfoAhead) for (const file of strayGenerated) unlinkSync(join(staging, file));
      // The staged RECORD names every target before any exists, so a crash from here on leaves
      // a precise list of what to remove.
      if (!distInfoAhead) mkdirSync(staging, { recursive: true });
      createNewFile(join(staging, "RECORD"), plan.recordText);
    }
    failpoint("staged");

    // Linked ahead: a few renames. Anything unexpected (a file where the tree has a directory,
    // another file system) falls back to linking, which replaces what was moved already and
    // reports any failure as it always did.
    let moved = false;
    // A flat tree's root entries are in the staging directory now.
    const movedFrom = flat && distInfoAhead ? staging : tree?.dir;
    // The directories of the tree the move merged into existing ones.
    const merged: string[] = [];
    if (usable && movedFrom !== undefined && !moveTried) {
      const renames: [from: string, to: string][] = [];
      try {
        moveTree(renameSync, movedFrom, sitePackages, rootFiles, renames, merged);
        moved = true;
      } catch {
        // Put back what was moved: linking at install time then starts from the same state as
        // it would have, and fails (or not) the same way. (Linking over a moved file would also
        // leave its temporary name behind, as a rename onto the same inode does nothing.)
        for (const [from, to] of renames.reverse()) renameSync(to, from);
      }
    }
    if (movedFrom === staging) {
      // The root's entries must not end up in the dist-info directory: not moved, they go; moved
      // into directories that existed already, they leave theirs empty.
      if (!moved) {
        for (const name of topLevelNames(rootFiles)) {
          rmSync(join(staging, name), { recursive: true, force: true });
        }
      } else for (const dir of merged.reverse()) rmdirSync(dir);
    }
    if (!moved) {
      // A tight synchronous loop: links are cheap syscalls, and awaiting each would cost more.
      // Part of it may go to the worker thread; its share is awaited here.
      const rootLinked = linkRootFiles(
        rootFiles,
        unpackedDir,
        sitePackages,
        linker,
        options.linkWorker,
      );
      if (rootLinked !== undefined) await rootLinked;
    }

    const made = new Set<string>();
    const ensureDir = (dir: string) => {
      if (made.has(dir)) return;
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    };
    for (const placement of plan.placements) {
      ensureDir(placement.targetDir);
      linker.link(placement.source, placement.target);
    }
    failpoint("linked");

    for (const { placement, content, mode } of plan.scriptWrites) {
      ensureDir(placement.targetDir);
      if (content !== undefined) {
        writeNewFile(placement.target, content, true);
      } else if (((mode ?? 0) & 0o111) === 0o111) {
        linker.link(placement.source, placement.target);
      } else {
        // Changing the mode of a link would change the cache's file too.
        linker.copy(placement.source, placement.target);
        chmodSync(placement.target, (mode ?? 0o644) | 0o111);
      }
    }
    failpoint("data");

    for (const { target, text } of plan.launcherWrites) {
      ensureDir(dirname(target));
      writeNewFile(target, text, true);
    }
    failpoint("scripts");

    const madeInStaging = new Set<string>();
    for (const file of distInfoAhead ? [] : plan.distInfoFiles) {
      const slash = file.lastIndexOf("/");
      if (slash !== -1) {
        const dir = under(staging, file.slice(0, slash));
        if (!madeInStaging.has(dir)) {
          mkdirSync(dir, { recursive: true });
          madeInStaging.add(dir);
        }
      }
      linker.link(under(plan.distInfoSource, file), under(staging, file));
    }
    // The staging directory is new and ours: these files cannot exist yet.
    for (const [file, content] of toGenerate) createNewFile(join(staging, file), content);
    failpoint("dist-info");

    // The only non-atomic moment: an existing dist-info of the same name (a reinstall that was
    // not uninstalled first) is replaced. A crash in between leaves the staging directory.
    if (existsSync(finalDistInfo)) rmSync(finalDistInfo, { recursive: true, force: true });
    renameSync(staging, finalDistInfo);
    return installed();
  } catch (error) {
    if (error instanceof Failpoint) throw error.inner;
    // A real failure: undo what was written, best effort; the staging directory stays for the
    // next run to repair if even that fails.
    try {
      removePartialInstall({ path: staging, prefix }, layout, { onWarning: warn });
    } catch {
      // The original error is the one to report.
    }
    if (error instanceof UvError) throw error;
    throw new InstallIoError(
      `Failed to install: ${filename.toString()} (${plan.metadata.name}==${plan.metadata.version.toString()})`,
      error,
    );
  }
}

/** The `RECORD` text of `rows` (path to row), in uv's order: by the paths' UTF-8 bytes. */
function sortedRows(rows: Map<string, string>, rowsSortByPath: boolean): string {
  let sorted: string[];
  if (rowsSortByPath) {
    // Plain string order of the rows is their paths' order (see `sortsAsRow`).
    sorted = [...rows.values()].sort();
  } else {
    const keyed = [...rows].map(([path, row]) => ({ key: byteOrderKey(path), row }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    sorted = keyed.map((k) => k.row);
  }
  return `${sorted.join("\n")}\n`;
}

/** Files per chunk of the root's links: the unit of work the worker thread takes. */
const CHUNK_FILES = 96;

/**
 * Whether the clean relative path `rel` names an entry of the directory `dir` itself (`""` for
 * the top): most files share their predecessor's directory, which this tells without slicing.
 */
function directlyIn(rel: string, dir: string): boolean {
  const length = dir.length;
  if (length === 0) return !rel.includes("/");
  return (
    rel.length > length + 1 &&
    rel.charCodeAt(length) === 0x2f &&
    rel.startsWith(dir) &&
    rel.indexOf("/", length + 1) === -1
  );
}

/**
 * Links `rels` (the archive root's files) from `from` into `to`, creating their directories in
 * tree order with plain `mkdir`s. When a worker thread is ready and the link mode is proven,
 * whole chunks go to it instead (this thread takes back what the worker has not started when it
 * has nothing else to do, see `LinkWorker.steal`); the result is then the promise of its share
 * (all of it settled, even after a failure, so that a rollback never races the worker), else
 * `undefined`, everything having been done here. A failure is that of the earliest chunk, with
 * the error this thread's linker would have thrown.
 */
function linkRootFiles(
  rels: readonly string[],
  from: string,
  to: string,
  linker: Linker,
  worker: LinkWorker | undefined,
): Promise<void> | undefined {
  // Directories this thread made (they exist), and those handed to the worker (it makes them
  // before any later chunk of its own needs them, but this thread cannot count on them).
  const madeHere = new Set<string>();
  const madeThere = new Set<string>();
  const ensureHere = (dir: string): void => {
    if (madeHere.has(dir)) return;
    const parent = parentOf(dir);
    if (parent !== "") ensureHere(parent);
    makeDir(`${to}/${dir}`);
    madeHere.add(dir);
  };
  const linkHere = (start: number, end: number) => {
    let lastDir = "";
    for (let i = start; i < end; i++) {
      const rel = rels[i]!;
      if (!directlyIn(rel, lastDir)) {
        const dir = parentOf(rel);
        if (dir !== "") ensureHere(dir);
        lastDir = dir;
      }
      linker.link(`${from}/${rel}`, `${to}/${rel}`);
    }
  };
  /** The directories the worker must make for `rels[start..end)`, parents first, and where. */
  const dirsThere = (start: number, end: number) => {
    const dirs: string[] = [];
    const at: number[] = [];
    const known = (dir: string) => madeHere.has(dir) || madeThere.has(dir);
    const add = (dir: string, index: number): void => {
      if (known(dir)) return;
      const parent = parentOf(dir);
      if (parent !== "") add(parent, index);
      dirs.push(dir);
      at.push(index - start);
      madeThere.add(dir);
    };
    let lastDir = "";
    for (let i = start; i < end; i++) {
      const rel = rels[i]!;
      if (directlyIn(rel, lastDir)) continue;
      const dir = parentOf(rel);
      if (dir !== "") add(dir, i);
      lastDir = dir;
    }
    return { dirs, at };
  };

  const delegated: Promise<unknown>[] = [];
  const failures: { chunk: number; error: unknown }[] = [];
  for (let start = 0, chunk = 0; start < rels.length; start += CHUNK_FILES, chunk++) {
    const end = Math.min(start + CHUNK_FILES, rels.length);
    const mode = worker?.ready === true ? linker.delegableMode : undefined;
    if (worker !== undefined && mode !== undefined) {
      const index = chunk;
      const { dirs, at } = dirsThere(start, end);
      // Taken back, the chunk makes its own directories: those it was to make, and any an
      // earlier chunk the worker has not reached yet was to make (an existing one is fine).
      const local = () => {
        try {
          linkHere(start, end);
        } catch (error) {
          failures.push({ chunk: index, error });
        }
      };
      const handOver = worker
        .link(mode, from, to, rels.slice(start, end), dirs, at, local)
        .catch((error: unknown) => {
          if (error instanceof LinkWorkerError) {
            const { op, src, dst, error: cause } = error.failure;
            const failure = op === "link" ? linker.failure(src, dst, cause) : cause;
            failures.push({ chunk: index, error: failure });
            return;
          }
          // The thread is gone (it never fails otherwise): link the chunk here, replacing what
          // it may have linked already.
          try {
            linkHere(start, end);
          } catch (inner) {
            failures.push({ chunk: index, error: inner });
          }
        });
      delegated.push(handOver);
      continue;
    }
    try {
      linkHere(start, end);
    } catch (error) {
      failures.push({ chunk, error });
      break;
    }
  }
  if (delegated.length === 0) {
    if (failures.length > 0) throw failures[0]!.error;
    return undefined;
  }
  return Promise.all(delegated).then(() => {
    if (failures.length === 0) return;
    failures.sort((a, b) => a.chunk - b.chunk);
    throw failures[0]!.error;
  });
}

/**
 * `mkdir` of a directory whose parent exists. One that already exists (a namespace package, or
 * the other thread's) is fine, which the recursive call confirms; it also reports anything else
 * exactly as before.
 */
function makeDir(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST" && code !== "ENOENT") throw error;
    mkdirSync(path, { recursive: true });
  }
}
