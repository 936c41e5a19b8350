import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { startSpareThread } from "@uv-ts/fs";
import { describe, expect, it } from "vitest";
import { extractZip, MemberThreads, MemberWorker } from "../src/index.ts";
import { MemberBatches } from "../src/member-batches.ts";
import type { MemberJob } from "../src/member-worker.ts";
import { archiveFile, expectRejected, scratch, seededBytes, useMemberWorker } from "./helpers.ts";
import { buildZip, type RawEntry } from "./raw-zip.ts";

const worker = useMemberWorker();

/** Deterministic bytes that do not compress to nothing. */
function noise(size: number, seed: number): Buffer {
  return seededBytes(size, seed, (x) => x & 0x3f);
}

/** A job for `data` stored (not deflated) as the whole of a batch's copied bytes, to `path`. */
function storedJob(data: Buffer, path: string): MemberJob {
  return {
    offset: 0,
    length: data.length,
    shared: false,
    deflate: false,
    size: data.length,
    crc32: crc32(data),
    path,
    mode: 0o666,
  };
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

  it("writes_each_job_of_a_batch_with_its_own_fields", async () => {
    // Jobs travel packed (numbers in a table, paths joined): each must keep its own offset,
    // length, size, CRC, mode, storage and path, whether its bytes are copied or shared.
    const dir = await scratch();
    const texts = ["first\n", "", "third one\n".repeat(50), "é ü\n"];
    const stored = texts.map((text) => Buffer.from(text));
    const deflated = stored.map((bytes) => deflateRawSync(bytes));
    const copied = Buffer.concat(deflated);
    const plain = Buffer.concat(stored);
    const shared = Buffer.from(new SharedArrayBuffer(64 + plain.length));
    plain.copy(shared, 64);
    const jobs: MemberJob[] = [];
    let copiedAt = 0;
    let sharedAt = 64;
    for (const [i, bytes] of stored.entries()) {
      const inShared = i % 2 === 1;
      const length = inShared ? bytes.length : (deflated[i] as Buffer).length;
      jobs.push({
        offset: inShared ? sharedAt : copiedAt,
        length,
        shared: inShared,
        deflate: !inShared,
        size: bytes.length,
        crc32: crc32(bytes),
        path: join(dir, `f${i}.txt`),
        mode: i === 2 ? 0o777 : 0o666,
      });
      copiedAt += (deflated[i] as Buffer).length;
      sharedAt += bytes.length;
    }
    // Both kinds of memory in one batch: copied members at their offsets, shared ones at theirs.
    const copiedMemory = new Uint8Array(copied).buffer;
    const submitted = await worker.submit(
      { copied: copiedMemory, shared: shared.buffer as SharedArrayBuffer },
      jobs,
    );
    expect(await submitted.outcome).toBeUndefined();
    for (const [i, text] of texts.entries()) {
      expect(await readFile(join(dir, `f${i}.txt`), "utf8")).toBe(text);
    }
    expect(statSync(join(dir, "f2.txt")).mode & 0o111).not.toBe(0);
    expect(statSync(join(dir, "f0.txt")).mode & 0o111).toBe(0);
  });

  it("refuses_a_path_holding_a_nul_before_sending_anything", async () => {
    const dir = await scratch();
    const data = Buffer.from("x");
    const job = (path: string) => storedJob(data, path);
    await expect(
      worker.submit({ copied: new Uint8Array(data).buffer }, [
        job(join(dir, "a")),
        job(join(dir, "b\0c")),
      ]),
    ).rejects.toThrow(/NUL/);
    // Nothing was sent, and the worker still takes work.
    expect(existsSync(join(dir, "a"))).toBe(false);
    const ok = await worker.submit({ copied: new Uint8Array(data).buffer }, [job(join(dir, "a"))]);
    expect(await ok.outcome).toBeUndefined();
    expect(await readFile(join(dir, "a"), "utf8")).toBe("x");
  });

  it("runs_on_a_spare_thread_when_given_one", async () => {
    // Waits for a program as the launcher's spare thread does (see `SpareThreads`).
    const spare = startSpareThread();
    const idle = [spare];
    const adopted = MemberWorker.start(undefined, { take: () => idle.shift() }) as MemberWorker;
    expect(idle).toEqual([]);
    expect(await adopted.whenReady()).toBe(true);
    const dir = await scratch();
    const data = Buffer.from("x");
    const job = storedJob(data, join(dir, "a"));
    const done = await adopted.submit({ copied: new Uint8Array(data).buffer }, [job]);
    expect(await done.outcome).toBeUndefined();
    expect(await readFile(join(dir, "a"), "utf8")).toBe("x");
    // Closing it ends that very thread.
    const exited = new Promise((resolve) => spare.once("exit", resolve));
    adopted.close();
    await exited;
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

describe("directories sent with the first members", () => {
  it.each([
    ["with_directories", ["d/e"]],
    ["without_any", []],
  ])("waiting_for_them_sends_the_batch_that_carries_them_%s", async (_, relative) => {
    const dir = await scratch();
    const dirs = relative.map((d) => join(dir, d));
    const batches = new MemberBatches(MemberThreads.of([worker]), (_index, failure) => failure);
    batches.createDirectories(dirs);
    const data = Buffer.from("stored\n");
    const path = join(dir, relative.length > 0 ? "d/e/f.txt" : "f.txt");
    const written = batches.push(0, data, {
      deflate: false,
      size: 7,
      crc32: crc32(data),
      path,
      mode: 0o666,
    });
    // Nothing full was sent yet: waiting must send the batch rather than wait for it forever.
    await batches.directoriesCreated();
    await written;
    await batches.settle();
    expect(batches.failure).toBeUndefined();
    for (const d of dirs) expect(statSync(d).isDirectory()).toBe(true);
    expect(await readFile(path, "utf8")).toBe("stored\n");
  });
});

describe("inflating on the worker's one reused engine", () => {
  const data = noise(5000, 3);
  const deflated = deflateRawSync(data);

  /** Runs one deflated member on the worker; its outcome and whether the engine inflated it. */
  async function runOne(input: Buffer, size: number, crc = crc32(data)) {
    const dir = await scratch();
    const path = join(dir, "m");
    const before = worker.fastInflated;
    const job: MemberJob = {
      offset: 0,
      length: input.length,
      shared: false,
      deflate: true,
      size,
      crc32: crc,
      path,
      mode: 0o666,
    };
    const submitted = await worker.submit({ copied: new Uint8Array(input).buffer }, [job]);
    const outcome = await submitted.outcome;
    return { outcome, fast: worker.fastInflated - before, written: existsSync(path), path };
  }

  it("takes_the_engine_on_this_node", async () => {
    // Else every member silently goes the slow way again.
    const good = await runOne(deflated, data.length);
    expect(good).toMatchObject({ outcome: undefined, fast: 1, written: true });
    expect((await readFile(good.path)).equals(data)).toBe(true);
    const { file, dest } = await archiveFile(
      "pkg-1.0-py3-none-any.whl",
      buildZip([
        { name: "pkg/a.py", data: "a = 1\n".repeat(100) },
        { name: "pkg/b.py", data: "" },
        { name: "pkg/stored.txt", data: "as is\n", method: 0 },
      ]),
    );
    const before = worker.fastInflated;
    await extractZip(file, dest, { memberWorker: worker });
    expect(worker.fastInflated - before).toBe(2);
  });

  it.each([
    ["a_declared_size_too_big", deflated, data.length + 10, { kind: "size", got: data.length }],
    ["a_declared_size_too_small", deflated, data.length - 10, { kind: "size", got: data.length }],
    ["a_declared_size_of_zero", deflated, 0, { kind: "size", got: data.length }],
    [
      "trailing_bytes",
      Buffer.concat([deflated, Buffer.from("junk")]),
      data.length,
      { kind: "compressed-size", got: deflated.length },
    ],
    [
      "a_truncated_stream",
      deflated.subarray(0, deflated.length >> 1),
      data.length,
      { kind: "inflate", message: "unexpected end of file" },
    ],
    [
      "corrupt_data",
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      data.length,
      { kind: "inflate", message: "invalid block type" },
    ],
    ["no_bytes_at_all", Buffer.alloc(0), 0, { kind: "inflate", message: "unexpected end of file" }],
  ])("fails_as_before_on_%s_and_keeps_the_engine", async (_, input, size, failure) => {
    const bad = await runOne(input, size);
    expect(bad.outcome).toEqual({ index: 0, failure });
    expect(bad.fast).toBe(0);
    expect(bad.written).toBe(false);
    // The failure did not spoil the engine for the next member.
    expect(await runOne(deflated, data.length)).toMatchObject({ outcome: undefined, fast: 1 });
  });

  it("checks_the_crc_of_what_the_engine_inflated", async () => {
    const bad = await runOne(deflated, data.length, 0xdeadbeef);
    expect(bad.outcome).toEqual({ index: 0, failure: { kind: "crc", got: crc32(data) } });
    expect(bad.written).toBe(false);
  });

  it("writes_members_bigger_than_its_reused_buffer", async () => {
    // Past the 4 MiB cap a member gets a buffer of its own; below it the reused one grows.
    for (const size of [70_000, 300_000, 5_000_000]) {
      const big = noise(size, size);
      const result = await runOne(deflateRawSync(big), size, crc32(big));
      expect(result).toMatchObject({ outcome: undefined, fast: 1, written: true });
      expect((await readFile(result.path)).equals(big)).toBe(true);
    }
  });
});
