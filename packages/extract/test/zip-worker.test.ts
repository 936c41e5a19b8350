import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractZip, MemberWorker } from "../src/index.ts";
import { archiveFile, expectRejected } from "./helpers.ts";
import { buildZip, type RawEntry } from "./raw-zip.ts";

const worker = MemberWorker.start() as MemberWorker;
afterAll(() => worker.close());
beforeAll(async () => {
  expect(await worker.whenReady()).toBe(true);
});

/** Deterministic bytes that do not compress to nothing. */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) & 0x3f;
  }
  return out;
}

describe("members written on the member worker", () => {
  it("writes_every_member_on_the_worker_once_it_is_ready", async () => {
    // More members than one batch takes, a member bigger than a batch, stored and executable
    // ones, in nested directories the worker creates.
    const entries: RawEntry[] = [];
    for (let i = 0; i < 300; i++) {
      entries.push({ name: `pkg/d${i % 5}/m${i}.py`, data: `value = ${i}\n`.repeat(i % 7) });
    }
    entries.push({ name: "pkg/stored.txt", data: "as is\n", method: 0 });
    entries.push({ name: "pkg/run.sh", data: "#!/bin/sh\n", unixMode: 0o100755 });
    // Last: members after it could be done inline while the worker is busy with it.
    entries.push({ name: "pkg/big.bin", data: noise(1_500_000, 7) });
    const { file, dest } = await archiveFile("pkg-1.0-py3-none-any.whl", buildZip(entries));
    const before = worker.written;
    const result = await extractZip(file, dest, { memberWorker: worker });
    expect(worker.written - before).toBe(entries.length);
    expect(result.files.map((f) => f.path)).toEqual(entries.map((e) => e.name));
    for (const entry of entries) {
      const written = await readFile(join(dest, entry.name));
      expect(written.equals(Buffer.from(entry.data ?? "")), entry.name).toBe(true);
    }
    expect(statSync(join(dest, "pkg/run.sh")).mode & 0o111).not.toBe(0);
    expect(statSync(join(dest, "pkg/stored.txt")).mode & 0o111).toBe(0);
  });

  it("reads_an_archive_in_shared_memory_in_place", async () => {
    const entries: RawEntry[] = Array.from({ length: 50 }, (_, i) => ({
      name: `pkg/m${i}.py`,
      data: noise(1000 + i * 100, i + 1),
    }));
    entries.push({ name: "pkg/big.bin", data: noise(700_000, 99) });
    const bytes = buildZip(entries);
    const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
    bytes.copy(shared);
    const { dest } = await archiveFile("unused.whl", Buffer.alloc(0));
    const before = worker.written;
    const result = await extractZip(shared, dest, {
      memberWorker: worker,
      hashAlgorithms: ["sha256"],
    });
    expect(worker.written - before).toBe(entries.length);
    expect(result.hashes[0]?.digest).toBe(createHash("sha256").update(bytes).digest("hex"));
    for (const entry of entries) {
      const written = await readFile(join(dest, entry.name));
      expect(written.equals(entry.data as Buffer), entry.name).toBe(true);
    }
  });

  it("reports_the_member_that_comes_first_in_the_archive", async () => {
    // The CRC is checked on the worker, later than the walk meets the conflicting name; the
    // error must still be the one a member-by-member extraction meets first.
    const entries: RawEntry[] = [
      { name: "pkg/__init__.py", data: "" },
      { name: "pkg/a.py", data: "hello", crc: 0xdeadbeef },
      { name: "pkg/b.py", data: "x" },
      { name: "pkg/c.py", localName: "pkg/c.py", centralName: "pkg/d.py", data: "x" },
    ];
    const expected = `Bad CRC (got ${crc32("hello").toString(16).padStart(8, "0")}, expected deadbeef) for file: pkg/a.py`;
    for (const memberWorker of [undefined, worker]) {
      const { file, dest } = await archiveFile("pkg-1.0-py3-none-any.whl", buildZip(entries));
      await expectRejected(
        extractZip(file, dest, { memberWorker }),
        dest,
        "extract.bad-crc",
        expected,
      );
    }
  });

  it("refuses_a_member_that_already_exists_on_disk", async () => {
    // The worker creates files exclusively, as the inline path does: two spellings of one path
    // that the planner lets through would not silently overwrite each other.
    const { file, dest } = await archiveFile(
      "pkg-1.0-py3-none-any.whl",
      buildZip([{ name: "pkg/a.py", data: "one" }]),
    );
    const first = await extractZip(file, dest, { memberWorker: worker });
    expect(first.files).toHaveLength(1);
    // Extracting again into the same destination fails (and leaves the first result alone).
    await expect(extractZip(file, dest, { memberWorker: worker })).rejects.toMatchObject({
      code: "extract.destination-exists",
    });
    expect(await readFile(join(dest, "pkg/a.py"), "utf8")).toBe("one");
  });

  it("falls_back_to_inline_work_when_the_worker_is_gone", async () => {
    const gone = MemberWorker.start() as MemberWorker;
    expect(await gone.whenReady()).toBe(true);
    gone.close();
    const { file, dest } = await archiveFile(
      "pkg-1.0-py3-none-any.whl",
      buildZip([{ name: "pkg/a.py", data: "ok" }]),
    );
    const result = await extractZip(file, dest, { memberWorker: gone });
    expect(result.files.map((f) => f.path)).toEqual(["pkg/a.py"]);
    expect(gone.written).toBe(0);
  });
});
