/**
 * Runs tasks with at most `concurrency` in flight; the rest wait in order. A task may hand its
 * slot on before it settles by calling the `release` it is given (once its network part is done,
 * say, and only work on the main thread is left); the slot is freed when it settles otherwise.
 */
export type Limiter = <T>(task: (release: () => void) => Promise<T>) => Promise<T>;

/** Creates a {@link Limiter}. */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in.
  const handOn = () => {
    const next = waiting.shift();
    if (next === undefined) active -= 1;
    else next();
  };
  return async <T>(task: (release: () => void) => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      handOn();
    };
    try {
      return await task(release);
    } finally {
      release();
    }
  };
}
