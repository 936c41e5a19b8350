import { type FileHandle, open, rm } from "node:fs/promises";
import type { DownloadSink } from "@uv-ts/client";

/**
 * Where a wheel's bytes go while it downloads: memory, up to `limit` bytes, so that a typical
 * wheel is unpacked straight from the buffer without being written to disk and read back; past
 * the limit, everything goes to `spillPath` instead (a big wheel is not held in memory).
 * Nothing here is trusted: the caller verifies digests and the extractor checks the archive.
 */
export class DownloadBuffer implements DownloadSink {
  readonly #limit: number;
  readonly #spillPath: string;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #file: FileHandle | undefined;
  #spilled = false;

  constructor(limit: number, spillPath: string) {
    this.#limit = limit;
    this.#spillPath = spillPath;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#size += chunk.length;
    if (this.#file !== undefined) {
      await this.#file.write(chunk);
      return;
    }
    this.#chunks.push(chunk);
    if (this.#size > this.#limit) {
      this.#spilled = true;
      this.#file = await open(this.#spillPath, "w");
      for (const kept of this.#chunks) await this.#file.write(kept);
      this.#chunks = [];
    }
  }

  /** Drops a failed attempt's bytes (a retry starts from the first byte). */
  async reset(): Promise<void> {
    this.#chunks = [];
    this.#size = 0;
    const file = this.#file;
    this.#file = undefined;
    if (file !== undefined) await file.close();
    if (this.#spilled) await rm(this.#spillPath, { force: true });
    this.#spilled = false;
  }

  /**
   * The complete download: its bytes, or the path they were spilled to. Call once the download
   * succeeded. The bytes are in shared memory, so that the extractor's threads read members
   * where they are instead of receiving copies.
   */
  async finish(): Promise<Buffer | string> {
    const file = this.#file;
    this.#file = undefined;
    if (file !== undefined) await file.close();
    if (this.#spilled) return this.#spillPath;
    const bytes = Buffer.from(new SharedArrayBuffer(this.#size));
    let at = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.#chunks = [];
    return bytes;
  }

  /** Closes the spill file, if open (after a failed download). */
  async discard(): Promise<void> {
    await this.reset();
  }
}
