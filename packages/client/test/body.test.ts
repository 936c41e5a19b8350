// Response bodies are read chunk by chunk (hashed as they arrive), decoded when the server
// compressed them; transport errors stay transport errors, undecodable bodies are uv's error.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { joinChunks, readBody, readBodyChunks } from "../src/body.ts";
import type { HttpResponse } from "../src/http-client.ts";
import { renderError } from "./helpers.ts";

const TEXT = Buffer.from("<a href='pkg-1.0.tar.gz'>pkg-1.0.tar.gz</a>\n".repeat(2000), "utf8");

function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function response(
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
  encoding?: string,
): HttpResponse {
  return {
    status: 200,
    url: new URL("https://user:secret@index.example/simple/pkg/"),
    headers: encoding === undefined ? {} : { "content-encoding": encoding },
    body: Readable.from(chunks) as unknown as HttpResponse["body"],
  };
}

describe("readBodyChunks", () => {
  it("hashes_a_plain_body_chunk_by_chunk_to_the_digest_of_the_whole", async () => {
    const hash = createHash("sha256");
    const seen: number[] = [];
    const body = await readBodyChunks(response(pieces(TEXT, 1000)), (chunk) => {
      seen.push(chunk.length);
      hash.update(chunk);
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(body.length).toBe(TEXT.length);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(TEXT).digest("hex"));
    expect(joinChunks(body).equals(TEXT)).toBe(true);
  });

  it.each([
    ["gzip", gzipSync(TEXT)],
    ["x-gzip", gzipSync(TEXT)],
    ["deflate", deflateSync(TEXT)],
    ["br", brotliCompressSync(TEXT)],
    ["identity", TEXT],
    [" GZIP ", gzipSync(TEXT)],
  ])("decodes_content_encoding_%s", async (encoding, wire) => {
    const hash = createHash("sha256");
    const body = await readBodyChunks(response(pieces(wire, 333), encoding), (c) => hash.update(c));
    expect(joinChunks(body).equals(TEXT)).toBe(true);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(TEXT).digest("hex"));
  });

  it("a_single_chunk_is_returned_without_a_copy", async () => {
    const body = await readBodyChunks(response([TEXT]));
    expect(joinChunks(body)).toBe(body.chunks[0]);
  });

  it("an_empty_body_is_empty_unless_it_claims_compression", async () => {
    expect((await readBody(response([]))).length).toBe(0);
    // Not even a gzip header: as undecodable as any other broken stream.
    const error = await readBody(response([], "gzip")).catch((e: unknown) => e);
    expect(renderError(error)).toContain("Failed to decode the response body");
  });

  it("a_corrupt_compressed_body_is_a_decoding_error_with_a_redacted_url", async () => {
    const wire = gzipSync(TEXT);
    const broken = Buffer.concat([wire.subarray(0, 20), Buffer.from("not gzip at all")]);
    const error = await readBody(response([broken], "gzip")).catch((e: unknown) => e);
    expect(renderError(error)).toContain(
      "Failed to decode the response body from https://user:****@index.example/simple/pkg/",
    );
  });

  it("a_truncated_compressed_body_is_a_decoding_error", async () => {
    const wire = gzipSync(TEXT);
    const error = await readBody(response([wire.subarray(0, wire.length - 10)], "gzip")).catch(
      (e: unknown) => e,
    );
    expect(renderError(error)).toContain("Failed to decode the response body");
  });

  it("an_unknown_encoding_is_reported_after_the_body_is_read", async () => {
    const error = await readBody(response([TEXT], "zstd")).catch((e: unknown) => e);
    expect(renderError(error)).toContain("unsupported content encoding `zstd`");
  });

  it.each([undefined, "gzip"])(
    "a_transport_error_mid_body_surfaces_as_is_(%s)",
    async (encoding) => {
      const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      const wire = encoding === undefined ? TEXT : gzipSync(TEXT);
      async function* failing(): AsyncGenerator<Buffer> {
        yield wire.subarray(0, 100);
        throw reset;
      }
      const error = await readBody(response(failing(), encoding)).catch((e: unknown) => e);
      expect(error).toBe(reset);
    },
  );

  it("a_failing_chunk_handler_rejects_instead_of_throwing_out_of_the_stream", async () => {
    const boom = new Error("boom");
    const error = await readBodyChunks(response(pieces(TEXT, 1000)), () => {
      throw boom;
    }).catch((e: unknown) => e);
    expect(error).toBe(boom);
  });
});
