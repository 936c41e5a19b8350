import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import { BadResponseError } from "./errors.ts";
import { type HttpResponse, headerValue } from "./http-client.ts";
import { redactUrl } from "./redact.ts";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const brotliAsync = promisify(brotliDecompress);

/** Reads the whole body, undoing `Content-Encoding: gzip`, `deflate` or `br`. */
export async function readBody(res: HttpResponse): Promise<Buffer> {
  const raw = Buffer.from(await res.body.arrayBuffer());
  const encoding = headerValue(res, "content-encoding")?.trim().toLowerCase();
  try {
    switch (encoding) {
      case undefined:
      case "":
      case "identity":
        return raw;
      case "gzip":
      case "x-gzip":
        return await gunzipAsync(raw);
      case "deflate":
        return await inflateAsync(raw);
      case "br":
        return await brotliAsync(raw);
      default:
        throw new Error(`unsupported content encoding \`${encoding}\``);
    }
  } catch (error) {
    throw new BadResponseError(
      "bad-encoding",
      `Failed to decode the response body from ${redactUrl(res.url)}`,
      { cause: error },
    );
  }
}
