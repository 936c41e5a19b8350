import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import {
  formatDigest,
  HashingStream,
  HashMismatchError,
  hashStream,
  verifyHashes,
} from "../src/index.ts";

const body = Buffer.from("the wheel bytes".repeat(1000));
const sha = (alg: string) => createHash(alg).update(body).digest("hex");

describe("hashing", () => {
  it("hash_stream_computes_every_requested_algorithm", async () => {
    const chunks = [body.subarray(0, 7), body.subarray(7, 5000), body.subarray(5000)];
    const result = await hashStream(Readable.from(chunks), ["sha256", "sha512", "sha256"]);
    expect(result.size).toBe(body.length);
    expect(result.digests).toEqual([
      { algorithm: "sha256", digest: sha("sha256") },
      { algorithm: "sha512", digest: sha("sha512") },
    ]);
  });

  it("hashing_stream_passes_bytes_through", async () => {
    const tap = new HashingStream(["sha384"]);
    const seen: Buffer[] = [];
    await pipeline(
      Readable.from([body]),
      tap,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          seen.push(chunk);
          callback();
        },
      }),
    );
    expect(Buffer.concat(seen).equals(body)).toBe(true);
    expect(tap.size).toBe(body.length);
    expect(tap.digests().map(formatDigest)).toEqual([`sha384:${sha("sha384")}`]);
  });

  it("hash_mismatch_uses_uv_wording", () => {
    const expected = [{ algorithm: "sha256" as const, digest: "a".repeat(64) }];
    const computed = [{ algorithm: "sha256" as const, digest: "c".repeat(64) }];
    let error: unknown;
    try {
      verifyHashes("anyio==4.0.0", expected, computed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HashMismatchError);
    expect((error as HashMismatchError).code).toBe("hash.mismatch");
    expect((error as Error).message).toBe(
      `Hash mismatch for \`anyio==4.0.0\`\n\nExpected:\n  sha256:${"a".repeat(64)}\n\nComputed:\n  sha256:${"c".repeat(64)}`,
    );
  });

  it("verify_hashes_any_versus_all", () => {
    const good = { algorithm: "sha256" as const, digest: sha("sha256") };
    const bad = { algorithm: "sha256" as const, digest: "0".repeat(64) };
    const badMd5 = { algorithm: "md5" as const, digest: "0".repeat(32) };
    const computed = [good, { algorithm: "md5" as const, digest: sha("md5") }];
    expect(() => verifyHashes("x", [bad, good], computed)).not.toThrow();
    expect(() => verifyHashes("x", [bad, good], computed, "all")).toThrow(HashMismatchError);
    expect(() => verifyHashes("x", [good, badMd5], computed, "all")).toThrow(HashMismatchError);
    expect(() =>
      verifyHashes("x", [{ ...good, digest: good.digest.toUpperCase() }], computed),
    ).not.toThrow();
    // An expected algorithm that was never computed is a failure, not a pass.
    expect(() =>
      verifyHashes("x", [{ algorithm: "sha512", digest: sha("sha512") }], [good]),
    ).toThrow(HashMismatchError);
    expect(() => verifyHashes("x", [], computed)).not.toThrow();
  });
});
