import { ExtractError } from "./extract-error.ts";

/**
 * Caps that bound what one archive may cost (zip bombs, tar bombs, millions of empty entries).
 * Declared sizes are checked up front and then enforced while streaming: a member can never
 * produce more bytes than it declared, so the caps hold even for lying headers.
 */
export interface ExtractLimits {
  /** Total uncompressed bytes over all members. */
  readonly maxTotalBytes: number;
  /** Number of members (files, directories and links). */
  readonly maxEntries: number;
  /** Uncompressed bytes of any single member. */
  readonly maxEntryBytes: number;
  /**
   * Largest uncompressed/compressed ratio for a member bigger than 1 MiB. Off by default: deflate
   * cannot exceed about 1032:1, overlapping-member bombs are rejected structurally, and the byte
   * caps already bound disk use.
   */
  readonly maxRatio?: number | undefined;
}

/**
 * Defaults sized for real wheels and sdists: the largest wheels on PyPI (CUDA builds of torch and
 * friends) unpack to a few GiB and tens of thousands of files.
 */
export const DEFAULT_LIMITS: ExtractLimits = {
  maxTotalBytes: 16 * 1024 ** 3,
  maxEntries: 250_000,
  maxEntryBytes: 8 * 1024 ** 3,
};

/** Members below this size are never judged by ratio (tiny files compress absurdly well). */
const RATIO_FLOOR = 1024 * 1024;

/** Merges caller overrides over {@link DEFAULT_LIMITS}. */
export function resolveLimits(overrides: Partial<ExtractLimits> | undefined): ExtractLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** Running totals checked against {@link ExtractLimits} as members are discovered. */
export class LimitTracker {
  readonly limits: ExtractLimits;
  #entries = 0;
  #bytes = 0;

  constructor(limits: ExtractLimits) {
    this.limits = limits;
  }

  /** Counts one more member; throws when the entry cap is passed. */
  addEntry(): void {
    this.#entries += 1;
    if (this.#entries > this.limits.maxEntries) {
      throw new ExtractError(
        "extract.limit-exceeded",
        `Archive contains more than ${this.limits.maxEntries} entries`,
      );
    }
  }

  /** Checks a member's (declared or actual) size against the per-member and total caps. */
  addBytes(path: string, size: number): void {
    if (size > this.limits.maxEntryBytes) {
      throw new ExtractError(
        "extract.limit-exceeded",
        `Archive member \`${path}\` is larger than the limit of ${this.limits.maxEntryBytes} bytes`,
      );
    }
    this.#bytes += size;
    if (this.#bytes > this.limits.maxTotalBytes) {
      throw new ExtractError(
        "extract.limit-exceeded",
        `Archive unpacks to more than the limit of ${this.limits.maxTotalBytes} bytes`,
      );
    }
  }

  /** Rejects a member whose compression ratio is above the configured cap. */
  checkRatio(path: string, compressed: number, uncompressed: number): void {
    const { maxRatio } = this.limits;
    if (maxRatio === undefined || uncompressed < RATIO_FLOOR) return;
    if (uncompressed > maxRatio * Math.max(compressed, 1)) {
      throw new ExtractError(
        "extract.limit-exceeded",
        `Archive member \`${path}\` has a compression ratio above the limit of ${maxRatio}`,
      );
    }
  }
}
