import { isAscii } from "node:buffer";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { BadResponseError } from "./errors.ts";
import { type HttpResponse, headerValue } from "./http-client.ts";
import { redactUrl } from "./redact.ts";
import { failureOf } from "./stream-failure.ts";

/** The decoded chunks of a body, in order, and their total length. */
export interface BodyChunks {
  readonly chunks: readonly Buffer[];
  readonly length: number;
}

/**
 * Reads the whole body, undoing `Content-Encoding: gzip`, `deflate` or `br`, and hands each
 * decoded chunk to `onChunk` as it arrives. A caller that only needs a digest of the body
 * (a page served again byte for byte) hashes it while the rest is still on the wire and never
 * pays for one contiguous copy of it; {@link joinChunks} makes that copy when it is needed.
 * Transport errors come out as they are (so that they are retried); a body that does not decode
 * is a {@link BadResponseError}.
 */
export function readBodyChunks(
  res: Pick<HttpResponse, "body" | "headers" | "url">,
  onChunk?: (chunk: Buffer) => void,
): Promise<BodyChunks> {
  const encoding = headerValue(res, "content-encoding")?.trim().toLowerCase();
  const body = res.body as unknown as Readable;
  const failure = failureOf(body);
  if (failure !== undefined) return Promise.reject(failure);
  let decoder: Transform;
  switch (encoding) {
    case undefined:
    case "":
    case "identity":
      return collect(body, onChunk);
    case "gzip":
    case "x-gzip":
      decoder = createGunzip();
      break;
    case "deflate":
      decoder = createInflate();
      break;
    case "br":
      decoder = createBrotliDecompress();
      break;
    default:
      // Read to the end first, as any body is: a transport error there is the one to report.
      return collect(body).then(() => {
        throw badEncoding(res.url, new Error(`unsupported content encoding \`${encoding}\``));
      });
  }
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      body.destroy();
      decoder.destroy();
      reject(error);
    };
    body.on("error", fail);
    decoder.on("error", (error) => fail(badEncoding(res.url, error)));
    body.pipe(decoder);
    collect(decoder, onChunk).then(resolve, () => {
      // Reported through the decoder's own error listener above.
    });
  });
}

/** Reads the whole body (decoded as {@link readBodyChunks} does) into one buffer. */
export async function readBody(res: HttpResponse): Promise<Buffer> {
  return joinChunks(await readBodyChunks(res));
}

/** The chunks as one buffer; a single chunk is returned without a copy. */
export function joinChunks(body: BodyChunks): Buffer {
  const { chunks, length } = body;
  if (chunks.length === 1) return chunks[0] as Buffer;
  return Buffer.concat(chunks as Buffer[], length);
}

/**
 * The chunks decoded as UTF-8 ({@link joinChunks}'s bytes as text). When every chunk is ASCII
 * (nearly every JSON page), each is taken as it is, a byte per character, and the pieces joined
 * as text: the one large allocation is the text itself, where joining a page of megabytes into
 * a buffer first took a second one (fresh memory, so a page fault every 4 KiB) and decoded it.
 */
export function decodeChunks(body: BodyChunks): string {
  const { chunks } = body;
  if (chunks.length === 1) return (chunks[0] as Buffer).toString("utf8");
  if (!chunks.every((chunk) => isAscii(chunk))) return joinChunks(body).toString("utf8");
  return chunks.map((chunk) => chunk.toString("latin1")).join("");
}

function collect(stream: Readable, onChunk?: (chunk: Buffer) => void): Promise<BodyChunks> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (onChunk === undefined) return;
      try {
        onChunk(chunk);
      } catch (error) {
        stream.destroy(error as Error);
      }
    });
    stream.once("end", () => resolve({ chunks, length }));
    stream.once("error", reject);
  });
}

function badEncoding(url: URL, cause: unknown): BadResponseError {
  return new BadResponseError(
    "bad-encoding",
    `Failed to decode the response body from ${redactUrl(url)}`,
    { cause },
  );
}
