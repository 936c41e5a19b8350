import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractZip } from "../src/index.ts";
import { archiveFile, expectRejected, useMemberWorker } from "./helpers.ts";
import { buildZip, type RawEntry } from "./raw-zip.ts";

const first = useMemberWorker();
const second = useMemberWorker();

/** Enough members in enough directories for several batches. */
function manyMembers(count: number): RawEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `pkg/d${i % 20}/sub${i % 3}/m${i}.py`,
    data: `value = ${i}\n`.repeat((i % 9) + 1),
  }));
}

function inSharedMemory(bytes: Buffer): Buffer {
  const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(shared);
  return shared;
}

describe("members spread over several member workers", () => {
  it("spreads_one_archive_over_every_worker_and_writes_every_member", async () => {
    const entries = manyMembers(700);
    const bytes = buildZip(entries);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const before = [first.written, second.written];
    const result = await extractZip(inSharedMemory(bytes), dest, {
      memberWorkers: [first, second],
    });
    const wrote = [first.written - (before[0] ?? 0), second.written - (before[1] ?? 0)];
    // Both threads took batches, including batches sent before the directories existed.
    expect(wrote[0]).toBeGreaterThan(0);
    expect(wrote[1]).toBeGreaterThan(0);
    expect((wrote[0] ?? 0) + (wrote[1] ?? 0)).toBe(entries.length);
    expect(result.files.map((f) => f.path)).toEqual(entries.map((e) => e.name));
    for (const entry of entries) {
      const written = await readFile(join(dest, entry.name), "utf8");
      expect(written, entry.name).toBe(entry.data);
    }
  });

  it("reports_the_first_bad_member_in_archive_order_whichever_worker_found_it", async () => {
    const entries = manyMembers(700);
    // Late members, in batches that go to either thread: the first of them is reported.
    for (const at of [650, 400]) {
      const entry = entries[at] as RawEntry;
      entries[at] = { ...entry, crc: 0x1234 };
    }
    const bytes = buildZip(entries);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    await expectRejected(
      extractZip(inSharedMemory(bytes), dest, { memberWorkers: [first, second] }),
      dest,
      "extract.bad-crc",
      /for file: pkg\/d0\/sub1\/m400\.py/,
    );
  });
});
