import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import yazl from "yazl";
import {
  collisionKey,
  ExtractError,
  extractArchive,
  extractZip,
  HashMismatchError,
} from "../src/index.ts";
import { archiveFile, expectNothingLeft, readTree, scratch } from "./helpers.ts";
import { buildZip } from "./raw-zip.ts";

interface WheelFile {
  name: string;
  data: Buffer;
  executable?: boolean;
  compress?: boolean;
  stream?: boolean;
}

/** Builds a zip with yazl (the way a real, third-party writer lays it out). */
async function yazlZip(
  files: WheelFile[],
  options: { zip64?: boolean; directories?: string[] } = {},
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const dir of options.directories ?? []) zip.addEmptyDirectory(dir);
  for (const file of files) {
    const common = {
      mode: file.executable === true ? 0o100755 : 0o100644,
      compress: file.compress ?? true,
      forceZip64Format: options.zip64 ?? false,
    };
    // Read streams make yazl write data descriptors; buffers do not.
    if (file.stream === true) zip.addReadStream(Readable.from([file.data]), file.name, common);
    else zip.addBuffer(file.data, file.name, common);
  }
  zip.end({ forceZip64Format: options.zip64 ?? false, comment: "" });
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const wheel: WheelFile[] = [
  { name: "demo/__init__.py", data: Buffer.from("from .core import run\n") },
  { name: "demo/core.py", data: Buffer.from("def run():\n    return 42\n".repeat(50)) },
  { name: "demo/sub/deep/data.bin", data: Buffer.from([0, 1, 2, 3, 255]), compress: false },
  { name: "demo-1.0.data/scripts/demo-tool", data: Buffer.from("#!python\n"), executable: true },
  {
    name: "demo-1.0.dist-info/METADATA",
    data: Buffer.from("Metadata-Version: 2.1\nName: demo\n"),
    stream: true,
  },
  { name: "demo-1.0.dist-info/RECORD", data: Buffer.from(""), stream: true },
];

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("happy paths", () => {
  it("extracts_a_wheel_made_by_another_writer_from_a_path", async () => {
    const bytes = await yazlZip(wheel, { directories: ["demo/empty/"] });
    const { file, dest } = await archiveFile("demo-1.0-py3-none-any.whl", bytes);
    const result = await extractZip(file, dest, { hashAlgorithms: ["sha256", "md5"] });
    expect(result.hashes).toEqual([
      { algorithm: "sha256", digest: sha256(bytes) },
      { algorithm: "md5", digest: createHash("md5").update(bytes).digest("hex") },
    ]);
    expect(result.files).toEqual(
      wheel.map((f) => ({ path: f.name, size: f.data.length, executable: f.executable === true })),
    );
    for (const f of wheel) expect((await readFile(join(dest, f.name))).equals(f.data)).toBe(true);
    expect((await stat(join(dest, "demo/empty"))).isDirectory()).toBe(true);
    const script = await stat(join(dest, "demo-1.0.data/scripts/demo-tool"));
    expect(script.mode & 0o111).not.toBe(0);
    expect((await stat(join(dest, "demo/core.py"))).mode & 0o111).toBe(0);
  });

  it("extracts_from_bytes_in_memory_with_the_same_result", async () => {
    const bytes = await yazlZip(wheel);
    const dir = await scratch();
    await writeFile(join(dir, "w.whl"), bytes);
    const a = await extractZip(join(dir, "w.whl"), join(dir, "a"), { hashAlgorithms: ["sha256"] });
    const b = await extractZip(bytes, join(dir, "b"), { hashAlgorithms: ["sha256"] });
    expect(b).toEqual(a);
    expect(await readTree(join(dir, "b"))).toEqual(await readTree(join(dir, "a")));
    // The same strictness: one flipped byte of member data is a refused archive.
    const corrupt = Buffer.from(bytes);
    corrupt[40] = (corrupt[40] as number) ^ 0xff;
    await expect(extractZip(corrupt, join(dir, "c"))).rejects.toBeInstanceOf(ExtractError);
    expect(existsSync(join(dir, "c"))).toBe(false);
  });

  it("extracts_from_a_stream_with_the_same_result", async () => {
    const bytes = await yazlZip(wheel);
    const dir = await scratch();
    const fromPath = join(dir, "a");
    const fromStream = join(dir, "b");
    await writeFile(join(dir, "w.whl"), bytes);
    const a = await extractZip(join(dir, "w.whl"), fromPath, { hashAlgorithms: ["sha256"] });
    // Small chunks, so that spooling sees many writes.
    const chunks = Array.from({ length: Math.ceil(bytes.length / 100) }, (_, i) =>
      bytes.subarray(i * 100, (i + 1) * 100),
    );
    const b = await extractZip(Readable.from(chunks), fromStream, { hashAlgorithms: ["sha256"] });
    expect(b).toEqual(a);
    expect(await readTree(fromStream)).toEqual(await readTree(fromPath));
  });

  it("extracts_zip64_archives", async () => {
    const bytes = await yazlZip(wheel, { zip64: true });
    const { file, dest } = await archiveFile("z.whl", bytes);
    const result = await extractZip(file, dest);
    expect(result.files.map((f) => f.path)).toEqual(wheel.map((f) => f.name));
    const raw = buildZip(
      [
        { name: "a.py", data: "a", zip64: true },
        { name: "b.py", data: "b".repeat(1000), zip64: true, dataDescriptor: true },
      ],
      { zip64End: true },
    );
    const other = await archiveFile("r.whl", raw);
    await extractZip(other.file, other.dest);
    expect(await readFile(join(other.dest, "b.py"), "utf8")).toBe("b".repeat(1000));
  });

  it("extracts_stored_members_with_data_descriptors", async () => {
    const raw = buildZip([
      {
        name: "a.txt",
        data: "stored",
        method: 0,
        dataDescriptor: true,
        descriptorSignature: false,
      },
      { name: "b.txt", data: "next", method: 0 },
    ]);
    const { file, dest } = await archiveFile("s.zip", raw);
    await extractZip(file, dest);
    expect(await readFile(join(dest, "a.txt"), "utf8")).toBe("stored");
    expect(await readFile(join(dest, "b.txt"), "utf8")).toBe("next");
  });

  it("extract_archive_dispatches_on_the_filename", async () => {
    const bytes = await yazlZip(wheel);
    const { file, dest } = await archiveFile("demo-1.0-py3-none-any.whl", bytes);
    const result = await extractArchive(file, dest);
    expect(result.files).toHaveLength(wheel.length);
  });
});

describe("atomicity and verification", () => {
  it("verifies_expected_hashes_before_moving_into_place", async () => {
    const bytes = await yazlZip(wheel);
    const { file, dest } = await archiveFile("w.whl", bytes);
    const wrong = "0".repeat(64);
    const error = await extractZip(file, dest, {
      expectedHashes: { name: "demo==1.0", digests: [{ algorithm: "sha256", digest: wrong }] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HashMismatchError);
    expect((error as Error).message).toBe(
      `Hash mismatch for \`demo==1.0\`\n\nExpected:\n  sha256:${wrong}\n\nComputed:\n  sha256:${sha256(bytes)}`,
    );
    await expectNothingLeft(dest);
    const ok = await extractZip(Readable.from([bytes]), dest, {
      expectedHashes: {
        name: "demo==1.0",
        digests: [{ algorithm: "sha256", digest: sha256(bytes) }],
      },
    });
    expect(ok.hashes).toEqual([{ algorithm: "sha256", digest: sha256(bytes) }]);
  });

  it("refuses_to_replace_an_existing_destination", async () => {
    const bytes = await yazlZip(wheel);
    const { file, dest } = await archiveFile("w.whl", bytes);
    await extractZip(file, dest);
    const error = await extractZip(file, dest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractError);
    expect((error as ExtractError).code).toBe("extract.destination-exists");
    expect(await readFile(join(dest, "demo/__init__.py"), "utf8")).toBe("from .core import run\n");
  });

  it("leaves_nothing_behind_when_aborted", async () => {
    const bytes = await yazlZip(wheel);
    const { file, dest } = await archiveFile("w.whl", bytes);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(extractZip(file, dest, { signal: controller.signal })).rejects.toThrow("stop");
    await expectNothingLeft(dest);
  });

  it("leaves_nothing_behind_after_a_failure_late_in_the_archive", async () => {
    // Many good members first, so writes are in flight when the bad one is found.
    const entries = Array.from({ length: 200 }, (_, i) => ({
      name: `pkg/m${i}.py`,
      data: `x = ${i}\n`,
    }));
    const raw = buildZip([...entries, { name: "pkg/bad.py", data: "bad", crc: 1 }]);
    const { file, dest } = await archiveFile("late.whl", raw);
    await expect(extractZip(file, dest)).rejects.toMatchObject({ code: "extract.bad-crc" });
    await expectNothingLeft(dest);
  });
});

describe("properties", () => {
  const segment = fc
    .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.é-]{0,8}$/)
    .filter((s) => s !== "." && s !== "..");
  const tree = fc
    .uniqueArray(
      fc.record({
        path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/")),
        data: fc.uint8Array({ maxLength: 3000 }),
        executable: fc.boolean(),
        compress: fc.boolean(),
        stream: fc.boolean(),
      }),
      { selector: (f) => collisionKey(f.path), maxLength: 12 },
    )
    .filter((files) => {
      // No path may also be a directory of another path (under any spelling).
      const keys = new Set(files.map((f) => collisionKey(f.path)));
      const dirs = new Map<string, string>();
      for (const f of files) {
        const parts = f.path.split("/");
        for (let i = 1; i < parts.length; i++) {
          const dir = parts.slice(0, i).join("/");
          const key = collisionKey(dir);
          if (keys.has(key)) return false;
          const seen = dirs.get(key);
          if (seen !== undefined && seen !== dir) return false;
          dirs.set(key, dir);
        }
      }
      return true;
    });

  it("round_trips_random_trees_and_hashes", async () => {
    const root = await scratch();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(tree, async (files) => {
        run += 1;
        const bytes = await yazlZip(
          files.map((f) => ({
            name: f.path,
            data: Buffer.from(f.data),
            executable: f.executable,
            compress: f.compress,
            stream: f.stream,
          })),
        );
        const file = join(root, `${run}.whl`);
        await mkdir(root, { recursive: true });
        await writeFile(file, bytes);
        const dest = join(root, `out-${run}`);
        const result = await extractZip(file, dest, { hashAlgorithms: ["sha256"] });
        expect(result.hashes).toEqual([{ algorithm: "sha256", digest: sha256(bytes) }]);
        expect(result.files).toEqual(
          files.map((f) => ({ path: f.path, size: f.data.length, executable: f.executable })),
        );
        const onDisk = await readTree(dest);
        for (const f of files) {
          expect(onDisk[f.path]).toEqual({
            content: Buffer.from(f.data).toString("latin1"),
            executable: f.executable,
          });
        }
        const fileCount = Object.values(onDisk).filter((v) => v !== "dir").length;
        expect(fileCount).toBe(files.length);
      }),
      { numRuns: 30, seed: 20260821 },
    );
  });
});
