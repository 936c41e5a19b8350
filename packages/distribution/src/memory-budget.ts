/**
 * Bytes that the downloads of one fetcher may hold in memory together. With many downloads at
 * once (uv's 50), a per-wheel cap alone would let a run of big wheels hold gigabytes; a download
 * that finds the budget spent writes to a file instead.
 */
export class MemoryBudget {
  #left: number;

  constructor(total: number) {
    this.#left = Math.max(0, total);
  }

  /** Takes `bytes` if that many are left; `false` (and nothing taken) otherwise. */
  take(bytes: number): boolean {
    if (bytes > this.#left) return false;
    this.#left -= bytes;
    return true;
  }

  /** Gives back bytes taken before. */
  give(bytes: number): void {
    this.#left += bytes;
  }

  /** What is left to take (a diagnostic for tests). */
  get left(): number {
    return this.#left;
  }
}
