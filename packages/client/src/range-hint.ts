/**
 * What reading a wheel's `METADATA` by range requests needed last time: the file's size and how
 * many trailing bytes held everything read (the member, the central directory, its end record).
 * Kept with the cached metadata so that the next revalidation asks for exactly that tail in its
 * first request. Only ever a guess: the answer is read as any tail would be.
 */
export interface RangeHint {
  readonly size: number;
  readonly tail: number;
}

/**
 * How many bytes more than the reads transferred a hint may ask for. The bytes between
 * `METADATA` and the central directory (`RECORD`, licenses) are usually a few KB to tens of KB;
 * a wheel that puts `.dist-info` at its start would make the tail the whole file, which one
 * round trip saved is not worth.
 */
const HINT_SLACK_BYTES = 64 * 1024;

/**
 * The hint to remember after a read of a file of `size` bytes that needed the bytes from `start`
 * on and transferred `transferred` bytes; `undefined` when one tail request would cost too much
 * more than the reads did.
 */
export function rangeHintAfterRead(
  size: number,
  start: number,
  transferred: number,
): RangeHint | undefined {
  const tail = size - start;
  if (tail <= 0 || tail > transferred + HINT_SLACK_BYTES) return undefined;
  return { size, tail };
}

/** A stored hint, or `undefined` when `value` is missing, damaged or not a hint at all. */
export function parseRangeHint(value: unknown): RangeHint | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { size, tail } = value as Partial<Record<"size" | "tail", unknown>>;
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(tail)) return undefined;
  if ((tail as number) <= 0 || (tail as number) > (size as number)) return undefined;
  return { size: size as number, tail: tail as number };
}

/** Whether two hints (either possibly absent) say the same. */
export function sameRangeHint(a: RangeHint | undefined, b: RangeHint | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.size === b.size && a.tail === b.tail);
}
