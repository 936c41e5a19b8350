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
}

/** Positional reads from `bytes` (copies, as a file read would: callers may keep the result). */
export function bufferAccess(bytes: Uint8Array): RandomAccess {
  return {
    async read(buffer, offset, length, position) {
      const end = Math.min(bytes.length, position + length);
      if (position >= end) return { bytesRead: 0 };
      buffer.set(bytes.subarray(position, end), offset);
      return { bytesRead: end - position };
    },
  };
}
