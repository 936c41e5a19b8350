import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { type BuiltDist, buildWheel, type WheelSpec } from "@uv-ts/test-kit";
import yauzl from "yauzl";
import type { Layout } from "../src/index.ts";

/** The interpreter real venvs are made from. */
export const PYTHON = "/root/.pyenv/versions/3.12.1/bin/python3.12";

/** A fresh temporary directory; remove it with `rmSync(dir, { recursive: true })`. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `uv-ts-installer-${label}-`));
}

/** Unzips a wheel into `dest` (fixture wheels only: names are trusted). */
export async function unzip(bytes: Buffer, dest: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: yauzl.Entry) => {
      const target = join(dest, entry.fileName);
      if (entry.fileName.endsWith("/")) {
        mkdirSync(target, { recursive: true });
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          mkdirSync(dirname(target), { recursive: true });
          const mode = (entry.externalFileAttributes >>> 16) & 0o777;
          writeFileSync(target, Buffer.concat(chunks), { mode: mode === 0 ? 0o644 : mode });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** A built and unpacked fixture wheel. */
export interface UnpackedWheel {
  readonly built: BuiltDist;
  readonly filename: WheelFilename;
  /** The unpacked archive, standing in for the cache's archive entry. */
  readonly dir: string;
  /** The `.whl` file written next to it. */
  readonly wheelPath: string;
}

/** Builds `spec`, writes the wheel into `root` and unpacks it there. */
export async function unpackedWheel(spec: WheelSpec, root: string): Promise<UnpackedWheel> {
  const built = await buildWheel(spec);
  const wheelPath = join(root, built.filename);
  writeFileSync(wheelPath, built.bytes);
  const dir = join(root, `${built.filename}.unpacked`);
  mkdirSync(dir, { recursive: true });
  await unzip(built.bytes, dir);
  return { built, filename: WheelFilename.parse(built.filename), dir, wheelPath };
}

/** The layout of a POSIX venv for Python 3.12 rooted at `venv` (whether or not it exists). */
export function venvLayout(venv: string): Layout {
  const sitePackages = join(venv, "lib", "python3.12", "site-packages");
  return {
    sysExecutable: join(venv, "bin", "python"),
    pythonVersion: [3, 12],
    osName: "posix",
    scheme: {
      purelib: sitePackages,
      platlib: sitePackages,
      scripts: join(venv, "bin"),
      data: venv,
      include: join(venv, "include", "site", "python3.12"),
    },
  };
}

/** A directory shaped like a venv, without an interpreter (for tests that run no Python). */
export function fakeVenv(root: string): Layout {
  const layout = venvLayout(root);
  mkdirSync(layout.scheme.purelib, { recursive: true });
  mkdirSync(layout.scheme.scripts, { recursive: true });
  return layout;
}

/** A real venv made by `python -m venv --without-pip`. */
export function realVenv(venv: string): Layout {
  execFileSync(PYTHON, ["-m", "venv", "--without-pip", venv]);
  return venvLayout(venv);
}

/** Every file below `root` (relative, `/`-separated), mapped to its content. */
/** An unpacked archive's files, sorted, as the cache lists them (directories left out). */
export function archiveFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

export function snapshotTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isSymbolicLink()) files.set(relative(root, path), Buffer.from("<symlink>"));
      else files.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

/** Every directory below `root`, relative. */
export function directories(root: string): string[] {
  const dirs: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      dirs.push(relative(root, join(dir, entry.name)));
      walk(join(dir, entry.name));
    }
  };
  walk(root);
  return dirs.sort();
}

/** Removes a temporary directory. */
export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
