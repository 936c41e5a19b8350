import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArchivePointer, parsePointer, serializePointer } from "../src/index.ts";

const BASE: ArchivePointer = {
  archiveId: "abc123",
  filename: "demo-1.0-py3-none-any.whl",
  hashes: [{ algorithm: "sha256", digest: "ab".repeat(32) }],
};

describe("archive file lists in pointers", () => {
  it("pointer_keeps_the_archives_file_list", () => {
    const pointer = { ...BASE, files: ["demo/__init__.py", "demo-1.0.dist-info/RECORD"] };
    expect(parsePointer(serializePointer(pointer))).toEqual(pointer);
  });

  it("pointer_without_a_file_list_reads_as_before", () => {
    const parsed = parsePointer(serializePointer(BASE));
    expect(parsed).toEqual(BASE);
    expect(parsed !== undefined && "files" in parsed).toBe(false);
  });

  it("a_file_list_that_could_leave_the_archive_is_ignored_not_trusted", () => {
    for (const bad of ["../escape.py", "/abs.py", "a//b.py", "a/./b.py", "a\\b.py", "", 7]) {
      const text = JSON.stringify({
        version: 0,
        archive: BASE.archiveId,
        filename: BASE.filename,
        hashes: BASE.hashes,
        files: ["ok.py", bad],
      });
      // The pointer still works; only the listing is dropped (the archive is walked instead).
      expect(parsePointer(text)).toEqual(BASE);
    }
  });

  it("a_listed_path_is_kept_exactly_when_every_segment_is_a_plain_name", () => {
    // The rule, segment by segment; the parser checks it in one scan of each path.
    const clean = (path: string) =>
      path !== "" &&
      !/[\\\0]/.test(path) &&
      path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
    const paths = fc.array(fc.constantFrom("a", ".", "/", "\\", "\0", "b.py", ".."), {
      maxLength: 7,
    });
    for (const parts of fc.sample(paths, { numRuns: 3000, seed: 72 })) {
      const path = parts.join("");
      const parsed = parsePointer(serializePointer({ ...BASE, files: ["ok.py", path] }));
      expect(parsed?.files !== undefined, JSON.stringify(path)).toBe(clean(path));
    }
  });
});
