/**
 * Runs `install` for each of `items`, in order, as a sequential loop would, except that with
 * `overlap` an item that waits (for the links a `LinkWorker` took) lets the next one start
 * meanwhile. After a failure no further item starts; those already started settle (completed or
 * rolled back), and the failure of the earliest item is thrown, the one a sequential loop would
 * have met first among them.
 *
 * `help`, once every item has started, is called while they wait, between turns of the event
 * loop, until it returns `false` (nothing left to do): the waiting thread does a share of what
 * the items wait for (`LinkWorker.steal`) rather than idle.
 *
 * With `overlap` and `rank`, items start by ascending rank (in order among equals): the caller
 * knows which will wait longest. The failure thrown is still that of the earliest in `items`.
 */
export async function installInOrder<T>(
  items: readonly T[],
  install: (item: T) => Promise<unknown>,
  overlap: boolean,
  help?: () => boolean,
  rank?: (item: T) => number,
): Promise<void> {
  if (!overlap) {
    for (const item of items) await install(item);
    return;
  }
  const order = items.map((_, index) => index);
  if (rank !== undefined) {
    const ranks = items.map(rank);
    order.sort((a, b) => ranks[a]! - ranks[b]! || a - b);
  }
  let failure: { index: number; error: unknown } | undefined;
  const running: Promise<void>[] = [];
  for (let at = 0; at < items.length && failure === undefined; at++) {
    const index = order[at]!;
    const settled = install(items[index]!).then(
      () => {},
      (error: unknown) => {
        if (failure === undefined || index < failure.index) failure = { index, error };
      },
    );
    running.push(settled);
    // A turn of the event loop: by then an item that failed without waiting has settled (every
    // promise reaction runs first), and the worker's replies for earlier items are delivered,
    // so that those complete now rather than at the end.
    await nextTurn();
  }
  const all = Promise.all(running);
  if (help !== undefined) {
    let done = false;
    void all.then(() => {
      done = true;
    });
    // A turn after each share, for the replies and the items that can complete meanwhile.
    while (!done && failure === undefined && help()) await nextTurn();
  }
  await all;
  if (failure !== undefined) throw failure.error;
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
