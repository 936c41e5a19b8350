import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DownloadBuffer } from "../src/download-buffer.ts";
import { MemoryBudget } from "../src/memory-budget.ts";

const root = mkdtempSync(join(tmpdir(), "uv-ts-download-buffer-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytes = (text: string) => Buffer.from(text);

describe("downloaded wheels stay in memory unless big", () => {
  it("keeps_a_small_download_in_memory_without_touching_the_disk", async () => {
    const spill = join(root, "small.whl");
    const buffer = new DownloadBuffer(16, spill);
    await buffer.write(bytes("hello "));
    await buffer.write(bytes("world"));
    const result = await buffer.finish();
    expect(typeof result).not.toBe("string");
    expect(Buffer.isBuffer(result)).toBe(true);
    expect((result as Buffer).toString()).toBe("hello world");
    // Shared, so that extraction threads read it in place.
    expect((result as Buffer).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(existsSync(spill)).toBe(false);
  });

  it("spills_everything_to_the_file_once_past_the_limit", async () => {
    const spill = join(root, "big.whl");
    const buffer = new DownloadBuffer(8, spill);
    await buffer.write(bytes("0123456"));
    await buffer.write(bytes("789abc"));
    await buffer.write(bytes("def"));
    expect(await buffer.finish()).toBe(spill);
    expect(readFileSync(spill, "utf8")).toBe("0123456789abcdef");
  });

  it("a_retry_starts_from_nothing_and_removes_the_spilled_bytes", async () => {
    const spill = join(root, "retry.whl");
    const buffer = new DownloadBuffer(4, spill);
    await buffer.write(bytes("partial attempt"));
    expect(existsSync(spill)).toBe(true);
    await buffer.reset();
    expect(existsSync(spill)).toBe(false);
    await buffer.write(bytes("ok"));
    expect(((await buffer.finish()) as Buffer).toString()).toBe("ok");
  });

  it("writes_into_shared_memory_of_the_size_the_index_gives", async () => {
    const spill = join(root, "sized.whl");
    const budget = new MemoryBudget(1000);
    const buffer = new DownloadBuffer(100, spill, { expectedSize: 11, budget });
    await buffer.write(bytes("hello "));
    await buffer.write(bytes("world"));
    expect(budget.left).toBe(1000 - 11);
    const result = (await buffer.finish()) as Buffer;
    expect(result.toString()).toBe("hello world");
    expect(result.buffer).toBeInstanceOf(SharedArrayBuffer);
    await buffer.discard();
    expect(budget.left).toBe(1000);
    expect(existsSync(spill)).toBe(false);
  });

  it("keeps_a_download_bigger_than_its_index_size_whole", async () => {
    const buffer = new DownloadBuffer(1 << 20, join(root, "lied.whl"), { expectedSize: 4 });
    const parts = Array.from({ length: 50 }, (_, i) => bytes(`part ${i} of the body; `));
    for (const part of parts) await buffer.write(part);
    const result = (await buffer.finish()) as Buffer;
    expect(result.toString()).toBe(Buffer.concat(parts).toString());
    expect(result.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it("spills_to_the_file_when_the_shared_budget_is_spent", async () => {
    const budget = new MemoryBudget(300 * 1024);
    const held = new DownloadBuffer(1 << 20, join(root, "held.whl"), { budget });
    await held.write(Buffer.alloc(200 * 1024, 1));
    const spill = join(root, "over-budget.whl");
    const other = new DownloadBuffer(1 << 20, spill, { budget });
    const body = Buffer.alloc(150 * 1024, 2);
    await other.write(body.subarray(0, 1000));
    await other.write(body.subarray(1000));
    expect(await other.finish()).toBe(spill);
    expect(readFileSync(spill).equals(body)).toBe(true);
    await other.discard();
    // The memory of the first download is given back once it is used.
    await held.finish();
    await held.discard();
    expect(budget.left).toBe(300 * 1024);
  });
});

describe("bytes that fit in memory are taken at once", () => {
  it("an_in_memory_write_needs_no_waiting", async () => {
    const buffer = new DownloadBuffer(1024, join(root, "at-once.whl"), { expectedSize: 11 });
    // No promise: the download hands over thousands of chunks, and need not wait for any.
    expect(buffer.write(bytes("hello "))).toBeUndefined();
    expect(buffer.write(bytes("world"))).toBeUndefined();
    expect(((await buffer.finish()) as Buffer).toString()).toBe("hello world");
    await buffer.discard();
  });

  it("a_write_that_spills_is_waited_for", async () => {
    const spill = join(root, "waited.whl");
    const buffer = new DownloadBuffer(4, spill);
    expect(buffer.write(bytes("ab"))).toBeUndefined();
    const spilled = buffer.write(bytes("cdef"));
    expect(spilled).toBeInstanceOf(Promise);
    await spilled;
    expect(await buffer.finish()).toBe(spill);
    expect(readFileSync(spill, "utf8")).toBe("abcdef");
    await buffer.discard();
  });
});
