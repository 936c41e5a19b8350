import { createWriteStream } from "node:fs";
import { join, normalize, sep } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UvError } from "@uv-ts/error";
import { ExtractError, ioError } from "./extract-error.ts";
import type { MultiHasher } from "./hash.ts";

/**
 * The creation mode for an extracted file. Like pip and uv, only "executable or not" survives
 * from the archive; the umask decides the rest (`0o755`/`0o644` under the usual `022`).
 */
export function fileMode(executable: boolean): number {
  return executable ? 0o777 : 0o666;
}

/**
 * The absolute paths of the leaves among `directories` (relative, `/`-separated) under `root`:
 * one recursive `mkdir` for each creates them all.
 */
export function directoryLeaves(root: string, directories: Iterable<string>): string[] {
  const all = [...directories].sort();
  // After sorting, a directory is a leaf unless the next entry lives inside it.
  const leaves = all.filter((dir, i) => !(all[i + 1]?.startsWith(`${dir}/`) ?? false));
  // `join` normalises each path, a loop over its characters: on POSIX a normalised `root` and
  // safe relative paths (no `.`, `..` or `//`) give the same by concatenation.
  if (sep === "/" && !root.endsWith("/") && root === normalize(root)) {
    return leaves.map((dir) => `${root}/${dir}`);
  }
  return leaves.map((dir) => join(root, dir));
}

/** Copies a stream to `file` while hashing it, refusing to store more than `maxBytes`. */
export async function spool(
  source: AsyncIterable<Uint8Array>,
  file: string,
  hasher: MultiHasher,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const tap = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hasher.update(chunk);
      if (hasher.size > maxBytes) {
        callback(
          new ExtractError(
            "extract.limit-exceeded",
            `Archive is larger than the limit of ${maxBytes} bytes`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  await pipeline(source, tap, createWriteStream(file, { flags: "wx" }), signal ? { signal } : {});
}

/**
 * Leaves uv-ts errors and aborts as they are and wraps anything else (an OS error from the
 * filesystem) in the uv extraction I/O error, so callers only ever see typed errors.
 */
export function asExtractError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof UvError) return error;
  if (signal?.aborted === true) return signal.reason;
  if (error instanceof Error && error.name === "AbortError") return error;
  return ioError(error);
}
