import { ExtractError } from "./extract-error.ts";
import type { ArchiveSource, ExtractOptions, ExtractResult } from "./extract-options.ts";
import { extractTar, type TarCompression } from "./extract-tar.ts";
import { extractZip } from "./extract-zip.ts";

/** An archive format uv-ts can unpack. */
export type ArchiveFormat = { kind: "zip" } | { kind: "tar"; compression: TarCompression };

const FORMATS: [string, ArchiveFormat | string][] = [
  [".whl", { kind: "zip" }],
  [".zip", { kind: "zip" }],
  [".tar.gz", { kind: "tar", compression: "gzip" }],
  [".tgz", { kind: "tar", compression: "gzip" }],
  [".tar.zst", { kind: "tar", compression: "zstd" }],
  [".tar", { kind: "tar", compression: "none" }],
  [".tar.bz2", "bzip2"],
  [".tbz", "bzip2"],
  [".tbz2", "bzip2"],
  [".tar.xz", "xz"],
  [".txz", "xz"],
  [".tar.lz", "lzip"],
  [".tar.lzma", "lzma"],
  [".tlz", "lzma"],
];

/**
 * The format implied by a file name's extension (case-insensitive). Known but unsupported
 * compressions (bzip2, xz, lzma, lzip; uv dropped them too) and unknown extensions throw a clear
 * `extract.unsupported-archive` error.
 */
export function archiveFormat(filename: string): ArchiveFormat {
  const lower = filename.toLowerCase();
  for (const [extension, format] of FORMATS) {
    if (!lower.endsWith(extension)) continue;
    if (typeof format === "string") {
      throw new ExtractError(
        "extract.unsupported-archive",
        `Unsupported archive format: \`${filename}\` is ${format}-compressed; supported formats are \`.whl\`, \`.zip\`, \`.tar.gz\`, \`.tgz\`, \`.tar.zst\` and \`.tar\``,
      );
    }
    return format;
  }
  throw new ExtractError(
    "extract.unsupported-archive",
    `Unsupported archive format: \`${filename}\` (expected one of \`.whl\`, \`.zip\`, \`.tar.gz\`, \`.tgz\`, \`.tar.zst\`, \`.tar\`)`,
  );
}

/**
 * Extracts a wheel or sdist, choosing the reader from `filename` (for a path source the path
 * itself is used when `filename` is omitted).
 */
export function extractArchive(
  source: ArchiveSource,
  dest: string,
  options: ExtractOptions & { readonly filename?: string | undefined } = {},
): Promise<ExtractResult> {
  const filename = options.filename ?? (typeof source === "string" ? source : "");
  let format: ArchiveFormat;
  try {
    format = archiveFormat(filename);
  } catch (error) {
    return Promise.reject(error);
  }
  return format.kind === "zip"
    ? extractZip(source, dest, options)
    : extractTar(source, dest, { ...options, compression: format.compression });
}
