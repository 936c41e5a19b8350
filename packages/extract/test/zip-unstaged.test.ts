import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExtractError, extractZip } from "../src/index.ts";
import { scratch, useMemberWorker } from "./helpers.ts";
import { buildZip, type RawEntry } from "./raw-zip.ts";

const worker = useMemberWorker();

function members(count: number): RawEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `pkg/d${i % 7}/m${i}.py`,
    data: `value = ${i}\n`.repeat((i % 5) + 1),
  }));
}

function inSharedMemory(bytes: Buffer): Buffer {
  const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(shared);
  return shared;
}

/** What the parent of `dest` holds besides `dest` itself: a staged extraction's leftovers. */
async function besides(dest: string): Promise<string[]> {
  const names = await readdir(join(dest, ".."));
  return names.filter((name) => join(dest, "..", name) !== dest);
}

describe("unstaged extraction (the destination is in a directory the caller owns)", () => {
  for (const [label, workers] of [
    ["inline", []],
    ["member worker", [worker]],
  ] as const) {
    it(`unpacks_every_member_straight_into_dest (${label})`, async () => {
      const entries = members(300);
      const dest = join(await scratch(), "unpacked");
      const result = await extractZip(inSharedMemory(buildZip(entries)), dest, {
        unstaged: true,
        memberWorkers: workers,
        hashAlgorithms: ["sha256"],
      });
      expect(result.files.map((f) => f.path)).toEqual(entries.map((e) => e.name));
      expect(result.hashes.map((h) => h.algorithm)).toEqual(["sha256"]);
      for (const entry of entries) {
        expect(await readFile(join(dest, entry.name), "utf8"), entry.name).toBe(entry.data);
      }
      expect(await besides(dest)).toEqual([]);
    });
  }

  it("makes_the_destination_of_an_archive_without_directories", async () => {
    const dest = join(await scratch(), "flat");
    await extractZip(buildZip([{ name: "top.py", data: "x = 1\n" }]), dest, {
      unstaged: true,
      memberWorkers: [worker],
    });
    expect(await readFile(join(dest, "top.py"), "utf8")).toBe("x = 1\n");
  });

  it("unpacks_into_an_existing_empty_directory", async () => {
    const dest = join(await scratch(), "empty");
    await mkdir(dest);
    await extractZip(buildZip(members(20)), dest, { unstaged: true });
    expect((await stat(join(dest, "pkg", "d0", "m0.py"))).isFile()).toBe(true);
  });

  it("leaves_what_it_wrote_for_the_caller_after_a_refused_member", async () => {
    const entries = members(300);
    const bad = entries[250] as RawEntry;
    entries[250] = { ...bad, crc: 0x1234 };
    const dest = join(await scratch(), "unpacked");
    const error = await extractZip(inSharedMemory(buildZip(entries)), dest, {
      unstaged: true,
      memberWorkers: [worker],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The same error as a staged extraction; the members before it stay where they were written.
    expect(error).toBeInstanceOf(ExtractError);
    expect((error as ExtractError).code).toBe("extract.bad-crc");
    expect((error as ExtractError).message).toMatch(/for file: pkg\/d5\/m250\.py$/);
    expect(await readFile(join(dest, "pkg", "d0", "m0.py"), "utf8")).toBe("value = 0\n");
  });

  it("still_stages_a_stream_which_it_must_spool_first", async () => {
    const dest = join(await scratch(), "streamed");
    const bytes = buildZip(members(10));
    async function* chunks() {
      yield bytes.subarray(0, 100);
      yield bytes.subarray(100);
    }
    const result = await extractZip(chunks(), dest, { unstaged: true });
    expect(result.files).toHaveLength(10);
    expect(await besides(dest)).toEqual([]);
  });
});
