import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import {
  type ExtractErrorCode,
  type ExtractOptions,
  extractArchive,
  extractTar,
  extractTarGz,
  topLevelDirectory,
} from "../src/index.ts";
import { archiveFile, expectRejected, scratch } from "./helpers.ts";
import { buildTar, paxData, type TarEntry } from "./raw-tar.ts";

const setup: TarEntry = { name: "demo-1.0/setup.py", data: "from setuptools import setup\n" };

async function rejects(
  entries: TarEntry[],
  code: ExtractErrorCode,
  message?: string | RegExp,
  options: ExtractOptions = {},
  tarOptions: { end?: boolean; trailing?: Buffer } = {},
) {
  const { file, dest } = await archiveFile(
    "demo-1.0.tar.gz",
    gzipSync(buildTar(entries, tarOptions)),
  );
  return expectRejected(extractTarGz(file, dest, options), dest, code, message);
}

async function accepts(entries: TarEntry[]) {
  const { file, dest } = await archiveFile("demo-1.0.tar.gz", gzipSync(buildTar(entries)));
  const result = await extractTarGz(file, dest);
  return { dest, result };
}

describe("happy paths", () => {
  it("extracts_an_sdist_made_by_node_tar", async () => {
    const src = await scratch();
    const top = join(src, "demo-1.0");
    await mkdir(join(top, "src/demo"), { recursive: true });
    await writeFile(join(top, "setup.py"), "from setuptools import setup\nsetup()\n");
    await writeFile(join(top, "src/demo/__init__.py"), "x = 1\n");
    await writeFile(join(top, "build.sh"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(join(top, "PKG-INFO"), "Metadata-Version: 2.1\nName: demo\n");
    await symlink("setup.py", join(top, "setup-link.py"));
    const longDir = `src/${"d".repeat(60)}/${"e".repeat(60)}`;
    await mkdir(join(top, longDir), { recursive: true });
    await writeFile(join(top, longDir, `${"f".repeat(90)}.py`), "long\n");
    const archive = join(src, "demo-1.0.tar.gz");
    await tar.c({ gzip: true, cwd: src, file: archive, portable: true }, ["demo-1.0"]);
    const bytes = await readFile(archive);

    const dest = join(await scratch(), "unpacked");
    const result = await extractTarGz(archive, dest, { hashAlgorithms: ["sha256"] });
    expect(result.hashes).toEqual([
      { algorithm: "sha256", digest: createHash("sha256").update(bytes).digest("hex") },
    ]);
    const root = await topLevelDirectory(dest);
    expect(root).toBe(join(dest, "demo-1.0"));
    expect(await readFile(join(root, "setup.py"), "utf8")).toContain("setup()");
    expect(await readFile(join(root, longDir, `${"f".repeat(90)}.py`), "utf8")).toBe("long\n");
    expect((await stat(join(root, "build.sh"))).mode & 0o111).not.toBe(0);
    expect((await stat(join(root, "setup.py"))).mode & 0o111).toBe(0);
    expect((await lstat(join(root, "setup-link.py"))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(root, "setup-link.py"))).toBe("setup.py");
    expect(result.files.map((f) => f.path).sort()).toEqual(
      [
        "demo-1.0/PKG-INFO",
        "demo-1.0/build.sh",
        "demo-1.0/setup.py",
        "demo-1.0/src/demo/__init__.py",
        `demo-1.0/${longDir}/${"f".repeat(90)}.py`,
      ].sort(),
    );

    // The same bytes as a stream, and through the filename dispatcher.
    const again = join(await scratch(), "again");
    const streamed = await extractArchive(Readable.from([bytes]), again, {
      filename: "demo-1.0.tar.gz",
      hashAlgorithms: ["sha256"],
    });
    expect(streamed).toEqual(result);
  });

  it("honours_pax_gnu_and_ustar_long_names_and_git_global_headers", async () => {
    const long = `demo-1.0/${"p".repeat(120)}.py`;
    const { dest, result } = await accepts([
      { name: "pax_global_header", type: "g", data: paxData([["comment", "0123abcd"]]) },
      { name: "demo-1.0/", type: "5" },
      {
        name: "PaxHeader",
        type: "x",
        data: paxData([
          ["path", long],
          ["mtime", "1.5"],
        ]),
      },
      { name: "ignored-by-pax.py", data: "pax\n" },
      { name: "././@LongLink", type: "L", data: `demo-1.0/${"g".repeat(150)}.py\0` },
      { name: "truncated", data: "gnu\n", magic: "gnu" },
      { name: "x.py", prefix: "demo-1.0/ustar", data: "ustar\n" },
      { name: "./demo-1.0/dot.py", data: "dot\n" },
    ]);
    expect(await readFile(join(dest, long), "utf8")).toBe("pax\n");
    expect(await readFile(join(dest, `demo-1.0/${"g".repeat(150)}.py`), "utf8")).toBe("gnu\n");
    expect(await readFile(join(dest, "demo-1.0/ustar/x.py"), "utf8")).toBe("ustar\n");
    expect(await readFile(join(dest, "demo-1.0/dot.py"), "utf8")).toBe("dot\n");
    expect(result.files).toHaveLength(4);
  });

  it("turns_hard_links_to_earlier_members_into_copies", async () => {
    const { dest, result } = await accepts([
      setup,
      { name: "demo-1.0/copy.py", type: "1", linkName: "demo-1.0/setup.py" },
    ]);
    expect(await readFile(join(dest, "demo-1.0/copy.py"), "utf8")).toBe(setup.data);
    expect((await stat(join(dest, "demo-1.0/copy.py"))).nlink).toBe(1);
    expect(result.files.map((f) => f.path)).toEqual(["demo-1.0/setup.py", "demo-1.0/copy.py"]);
  });

  it("extracts_uncompressed_tar", async () => {
    const { file, dest } = await archiveFile("demo-1.0.tar", buildTar([setup]));
    await extractTar(file, dest, { compression: "none" });
    expect(await readFile(join(dest, "demo-1.0/setup.py"), "utf8")).toBe(setup.data);
  });
});

describe("A1/A2 in tar", () => {
  it.each([
    ["../evil.py", "parent directory reference"],
    ["demo-1.0/../../evil.py", "parent directory reference"],
    ["/etc/x", "absolute path"],
    ["C:\\x", "backslash"],
    ["C:x", "drive prefix"],
  ])("rejects_unsafe_member_%s", async (name, reason) => {
    const error = await rejects([setup, { name, data: "evil" }], "extract.unsafe-path");
    expect(error.message).toBe(`Archive member \`${name}\` has an unsafe path (${reason})`);
  });

  it("rejects_an_unsafe_pax_path", async () => {
    await rejects(
      [
        { name: "PaxHeader", type: "x", data: paxData([["path", "../../evil.py"]]) },
        { name: "harmless.py", data: "x" },
      ],
      "extract.unsafe-path",
    );
  });
});

describe("A7: links, extension-header tricks", () => {
  it("rejects_a_symlink_pointing_outside", async () => {
    const { file, dest, dir } = await archiveFile(
      "demo-1.0.tar.gz",
      gzipSync(
        buildTar([
          { name: "demo-1.0/x", type: "2", linkName: "../../.." },
          { name: "demo-1.0/x/evil", data: "evil" },
        ]),
      ),
    );
    await expectRejected(
      extractTarGz(file, dest),
      dest,
      "extract.link-escape",
      "Symbolic link `demo-1.0/x` points outside the destination: `../../..`",
    );
    expect(existsSync(join(dir, "..", "evil"))).toBe(false);
    await rejects([{ name: "l", type: "2", linkName: "/etc" }], "extract.link-escape");
  });

  it("rejects_writing_through_an_internal_symlink", async () => {
    await rejects(
      [
        { name: "demo-1.0/sub/", type: "5" },
        { name: "demo-1.0/x", type: "2", linkName: "sub" },
        { name: "demo-1.0/x/evil", data: "evil" },
      ],
      "extract.write-through-link",
      "Archive member `demo-1.0/x/evil` would be written through the symbolic link `demo-1.0/x`",
    );
  });

  it("rejects_replacing_a_symlink_with_a_file", async () => {
    await rejects(
      [
        { name: "x", type: "2", linkName: "y" },
        { name: "x", data: "evil" },
      ],
      "extract.path-conflict",
    );
  });

  it("rejects_a_symlink_that_a_later_link_makes_escape", async () => {
    // `a -> d/../x` is inside while `d` does not exist; `d -> .` then makes it `../x`.
    await rejects(
      [
        { name: "a", type: "2", linkName: "d/../x" },
        { name: "d", type: "2", linkName: "." },
      ],
      "extract.link-escape",
      "Symbolic link `a` points outside the destination: `d/../x`",
    );
  });

  it("rejects_a_symlink_escaping_through_a_case_variant", async () => {
    await rejects(
      [
        { name: "sub", type: "2", linkName: "." },
        { name: "a", type: "2", linkName: "SUB/../x" },
      ],
      "extract.link-escape",
    );
  });

  it("rejects_hard_links_outside_or_to_unknown_members", async () => {
    await rejects(
      [{ name: "demo-1.0/passwd", type: "1", linkName: "/etc/passwd" }],
      "extract.link-escape",
      "Hard link `demo-1.0/passwd` points outside the destination: `/etc/passwd`",
    );
    await rejects([{ name: "p", type: "1", linkName: "../../etc/passwd" }], "extract.link-escape");
    await rejects(
      [
        { name: "p", type: "1", linkName: "later.py" },
        { name: "later.py", data: "x" },
      ],
      "extract.link-escape",
    );
  });

  it("rejects_device_files_and_fifos", async () => {
    await rejects(
      [{ name: "dev", type: "3" }],
      "extract.unsupported-entry-type",
      "Archive member `dev` is a character device, which is not allowed in a distribution",
    );
    await rejects([{ name: "dev", type: "4" }], "extract.unsupported-entry-type");
    await rejects([{ name: "fifo", type: "6" }], "extract.unsupported-entry-type");
    await rejects([{ name: "sparse", type: "S" }], "extract.unsupported-entry-type");
  });

  it("rejects_a_pax_header_applied_to_a_gnu_long_name_header", async () => {
    // GHSA-3cv2-h65g-fgmm: `size` from the PAX header must not reframe the `L` header.
    await rejects(
      [
        { name: "PaxHeader", type: "x", data: paxData([["size", "0"]]) },
        { name: "././@LongLink", type: "L", data: "demo-1.0/long.py\0" },
        { name: "short", data: "data" },
      ],
      "extract.tar-structure",
      /Conflicting extended headers/,
    );
  });

  it("rejects_pax_path_together_with_gnu_long_name", async () => {
    for (const order of [
      [
        { name: "././@LongLink", type: "L", data: "gnu-name.py\0" },
        { name: "PaxHeader", type: "x", data: paxData([["path", "pax-name.py"]]) },
      ],
      [
        { name: "PaxHeader", type: "x", data: paxData([["path", "pax-name.py"]]) },
        { name: "././@LongLink", type: "L", data: "gnu-name.py\0" },
      ],
    ] as TarEntry[][]) {
      await rejects(
        [...order, { name: "short", data: "x" }],
        "extract.tar-structure",
        /Conflicting extended headers/,
      );
    }
  });

  it("rejects_malformed_and_dangling_pax_headers", async () => {
    await rejects(
      [{ name: "PaxHeader", type: "x", data: "99 path=x\n" }, setup],
      "extract.tar-structure",
      /Unterminated PAX record/,
    );
    await rejects(
      [{ name: "PaxHeader", type: "x", data: "garbage" }, setup],
      "extract.tar-structure",
      /Malformed PAX record/,
    );
    await rejects(
      [
        {
          name: "PaxHeader",
          type: "x",
          data: paxData([
            ["path", "a"],
            ["path", "b"],
          ]),
        },
        setup,
      ],
      "extract.tar-structure",
      /Duplicate PAX record/,
    );
    await rejects(
      [{ name: "PaxHeader", type: "x", data: paxData([["GNU.sparse.map", "0,1"]]) }, setup],
      "extract.tar-structure",
    );
    await rejects(
      [{ name: "G", type: "g", data: paxData([["path", "x"]]) }, setup],
      "extract.tar-structure",
      /Global PAX header sets `path`/,
    );
    await rejects(
      [setup, { name: "PaxHeader", type: "x", data: paxData([["path", "x"]]) }],
      "extract.tar-structure",
      /applies to no member/,
    );
  });

  it("rejects_ambiguous_and_corrupt_headers", async () => {
    await rejects(
      [{ ...setup, checksum: 1 }],
      "extract.tar-structure",
      /Bad header checksum at offset 0/,
    );
    await rejects(
      [{ ...setup, magic: "gnu", prefix: "evil" }],
      "extract.tar-structure",
      /Ambiguous GNU header/,
    );
    await rejects(
      [{ ...setup, magic: "v7", prefix: "evil" }],
      "extract.tar-structure",
      /Ambiguous v7 header/,
    );
    await rejects(
      [{ name: "link", type: "2", linkName: "setup.py", size: 3, data: "abc" }],
      "extract.tar-structure",
      /has a size/,
    );
    await rejects(
      [{ ...setup, patch: [[124, Buffer.from("0000000_12\0")]] }],
      "extract.tar-structure",
      /Invalid size/,
    );
  });

  it("rejects_data_after_the_end_marker_and_truncation", async () => {
    await rejects(
      [setup],
      "extract.tar-structure",
      /data after the end-of-archive marker/,
      {},
      {
        trailing: Buffer.from("hidden"),
      },
    );
    const whole = gzipSync(buildTar([setup, { name: "b.py", data: "b".repeat(2000) }]));
    const { file, dest } = await archiveFile("t.tar.gz", whole.subarray(0, whole.length - 40));
    await expectRejected(extractTarGz(file, dest), dest, "extract.tar-structure");
    const raw = buildTar([setup, { name: "b.py", data: "b".repeat(2000) }], { end: false });
    const cut = await archiveFile("c.tar.gz", gzipSync(raw.subarray(0, 1000)));
    await expectRejected(
      extractTarGz(cut.file, cut.dest),
      cut.dest,
      "extract.tar-structure",
      /Unexpected end of archive/,
    );
  });

  it("rejects_collisions_and_differing_duplicates", async () => {
    await rejects(
      [
        { name: "demo-1.0/Foo.py", data: "a" },
        { name: "demo-1.0/foo.py", data: "b" },
      ],
      "extract.path-collision",
    );
    await rejects(
      [setup, { ...setup, data: "evil" }],
      "extract.duplicate-entry",
      "Archive contains multiple entries with different contents for: demo-1.0/setup.py",
    );
    const { result } = await accepts([setup, setup]);
    expect(result.files).toHaveLength(1);
  });
});

describe("A8 in tar", () => {
  it("rejects_too_many_entries_and_too_many_bytes", async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: "" }));
    await rejects(many, "extract.limit-exceeded", "Archive contains more than 10 entries", {
      limits: { maxEntries: 10 },
    });
    // The declared size is refused before a byte of it is read.
    await rejects(
      [{ name: "big.bin", size: 1024 ** 3, data: "" }],
      "extract.limit-exceeded",
      /larger than the limit of 1000 bytes/,
      { limits: { maxEntryBytes: 1000 } },
    );
  });
});

describe("formats", () => {
  it("names_unsupported_compressions", async () => {
    const dir = await scratch();
    await expect(
      extractArchive(join(dir, "demo-1.0.tar.bz2"), join(dir, "out")),
    ).rejects.toMatchObject({
      code: "extract.unsupported-archive",
      message: expect.stringContaining("bzip2-compressed"),
    });
    await expect(extractArchive(join(dir, "demo-1.0.rar"), join(dir, "out"))).rejects.toMatchObject(
      {
        code: "extract.unsupported-archive",
      },
    );
    const { file, dest } = await archiveFile("lies.tar.gz", Buffer.from("BZh91AY&SY not really"));
    await expectRejected(
      extractTarGz(file, dest),
      dest,
      "extract.unsupported-archive",
      "Unsupported archive format: expected a gzip-compressed tar file, but found bzip2 data",
    );
  });

  it("top_level_directory_requires_exactly_one_entry", async () => {
    const { dest } = await accepts([setup, { name: "other/x.py", data: "x" }]);
    await expect(topLevelDirectory(dest)).rejects.toThrow(
      'The top-level of the archive must only contain a list directory, but it contains: ["demo-1.0", "other"]',
    );
  });
});
