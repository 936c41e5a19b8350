/**
 * A cache payload in two parts: a small JSON `head`, decoded whenever the entry is read, and a
 * `tail` of raw bytes that the payload's owner decodes piece by piece, on demand. A big project
 * page is stored this way so that a run reads its header and only the few versions it looks at,
 * instead of parsing megabytes of JSON. The store checks the tail's length and checksum on read,
 * so an owner may trust the bytes it wrote.
 */
export class SplitPayload {
  /** JSON-serialisable. */
  readonly head: unknown;
  #tail: Buffer | undefined;
  readonly #parts: readonly Uint8Array[];

  /**
   * `tail` may come in pieces (a page just downloaded, after the table that indexes it): they
   * are written one after the other, and only joined if something reads {@link tail}. Joining
   * megabytes into fresh memory costs more than anything else the store does with them.
   */
  constructor(head: unknown, tail: Buffer | readonly Uint8Array[]) {
    this.head = head;
    if (Buffer.isBuffer(tail)) {
      this.#tail = tail;
      this.#parts = [tail];
    } else {
      this.#parts = tail;
    }
  }

  /** The tail's bytes, joined into one buffer when they came in pieces. */
  get tail(): Buffer {
    this.#tail ??= Buffer.concat(this.#parts);
    return this.#tail;
  }

  /** The tail's pieces, in order, without joining them. */
  get tailParts(): readonly Uint8Array[] {
    return this.#parts;
  }
}
