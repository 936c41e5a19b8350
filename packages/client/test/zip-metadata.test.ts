import { crc32, deflateRawSync } from "node:zlib";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { buildWheel } from "@uv-ts/test-kit";
import { describe, expect, it } from "vitest";
import { bufferSource, readWheelMetadataFromZip, SparseRangeReader } from "../src/index.ts";
import { noise } from "./helpers.ts";

/** A minimal zip writer (stored or deflated members), for archives a wheel builder won't make. */
function makeZip(entries: { name: string; data: string; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = Buffer.from(entry.data);
    const data = entry.deflate === true ? deflateRawSync(raw) : raw;
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.deflate === true ? 8 : 0, 8);
    local.writeUInt32LE(crc32(raw) >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.deflate === true ? 8 : 0, 10);
    central.writeUInt32LE(crc32(raw) >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

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
});
