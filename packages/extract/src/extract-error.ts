import { UvError, type UvErrorOptions } from "@uv-ts/error";

/**
 * Stable codes for every way an extraction can fail. Callers branch on these (for example to
 * treat `extract.destination-exists` as "another process won the race"), so they never change
 * meaning once published.
 */
export const EXTRACT_ERROR_CODES = [
  "extract.io",
  "extract.destination-exists",
  "extract.unsupported-archive",
  "extract.zip-structure",
  "extract.tar-structure",
  "extract.empty-filename",
  "extract.unacceptable-filename",
  "extract.unsafe-path",
  "extract.not-utf8",
  "extract.path-collision",
  "extract.path-conflict",
  "extract.bad-crc",
  "extract.bad-uncompressed-size",
  "extract.bad-compressed-size",
  "extract.duplicate-entry",
  "extract.duplicate-mode",
  "extract.conflicting-paths",
  "extract.conflicting-checksums",
  "extract.conflicting-compressed-sizes",
  "extract.conflicting-uncompressed-sizes",
  "extract.conflicting-flags",
  "extract.conflicting-entry-count",
  "extract.missing-central-directory-entry",
  "extract.missing-data-descriptor",
  "extract.unexpected-data-descriptor",
  "extract.trailing-contents",
  "extract.zip-in-zip",
  "extract.extensible-data",
  "extract.encrypted",
  "extract.unsupported-compression",
  "extract.link-escape",
  "extract.write-through-link",
  "extract.unsupported-entry-type",
  "extract.limit-exceeded",
] as const;

/** One of {@link EXTRACT_ERROR_CODES}. */
export type ExtractErrorCode = (typeof EXTRACT_ERROR_CODES)[number];

/**
 * Any failure to read or unpack an archive. The message is uv's where uv has one (so snapshots
 * compare), and each failure class has its own `code`.
 */
export class ExtractError extends UvError {
  declare readonly code: ExtractErrorCode;

  constructor(code: ExtractErrorCode, message: string, options: UvErrorOptions = {}) {
    super(code, message, options);
  }
}

/** uv's wrapper for structural ZIP problems: `Invalid zip file structure`, caused by `detail`. */
export function zipStructureError(detail: string): ExtractError {
  return new ExtractError("extract.zip-structure", "Invalid zip file structure", {
    cause: new ExtractError("extract.zip-structure", detail),
  });
}

/** uv's wrapper for tar problems: `Invalid tar file`, caused by `detail`. */
export function tarStructureError(detail: string): ExtractError {
  return new ExtractError("extract.tar-structure", "Invalid tar file", {
    cause: new ExtractError("extract.tar-structure", detail),
  });
}

/** Wraps an unexpected OS error (ENOSPC, EACCES, ...) with uv's extraction I/O message. */
export function ioError(cause: unknown): ExtractError {
  return new ExtractError("extract.io", "I/O operation failed during extraction", { cause });
}

/** Formats a 32-bit value the way uv prints CRCs and sizes (`{:08x}`). */
export function hex8(value: number | bigint): string {
  return value.toString(16).padStart(8, "0");
}
