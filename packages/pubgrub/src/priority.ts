/**
 * How urgently a package should be decided: higher first. A number, or a tuple of numbers compared
 * lexicographically (a missing element sorts below any present one).
 */
export type Priority = number | readonly number[];

/** Orders two priorities: negative when `a` is less urgent than `b`. */
export function comparePriority(a: Priority, b: Priority): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = typeof a === "number" ? [a] : a;
  const y = typeof b === "number" ? [b] : b;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = x[i]! - y[i]!;
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * A max-heap of package ids by priority, ties going to the package seen first (the lower id),
 * which makes the search breadth-first among equals. Updating or removing an id is O(log n)
 * thanks to a position index.
 */
export class PackagePriorityQueue {
  #heap: number[] = [];
  #priority: (Priority | undefined)[] = [];
  /** Position of each id in the heap, or -1. */
  #position: number[] = [];

  /** A copy sharing nothing mutable. */
  clone(): PackagePriorityQueue {
    const copy = new PackagePriorityQueue();
    copy.#heap = this.#heap.slice();
    copy.#priority = this.#priority.slice();
    copy.#position = this.#position.slice();
    return copy;
  }

  /** Whether `id` is queued. */
  has(id: number): boolean {
    return (this.#position[id] ?? -1) !== -1;
  }

  /** Queues `id`, or moves it to its new priority. */
  set(id: number, priority: Priority): void {
    const at = this.#position[id] ?? -1;
    this.#priority[id] = priority;
    if (at === -1) {
      this.#heap.push(id);
      this.#position[id] = this.#heap.length - 1;
      this.#up(this.#heap.length - 1);
    } else {
      this.#up(at);
      this.#down(this.#position[id]!);
    }
  }

  /** Takes `id` out of the queue if it is there. */
  delete(id: number): void {
    const at = this.#position[id] ?? -1;
    if (at === -1) return;
    const last = this.#heap.pop()!;
    this.#position[id] = -1;
    this.#priority[id] = undefined;
    if (at < this.#heap.length) {
      this.#heap[at] = last;
      this.#position[last] = at;
      this.#up(at);
      this.#down(this.#position[last]!);
    }
  }

  /** Takes out and returns the most urgent id. */
  pop(): number | undefined {
    const top = this.#heap[0];
    if (top !== undefined) this.delete(top);
    return top;
  }

  /** The queued ids with their priorities, in no particular order. */
  *entries(): IterableIterator<[number, Priority]> {
    for (const id of this.#heap) yield [id, this.#priority[id]!];
  }

  #before(a: number, b: number): boolean {
    const c = comparePriority(this.#priority[a]!, this.#priority[b]!);
    return c > 0 || (c === 0 && a < b);
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    this.#position[b] = i;
    this.#position[a] = j;
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(heap[i]!, heap[parent]!)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < heap.length && this.#before(heap[left]!, heap[best]!)) best = left;
      if (right < heap.length && this.#before(heap[right]!, heap[best]!)) best = right;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }
}
