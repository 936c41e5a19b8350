import { constants, createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { ExtractError, tarStructureError } from "./extract-error.ts";
import {
  type ArchiveSource,
  algorithmsFor,
  type ExtractedFile,
  type ExtractOptions,
  type ExtractResult,
} from "./extract-options.ts";
import { MultiHasher, verifyHashes } from "./hash.ts";
import { LimitTracker, resolveLimits } from "./limits.ts";
import { resolveInside } from "./link-resolution.ts";
import { type MemberPath, PathModel, parseMemberPath, validateMemberName } from "./member-path.ts";
import { asExtractError, fileMode } from "./shared.ts";
import { withStaging } from "./staging.ts";
import { StreamReader } from "./stream-reader.ts";
import {
  BLOCK,
  cString,
  isZeroBlock,
  parseHeader,
  parsePax,
  paxSize,
  type TarHeader,
} from "./tar-header.ts";
import { TaskPool } from "./task-pool.ts";

/** How the tar stream is compressed. `zstd` needs a Node with zstd support (22.15+). */
export type TarCompression = "none" | "gzip" | "zstd";

const MAX_EXTENSION_BYTES = 1024 * 1024;
const SMALL_FILE = 1024 * 1024;
const POOL_TASKS = 16;
const POOL_BYTES = 32 * 1024 * 1024;
/** Duplicates are compared in memory; bigger ones are refused rather than buffered. */
const MAX_DUPLICATE_BYTES = 64 * 1024 * 1024;

interface Extensions {
  pax?: Map<string, string>;
  longName?: string;
  longLink?: string;
}

type Kind = "file" | "directory" | "symlink" | "hardlink";

const SPECIAL_TYPES: Record<string, string> = {
  "3": "character device",
  "4": "block device",
  "6": "FIFO",
};

function kindOf(header: TarHeader, name: string, offset: number): Kind {
  switch (header.type) {
    case "0":
    case "7":
      if (name.endsWith("/")) {
        throw tarStructureError(
          `Regular file with a directory name \`${name}\` at offset ${offset}`,
        );
      }
      return "file";
    case "\0":
      // Old (v7) archives mark directories only by the trailing slash; Python reads them so too.
      return name.endsWith("/") ? "directory" : "file";
    case "5":
      return "directory";
    case "2":
      return "symlink";
    case "1":
      return "hardlink";
    default: {
      const special = SPECIAL_TYPES[header.type];
      throw new ExtractError(
        "extract.unsupported-entry-type",
        special === undefined
          ? `Archive member \`${name}\` has an unsupported tar entry type \`${header.type}\``
          : `Archive member \`${name}\` is a ${special}, which is not allowed in a distribution`,
      );
    }
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Whether a name is only the archive root (`.`, `./`, `././`). */
function isRootName(name: string): boolean {
  return /^(\.\/)*\.?\/?$/.test(name) && name !== "";
}

function linkEscape(kind: "Symbolic link" | "Hard link", path: string, target: string) {
  return new ExtractError(
    "extract.link-escape",
    `${kind} \`${path}\` points outside the destination: \`${target}\``,
  );
}

/** Checks a symlink target's spelling; where it points is checked by {@link resolveInside}. */
function checkSymlinkTarget(path: string, target: string): void {
  if (target === "" || target.includes("\\") || /^[A-Za-z]:/.test(target)) {
    throw linkEscape("Symbolic link", path, target);
  }
  validateMemberName(target);
}

/** Unpacks a decompressed tar stream into `root` with `tarfile`'s `data` filter semantics. */
async function untar(
  reader: StreamReader,
  root: string,
  limits: LimitTracker,
  signal: AbortSignal | undefined,
): Promise<ExtractedFile[]> {
  const model = new PathModel();
  const pool = new TaskPool(POOL_TASKS, POOL_BYTES);
  const files: ExtractedFile[] = [];
  const written = new Map<string, { done: Promise<void>; file: ExtractedFile }>();
  const directories = new Set<string>([""]);
  const ensureDirectory = async (components: readonly string[]) => {
    const path = components.join("/");
    if (directories.has(path)) return;
    await mkdir(join(root, path), { recursive: true });
    for (let i = 1; i <= components.length; i++) directories.add(components.slice(0, i).join("/"));
  };
  const readExact = async (length: number, what: string) => {
    const bytes = await reader.read(length);
    if (bytes.length < length) throw tarStructureError(`Unexpected end of archive in ${what}`);
    return bytes;
  };

  try {
    let pending: Extensions = {};
    const hasPending = () =>
      pending.pax !== undefined || pending.longName !== undefined || pending.longLink !== undefined;
    for (;;) {
      signal?.throwIfAborted();
      const offset = reader.position;
      const block = await reader.read(BLOCK);
      if (block.length === 0 || isZeroBlock(block)) {
        if (hasPending()) {
          throw tarStructureError(`Extended header at the end of the archive applies to no member`);
        }
        if (block.length !== 0) {
          for await (const chunk of reader.rest()) {
            if (!isZeroBlock(chunk)) {
              throw tarStructureError("Archive contains data after the end-of-archive marker");
            }
          }
        }
        break;
      }
      if (block.length < BLOCK) throw tarStructureError("Unexpected end of archive in a header");
      const header = parseHeader(block, offset);

      if (
        header.type === "x" ||
        header.type === "g" ||
        header.type === "L" ||
        header.type === "K"
      ) {
        if (header.size > MAX_EXTENSION_BYTES) {
          throw new ExtractError(
            "extract.limit-exceeded",
            `Extended tar header at offset ${offset} is larger than ${MAX_EXTENSION_BYTES} bytes`,
          );
        }
        const data = (
          await readExact(header.size + padding(header.size), "an extended header")
        ).subarray(0, header.size);
        // One member gets either one PAX header or GNU long name/link headers, never a mix or
        // a repeat: readers disagree on which wins (GHSA-3cv2-h65g-fgmm, tokio-tar PAX desync).
        const mixed = (what: string) =>
          tarStructureError(`Conflicting extended headers (${what}) at offset ${offset}`);
        if (header.type === "g") {
          if (hasPending()) throw mixed("global PAX header after an extended header");
          parsePax(data, true, offset);
        } else if (header.type === "x") {
          if (hasPending()) throw mixed("PAX header after an extended header");
          pending.pax = parsePax(data, false, offset);
        } else if (header.type === "L") {
          if (pending.pax !== undefined || pending.longName !== undefined) {
            throw mixed("GNU long name after a PAX or long name header");
          }
          pending.longName = cString(data, "long name");
        } else {
          if (pending.pax !== undefined || pending.longLink !== undefined) {
            throw mixed("GNU long link after a PAX or long link header");
          }
          pending.longLink = cString(data, "long link name");
        }
        continue;
      }

      const extensions = pending;
      pending = {};
      const name = extensions.pax?.get("path") ?? extensions.longName ?? header.name;
      const linkName = extensions.pax?.get("linkpath") ?? extensions.longLink ?? header.linkName;
      const paxSizeValue = extensions.pax?.get("size");
      const size = paxSizeValue === undefined ? header.size : paxSize(paxSizeValue, offset);
      const kind = kindOf(header, name, offset);
      if (kind !== "file" && size !== 0) {
        // Python reads no data for links and directories; skipping it would desynchronise us.
        throw tarStructureError(`Non-file member \`${name}\` has a size at offset ${offset}`);
      }
      if (kind === "directory" && isRootName(name)) continue;
      const member: MemberPath = parseMemberPath(name, { leadingDot: true });
      limits.addEntry();
      const parent = member.components.slice(0, -1);

      if (kind === "directory") {
        if (model.claim(member, "directory") === "new") await ensureDirectory(member.components);
        continue;
      }

      if (kind === "symlink") {
        checkSymlinkTarget(member.path, linkName);
        if (resolveInside(model, parent, linkName) === undefined) {
          throw linkEscape("Symbolic link", member.path, linkName);
        }
        model.claim(member, "symlink", linkName);
        // Windows needs privileges for symlinks; like uv, skip them there.
        if (process.platform !== "win32") {
          await ensureDirectory(parent);
          await symlink(linkName, join(root, member.path));
        }
        continue;
      }

      if (kind === "hardlink") {
        let target: MemberPath;
        try {
          target = parseMemberPath(linkName, { leadingDot: true });
        } catch {
          throw linkEscape("Hard link", member.path, linkName);
        }
        const source = written.get(target.path);
        if (source === undefined) {
          throw new ExtractError(
            "extract.link-escape",
            `Hard link \`${member.path}\` points to \`${linkName}\`, which is not a regular file earlier in the archive`,
          );
        }
        if (model.claim(member, "file") !== "new") {
          throw new ExtractError(
            "extract.duplicate-entry",
            `Archive contains multiple entries for: ${member.path}`,
          );
        }
        limits.addBytes(member.path, source.file.size);
        await ensureDirectory(parent);
        await source.done;
        // A copy, not a link: the extracted tree must not share inodes with anything.
        await copyFile(join(root, target.path), join(root, member.path), constants.COPYFILE_EXCL);
        const file = { ...source.file, path: member.path };
        written.set(member.path, { done: Promise.resolve(), file });
        files.push(file);
        continue;
      }

      limits.addBytes(member.path, size);
      const executable = (header.mode & 0o111) !== 0;
      const target = join(root, member.path);
      const claim = model.claim(member, "file");
      await ensureDirectory(parent);
      const differentContents = () =>
        new ExtractError(
          "extract.duplicate-entry",
          `Archive contains multiple entries with different contents for: ${member.path}`,
        );
      if (claim === "duplicate-file") {
        const first = written.get(member.path);
        if (first === undefined || size !== first.file.size || size > MAX_DUPLICATE_BYTES) {
          throw differentContents();
        }
        const data = await readExact(size, member.path);
        await pool.submit(size, async () => {
          await first.done;
          if (!data.equals(await readFile(target))) throw differentContents();
        });
      } else if (size <= SMALL_FILE) {
        const data = await readExact(size, member.path);
        let done!: () => void;
        const file = { path: member.path, size, executable };
        written.set(member.path, { done: new Promise<void>((resolve) => (done = resolve)), file });
        files.push(file);
        await pool.submit(size, () =>
          writeFile(target, data, { flag: "wx", mode: fileMode(executable) }).finally(done),
        );
      } else {
        const start = reader.position;
        const out = createWriteStream(target, { flags: "wx", mode: fileMode(executable) });
        await pipeline(reader.chunks(size), out, signal === undefined ? {} : { signal });
        if (reader.position - start !== size) {
          throw tarStructureError(`Unexpected end of archive in ${member.path}`);
        }
        const file = { path: member.path, size, executable };
        written.set(member.path, { done: Promise.resolve(), file });
        files.push(file);
      }
      await readExact(padding(size), member.path);
    }

    // A later link can change where an earlier one resolves; judge them all against the end state.
    for (const [path, target] of model.symlinks()) {
      const components = path.split("/");
      if (resolveInside(model, components.slice(0, -1), target) === undefined) {
        throw linkEscape("Symbolic link", path, target);
      }
    }
    await pool.drain();
    return files;
  } finally {
    await pool.settle();
  }
}

const MAGIC: [string, number[]][] = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["ZIP", [0x50, 0x4b, 0x03, 0x04]],
  ["gzip", [0x1f, 0x8b]],
];

function sniff(head: Buffer): string | undefined {
  return MAGIC.find(([, bytes]) => bytes.every((byte, i) => head[i] === byte))?.[0];
}

function zstdDecompressor(): Transform | undefined {
  // Present from Node 22.15; Node 20 (our floor) lacks it, hence the feature test.
  const factory = (zlib as unknown as { createZstdDecompress?: () => Transform })
    .createZstdDecompress;
  return factory?.();
}

/**
 * Extracts a tar archive (an sdist) to `dest`, atomically (see {@link extractZip}), applying
 * Python's `tarfile` `data` filter rules (PEP 706) and then some: absolute names and `..` are
 * refused (not stripped), links may not point outside the destination (checked again once the
 * whole archive is known), nothing is written through a symlink, device files and FIFOs are
 * refused, hard links become copies of earlier members, and only the executable bit of the mode
 * is kept. Headers are parsed strictly: bad checksums, mixed or dangling PAX/GNU extension
 * headers, GNU sparse files and data after the end marker are all errors.
 *
 * `compression` defaults to `none`; {@link extractTarGz} sets `gzip`. The digests in the result
 * cover the archive's bytes as read (compressed, if it is).
 */
export async function extractTar(
  source: ArchiveSource,
  dest: string,
  options: ExtractOptions & { readonly compression?: TarCompression | undefined } = {},
): Promise<ExtractResult> {
  const compression = options.compression ?? "none";
  const algorithms = algorithmsFor(options);
  const signal = options.signal;
  try {
    return await withStaging(dest, async (staging) => {
      const hasher = new MultiHasher(algorithms);
      const limits = new LimitTracker(resolveLimits(options.limits));
      let head = Buffer.alloc(0);
      const tap = new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
          if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8)]);
          hasher.update(chunk);
          callback(null, chunk);
        },
      });
      const input =
        typeof source === "string"
          ? createReadStream(source)
          : source instanceof Uint8Array
            ? [source]
            : source;
      let files: ExtractedFile[] = [];
      const consume = async (chunks: AsyncIterable<Buffer>) => {
        files = await untar(new StreamReader(chunks), staging.root, limits, signal);
      };
      const pipelineOptions = signal === undefined ? {} : { signal };
      try {
        if (compression === "none") {
          await pipeline(input, tap, consume, pipelineOptions);
        } else {
          const decompressor = compression === "gzip" ? zlib.createGunzip() : zstdDecompressor();
          if (decompressor === undefined) {
            throw new ExtractError(
              "extract.unsupported-archive",
              "Unsupported archive format: zstd-compressed tar files need Node.js 22.15 or later",
            );
          }
          await pipeline(input, tap, decompressor, consume, pipelineOptions);
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === "string" && code.startsWith("Z_")) {
          const found = sniff(head);
          if (found !== undefined && found !== compression) {
            throw new ExtractError(
              "extract.unsupported-archive",
              `Unsupported archive format: expected a ${compression}-compressed tar file, but found ${found} data`,
            );
          }
          throw tarStructureError(
            `Failed to decompress ${compression} data: ${(error as Error).message}`,
          );
        }
        throw error;
      }
      const hashes = hasher.digests();
      if (options.expectedHashes !== undefined) {
        const { name, digests, mode } = options.expectedHashes;
        verifyHashes(name, digests, hashes, mode);
      }
      return { files, hashes };
    });
  } catch (error) {
    throw asExtractError(error, signal);
  }
}

/** {@link extractTar} for `.tar.gz` / `.tgz` sdists. */
export function extractTarGz(
  source: ArchiveSource,
  dest: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  return extractTar(source, dest, { ...options, compression: "gzip" });
}
