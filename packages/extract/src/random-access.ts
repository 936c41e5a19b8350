/**
 * What the ZIP reader needs from its input: positional reads (a `FileHandle` has them). An
 * archive already in memory is read through {@link bufferAccess} without touching the disk.
 */
export interface RandomAccess {
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  /**
   * The bytes at `position` (fewer at the end), without a copy: for an archive already in
   * memory, which must not change while it is read.
   */
  view?(position: number, length: number): Buffer;
}

/**
 * Positional reads from `bytes`: copies, as a file read would, or views of them
 * ({@link RandomAccess.view}).
 */
export function bufferAccess(bytes: Buffer): RandomAccess {
  return {
    view(position, length) {
      const start = Math.min(bytes.length, position);
      return bytes.subarray(start, Math.min(bytes.length, start + length));
    },
    async read(buffer, offset, length, position) {
      const end = Math.min(bytes.length, position + length);
      if (position >= end) return { bytesRead: 0 };
      buffer.set(bytes.subarray(position, end), offset);
      return { bytesRead: end - position };
    },
  };
}
