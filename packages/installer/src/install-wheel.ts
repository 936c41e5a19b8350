import { randomBytes } from "node:crypto";
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
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import { UvError } from "@uv-ts/error";
import { defaultLinkMode, type LinkMode } from "@uv-ts/fs";
import { type DirectUrl, serializeDirectUrl } from "@uv-ts/pypi-types";
import { type EntryPoints, parseEntryPoints } from "./entry-points.ts";
import { InstallIoError, InvalidWheelError } from "./install-error.ts";
import type { Layout } from "./layout.ts";
import { Linker } from "./linker.ts";
import { partialDistInfoName, removePartialInstall } from "./partial-install.ts";
import { parseRecord, type RecordEntry, recordHash, sortRecord, writeRecord } from "./record.ts";
import { checkDataDestination, entryPointPath, formatShebang, scriptLauncher } from "./script.ts";
import {
  checkFilename,
  findDistInfoPrefix,
  readDistInfoFile,
  readNameAndVersion,
  skipFilenameCheck,
} from "./wheel-contents.ts";
import { parseWheelFile } from "./wheel-file.ts";

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

/** A file of an unpacked tree: its `/`-separated path and that of its directory (`""` at the top). */
interface TreeFile {
  readonly path: string;
  readonly dir: string;
}

/**
 * Every file below `root` (anything that is not a directory), in one recursive listing: the
 * files of a directory come together, so callers create each target directory once.
 */
function listFiles(root: string): TreeFile[] {
  const files: TreeFile[] = [];
  let lastParent: string | undefined;
  let dir = "";
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    const parent = entry.parentPath ?? entry.path;
    if (parent !== lastParent) {
      lastParent = parent;
      dir = parent.length <= root.length ? "" : toPosix(parent.slice(root.length + 1));
    }
    files.push({ path: dir === "" ? entry.name : `${dir}/${entry.name}`, dir });
  }
  return files;
}

/** The {@link TreeFile}s of a recorded file list. */
function treeOf(paths: readonly string[]): TreeFile[] {
  return paths.map((path) => {
    const slash = path.lastIndexOf("/");
    return { path, dir: slash === -1 ? "" : path.slice(0, slash) };
  });
}

/** `dir/rel` for a clean relative `/`-separated path (no `.`, `..` or empty segments). */
function under(dir: string, rel: string): string {
  return rel === "" ? dir : `${dir}/${rel}`;
}

/** Writes a new file through a temporary sibling, so a hard link at `path` is never written through. */
function writeNewFile(path: string, content: string | Uint8Array, executable = false): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, content, { mode: 0o666 });
    if (executable) chmodSync(temp, statSync(temp).mode | 0o111);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
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

  // Validate everything before writing anything.
  const prefix = findDistInfoPrefix(unpackedDir);
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
  const wheelRecord = new Map<string, RecordEntry>();
  for (const entry of recordText === undefined ? [] : parseRecord(recordText.toString("utf8"))) {
    wheelRecord.set(entry.path.replace(/^(\.\/)+/, ""), entry);
  }

  const tree = options.files === undefined ? listFiles(unpackedDir) : treeOf(options.files);
  const entryPointsPath = `${distInfoName}/entry_points.txt`;
  const entryPointsText =
    options.files === undefined || options.files.includes(entryPointsPath)
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

  // The archive root, minus the dist-info and data directories. Paths from the listing are
  // clean, so plain concatenation stands in for `join` (thousands of files per install).
  const placements: Placement[] = [];
  const distInfoFiles: string[] = [];
  const distInfoPrefix = `${distInfoName}/`;
  const dataPrefix = `${dataName}/`;
  for (const { path, dir } of tree) {
    if (path.startsWith(distInfoPrefix)) {
      const file = path.slice(distInfoPrefix.length);
      if (file !== "RECORD") distInfoFiles.push(file);
      continue;
    }
    if (path === dataName || path.startsWith(dataPrefix)) continue;
    placements.push({
      source: under(unpackedDir, path),
      target: under(sitePackages, path),
      targetDir: under(sitePackages, dir),
      archivePath: path,
    });
  }
  // Root placements are recorded by their archive path; the rest relative to site-packages.
  const rootPlacements = placements.length;

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
      for (const { path } of listFiles(source)) {
        const target = join(destination, path);
        checkDataDestination(target, layout.scheme.scripts);
        placements.push({
          source: join(source, path),
          target,
          targetDir: dirname(target),
          archivePath: `${archiveBase}/${path}`,
        });
      }
    }
  }

  const installerMetadata = options.installerMetadata ?? true;
  // An explicit `installer: undefined` means no INSTALLER file; absent means uv's `uv`.
  const installer = "installer" in options ? options.installer : "uv";
  const generated: [file: string, content: string][] = [];
  if (installerMetadata) {
    if (options.requested ?? true) generated.push(["REQUESTED", ""]);
    if (options.directUrl !== undefined) {
      generated.push(["direct_url.json", serializeDirectUrl(options.directUrl)]);
    }
    if (options.cacheInfo !== undefined) generated.push(["uv_cache.json", options.cacheInfo]);
    if (installer !== undefined) generated.push(["INSTALLER", installer]);
  }

  const finalDistInfo = join(sitePackages, distInfoName);
  const staging = join(sitePackages, partialDistInfoName(prefix, randomBytes(6).toString("hex")));
  try {
    // The RECORD is complete before anything is written: linked files are described by the
    // wheel's own RECORD (uv reuses it rather than hashing), and what the install writes itself
    // (rewritten scripts, launchers, INSTALLER...) is known in advance. Keyed by path: a later
    // placement of the same target (`.data/purelib/x.py` over `x.py`) replaces the earlier file,
    // and so its entry.
    const recordPath = (target: string) => toPosix(relative(sitePackages, target));
    const recorded = new Map<string, RecordEntry>();
    const addRecord = (entry: RecordEntry) => recorded.set(entry.path, entry);
    const addContent = (path: string, content: Uint8Array) =>
      addRecord({ path, hash: recordHash(content), size: content.length });
    const addLinked = (path: string, source: string, archivePath: string) => {
      const listed = wheelRecord.get(archivePath);
      if (listed?.hash !== undefined && listed.size !== undefined) {
        addRecord({ path, hash: listed.hash, size: listed.size });
      } else {
        // Not (fully) listed in the wheel's RECORD: describe the file itself.
        const bytes = readFileSync(source);
        addRecord({ path, hash: listed?.hash ?? recordHash(bytes), size: bytes.length });
      }
    };
    for (let i = 0; i < placements.length; i++) {
      const p = placements[i]!;
      addLinked(i < rootPlacements ? p.archivePath : recordPath(p.target), p.source, p.archivePath);
    }

    // Scripts from `.data/scripts`: `#!python` ones are rewritten for this interpreter, others
    // are linked (or copied, when they must be made executable).
    const scriptWrites: { placement: Placement; content?: Buffer; mode?: number }[] = [];
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
      const content = Buffer.from(scriptLauncher(script, shebang));
      addContent(recordPath(target), content);
      return { target, content };
    });

    const distInfoSource = join(unpackedDir, distInfoName);
    for (const file of distInfoFiles) {
      addLinked(`${distInfoName}/${file}`, under(distInfoSource, file), `${distInfoName}/${file}`);
    }
    for (const [file, content] of generated) {
      addContent(`${distInfoName}/${file}`, Buffer.from(content));
    }
    addRecord({ path: `${distInfoName}/RECORD` });
    const record = sortRecord([...recorded.values()]);

    // The staged RECORD names every target before any exists, so a crash from here on leaves
    // a precise list of what to remove.
    mkdirSync(staging, { recursive: true });
    createNewFile(join(staging, "RECORD"), writeRecord(record));
    failpoint("staged");

    const made = new Set<string>();
    const ensureDir = (dir: string) => {
      if (made.has(dir)) return;
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    };

    // A tight synchronous loop: links are cheap syscalls, and awaiting each would cost more.
    let lastDir: string | undefined;
    for (const placement of placements) {
      if (placement.targetDir !== lastDir) {
        ensureDir(placement.targetDir);
        lastDir = placement.targetDir;
      }
      linker.link(placement.source, placement.target);
    }
    failpoint("linked");

    for (const { placement, content, mode } of scriptWrites) {
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

    for (const { target, content } of launcherWrites) {
      ensureDir(dirname(target));
      writeNewFile(target, content, true);
    }
    failpoint("scripts");

    const madeInStaging = new Set<string>();
    for (const file of distInfoFiles) {
      const slash = file.lastIndexOf("/");
      if (slash !== -1) {
        const dir = under(staging, file.slice(0, slash));
        if (!madeInStaging.has(dir)) {
          mkdirSync(dir, { recursive: true });
          madeInStaging.add(dir);
        }
      }
      linker.link(under(distInfoSource, file), under(staging, file));
    }
    // The staging directory is new and ours: these files cannot exist yet.
    for (const [file, content] of generated) createNewFile(join(staging, file), content);
    failpoint("dist-info");

    // The only non-atomic moment: an existing dist-info of the same name (a reinstall that was
    // not uninstalled first) is replaced. A crash in between leaves the staging directory.
    if (existsSync(finalDistInfo)) rmSync(finalDistInfo, { recursive: true, force: true });
    renameSync(staging, finalDistInfo);
    return { distInfo: finalDistInfo, record };
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
      `Failed to install: ${filename.toString()} (${metadata.name}==${metadata.version.toString()})`,
      error,
    );
  }
}
