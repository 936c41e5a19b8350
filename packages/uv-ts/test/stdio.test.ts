import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processOutput } from "../src/stdio.ts";

/** A stand-in for Node's stream that records what reaches it. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  let built = 0;
  const stream = {
    isTTY,
    columns: isTTY ? 123 : undefined,
    write(chunk: string | Uint8Array) {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    },
  };
  return {
    written,
    built: () => built,
    get: () => {
      built++;
      return stream as unknown as NodeJS.WriteStream;
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "uv-ts-stdio-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.platform !== "linux")("processOutput", () => {
  it("writes_a_file_directly_without_building_the_stream", () => {
    const path = join(dir, "out.txt");
    const fd = openSync(path, "w");
    const fake = fakeStream(false);
    const out = processOutput(fd, fake.get);
    out.write("Resolved 3 packages\n");
    out.write("héllo ✓\n");
    closeSync(fd);
    expect(readFileSync(path, "utf8")).toBe("Resolved 3 packages\nhéllo ✓\n");
    expect(out.isTTY).toBe(false);
    expect(out.columns).toBeUndefined();
    expect(fake.built()).toBe(0);
  });

  it("leaves_devices_to_the_stream", () => {
    const fd = openSync("/dev/null", "w");
    const fake = fakeStream(true);
    const out = processOutput(fd, fake.get);
    out.write("to the terminal\n");
    closeSync(fd);
    expect(fake.written).toEqual(["to the terminal\n"]);
    expect(out.isTTY).toBe(true);
    expect(out.columns).toBe(123);
  });

  it("hands_the_rest_to_the_stream_after_a_failed_write", () => {
    const path = join(dir, "out.txt");
    writeFileSync(path, "");
    // Opened for reading: every write to it fails (EBADF), as a closed pipe's would.
    const fd = openSync(path, "r");
    const fake = fakeStream(false);
    const out = processOutput(fd, fake.get);
    out.write("first\n");
    out.write("second\n");
    closeSync(fd);
    expect(readFileSync(path, "utf8")).toBe("");
    expect(fake.written).toEqual(["first\n", "second\n"]);
  });
});
