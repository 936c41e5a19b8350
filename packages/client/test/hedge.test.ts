import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HedgeLostError, HedgePolicy, type HedgeSettings, hedged } from "../src/hedge.ts";

const QUICK: HedgeSettings = {
  minDelayMs: 20,
  factor: 4,
  minSamples: 4,
  initialDelayMs: 40,
  maxCopies: 2,
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
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "performance"] });
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
    // No samples yet: the initial delay.
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
  it("waits the initial delay until it has seen enough answers, then a multiple of their median", () => {
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
    expect(policy.acquire()).toBe("spent");
    policy.started();
    policy.started();
    expect(policy.acquire()).toBe("ok");
    expect(policy.acquire()).toBe("spent");
  });
});

describe("hedged, per origin", () => {
  /** Four answers from `origin` that took `ms` each, as seen through `hedged`. */
  const answers = async (policy: HedgePolicy, origin: string, ms: number) => {
    for (let i = 0; i < 4; i++) {
      const { calls, attempt } = controllable<string>();
      const result = hedged(attempt, policy, new AbortController().signal, () => {}, origin);
      await wait(ms);
      calls[0]!.resolve("done");
      await result;
    }
  };

  it("times each origin by its own answers", async () => {
    const policy = new HedgePolicy({ ...QUICK, initialDelayMs: 1000 });
    await answers(policy, "https://pages", 50);
    await answers(policy, "https://files", 2);
    expect(policy.delayMs("https://pages")).toBe(200);
    // The quick origin is held to the floor, not to the slow one's pace.
    expect(policy.delayMs("https://files")).toBe(20);
    expect(policy.delayMs("https://elsewhere")).toBe(1000);
  });

  it("hedges a late file at the floor when its origin answers quickly", async () => {
    const policy = new HedgePolicy({ ...QUICK, initialDelayMs: 1000 });
    await answers(policy, "https://files", 2);
    await answers(policy, "https://pages", 300);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {}, "https://files");
    await wait(19);
    expect(calls).toHaveLength(1);
    await wait(2);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve("copy");
    expect(await result).toBe("copy");
  });

  it("shortens the wait of a request sent before its origin's first answers came", async () => {
    const policy = new HedgePolicy({ ...QUICK, initialDelayMs: 1000 });
    const late = controllable<string>();
    const result = hedged(late.attempt, policy, new AbortController().signal, () => {}, "o");
    // Its siblings, sent at the same moment, are answered quickly.
    await answers(policy, "o", 1);
    await wait(30);
    expect(late.calls).toHaveLength(2);
    late.calls[1]!.resolve("copy");
    expect(await result).toBe("copy");
  });

  it("counts requests still waiting, so that a burst's first answers do not hedge the rest", async () => {
    const policy = new HedgePolicy({ ...QUICK, minSamples: 2, maxCopies: 3 });
    const burst = Array.from({ length: 8 }, () => controllable<string>());
    const results = burst.map(({ attempt }) =>
      hedged(attempt, policy, new AbortController().signal, () => {}, "o"),
    );
    await wait(5);
    burst[0]!.calls[0]!.resolve("quick");
    burst[1]!.calls[0]!.resolve("quick");
    // Two answers of 5 ms, six requests waiting 21 ms: the median is 21 ms, the delay 84 ms.
    await wait(16);
    expect(policy.hedges).toBe(0);
    expect(policy.delayMs("o")).toBe(84);
    for (const { calls } of burst.slice(2, 7)) calls[0]!.resolve("slower");
    await wait(60);
    expect(burst[7]!.calls).toHaveLength(1);
    await wait(5);
    expect(burst[7]!.calls).toHaveLength(2);
    for (const { calls } of burst) for (const call of calls) call.resolve("done");
    await Promise.all(results);
  });

  it("measures lateness from when the request went out, not from a wait for a connection", async () => {
    const policy = new HedgePolicy(QUICK);
    await answers(policy, "o", 1);
    const calls: { sent: () => void; resolve: (v: string) => void }[] = [];
    const attempt = (_signal: AbortSignal, sent: () => void) =>
      new Promise<string>((resolve) => calls.push({ sent, resolve }));
    const result = hedged(attempt, policy, new AbortController().signal, () => {}, "o");
    // The connection takes 15 ms of the 20 ms delay.
    await wait(15);
    calls[0]!.sent();
    await wait(15);
    expect(calls).toHaveLength(1);
    await wait(6);
    expect(calls).toHaveLength(2);
    for (const call of calls) call.resolve("done");
    await result;
  });

  it("hedges a hedge that is late too, up to `maxCopies`", async () => {
    const policy = new HedgePolicy({ ...QUICK, maxCopies: 3 });
    await answers(policy, "o", 1);
    const { calls, attempt } = controllable<string>();
    const result = hedged(attempt, policy, new AbortController().signal, () => {}, "o");
    await wait(21);
    expect(calls).toHaveLength(2);
    // The second copy's own delay runs from when it went out.
    await wait(18);
    expect(calls).toHaveLength(2);
    await wait(4);
    expect(calls).toHaveLength(3);
    await wait(200);
    expect(calls).toHaveLength(3);
    calls[2]!.resolve("third");
    expect(await result).toBe("third");
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls[1]!.signal.aborted).toBe(true);
    expect(policy.hedges).toBe(2);
  });

  it("keeps a budget per origin", async () => {
    const policy = new HedgePolicy({ ...QUICK, baseBudget: 1, perRequests: 1000 });
    const a = [controllable<string>(), controllable<string>()];
    const b = controllable<string>();
    const results = [
      ...a.map(({ attempt }) =>
        hedged(attempt, policy, new AbortController().signal, () => {}, "a"),
      ),
      hedged(b.attempt, policy, new AbortController().signal, () => {}, "b"),
    ];
    await wait(60);
    // One of `a`'s requests is hedged, the other not; `b` still has its own hedge.
    expect(a.map(({ calls }) => calls.length).sort()).toEqual([1, 2]);
    expect(b.calls).toHaveLength(2);
    for (const { calls } of [...a, b]) for (const call of calls) call.resolve("done");
    await Promise.all(results);
  });

  it("hedges a late request once a hedge in flight has settled", async () => {
    const policy = new HedgePolicy({ ...QUICK, maxInFlight: 1, baseBudget: 10 });
    const a = controllable<string>();
    const b = controllable<string>();
    const ra = hedged(a.attempt, policy, new AbortController().signal, () => {});
    await wait(10);
    const rb = hedged(b.attempt, policy, new AbortController().signal, () => {});
    await wait(45);
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(1);
    a.calls[1]!.resolve("a");
    await ra;
    await wait(25);
    expect(b.calls).toHaveLength(2);
    for (const call of b.calls) call.resolve("b");
    await rb;
  });
});
