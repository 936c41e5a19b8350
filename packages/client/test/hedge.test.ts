import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HedgeLostError, HedgePolicy, type HedgeSettings, hedged } from "../src/hedge.ts";

const QUICK: HedgeSettings = {
  minDelayMs: 20,
  factor: 4,
  minSamples: 4,
  maxInFlight: 4,
  baseBudget: 2,
  perRequests: 8,
};

/** An attempt whose outcome the test decides, recording the signal it was given. */
function controllable<T>() {
  const calls: { signal: AbortSignal; resolve: (v: T) => void; reject: (e: unknown) => void }[] =
    [];
  const attempt = (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ signal, resolve, reject });
    });
  return { calls, attempt };
}

// Fake timers (and clock): the delays are decided by the test, not by the machine's load.
const wait = async (ms: number) => {
  await vi.advanceTimersByTimeAsync(ms);
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("hedged", () => {
  it("sends one copy when the answer comes in time", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    await wait(5);
    calls[0]!.resolve("first");
    expect(await result).toBe("first");
    await wait(60);
    expect(calls).toHaveLength(1);
    expect(policy.hedges).toBe(0);
  });

  it("sends a second copy when the first is late, uses the first answer and cancels the other", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    // No samples yet: the delay is twice the minimum.
    await wait(25);
    expect(calls).toHaveLength(1);
    await wait(40);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve("second");
    expect(await result).toBe("second");
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[0]!.signal.reason).toBeInstanceOf(HedgeLostError);
    expect(calls[1]!.signal.aborted).toBe(false);
    expect(policy.hedges).toBe(1);
  });

  it("keeps the first copy's answer when it comes after the hedge was sent", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    await wait(60);
    expect(calls).toHaveLength(2);
    calls[0]!.resolve("first");
    expect(await result).toBe("first");
    expect(calls[1]!.signal.aborted).toBe(true);
  });

  it("discards an answer that comes after another copy won", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const discarded: string[] = [];
    const result = hedged(attempt, policy, new AbortController().signal, (v) => discarded.push(v));
    await wait(60);
    calls[1]!.resolve("second");
    calls[0]!.resolve("first");
    expect(await result).toBe("second");
    await wait(1);
    expect(discarded).toEqual(["first"]);
  });

  it("fails as without hedging when the first copy fails before a hedge is sent", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    await wait(5);
    const error = new Error("refused");
    calls[0]!.reject(error);
    await expect(result).rejects.toBe(error);
    await wait(60);
    expect(calls).toHaveLength(1);
  });

  it("waits for the hedge when the first copy fails after it was sent", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    await wait(60);
    calls[0]!.reject(new Error("reset"));
    await wait(5);
    calls[1]!.resolve("second");
    expect(await result).toBe("second");
  });

  it("reports the first copy's failure when both fail", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {});
    await wait(60);
    const first = new Error("first failure");
    calls[1]!.reject(new Error("second failure"));
    await wait(5);
    calls[0]!.reject(first);
    await expect(result).rejects.toBe(first);
  });

  it("sends nothing more once the run's signal is aborted", async () => {
    const policy = new HedgePolicy(QUICK);
    const { calls, attempt } = controllable<string>();
    const outer = new AbortController();
    const result = hedged(attempt, policy, outer.signal, () => {});
    outer.abort(new Error("interrupted"));
    expect(calls[0]!.signal.aborted).toBe(true);
    calls[0]!.reject(calls[0]!.signal.reason);
    await expect(result).rejects.toThrow("interrupted");
    await wait(60);
    expect(calls).toHaveLength(1);
  });

  it("spends no more hedges than its budget", async () => {
    const policy = new HedgePolicy({ ...QUICK, baseBudget: 1, perRequests: 1000 });
    const all = [controllable<string>(), controllable<string>(), controllable<string>()];
    const results = all.map(({ attempt }) =>
      hedged(attempt, policy, new AbortController().signal, () => {}),
    );
    await wait(60);
    expect(all.map(({ calls }) => calls.length).sort()).toEqual([1, 1, 2]);
    expect(policy.hedges).toBe(1);
    for (const { calls } of all) for (const call of calls) call.resolve("done");
    await Promise.all(results);
  });

  it("spends no more than `maxInFlight` hedges at once", async () => {
    const policy = new HedgePolicy({ ...QUICK, maxInFlight: 1, baseBudget: 10 });
    const a = controllable<string>();
    const b = controllable<string>();
    const ra = hedged(a.attempt, policy, new AbortController().signal, () => {});
    const rb = hedged(b.attempt, policy, new AbortController().signal, () => {});
    await wait(60);
    expect(a.calls.length + b.calls.length).toBe(3);
    for (const call of [...a.calls, ...b.calls]) call.resolve("done");
    await Promise.all([ra, rb]);
  });
});

describe("HedgePolicy", () => {
  it("waits twice the minimum until it has seen enough answers, then a multiple of their median", () => {
    const policy = new HedgePolicy(QUICK);
    expect(policy.delayMs()).toBe(40);
    for (const ms of [10, 12, 30]) policy.answered(ms);
    expect(policy.delayMs()).toBe(40);
    policy.answered(11);
    // Median of 10, 11, 12, 30 (the upper middle): 12, times 4.
    expect(policy.delayMs()).toBe(48);
    for (let i = 0; i < 100; i++) policy.answered(1);
    expect(policy.delayMs()).toBe(20);
  });

  it("widens the budget with the requests sent", () => {
    const policy = new HedgePolicy({ ...QUICK, baseBudget: 0, perRequests: 2, maxInFlight: 100 });
    expect(policy.acquire()).toBe(false);
    policy.started();
    policy.started();
    expect(policy.acquire()).toBe(true);
    expect(policy.acquire()).toBe(false);
  });
});
