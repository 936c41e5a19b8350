/**
 * Pull-style reads of exact byte counts from an async stream of chunks, for the sequential tar
 * parser. Never buffers more than the caller asks for plus one incoming chunk.
 */
export class StreamReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #queue: Buffer[] = [];
  #buffered = 0;
  #done = false;
  #position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.#position;
  }

  async #fill(length: number): Promise<void> {
    while (this.#buffered < length && !this.#done) {
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#done = true;
        break;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (chunk.length === 0) continue;
      this.#queue.push(chunk);
      this.#buffered += chunk.length;
    }
  }

  #take(length: number): Buffer {
    const first = this.#queue[0];
    let out: Buffer;
    if (first !== undefined && first.length >= length) {
      out = first.subarray(0, length);
      if (first.length === length) this.#queue.shift();
      else this.#queue[0] = first.subarray(length);
    } else {
      out = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const head = this.#queue[0] as Buffer;
        const n = Math.min(head.length, length - filled);
        head.copy(out, filled, 0, n);
        filled += n;
        if (n === head.length) this.#queue.shift();
        else this.#queue[0] = head.subarray(n);
      }
    }
    this.#buffered -= length;
    this.#position += length;
    return out;
  }

  /** Reads exactly `length` bytes, or returns whatever is left (maybe empty) at the end. */
  async read(length: number): Promise<Buffer> {
    await this.#fill(length);
    return this.#take(Math.min(length, this.#buffered));
  }

  /** Yields the next `length` bytes in chunks; stops early only at the end of the stream. */
  async *chunks(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      await this.#fill(1);
      if (this.#buffered === 0) return;
      const head = this.#queue[0] as Buffer;
      const chunk = this.#take(Math.min(left, head.length));
      left -= chunk.length;
      yield chunk;
    }
  }

  /** Yields everything up to the end of the stream. */
  async *rest(): AsyncGenerator<Buffer> {
    for (;;) {
      await this.#fill(1);
      if (this.#buffered === 0) return;
      const head = this.#queue[0] as Buffer;
      yield this.#take(head.length);
    }
  }
}
