/**
 * Hedged requests: when the answer to a request for an immutable file is late compared with the
 * other answers of the same run, the same request is sent a second time and whichever answers
 * first is used (the other is cancelled). Some servers and proxies leave an occasional request
 * without an answer for seconds while every other one is answered within a tenth of one; a run
 * that downloads dozens of files then waits for that one. A second copy of the request is
 * usually answered at once.
 *
 * Only requests that are safe to repeat are hedged (GETs of files that never change, and of
 * index pages, where either copy's answer is a page the index served), at most once each, and
 * only a bounded share of a run's requests, so a slow server is not sent twice the load.
 */

/** How late is late, and how much hedging a run may do (see {@link HedgePolicy}). */
export interface HedgeSettings {
  /** Never hedge before this long without an answer. */
  readonly minDelayMs: number;
  /** Nor before this many times the median time to an answer seen so far. */
  readonly factor: number;
  /** How many answers must have been seen before that median counts (until then, `minDelayMs` x 2). */
  readonly minSamples: number;
  /** Hedges at any one time. */
  readonly maxInFlight: number;
  /** Hedges in a run: this many, plus one per `perRequests` requests. */
  readonly baseBudget: number;
  readonly perRequests: number;
}

/** The settings the client uses: quick answers here take ~0.1 s; stalls last seconds. */
export const DEFAULT_HEDGE_SETTINGS: HedgeSettings = {
  minDelayMs: 400,
  factor: 4,
  minSamples: 4,
  maxInFlight: 4,
  baseBudget: 2,
  perRequests: 8,
};

/** How many recent answer times the median is taken over. */
const SAMPLES = 64;

/**
 * The state one client keeps about its hedgeable requests: recent times to an answer (their
 * median sets how long to wait before hedging) and the hedges spent.
 */
export class HedgePolicy {
  readonly settings: HedgeSettings;
  readonly #samples: number[] = [];
  #next = 0;
  #requests = 0;
  #hedges = 0;
  #inFlight = 0;

  constructor(settings: HedgeSettings = DEFAULT_HEDGE_SETTINGS) {
    this.settings = settings;
  }

  /** Hedges sent so far. */
  get hedges(): number {
    return this.#hedges;
  }

  /** Counts a hedgeable request (it widens the budget). */
  started(): void {
    this.#requests++;
  }

  /** Records how long an answer took. */
  answered(ms: number): void {
    if (this.#samples.length < SAMPLES) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % SAMPLES;
  }

  /** How long a request may go without an answer before it is hedged. */
  delayMs(): number {
    const { minDelayMs, factor, minSamples } = this.settings;
    if (this.#samples.length < minSamples) return minDelayMs * 2;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1] ?? 0;
    return Math.max(minDelayMs, factor * median);
  }

  /** Takes a hedge from the budget, if one is left; {@link release} gives back its slot. */
  acquire(): boolean {
    const { maxInFlight, baseBudget, perRequests } = this.settings;
    const budget = baseBudget + Math.floor(this.#requests / perRequests);
    if (this.#inFlight >= maxInFlight || this.#hedges >= budget) return false;
    this.#hedges++;
    this.#inFlight++;
    return true;
  }

  /** A hedge settled (answered, failed or cancelled). */
  release(): void {
    this.#inFlight--;
  }
}

/** Why the copy of a request that lost the race was cancelled. */
export class HedgeLostError extends Error {
  constructor() {
    super("Another copy of the request was answered first");
    this.name = "HedgeLostError";
  }
}

/**
 * Runs `attempt` and, when it has not settled after the policy's delay, a second `attempt`;
 * resolves with the first to succeed and cancels the other through its signal (an answer that
 * comes anyway goes to `discard`). When the first copy fails before a hedge was sent, that
 * failure is the outcome, as without hedging; when both fail, the first copy's failure is.
 */
export function hedged<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  policy: HedgePolicy,
  signal: AbortSignal,
  discard: (value: T) => void,
): Promise<T> {
  policy.started();
  const start = performance.now();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const copies: { controller: AbortController; failed?: { error: unknown } }[] = [];
    const finishWith = (index: number, value: T) => {
      if (settled) {
        discard(value);
        return;
      }
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      policy.answered(performance.now() - start);
      copies.forEach((copy, i) => {
        if (i !== index) copy.controller.abort(new HedgeLostError());
      });
      resolve(value);
    };
    const fail = (index: number, error: unknown) => {
      copies[index]!.failed = { error };
      if (settled) return;
      // Another copy may still answer.
      if (copies.some((c) => c.failed === undefined)) return;
      // Every copy sent has failed: none is sent after that.
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      settled = true;
      reject(copies[0]!.failed!.error);
    };
    const launch = (hedge: boolean) => {
      const controller = new AbortController();
      const index = copies.length;
      copies.push({ controller });
      const combined = AbortSignal.any([signal, controller.signal]);
      let promise: Promise<T>;
      try {
        promise = attempt(combined);
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (value) => {
          if (hedge) policy.release();
          finishWith(index, value);
        },
        (error: unknown) => {
          if (hedge) policy.release();
          fail(index, error);
        },
      );
    };
    launch(false);
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        timer = undefined;
        if (settled || signal.aborted) return;
        // The median may have moved since the timer was set: wait for the rest if it grew.
        const due = policy.delayMs() - (performance.now() - start);
        if (due > 1) {
          arm(due);
          return;
        }
        if (policy.acquire()) launch(true);
      }, ms);
      timer.unref();
    };
    arm(policy.delayMs());
  });
}
