import { WheelFilename } from "@uv-ts/distribution-filename";
import { buildWheel } from "@uv-ts/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bufferSource,
  findDistInfoMetadata,
  readWheelMetadataFromZip,
  SparseRangeReader,
} from "../src/index.ts";
import { noise } from "./helpers.ts";
import { makeZip } from "./zip-builder.ts";

const METADATA = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n";
const DEMO = WheelFilename.parse("demo-1.0-py3-none-any.whl");

function countingReader(bytes: Buffer, tail: number) {
  const fetches: [number, number][] = [];
  const reader = new SparseRangeReader(
    bytes.length,
    async (start, end) => {
      fetches.push([start, end]);
      return bytes.subarray(start, end);
    },
    { start: bytes.length - tail, bytes: bytes.subarray(bytes.length - tail) },
  );
  return { reader, fetches };
}

describe("zip metadata", () => {
  it("metadata_in_the_tail_needs_no_further_range_request", async () => {
    const wheel = await buildWheel({
      name: "demo",
      version: "1.0",
      requiresDist: ["dep-a"],
      files: { "demo/__init__.py": "", "demo/blob.txt": noise(50_000) },
    });
    const { reader, fetches } = countingReader(wheel.bytes, 16_384);
    const text = await readWheelMetadataFromZip(reader, DEMO, { tailHint: 16_384 });
    expect(text).toBe(wheel.metadata);
    expect(fetches).toEqual([]);
  });

  it("metadata_outside_the_tail_costs_one_more_range_request_per_gap", async () => {
    // METADATA first, then a large payload: the tail holds only the central directory.
    const zip = makeZip([
      { name: "demo-1.0.dist-info/METADATA", data: METADATA, deflate: true },
      { name: "demo/blob.txt", data: noise(40_000) },
      { name: "demo-1.0.dist-info/RECORD", data: "" },
    ]);
    const { reader, fetches } = countingReader(zip, 1_000);
    expect(await readWheelMetadataFromZip(reader, DEMO, { tailHint: 1_000 })).toBe(METADATA);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.[0]).toBe(0);
    // A tail too short for the central directory fetches just the missing head of it.
    const short = countingReader(zip, 30);
    expect(await readWheelMetadataFromZip(short.reader, DEMO, { tailHint: 30 })).toBe(METADATA);
    expect(short.fetches.length).toBeLessThanOrEqual(3);
  });

  it("a_central_directory_outside_the_tail_comes_with_the_metadata_before_it", async () => {
    // The usual layout: payload, METADATA, RECORD, then a central directory bigger than the tail.
    const payload = Array.from({ length: 60 }, (_, i) => ({
      name: `demo/a_module_with_a_long_name_${i}.py`,
      data: noise(200, i + 1),
    }));
    const zip = makeZip([
      { name: "demo/blob.txt", data: noise(40_000) },
      ...payload,
      { name: "demo-1.0.dist-info/METADATA", data: METADATA, deflate: true },
      { name: "demo-1.0.dist-info/RECORD", data: noise(3_000) },
    ]);
    const metadataAt = zip.indexOf("demo-1.0.dist-info/METADATA") - 30;
    const cdAt = zip.readUInt32LE(zip.length - 6);
    expect(zip.length - cdAt).toBeGreaterThan(4_000);
    const { reader, fetches } = countingReader(zip, 1_000);
    expect(await readWheelMetadataFromZip(reader, DEMO, { tailHint: 1_000 })).toBe(METADATA);
    // One request, up to the tail, reaching back past METADATA (not two: directory, member).
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.[0]).toBeLessThanOrEqual(metadataAt);
    expect(fetches[0]?.[1]).toBe(zip.length - 1_000);
    expect(reader.fetchedBytes).toBe(zip.length - 1_000 - (fetches[0]?.[0] ?? 0));
    // The margin is only for a directory that has to be fetched: with the directory in the
    // tail, the member alone is fetched.
    const held = zip.length - cdAt;
    const inTail = countingReader(zip, held);
    expect(await readWheelMetadataFromZip(inTail.reader, DEMO, { tailHint: held })).toBe(METADATA);
    expect(inTail.fetches).toHaveLength(1);
    expect(inTail.fetches[0]?.[0]).toBe(metadataAt);
  });

  it("wheels_need_exactly_one_matching_dist_info", async () => {
    const read = (zip: Buffer) => readWheelMetadataFromZip(bufferSource(zip), DEMO);
    await expect(read(makeZip([{ name: "demo/__init__.py", data: "" }]))).rejects.toThrow(
      "No .dist-info directory found",
    );
    await expect(
      read(
        makeZip([
          { name: "demo-1.0.dist-info/METADATA", data: METADATA },
          { name: "demo_extra-1.0.dist-info/METADATA", data: METADATA },
        ]),
      ),
    ).rejects.toThrow("Multiple .dist-info directories found: demo-1.0, demo_extra-1.0");
    await expect(
      read(makeZip([{ name: "other-1.0.dist-info/METADATA", data: METADATA }])),
    ).rejects.toThrow(
      "The .dist-info directory other-1.0 does not start with the normalized package name: demo",
    );
    // Nested METADATA files are not the distribution's metadata.
    await expect(
      read(makeZip([{ name: "demo/vendored-1.0.dist-info/METADATA", data: METADATA }])),
    ).rejects.toThrow("No .dist-info directory found");
  });

  it("corrupt_archives_are_rejected", async () => {
    const zip = makeZip([{ name: "demo-1.0.dist-info/METADATA", data: METADATA }]);
    const flipped = Buffer.from(zip);
    const at = zip.indexOf("Name: demo");
    flipped[at] = (flipped[at] as number) ^ 0x20;
    await expect(readWheelMetadataFromZip(bufferSource(flipped), DEMO)).rejects.toThrow(/^Bad CRC/);
    await expect(
      readWheelMetadataFromZip(bufferSource(zip.subarray(0, zip.length - 5)), DEMO),
    ).rejects.toThrow("end of central directory record not found");
    await expect(
      readWheelMetadataFromZip(bufferSource(Buffer.from("not a zip at all")), DEMO),
    ).rejects.toThrow("end of central directory record not found");
  });

  it("only_a_top_level_dist_info_metadata_is_the_metadata", async () => {
    const zip = makeZip([
      { name: "METADATA", data: "root" },
      { name: "demo-1.0.dist-info/METADATA.bak", data: "backup" },
      { name: "demo-1.0.dist-info/sub/METADATA", data: "nested" },
      { name: "demo-1.0.dist-infoMETADATA", data: "no slash" },
      { name: "demo-1.0.dist-info/METADATA", data: METADATA, deflate: true },
      { name: "demo-1.0.dist-info/xMETADATA", data: "prefixed" },
    ]);
    expect(await readWheelMetadataFromZip(bufferSource(zip), DEMO)).toBe(METADATA);
  });

  it("the_member_read_is_the_one_the_names_select", async () => {
    // Names from pieces that make near misses likely; the reader must pick (or refuse) exactly
    // as `findDistInfoMetadata` does over every name of the archive.
    const piece = fc.constantFrom(
      "demo-1.0.dist-info",
      "Demo_1.0.dist-info",
      "other-1.0.dist-info",
      "demo",
      "METADATA",
      "RECORD",
      ".dist-info",
      "/",
      "x",
    );
    const names = fc.array(
      fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("")),
      { minLength: 1, maxLength: 6 },
    );
    for (const list of fc.sample(names, { numRuns: 400, seed: 658 })) {
      const entries = list.map((name, i) => ({ name, data: `member ${i}`, deflate: i % 2 === 0 }));
      let expected: string;
      try {
        expected = findDistInfoMetadata(DEMO, entries).data;
      } catch (error) {
        expected = `error: ${(error as Error).message}`;
      }
      const actual = await readWheelMetadataFromZip(bufferSource(makeZip(entries)), DEMO).then(
        (text) => text,
        (error: Error) => `error: ${error.message}`,
      );
      expect({ list, actual }).toEqual({ list, actual: expected });
    }
  });
});
