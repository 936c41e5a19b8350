import { readdirSync, renameSync } from "node:fs";
import { join, relative } from "node:path";
import { parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import { parseHeaders } from "@uv-ts/pypi-types";
import type { WheelSpec } from "@uv-ts/test-kit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  compareRecordEntries,
  formatRecord,
  installWheel,
  parseRecord,
  type RecordEntry,
  readNameAndVersion,
} from "../src/index.ts";
import { cleanup, fakeVenv, snapshotTree, tempDir, unpackedWheel } from "./helpers.ts";

const SPEC: WheelSpec = {
  name: "demo",
  version: "1.0.0",
  files: {
    "demo/__init__.py": "X = 1\n",
    "demo/sub/core.py": "Y = 2\n",
    "demo/sub/deeper/data.txt": "d\n",
    "top_level.py": "Z = 3\n",
  },
  scripts: { demo: "demo:main" },
  data: {
    "scripts/tool": "#!python\nprint(1)\n",
    "data/share/demo.txt": "d\n",
    "purelib/extra_mod.py": "E = 1\n",
  },
};

let root: string;
beforeEach(() => {
  root = tempDir("fast-paths");
});
afterEach(() => cleanup(root));

/** The files of an unpacked wheel as the cache records them when unpacking. */
function recordedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));
}

describe("installing from a recorded file list", () => {
  it("install_with_the_archives_file_list_writes_what_a_walk_would", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    const venv = join(root, "venv");

    let layout = fakeVenv(venv);
    const walked = await installWheel(wheel.dir, wheel.filename, layout);
    const expected = snapshotTree(venv);
    renameSync(venv, join(root, "walked"));

    layout = fakeVenv(venv);
    // Listed in an order unlike a walk's, which must not matter.
    const files = recordedFiles(wheel.dir).reverse();
    const listed = await installWheel(wheel.dir, wheel.filename, layout, { files });
    expect(listed.record).toEqual(walked.record);
    const actual = snapshotTree(venv);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, bytes] of expected) expect(actual.get(path)?.equals(bytes)).toBe(true);
  });
});

describe("RECORD", () => {
  const segment = fc.oneof(
    fc.stringMatching(/^[a-z0-9_.-]{1,8}$/),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 }),
    fc.constantFrom("é", "日本", "𝔘", "\uFFFD", "a,b", 'q"t', "z"),
  );
  const entry = fc.record(
    {
      path: fc
        .array(segment, { minLength: 1, maxLength: 3 })
        .map((parts) => parts.join("/").replace(/[\r\n]/g, "_")),
      hash: fc.option(fc.stringMatching(/^sha256=[A-Za-z0-9_-]{4,8}$/), { nil: undefined }),
      size: fc.option(fc.nat(10_000), { nil: undefined }),
    },
    { requiredKeys: ["path"] },
  );

  it("record_is_written_in_uvs_order_and_reads_back", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries: RecordEntry[]) => {
        const sorted = [...entries].sort(compareRecordEntries);
        const text = formatRecord(entries);
        const back = parseRecord(text);
        expect(back.map((e) => e.path)).toEqual(sorted.map((e) => e.path.replace(/^\/+/, "")));
        expect(back.map((e) => e.hash)).toEqual(sorted.map((e) => e.hash));
        expect(back.map((e) => e.size)).toEqual(sorted.map((e) => e.size));
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it("record_rows_read_the_same_with_or_without_quoting", () => {
    const text = 'a/b.py,sha256=x,1\r\nc.py,,\n\n"d,e.py",sha256=y,2\n';
    expect(parseRecord(text)).toEqual([
      { path: "a/b.py", hash: "sha256=x", size: 1 },
      { path: "c.py", hash: undefined, size: undefined },
      { path: "d,e.py", hash: "sha256=y", size: 2 },
    ]);
    expect(parseRecord("a/b.py,sha256=x,1\r\nc.py,,\n\n")).toEqual([
      { path: "a/b.py", hash: "sha256=x", size: 1 },
      { path: "c.py", hash: undefined, size: undefined },
    ]);
    expect(() => parseRecord("a,b,c,d\n")).toThrow("RECORD file is invalid");
  });
});

describe("METADATA name and version", () => {
  /** What the full header parser makes of a document (the reference). */
  function reference(doc: Buffer): { name: string; version: string } | string {
    try {
      const headers = parseHeaders(doc);
      const name = headers.get("name")?.[0];
      const version = headers.get("version")?.[0];
      if (name === undefined) return "no name";
      if (version === undefined) return "no version";
      return {
        name: parsePackageName(name),
        version: Version.parse(version).toString(),
      };
    } catch {
      return "error";
    }
  }

  function actual(doc: Buffer): { name: string; version: string } | string {
    try {
      const { name, version } = readNameAndVersion(doc);
      return { name, version: version.toString() };
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes("Name not found")) return "no name";
      if (message.includes("Version not found")) return "no version";
      return "error";
    }
  }

  const headerLine = fc.oneof(
    fc.constantFrom(
      "Metadata-Version: 2.1",
      "Name: demo-pkg",
      "name:demo_pkg",
      "NAME:   Demo.Pkg",
      "Name: UNKNOWN",
      "Name:\tdemo",
      "Name: demo ",
      "Name: =?utf-8?q?demo?=",
      "Version: 1.0.0",
      "version:2.0",
      "Version: 1!2.0+local.1",
      "Version: 1.0 ",
      "Version: not a version",
      "Summary: café",
      "Author: José",
      " folded continuation",
      "\tfolded continuation",
      "Classifier: Programming Language :: Python",
      "Requires-Dist: requests (>=2.0)",
      "no colon here",
      "",
    ),
  );
  const document = fc
    .tuple(
      fc.array(headerLine, { minLength: 1, maxLength: 8 }),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
    )
    .map(([lines, eol, body]) =>
      Buffer.from(`${lines.join(eol)}${eol}${body ? `${eol}Description body${eol}` : ""}`),
    );

  it("read_name_and_version_agrees_with_the_header_parser", () => {
    fc.assert(
      fc.property(document, (doc) => {
        expect(actual(doc)).toEqual(reference(doc));
      }),
      { seed: 1234, numRuns: 2000 },
    );
  });
});
