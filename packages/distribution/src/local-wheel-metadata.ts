import { open } from "node:fs/promises";
import { readWheelMetadataFromZip } from "@uv-ts/client";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import { parseResolutionMetadata, type ResolutionMetadata } from "@uv-ts/pypi-types";

/**
 * The metadata of a wheel file on disk, read from its central directory and `METADATA` member
 * alone (no unpacking, nothing written to the cache).
 */
export async function readLocalWheelMetadata(
  path: string,
  filename: WheelFilename,
): Promise<ResolutionMetadata> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const text = await readWheelMetadataFromZip(
      {
        size,
        read: async (start, end) => {
          const buffer = Buffer.alloc(end - start);
          const { bytesRead } = await handle.read(buffer, 0, end - start, start);
          return buffer.subarray(0, bytesRead);
        },
      },
      filename,
    );
    return parseResolutionMetadata(text);
  } finally {
    await handle.close();
  }
}
