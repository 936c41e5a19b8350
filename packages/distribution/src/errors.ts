import { UvError, type UvErrorOptions } from "@uv-ts/error";

/** The base of the errors of this package; `code` is `distribution.<kind>`. */
export class DistributionError extends UvError {
  constructor(kind: string, message: string, options: UvErrorOptions = {}) {
    super(`distribution.${kind}`, message, options);
  }
}

/** A wheel could not be downloaded (or verified); the cause says why. uv's wording. */
export class DownloadWheelError extends DistributionError {
  constructor(distribution: string, cause: unknown) {
    super("download", `Failed to download \`${distribution}\``, { cause });
  }
}

/** A local wheel file could not be read or unpacked. */
export class ReadWheelError extends DistributionError {
  constructor(distribution: string, cause: unknown) {
    super("read", `Failed to read \`${distribution}\``, { cause });
  }
}

/** An archive was refused by the extractor (unsafe member, structural problem, caps). uv's wording. */
export class ExtractArchiveError extends DistributionError {
  constructor(filename: string, cause: unknown) {
    super("extract", `Failed to extract archive: ${filename}`, { cause });
  }
}

/** `--offline` and the wheel is not in the cache. uv's wording. */
export class OfflineWheelError extends DistributionError {
  constructor(url: string) {
    super(
      "offline",
      `Network connectivity is disabled, but the requested data wasn't found in the cache: ${url}`,
    );
  }
}
