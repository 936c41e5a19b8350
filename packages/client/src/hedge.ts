/**
 * Hedged requests: when the answer to a request for an immutable file is late compared with the
 * other answers from the same origin, the same request is sent again and whichever copy answers
 * first is used (the others are cancelled). Some servers and proxies leave an occasional request
 * without an answer for seconds while every other one is answered within a tenth of one; a run
 * that downloads dozens of files then waits for that one. Another copy of the request is
 * usually answered at once.
 *
 * Only requests that are safe to repeat are hedged (GETs of files that never change, and of
 * index pages, where either copy's answer is a page the index served), a bounded number of
 * times each, and only a bounded share of an origin's requests, so a slow server is not sent
 * twice the load.
 */

/** How late is late, and how much hedging a run may do (see {@link HedgePolicy}). */
export interface HedgeSettings {
  /** Never hedge before this long without an answer. */
  readonly minDelayMs: number;
  /** Nor before this many times the median time to an answer from the same origin. */
  readonly factor: number;
  /** How many answers from an origin must have been seen before their median counts. */
  readonly minSamples: number;
  /** The wait until then (at least `minDelayMs`). */
  readonly initialDelayMs: number;
  /** Copies of one request at most, the first included. */
  readonly maxCopies: number;
  /** Hedges to one origin at any one time. */
  readonly maxInFlight: number;
  /** Hedges to one origin in a run: this many, plus one per `perRequests` requests to it. */
  readonly baseBudget: number;
  readonly perRequests: number;
}

/**
 * The settings the client uses. Files here are answered in ~10-40 ms and index pages in
 * ~50-250 ms, while a stalled request waits 0.3-3.5 s: a file is hedged ~150 ms after it was
 * sent, a page after four times its origin's median.
 */
export const DEFAULT_HEDGE_SETTINGS: HedgeSettings = {
  minDelayMs: 150,
  factor: 4,
  minSamples: 4,
  initialDelayMs: 400,
  maxCopies: 3,
  maxInFlight: 4,
  baseBudget: 2,
  perRequests: 6,
};

/** How many recent answer times an origin's median is taken over. */
const SAMPLES = 64;

/** A request in flight, for as long as it has no answer. */
export interface HedgeTicket {
  /** When it went out. */
  start: number;
}

/** What one origin's requests have shown so far and spent. */
class OriginState {
  readonly samples: number[] = [];
  next = 0;
  /** Requests without an answer yet: how long they have waited says something too. */
  readonly waiting = new Set<HedgeTicket>();
  requests = 0;
  hedges = 0;
  inFlight = 0;
}

/** Whether a hedge may be sent now ("ok"), later ("busy"), or not for this request ("spent"). */
export type HedgeGrant = "ok" | "busy" | "spent";

/**
 * The state one client keeps about its hedgeable requests, per origin: recent times to an
 * answer (their median sets how long to wait before hedging) and the hedges spent. Origins are
 * kept apart because one index's pages and another host's files take very different times.
 */
export class HedgePolicy {
  readonly settings: HedgeSettings;
  readonly #origins = new Map<string, OriginState>();
  #hedges = 0;

  constructor(settings: HedgeSettings = DEFAULT_HEDGE_SETTINGS) {
    this.settings = settings;
  }

  /** Hedges sent so far, to every origin. */
  get hedges(): number {
    return this.#hedges;
  }

  #state(origin: string): OriginState {
    let state = this.#origins.get(origin);
    if (state === undefined) {
      state = new OriginState();
      this.#origins.set(origin, state);
    }
    return state;
  }

  /** Counts a hedgeable request to `origin` (it widens that origin's budget). */
  started(origin = ""): void {
    this.#state(origin).requests++;
  }

  /** Records how long an answer from `origin` took, from when its request was sent. */
  answered(ms: number, origin = ""): void {
    const state = this.#state(origin);
    if (state.samples.length < SAMPLES) state.samples.push(ms);
    else state.samples[state.next] = ms;
    state.next = (state.next + 1) % SAMPLES;
  }

  /** Notes a request to `origin` that went out at `start` and waits for its answer. */
  waiting(origin: string, start: number): HedgeTicket {
    const ticket = { start };
    this.#state(origin).waiting.add(ticket);
    return ticket;
  }

  /** The request of `ticket` has its answer (or failed). */
  done(origin: string, ticket: HedgeTicket): void {
    this.#origins.get(origin)?.waiting.delete(ticket);
  }

  /**
   * How long a request to `origin` may go without an answer before it is hedged: a multiple of
   * the median time to an answer there. Requests still waiting count with how long they have
   * waited so far (once that is past the floor): when dozens are sent at once, the first
   * answers are the quick ones, and a median of those alone would hedge the rest too soon.
   */
  delayMs(origin = "", now = performance.now()): number {
    const { minDelayMs, factor, minSamples, initialDelayMs } = this.settings;
    const state = this.#origins.get(origin);
    if (state === undefined) return Math.max(minDelayMs, initialDelayMs);
    const times = [...state.samples];
    for (const ticket of state.waiting) {
      const waited = now - ticket.start;
      if (waited >= minDelayMs) times.push(waited);
    }
    if (times.length < minSamples) return Math.max(minDelayMs, initialDelayMs);
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1] ?? 0;
    return Math.max(minDelayMs, factor * median);
  }

  /**
   * Takes a hedge to `origin` from its budget when one is left and fewer than `maxInFlight`
   * are out; {@link release} gives back the slot.
   */
  acquire(origin = ""): HedgeGrant {
    const { maxInFlight, baseBudget, perRequests } = this.settings;
    const state = this.#state(origin);
    const budget = baseBudget + Math.floor(state.requests / perRequests);
    if (state.hedges >= budget) return "spent";
    if (state.inFlight >= maxInFlight) return "busy";
    state.hedges++;
    state.inFlight++;
    this.#hedges++;
    return "ok";
  }

  /** A hedge to `origin` settled (answered, failed or cancelled). */
  release(origin = ""): void {
    this.#state(origin).inFlight--;
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
 * One copy of a hedged request: `signal` cancels it; `sent` may be called when the request
 * actually goes out (after waiting for a connection, say), from when its lateness is measured.
 */
export type HedgedAttempt<T> = (signal: AbortSignal, sent: () => void) => Promise<T>;

/** One copy sent, and what became of it. */
interface Copy {
  readonly controller: AbortController;
  /** When it went out (or was started, until it says it went out). */
  start: number;
  failed?: { error: unknown };
}

/**
 * Runs `attempt` and, while it has not settled after the policy's delay for `origin`, another
 * `attempt` (up to the policy's `maxCopies`, each measured from the previous copy); resolves
 * with the first to succeed and cancels the others through their signals (an answer that comes
 * anyway goes to `discard`). When the first copy fails before a hedge was sent, that failure is
 * the outcome, as without hedging; when all fail, the first copy's failure is.
 */
export function hedged<T>(
  attempt: HedgedAttempt<T>,
  policy: HedgePolicy,
  signal: AbortSignal,
  discard: (value: T) => void,
  origin = "",
): Promise<T> {
  policy.started(origin);
  const { minDelayMs, maxCopies } = policy.settings;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const copies: Copy[] = [];
    const ticket = policy.waiting(origin, performance.now());
    const stop = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const finishWith = (index: number, value: T) => {
      if (settled) {
        discard(value);
        return;
      }
      settled = true;
      stop();
      policy.done(origin, ticket);
      policy.answered(performance.now() - copies[index]!.start, origin);
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
      stop();
      policy.done(origin, ticket);
      settled = true;
      reject(copies[0]!.failed!.error);
    };
    // The newest copy's lateness decides when the next goes out.
    const check = () => {
      timer = undefined;
      if (settled || signal.aborted) return;
      const last = copies[copies.length - 1]!;
      // The delay may have changed since the timer was set: wait for the rest if it grew.
      const due = policy.delayMs(origin) - (performance.now() - last.start);
      if (due > 1) {
        arm(due);
        return;
      }
      // After the main thread was busy, timers run before the answers that came meanwhile
      // are read: look again once those are, so that an answer that did come is not hedged.
      setImmediate(() => {
        if (settled || signal.aborted) return;
        const grant = policy.acquire(origin);
        if (grant === "ok") launch(true);
        else if (grant === "busy") arm(minDelayMs);
      }).unref();
    };
    const arm = (ms: number) => {
      timer = setTimeout(check, ms);
      timer.unref();
    };
    const launch = (hedge: boolean) => {
      const controller = new AbortController();
      const index = copies.length;
      const copy: Copy = { controller, start: performance.now() };
      copies.push(copy);
      const sent = () => {
        copy.start = performance.now();
        if (index === 0) ticket.start = copy.start;
        // Only the newest copy's timer is running; an older copy going out late changes nothing.
        if (index === copies.length - 1 && !settled && timer !== undefined) {
          stop();
          arm(minDelayMs);
        }
      };
      const combined = AbortSignal.any([signal, controller.signal]);
      let promise: Promise<T>;
      try {
        promise = attempt(combined, sent);
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (value) => {
          if (hedge) policy.release(origin);
          finishWith(index, value);
        },
        (error: unknown) => {
          if (hedge) policy.release(origin);
          fail(index, error);
        },
      );
      // Checked first at the floor: the origin's delay may shrink as its first answers come.
      if (copies.length < maxCopies) arm(minDelayMs);
    };
    launch(false);
  });
}
