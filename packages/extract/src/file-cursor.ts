import type { MultiHasher } from "./hash.ts";
import type { RandomAccess } from "./random-access.ts";

const BLOCK = 256 * 1024;
const LARGE_BLOCK = 1024 * 1024;

/**
 * Reads a file strictly front to back, so that every byte passes through the archive hasher
 * exactly once and in order. The ZIP walk uses it to prove the archive is one contiguous run of
 * local headers, data, descriptors, central directory and end record, with nothing hidden.
 */
export class FileCursor {
  readonly #handle: RandomAccess;
  readonly #size: number;
  readonly #hasher: MultiHasher | undefined;
  /** File offset of `#block[0]`. */
  #blockStart = 0;
  #block: Buffer = Buffer.alloc(0);
  /** Absolute offset of the next unread byte. */
  #position = 0;
  /** Every byte is in `#block` (from {@link FileCursor.inMemory}): reads can be synchronous. */
  #whole = false;

  constructor(handle: RandomAccess, size: number, hasher?: MultiHasher) {
    this.#handle = handle;
    this.#size = size;
    this.#hasher = hasher;
  }

  /**
   * A cursor over an archive already in memory: every read is a view of `bytes` (no copies),
   * and the digest is taken over all of them at once, which is the same digest.
   */
  static inMemory(bytes: Buffer, hasher?: MultiHasher): FileCursor {
    const cursor = new FileCursor(
      { read: () => Promise.reject(new Error("An in-memory archive has no more bytes")) },
      bytes.length,
    );
    hasher?.update(bytes);
    cursor.#block = bytes;
    cursor.#whole = true;
    return cursor;
  }

  /**
   * Whether the whole archive is in memory, so that {@link peekSync} and {@link readSync} may be
   * used: the walk then checks member after member without a promise per read.
   */
  get inMemory(): boolean {
    return this.#whole;
  }

  get position(): number {
    return this.#position;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes left before the end of the file. */
  get remaining(): number {
    return this.#size - this.#position;
  }

  /** Loads the next block from the file (hashing it) and returns it. */
  async #load(length: number): Promise<Buffer> {
    const start = this.#blockStart + this.#block.length;
    const want = Math.min(length, this.#size - start);
    const block = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await this.#handle.read(block, filled, want - filled, start + filled);
      if (bytesRead === 0) throw new Error(`Unexpected end of file at offset ${start + filled}`);
      filled += bytesRead;
    }
    this.#hasher?.update(block);
    return block;
  }

  /** The buffered bytes not consumed yet. */
  #leftover(): Buffer {
    return this.#block.subarray(this.#position - this.#blockStart);
  }

  /**
   * Returns the next `length` bytes without consuming them, or fewer at the end of the file.
   * The result may share memory with later reads; copy it to keep it.
   */
  async peek(length: number): Promise<Buffer> {
    let available = this.#leftover();
    while (available.length < length && this.#blockStart + this.#block.length < this.#size) {
      const more = await this.#load(Math.max(BLOCK, length - available.length));
      available = available.length === 0 ? more : Buffer.concat([available, more]);
      this.#blockStart = this.#position;
      this.#block = available;
    }
    return available.subarray(0, Math.min(length, available.length));
  }

  /** {@link peek} for a cursor {@link inMemory}. */
  peekSync(length: number): Buffer {
    if (!this.#whole) throw new Error("Only an in-memory archive can be read synchronously");
    // Everything from the cursor to the end of the archive is buffered.
    return this.#leftover().subarray(0, length);
  }

  /**
   * All the archive's bytes, for a cursor {@link inMemory}: the file offset of a byte is its
   * index, so headers can be parsed in place without a view per read.
   */
  wholeArchive(): Buffer {
    if (!this.#whole || this.#blockStart !== 0) {
      throw new Error("Only an in-memory archive can be read synchronously");
    }
    return this.#block;
  }

  /** Consumes `length` bytes of a cursor {@link inMemory}, all of them available. */
  skipSync(length: number): void {
    if (this.#position + length > this.wholeArchive().length) {
      throw new Error("Skipped past the end of the archive");
    }
    this.#position += length;
  }

  /** {@link read} for a cursor {@link inMemory}: one view of the archive's bytes. */
  readSync(length: number): Buffer | undefined {
    const bytes = this.wholeArchive();
    const end = this.#position + length;
    if (end > bytes.length) return undefined;
    const view = bytes.subarray(this.#position, end);
    this.#position = end;
    return view;
  }

  /** Consumes and returns exactly `length` bytes; `undefined` if the file ends first. */
  async read(length: number): Promise<Buffer | undefined> {
    const bytes = await this.peek(length);
    if (bytes.length < length) return undefined;
    this.#position += length;
    return bytes;
  }

  /** Consumes `length` bytes as a sequence of chunks, without holding them all in memory. */
  async *chunks(length: number): AsyncGenerator<Buffer> {
    let left = length;
    const leftover = this.#leftover();
    if (leftover.length > 0 && left > 0) {
      const take = leftover.subarray(0, Math.min(left, leftover.length));
      this.#position += take.length;
      left -= take.length;
      yield take;
    }
    while (left > 0) {
      // Everything buffered is consumed here, so the next block starts at the cursor.
      this.#blockStart = this.#position;
      this.#block = Buffer.alloc(0);
      if (this.#position >= this.#size) return;
      const block = await this.#load(Math.min(LARGE_BLOCK, Math.max(left, BLOCK)));
      this.#block = block;
      const take = block.subarray(0, Math.min(left, block.length));
      this.#position += take.length;
      left -= take.length;
      yield take;
    }
  }

  /** Consumes bytes up to absolute offset `end` (hashing them), discarding them. */
  async skipTo(end: number): Promise<void> {
    for await (const _ of this.chunks(end - this.#position)) {
      // Only the side effect (hashing, advancing) matters.
    }
  }
}
