import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ExtractErrorCode,
  type ExtractOptions,
  extractZip as extractZipWith,
  MemberWorker,
} from "../src/index.ts";
import { archiveFile, expectRejected } from "./helpers.ts";
import { buildZip, type RawEntry, type RawZipOptions } from "./raw-zip.ts";

const ok: RawEntry = { name: "pkg/__init__.py", data: "print('hi')\n" };

// Every check must hold whichever thread inflates and writes the members, and whether the archive
// is read from a file or from shared memory: the whole suite runs inline (from a file and from
// memory), with the member worker taking the members, and with the worker reading them in place
// from shared memory.
const worker = MemberWorker.start();
afterAll(() => worker?.close());

/** The archive at `path` as a downloaded wheel is handed over: in shared memory. */
function inSharedMemory(path: string): Buffer {
  const bytes = readFileSync(path);
  const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(shared);
  return shared;
}

describe.each([
  ["inline", undefined, false],
  // An archive in memory is walked synchronously (no promise per read): every check must hold.
  ["inline_from_shared_memory", undefined, true],
  ["member_worker", worker, false],
  ["member_worker_from_shared_memory", worker, true],
])("%s", (_mode, memberWorker, fromMemory) => {
  beforeAll(async () => {
    if (memberWorker !== undefined) expect(await memberWorker.whenReady()).toBe(true);
  });
  const extractZip: typeof extractZipWith = (source, dest, options = {}) =>
    extractZipWith(
      fromMemory && typeof source === "string" ? inSharedMemory(source) : source,
      dest,
      {
        memberWorker,
        ...options,
      },
    );

  async function rejects(
    entries: RawEntry[],
    code: ExtractErrorCode,
    message?: string | RegExp,
    zipOptions: RawZipOptions = {},
    options: ExtractOptions = {},
  ) {
    const { file, dest } = await archiveFile(
      "pkg-1.0-py3-none-any.whl",
      buildZip(entries, zipOptions),
    );
    return expectRejected(extractZip(file, dest, options), dest, code, message);
  }

  async function accepts(entries: RawEntry[], zipOptions: RawZipOptions = {}) {
    const { file, dest } = await archiveFile(
      "pkg-1.0-py3-none-any.whl",
      buildZip(entries, zipOptions),
    );
    const result = await extractZip(file, dest);
    return { dest, result };
  }

  describe("A1/A2: member names that escape or mean different things on different OSes", () => {
    it.each([
      ["../../evil.py", "parent directory reference"],
      ["pkg/../../evil.py", "parent directory reference"],
      ["/etc/x", "absolute path"],
      ["C:\\x", "backslash"],
      ["C:x", "drive prefix"],
      ["\\\\?\\C:\\x", "backslash"],
      ["a\\..\\..\\x", "backslash"],
      ["a//b.py", "empty or `.` component"],
      ["./a.py", "empty or `.` component"],
    ])("rejects_unsafe_member_%s", async (name, reason) => {
      const { file, dest, dir } = await archiveFile(
        "x.whl",
        buildZip([ok, { name, data: "evil" }]),
      );
      await expectRejected(
        extractZip(file, dest),
        dest,
        "extract.unsafe-path",
        `Archive member \`${name}\` has an unsafe path (${reason})`,
      );
      expect(existsSync(join(dir, "..", "evil.py"))).toBe(false);
      expect(existsSync(join(dir, "evil.py"))).toBe(false);
    });

    it("rejects_empty_and_control_character_names", async () => {
      await rejects([{ name: "", data: "x" }], "extract.empty-filename", /empty filename/);
      await rejects(
        [{ name: "pkg-1.0.dist-info/RECORD\n", data: "x" }],
        "extract.unacceptable-filename",
        "Archive contains unacceptable filename: pkg-1.0.dist-info/RECORD\u{FFFD}",
      );
      await rejects([{ name: "a\u0000b", data: "x" }], "extract.unacceptable-filename");
    });

    it("rejects_names_that_are_not_utf8", async () => {
      await rejects(
        [{ name: "x", nameBytes: Buffer.from([0x61, 0xff, 0x62]), utf8Flag: true }],
        "extract.not-utf8",
        "ZIP central directory entry filename at index 0 does not use UTF-8 encoding",
      );
      // Not flagged as UTF-8: `zipfile` would read CP437, so there is no single reading.
      await rejects(
        [{ name: "x", nameBytes: Buffer.from("é.py"), utf8Flag: false }],
        "extract.not-utf8",
      );
    });
  });

  describe("A3: local header and central directory disagree", () => {
    it("rejects_conflicting_local_and_central_names", async () => {
      await rejects(
        [{ name: "a.py", localName: "a.py", centralName: "b.py", data: "x" }],
        "extract.conflicting-paths",
        "ZIP file uses conflicting paths for the local file header at 0 (got a.py, expected b.py)",
      );
    });

    it("rejects_conflicting_checksums_sizes_and_flags", async () => {
      await rejects(
        [{ ...ok, localCrc: 1234 }],
        "extract.conflicting-checksums",
        /got 1234, expected \d+/,
      );
      await rejects([{ ...ok, localCompressedSize: 3 }], "extract.conflicting-compressed-sizes");
      await rejects(
        [{ ...ok, localUncompressedSize: 3 }],
        "extract.conflicting-uncompressed-sizes",
      );
      await rejects([{ ...ok, localMethod: 0 }], "extract.conflicting-flags");
      await rejects([{ ...ok, localFlags: 0x800 }], "extract.conflicting-flags");
    });

    it("rejects_a_unicode_path_field_that_disagrees_with_the_name", async () => {
      const field = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from("other.py")]);
      const extra = Buffer.concat([Buffer.from([0x75, 0x70, field.length, 0]), field]);
      await rejects([{ ...ok, centralExtra: extra }], "extract.zip-structure", /Unicode path/);
    });

    it("rejects_duplicate_extra_fields", async () => {
      const one = Buffer.from([0x55, 0x54, 1, 0, 0]);
      await rejects(
        [{ ...ok, localExtra: Buffer.concat([one, one]) }],
        "extract.zip-structure",
        /Duplicate extra field/,
      );
    });
  });

  /** Two different byte strings with the same CRC-32 and length (found by a birthday search). */
  function crcCollision(): [Buffer, Buffer] {
    const a = Buffer.from("425ab9e9e0aa2213b4c3e192", "hex");
    const b = Buffer.from("be55214eb39dda0761897cc1", "hex");
    expect(crc32(a)).toBe(crc32(b));
    return [a, b];
  }

  describe("central directory order", () => {
    it("unpacks_members_listed_in_another_order_than_the_files", async () => {
      const { dest, result } = await accepts(
        [
          { name: "a/x.py", data: "x" },
          { name: "b/y.py", data: "y" },
          { name: "c.py", data: "c" },
        ],
        { centralOrder: [2, 0, 1] },
      );
      // Walked (and listed) in file order.
      expect(result.files.map((f) => f.path)).toEqual(["a/x.py", "b/y.py", "c.py"]);
      expect(await readFile(join(dest, "b/y.py"), "utf8")).toBe("y");
      expect(await readFile(join(dest, "c.py"), "utf8")).toBe("c");
    });
  });

  describe("A4: duplicate members", () => {
    it("rejects_duplicates_with_different_bytes", async () => {
      await rejects(
        [ok, { ...ok, data: "print('evil')\n" }],
        "extract.duplicate-entry",
        "ZIP file contains multiple entries with different contents for: pkg/__init__.py",
      );
    });

    it("rejects_duplicates_with_equal_crc_and_size_but_different_bytes", async () => {
      const [a, b] = crcCollision();
      expect(a.equals(b)).toBe(false);
      await rejects(
        [
          { name: "m.py", data: a },
          { name: "m.py", data: b },
        ],
        "extract.duplicate-entry",
      );
    });

    it("rejects_duplicates_with_conflicting_modes", async () => {
      await rejects(
        [
          { ...ok, unixMode: 0o100644 },
          { ...ok, unixMode: 0o100755 },
        ],
        "extract.duplicate-mode",
        "ZIP file end-of-central-directory record contains multiple entries with the same path, but conflicting modes: pkg/__init__.py",
      );
    });

    it("accepts_byte_identical_duplicates_once", async () => {
      const { dest, result } = await accepts([ok, { ...ok, method: 0 }]);
      expect(result.files.map((f) => f.path)).toEqual(["pkg/__init__.py"]);
      expect(await readFile(join(dest, "pkg/__init__.py"), "utf8")).toBe("print('hi')\n");
    });

    it("writes_the_first_copy_in_file_order_when_the_directory_lists_another_first", async () => {
      const same = { name: "m.py", data: "print('m')\n" };
      const { dest, result } = await accepts(
        [{ ...same, method: 0 }, { name: "pkg/a.py", data: "a" }, same],
        { centralOrder: [2, 1, 0] },
      );
      expect(result.files.map((f) => f.path)).toEqual(["m.py", "pkg/a.py"]);
      expect(await readFile(join(dest, "m.py"), "utf8")).toBe("print('m')\n");
    });

    it("rejects_two_directory_records_for_one_local_header", async () => {
      await rejects(
        [ok, { name: "b.py", data: "x", offsetOverride: 0 }],
        "extract.zip-structure",
        /overlap|conflicting paths/,
      );
    });
  });

  describe("A5: CRC, sizes, data descriptors, end records", () => {
    it("rejects_crc_mismatch", async () => {
      await rejects(
        [{ name: "a.py", data: "hello", crc: 0xdeadbeef }],
        "extract.bad-crc",
        `Bad CRC (got ${crc32("hello").toString(16).padStart(8, "0")}, expected deadbeef) for file: a.py`,
      );
      await rejects([{ name: "a.py", data: "hello", crc: 1, method: 0 }], "extract.bad-crc");
    });

    it("rejects_uncompressed_size_mismatch", async () => {
      await rejects(
        [{ name: "sitecustomize.py", data: "x".repeat(27), uncompressedSize: 12 }],
        "extract.bad-uncompressed-size",
        "Bad uncompressed size (got 0000001b, expected 0000000c) for file: sitecustomize.py",
      );
      await rejects(
        [{ name: "a.py", data: "x".repeat(5), uncompressedSize: 12 }],
        "extract.bad-uncompressed-size",
        "Bad uncompressed size (got 00000005, expected 0000000c) for file: a.py",
      );
      await rejects(
        [{ name: "a.py", data: "x".repeat(5), uncompressedSize: 12, method: 0 }],
        "extract.bad-uncompressed-size",
      );
    });

    it("stops_counting_far_past_the_declared_size", async () => {
      await rejects(
        [{ name: "a.bin", data: Buffer.alloc(3 * 1024 * 1024), uncompressedSize: 10 }],
        "extract.bad-uncompressed-size",
        "Bad uncompressed size (got more than 0010000a, expected 0000000a) for file: a.bin",
      );
    });

    it("rejects_hidden_bytes_inside_the_compressed_region", async () => {
      const compressed = Buffer.concat([deflateRawSync(Buffer.from("hello")), Buffer.from("JUNK")]);
      await rejects(
        [{ name: "a.py", data: "hello", compressedData: compressed }],
        "extract.bad-compressed-size",
        /Bad compressed size \(got 00000007, expected 0000000b\) for file: a.py/,
      );
    });

    it("rejects_corrupt_deflate_data", async () => {
      await rejects(
        [{ name: "a.py", data: "hello", compressedData: Buffer.from([0xff, 0xff, 0xff]) }],
        "extract.zip-structure",
        /Failed to decompress a.py/,
      );
    });

    it("rejects_missing_and_unexpected_data_descriptors", async () => {
      await rejects(
        [{ ...ok, omitDescriptor: true }],
        "extract.missing-data-descriptor",
        "Data descriptor is missing for file: pkg/__init__.py",
      );
      await rejects(
        [
          { ...ok, strayDescriptor: true },
          { name: "b.py", data: "b" },
        ],
        "extract.unexpected-data-descriptor",
        "File contains an unexpected data descriptor: pkg/__init__.py",
      );
      await rejects([{ ...ok, strayDescriptor: true }], "extract.unexpected-data-descriptor");
    });

    it("rejects_a_data_descriptor_that_disagrees", async () => {
      await rejects([{ ...ok, dataDescriptor: true, descriptorCrc: 7 }], "extract.bad-crc");
      await rejects(
        [
          { ...ok, dataDescriptor: true, after: Buffer.from("xx") },
          { name: "b.py", data: "b" },
        ],
        "extract.zip-structure",
        /Invalid data descriptor/,
      );
    });

    it("rejects_bytes_after_the_end_record", async () => {
      await rejects(
        [ok],
        "extract.trailing-contents",
        "ZIP file contains trailing contents after the end-of-central-directory record",
        { trailing: Buffer.from("trailing junk") },
      );
    });

    it("accepts_trailing_nul_bytes", async () => {
      const { result } = await accepts([ok], { trailing: Buffer.alloc(300) });
      expect(result.files).toHaveLength(1);
    });

    it("rejects_an_end_record_count_that_disagrees", async () => {
      await rejects(
        [ok, { name: "b.py", data: "b" }],
        "extract.conflicting-entry-count",
        "ZIP file reports a number of entries in the central directory that conflicts with the actual number of entries (got 1, expected 2)",
        { eocdEntries: 1 },
      );
    });

    it("rejects_a_central_directory_size_that_disagrees", async () => {
      await rejects(
        [ok],
        "extract.zip-structure",
        /the central directory size \(0x[0-9a-f]+\) did not match the observed byte span \(0x[0-9a-f]+\)/,
        {
          cdSizeDelta: -4,
        },
      );
    });

    it("rejects_a_comment_that_hides_a_zip", async () => {
      await rejects(
        [ok],
        "extract.zip-in-zip",
        "ZIP file end-of-central-directory record contains a comment that appears to be an embedded ZIP file",
        { comment: Buffer.from([0x41, 0x01, 0x42]) },
      );
      const inner = buildZip([{ name: "evil.py", data: "evil" }]);
      await rejects([ok], "extract.zip-in-zip", undefined, { comment: inner });
    });

    it("rejects_local_headers_without_a_central_record", async () => {
      await rejects(
        [ok, { name: "hidden.py", data: "evil", omitFromCentral: true }],
        "extract.missing-central-directory-entry",
        /without a corresponding central-directory record entry for: hidden.py \(\d+\)/,
      );
    });

    it("rejects_data_before_the_first_member", async () => {
      await rejects([ok], "extract.zip-structure", /unexpected data at offset 0/, {
        prefix: Buffer.from("#!/bin/sh\nexit 0\n"),
      });
    });

    it("rejects_zip64_extensible_data", async () => {
      await rejects(
        [ok],
        "extract.extensible-data",
        "ZIP64 end-of-central-directory record contains unsupported extensible data",
        { zip64End: true, zip64Extensible: Buffer.from("abcd") },
      );
    });

    it("rejects_encryption_and_unknown_compression", async () => {
      await rejects([{ ...ok, extraFlags: 1 }], "extract.encrypted");
      await rejects(
        [{ ...ok, method: 12, compressedData: Buffer.from("BZh") }],
        "extract.unsupported-compression",
      );
    });

    it("rejects_truncated_archives", async () => {
      const whole = buildZip([ok, { name: "b.py", data: "b".repeat(100) }]);
      for (const cut of [10, 60, whole.length - 30]) {
        const { file, dest } = await archiveFile("t.whl", whole.subarray(0, cut));
        await expectRejected(extractZip(file, dest), dest, "extract.zip-structure");
      }
    });
  });

  describe("A6: names that collide on some filesystems", () => {
    it("rejects_case_collisions", async () => {
      await rejects(
        [
          { name: "Foo.py", data: "a" },
          { name: "foo.py", data: "b" },
        ],
        "extract.path-collision",
        "Archive contains paths that differ only in case or Unicode normalization: `Foo.py` and `foo.py`",
      );
      await rejects(
        [
          { name: "Pkg/a.py", data: "a" },
          { name: "pkg/b.py", data: "b" },
        ],
        "extract.path-collision",
      );
      await rejects(
        [
          { name: "straße.py", data: "a" },
          { name: "STRASSE.py", data: "b" },
        ],
        "extract.path-collision",
      );
    });

    it("rejects_nfc_nfd_collisions", async () => {
      await rejects(
        [
          { name: "caf\u00e9.py", data: "a" },
          { name: "cafe\u0301.py", data: "a" },
        ],
        "extract.path-collision",
      );
    });

    it("rejects_a_path_used_as_file_and_directory", async () => {
      await rejects(
        [
          { name: "a", data: "file" },
          { name: "a/b.py", data: "x" },
        ],
        "extract.path-conflict",
        "Archive contains `a` as both a file and a directory",
      );
      await rejects(
        [
          { name: "a/", data: "" },
          { name: "a", data: "x" },
        ],
        "extract.path-conflict",
      );
    });
  });

  describe("A8: zip bombs and resource caps", () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);

    it("rejects_a_high_ratio_member_when_capped", async () => {
      await rejects(
        [{ name: "zeros.bin", data: zeros }],
        "extract.limit-exceeded",
        /compression ratio above the limit of 100/,
        {},
        {
          limits: { maxRatio: 100 },
        },
      );
    });

    it("rejects_members_over_the_size_caps_before_inflating", async () => {
      await rejects(
        [{ name: "zeros.bin", data: zeros }],
        "extract.limit-exceeded",
        /larger than the limit of 1048576 bytes/,
        {},
        {
          limits: { maxEntryBytes: 1024 * 1024 },
        },
      );
      await rejects(
        [
          { name: "a.bin", data: zeros },
          { name: "b.bin", data: zeros },
        ],
        "extract.limit-exceeded",
        /unpacks to more than the limit of 30000000 bytes/,
        {},
        { limits: { maxTotalBytes: 30_000_000 } },
      );
    });

    it("stops_inflating_at_the_declared_size", async () => {
      // Declares 17 MiB (streamed path) but inflates to 20 MiB: aborted at the declared size.
      await rejects(
        [{ name: "zeros.bin", data: zeros, uncompressedSize: 17 * 1024 * 1024 }],
        "extract.bad-uncompressed-size",
        /got more than 01100000, expected 01100000/,
      );
    });

    it("rejects_too_many_entries", async () => {
      const many = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, data: "" }));
      await rejects(
        many,
        "extract.limit-exceeded",
        "Archive contains more than 100 entries",
        {},
        {
          limits: { maxEntries: 100 },
        },
      );
      // A million declared entries are refused at the default cap before the directory is read.
      await rejects([ok], "extract.limit-exceeded", "Archive contains more than 250000 entries", {
        zip64End: true,
        eocdEntries: 1_000_000,
      });
    });

    it("accepts_a_large_compressible_member_at_default_limits", async () => {
      const { dest, result } = await accepts([{ name: "zeros.bin", data: zeros }]);
      expect(result.files).toEqual([{ path: "zeros.bin", size: zeros.length, executable: false }]);
      expect((await readFile(join(dest, "zeros.bin"))).equals(zeros)).toBe(true);
    });
  });
});
