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
  readonly tail: Buffer;

  constructor(head: unknown, tail: Buffer) {
    this.head = head;
    this.tail = tail;
  }
}
