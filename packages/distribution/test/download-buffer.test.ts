import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DownloadBuffer } from "../src/download-buffer.ts";

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
});
