/**
 * Parse results by text, for immutable values that equal texts can share: an index page spells
 * the same version in every file of a release, and a resolution reads the same specifiers,
 * markers and requirements over and over. Only successes go in. Bounded: it starts over when
 * full, which only costs parsing again. A cache of pure results, not state: no caller can
 * observe whether an entry was reused.
 */
export class ParseMemo<V> {
  readonly #entries = new Map<string, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(text: string): V | undefined {
    return this.#entries.get(text);
  }

  /** Keeps `value` for `text` and returns it. */
  set(text: string, value: V): V {
    if (this.#entries.size >= this.#capacity) this.#entries.clear();
    this.#entries.set(text, value);
    return value;
  }
}
