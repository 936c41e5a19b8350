import { type FileHandle, open, rm } from "node:fs/promises";
import type { DownloadSink } from "@uv-ts/client";
import { MemoryBudget } from "./memory-budget.ts";

/** Options of a {@link DownloadBuffer}. */
export interface DownloadBufferOptions {
  /**
   * The size the index gives for the file, if any: the memory for it is reserved at once. Only a
   * hint: a download of another size is kept whole all the same.
   */
  readonly expectedSize?: number | undefined;
  /** Memory shared with other downloads; without room left there, the bytes go to the file. */
  readonly budget?: MemoryBudget | undefined;
}

/** A growable `SharedArrayBuffer` (ES2024, in Node 20; the project's `lib` predates it). */
type GrowableSharedArrayBuffer = SharedArrayBuffer & { grow(size: number): void };
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (
  length: number,
  options: { readonly maxByteLength: number },
) => GrowableSharedArrayBuffer;

/** The first reservation when the size is unknown; it doubles as bytes arrive. */
const INITIAL_BYTES = 256 * 1024;

/**
 * Where a wheel's bytes go while it downloads: memory, up to `limit` bytes (and what the shared
 * budget allows), so that a typical wheel is unpacked straight from the buffer without being
 * written to disk and read back; past that, everything goes to `spillPath` instead (a big wheel
 * is not held in memory). The memory is one growable shared buffer that the bytes are written
 * into as they arrive, so that the finished download needs no copy and the extractor's threads
 * read members in place. Nothing here is trusted: the caller verifies digests and the extractor
 * checks the archive. Memory taken from the budget is given back by {@link discard}.
 */
export class DownloadBuffer implements DownloadSink {
  readonly #limit: number;
  readonly #spillPath: string;
  readonly #budget: MemoryBudget;
  readonly #expected: number | undefined;
  #memory: GrowableSharedArrayBuffer | undefined;
  /** A view of all of {@link #memory} (views do not follow a growth). */
  #view: Buffer | undefined;
  #size = 0;
  /** Bytes taken from the budget: the capacity of {@link #memory}. */
  #taken = 0;
  #file: FileHandle | undefined;
  #spilled = false;

  constructor(limit: number, spillPath: string, options: DownloadBufferOptions = {}) {
    this.#limit = limit;
    this.#spillPath = spillPath;
    this.#budget = options.budget ?? new MemoryBudget(Number.POSITIVE_INFINITY);
    const expected = options.expectedSize;
    this.#expected =
      expected !== undefined && Number.isSafeInteger(expected) && expected > 0
        ? expected
        : undefined;
  }

  /**
   * Takes the next bytes: at once while they fit in memory (no promise for the download to wait
   * for, thousands of times a run), else once written to the spill file.
   */
  write(chunk: Uint8Array): undefined | Promise<void> {
    const at = this.#size;
    this.#size += chunk.length;
    if (this.#file === undefined && this.#reserve(this.#size)) {
      (this.#view as Buffer).set(chunk, at);
      return undefined;
    }
    return this.#writeToFile(chunk, at);
  }

  async #writeToFile(chunk: Uint8Array, at: number): Promise<void> {
    if (this.#file === undefined) await this.#spill(at);
    await (this.#file as FileHandle).write(chunk);
  }

  /** Makes room for `size` bytes in memory; `false` when they must go to the file. */
  #reserve(size: number): boolean {
    const capacity = this.#memory?.byteLength ?? 0;
    if (size <= capacity) return true;
    if (size > this.#limit) return false;
    // The size the index gives, else doubling (so that a big download grows a few times only).
    const expected = this.#expected;
    const wanted =
      expected !== undefined && size <= expected && expected <= this.#limit
        ? expected
        : Math.min(this.#limit, Math.max(size, capacity * 2, INITIAL_BYTES));
    // Less than doubling is better than spilling, when the budget is short.
    const grown = this.#budget.take(wanted - capacity)
      ? wanted
      : this.#budget.take(size - capacity)
        ? size
        : undefined;
    if (grown === undefined) return false;
    this.#taken += grown - capacity;
    if (this.#memory === undefined) {
      this.#memory = new GrowableSharedArrayBuffer(grown, { maxByteLength: this.#limit });
    } else {
      this.#memory.grow(grown);
    }
    this.#view = Buffer.from(this.#memory, 0, grown);
    return true;
  }

  /** Moves the first `size` bytes held in memory to the spill file, and the rest will follow. */
  async #spill(size: number): Promise<void> {
    this.#spilled = true;
    this.#file = await open(this.#spillPath, "w");
    if (size > 0 && this.#view !== undefined) await this.#file.write(this.#view, 0, size);
    this.#release();
  }

  #release(): void {
    this.#memory = undefined;
    this.#view = undefined;
    this.#budget.give(this.#taken);
    this.#taken = 0;
  }

  /** Drops a failed attempt's bytes (a retry starts from the first byte). */
  async reset(): Promise<void> {
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
   * where they are instead of receiving copies; they stay valid until {@link discard}.
   */
  async finish(): Promise<Buffer | string> {
    const file = this.#file;
    this.#file = undefined;
    if (file !== undefined) await file.close();
    if (this.#spilled) return this.#spillPath;
    // An empty download still needs (empty) shared memory.
    if (this.#view === undefined) return Buffer.from(new SharedArrayBuffer(0));
    return this.#view.subarray(0, this.#size);
  }

  /** Drops everything: the spill file and the memory (after a failed download, or once used). */
  async discard(): Promise<void> {
    await this.reset();
    this.#release();
  }
}
