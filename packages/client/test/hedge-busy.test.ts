import { stat } from "node:fs";
import { describe, expect, it } from "vitest";
import { HedgePolicy, type HedgeSettings, hedged } from "../src/hedge.ts";

const QUICK: HedgeSettings = {
  minDelayMs: 20,
  factor: 4,
  minSamples: 4,
  initialDelayMs: 20,
  maxCopies: 2,
  maxInFlight: 4,
  baseBudget: 2,
  perRequests: 8,
};

// Real timers: the point is the order in which Node's event loop runs a due timer and an I/O
// completion that both became ready while the main thread was busy.
describe("hedged on a busy main thread", () => {
  it("does not hedge a request whose answer came while the thread was busy", async () => {
    const policy = new HedgePolicy(QUICK);
    let copies = 0;
    // One thread-pool operation: its completion is read in the poll phase, as a socket's is.
    const attempt = () =>
      new Promise<string>((resolve, reject) => {
        copies++;
        stat(import.meta.filename, (error) => (error === null ? resolve("answer") : reject(error)));
      });
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    // Busy past the hedge delay: the answer is in before the timer runs, but not yet read.
    const until = performance.now() + 4 * QUICK.minDelayMs;
    while (performance.now() < until) {
      // Spinning on purpose.
    }
    expect(await result).toBe("answer");
    expect(copies).toBe(1);
    expect(policy.hedges).toBe(0);
  });
});
