// Reliability §5 A and B (archive safety and integrity) through the CLI: malicious wheels built
// in the test with a raw ZIP writer, served by the local index, installed with `uv-ts pip
// install`. Each test ends with the invariants: nothing written outside the venv and cache, the
// venv unchanged, nothing unverified in the cache's archive store, no stray temp dirs.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertSnapshot,
  hasFeature,
  type IndexFile,
  type IndexServer,
  startIndexServer,
  TestContext,
} from "@uv-ts/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archiveIds,
  type CraftedWheel,
  craftWheel,
  distInfos,
  sandboxTree,
  strays,
} from "./pip-reliability-support.ts";

const body = (i: number) => `VALUE = ${i}\n`;

/** One malicious wheel per row of the matrix; the key is the package name. */
const CRAFTED: Record<string, CraftedWheel> = {
  // A1: a member climbing out of the destination.
  "a1-traversal": {
    name: "a1-traversal",
    version: "1.0.0",
    files: { "a1_traversal/__init__.py": body(1), "../../evil.py": "print('pwned')\n" },
  },
  // A2: names that are absolute, or become so (or climb) on Windows.
  "a2-absolute": {
    name: "a2-absolute",
    version: "1.0.0",
    files: { "a2_absolute/__init__.py": body(2), "/opt/uv-ts-evil.py": "x\n" },
  },
  "a2-backslash": {
    name: "a2-backslash",
    version: "1.0.0",
    files: { "a2_backslash/__init__.py": body(2), "a\\..\\..\\evil.py": "x\n" },
  },
  "a2-drive": {
    name: "a2-drive",
    version: "1.0.0",
    files: { "a2_drive/__init__.py": body(2), "C:evil.py": "x\n" },
  },
  "a2-drive-root": {
    name: "a2-drive-root",
    version: "1.0.0",
    files: { "a2_drive_root/__init__.py": body(2), "C:\\evil.py": "x\n" },
  },
  "a2-unc": {
    name: "a2-unc",
    version: "1.0.0",
    files: { "a2_unc/__init__.py": body(2), "\\\\?\\C:\\evil.py": "x\n" },
  },
  // A3: the local header names a different file than the central directory.
  "a3-conflicting-names": {
    name: "a3-conflicting-names",
    version: "1.0.0",
    files: { "a3_conflicting_names/__init__.py": body(3), "a3_conflicting_names/a.py": "a\n" },
    tamper: (members) =>
      members.map((m) =>
        m.name === "a3_conflicting_names/a.py"
          ? { ...m, localName: "a3_conflicting_names/b.py" }
          : m,
      ),
  },
  // A4: the same member twice, with different bytes (rejected) or the same bytes (accepted).
  "a4-duplicate": {
    name: "a4-duplicate",
    version: "1.0.0",
    files: { "a4_duplicate/__init__.py": body(4) },
    tamper: (members) => [
      { name: "a4_duplicate/__init__.py", data: "import os\nos.system('evil')\n" },
      ...members,
    ],
  },
  "a4-duplicate-same": {
    name: "a4-duplicate-same",
    version: "1.0.0",
    files: { "a4_duplicate_same/__init__.py": body(4) },
    tamper: (members) => [{ name: "a4_duplicate_same/__init__.py", data: body(4) }, ...members],
  },
  // A5: a CRC that does not match the bytes.
  "a5-bad-crc": {
    name: "a5-bad-crc",
    version: "1.0.0",
    files: { "a5_bad_crc/__init__.py": body(5) },
    tamper: (members) =>
      members.map((m) => (m.name === "a5_bad_crc/__init__.py" ? { ...m, crc: 0xdeadbeef } : m)),
  },
  // A6: two members that are one file on a case-insensitive filesystem.
  "a6-case-collision": {
    name: "a6-case-collision",
    version: "1.0.0",
    files: {
      "a6_case_collision/__init__.py": body(6),
      "a6_case_collision/Foo.py": "one\n",
      "a6_case_collision/foo.py": "two\n",
    },
  },
  // A8: a member declaring 9 GiB (over the 8 GiB per-member cap) in 1 KiB of deflate.
  "a8-declared-bomb": {
    name: "a8-declared-bomb",
    version: "1.0.0",
    tamper: (members) => [
      ...members,
      {
        name: "a8_declared_bomb/bomb.bin",
        data: Buffer.alloc(1024 * 1024),
        zip64UncompressedSize: 9 * 1024 ** 3,
      },
    ],
  },
  // A9: entry points that escape the scripts directory or replace the interpreter.
  "a9-escaping-script": {
    name: "a9-escaping-script",
    version: "1.0.0",
    distInfo: {
      "entry_points.txt": "[console_scripts]\n../../../evil = a9_escaping_script:main\n",
    },
  },
  "a9-reserved-script": {
    name: "a9-reserved-script",
    version: "1.0.0",
    distInfo: { "entry_points.txt": "[console_scripts]\nPython.PY = a9_reserved_script:main\n" },
  },
  "a9-data-python": {
    name: "a9-data-python",
    version: "1.0.0",
    data: { "scripts/python": "#!/bin/sh\necho pwned\n" },
  },
  // B5: the file name says 1.0.0, METADATA says 1.0.1.
  "b5-mismatched-version": {
    name: "b5-mismatched-version",
    version: "1.0.1",
    filenameVersion: "1.0.0",
  },
  // B6: RECORD lists a file outside the environment and omits a real one.
  "b6-record-traversal": {
    name: "b6-record-traversal",
    version: "1.0.0",
    files: { "b6_record_traversal/__init__.py": body(6), "b6_record_traversal/extra.py": "e\n" },
    extraRecord: ["../../../../victim.txt,,"],
    unrecorded: ["b6_record_traversal/extra.py"],
  },
  // A healthy neighbour, present in the venv before every malicious install.
  "rel-good": { name: "rel-good", version: "1.0.0" },
};

let server: IndexServer;

beforeAll(async () => {
  if (!hasFeature("python")) return;
  // A8: more members than the default cap of 250 000 (about 21 MB of headers, all empty files).
  const names = Array.from({ length: 250_001 }, (_, i) => i.toString(36));
  const bomb: IndexFile = craftWheel({
    name: "a8-entry-bomb",
    version: "1.0.0",
    zip: { zip64End: true },
    tamper: (members) => [
      ...members,
      ...names.map((n) => ({ name: `e/${n}`, method: 0 as const })),
    ],
  });
  // Bounded on disk: the download is all the bomb costs.
  expect(bomb.size).toBeLessThan(32 * 1024 * 1024);
  server = await startIndexServer({
    files: [...Object.values(CRAFTED).map(craftWheel), bomb],
    scenarios: ["basic"],
  });
});

afterAll(async () => {
  await server?.close();
});

interface Seeded {
  readonly ctx: TestContext;
  /** `uv-ts pip install <spec>` from the local index, as a filtered snapshot. */
  install(spec: string, env?: Record<string, string>): Promise<string>;
  /**
   * The invariants after a refused install: nothing changed but the HTTP cache. With
   * `newArchive`, the wheel was refused at install time, after it was unpacked into the archive
   * store; that entry is harmless (installs always validate) and uv keeps it too.
   */
  unchanged(options?: { newArchive?: boolean }): Promise<void>;
}

/** A venv with `rel-good` installed, and the state every refused install must leave alone. */
async function seeded(): Promise<Seeded> {
  const ctx = await TestContext.create({
    python: ["3.12"],
    env: { UV_TEST_NO_HTTP_RETRY_DELAY: "1" },
  });
  await ctx.createVenv();
  const index = ["--index-url", server.simpleUrl];
  const good = await ctx.run(["pip", "install", "rel-good==1.0.0", ...index]);
  expect(good.exitCode, good.stderr).toBe(0);
  const tree = sandboxTree(ctx);
  let archives = archiveIds(ctx);
  const freeze = (await ctx.run(["pip", "freeze"])).stdout;
  expect(freeze).toBe("rel-good==1.0.0\n");
  return {
    ctx,
    install: (spec, env = {}) => ctx.snapshot(["pip", "install", spec, ...index], { env }),
    unchanged: async (options = {}) => {
      expect(sandboxTree(ctx)).toEqual(tree);
      const now = archiveIds(ctx);
      if (options.newArchive === true) {
        expect(now).toEqual(expect.arrayContaining(archives));
        archives = now;
      }
      expect(now).toEqual(archives);
      expect(strays(ctx)).toEqual({ cache: [], sitePackages: [] });
      expect((await ctx.run(["pip", "freeze"])).stdout).toBe(freeze);
      expect(distInfos(ctx)).toEqual(["rel_good-1.0.0.dist-info"]);
    },
  };
}

describe.skipIf(!hasFeature("python"))("pip install: malicious wheels", () => {
  // The refused installs share one venv: each must leave it exactly as it found it.
  let shared: Seeded;
  beforeAll(async () => {
    shared = await seeded();
  });
  afterAll(async () => {
    await shared?.ctx.cleanup();
  });

  it("a1_member_path_traversal_is_rejected", async () => {
    const { ctx, install, unchanged } = shared;
    assertSnapshot(
      await install("a1-traversal"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a1-traversal==1.0.0\`
        cause: Failed to extract archive: a1_traversal-1.0.0-py3-none-any.whl
        cause: Archive member \`../../evil.py\` has an unsafe path (parent directory reference)
      `,
    );
    await unchanged();
    expect(existsSync(join(ctx.root, "evil.py"))).toBe(false);
  });

  it("a2_absolute_backslash_and_drive_names_are_rejected", async () => {
    const { install, unchanged } = shared;
    const outputs: string[] = [];
    for (const name of ["a2-absolute", "a2-backslash", "a2-drive", "a2-drive-root", "a2-unc"]) {
      outputs.push(await install(name));
    }
    assertSnapshot(
      outputs.join("\n"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a2-absolute==1.0.0\`
        cause: Failed to extract archive: a2_absolute-1.0.0-py3-none-any.whl
        cause: Archive member \`/opt/uv-ts-evil.py\` has an unsafe path (absolute path)

      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a2-backslash==1.0.0\`
        cause: Failed to extract archive: a2_backslash-1.0.0-py3-none-any.whl
        cause: Archive member \`a\\..\\..\\evil.py\` has an unsafe path (backslash)

      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a2-drive==1.0.0\`
        cause: Failed to extract archive: a2_drive-1.0.0-py3-none-any.whl
        cause: Archive member \`C:evil.py\` has an unsafe path (drive prefix)

      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a2-drive-root==1.0.0\`
        cause: Failed to extract archive: a2_drive_root-1.0.0-py3-none-any.whl
        cause: Archive member \`C:\\evil.py\` has an unsafe path (backslash)

      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a2-unc==1.0.0\`
        cause: Failed to extract archive: a2_unc-1.0.0-py3-none-any.whl
        cause: Archive member \`\\\\?\\C:\\evil.py\` has an unsafe path (backslash)
      `,
    );
    await unchanged();
    expect(existsSync("/opt/uv-ts-evil.py")).toBe(false);
  });

  it("a3_local_header_and_central_directory_names_must_agree", async () => {
    const { install, unchanged } = shared;
    assertSnapshot(
      await install("a3-conflicting-names"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a3-conflicting-names==1.0.0\`
        cause: Failed to extract archive: a3_conflicting_names-1.0.0-py3-none-any.whl
        cause: ZIP file uses conflicting paths for the local file header at 74 (got a3_conflicting_names/b.py, expected a3_conflicting_names/a.py)
      `,
    );
    await unchanged();
  });

  it("a4_duplicate_members_with_different_bytes_are_rejected", async () => {
    const { install, unchanged } = shared;
    assertSnapshot(
      await install("a4-duplicate"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a4-duplicate==1.0.0\`
        cause: Failed to extract archive: a4_duplicate-1.0.0-py3-none-any.whl
        cause: ZIP file contains multiple entries with different contents for: a4_duplicate/__init__.py
      `,
    );
    await unchanged();
  });

  it("a4_duplicate_members_with_identical_bytes_are_accepted", async () => {
    const { ctx, install } = await seeded();
    await using _ = ctx;
    assertSnapshot(
      await install("a4-duplicate-same"),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + a4-duplicate-same==1.0.0
      `,
    );
    expect(readFileSync(join(ctx.sitePackages(), "a4_duplicate_same/__init__.py"), "utf8")).toBe(
      body(4),
    );
    expect(strays(ctx)).toEqual({ cache: [], sitePackages: [] });
    expect(archiveIds(ctx)).toHaveLength(2);
  });

  it("a5_crc_mismatch_is_rejected", async () => {
    const { install, unchanged } = shared;
    assertSnapshot(
      await install("a5-bad-crc"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a5-bad-crc==1.0.0\`
        cause: Failed to extract archive: a5_bad_crc-1.0.0-py3-none-any.whl
        cause: Bad CRC (got 770a6160, expected deadbeef) for file: a5_bad_crc/__init__.py
      `,
    );
    await unchanged();
  });

  it("a6_case_colliding_members_are_rejected", async () => {
    const { install, unchanged } = shared;
    assertSnapshot(
      await install("a6-case-collision"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a6-case-collision==1.0.0\`
        cause: Failed to extract archive: a6_case_collision-1.0.0-py3-none-any.whl
        cause: Archive contains paths that differ only in case or Unicode normalization: \`a6_case_collision/Foo.py\` and \`a6_case_collision/foo.py\`
      `,
    );
    await unchanged();
  });

  it("a8_zip_bombs_stop_at_the_caps", async () => {
    const { install, unchanged } = shared;
    assertSnapshot(
      await install("a8-declared-bomb"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a8-declared-bomb==1.0.0\`
        cause: Failed to extract archive: a8_declared_bomb-1.0.0-py3-none-any.whl
        cause: Archive member \`a8_declared_bomb/bomb.bin\` is larger than the limit of 8589934592 bytes
      `,
    );
    assertSnapshot(
      await install("a8-entry-bomb"),
      `
      exit_code: 1 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      error: Failed to download \`a8-entry-bomb==1.0.0\`
        cause: Failed to extract archive: a8_entry_bomb-1.0.0-py3-none-any.whl
        cause: Archive contains more than 250000 entries
      `,
    );
    await unchanged();
  });

  it("a9_entry_points_must_stay_in_the_scripts_directory", async () => {
    const { ctx, install, unchanged } = shared;
    const python = readFileSync(join(ctx.venv, "bin", "python"));
    const outputs: string[] = [];
    for (const name of ["a9-escaping-script", "a9-reserved-script", "a9-data-python"]) {
      outputs.push(await install(name));
    }
    assertSnapshot(
      outputs.join("\n"),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      error: Failed to install: a9_escaping_script-1.0.0-py3-none-any.whl (a9-escaping-script==1.0.0)
        cause: The wheel is invalid: Script path must resolve to a file within the scripts directory: \`../../../evil\`

      exit_code: 2 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      error: Failed to install: a9_reserved_script-1.0.0-py3-none-any.whl (a9-reserved-script==1.0.0)
        cause: Scripts must not use the reserved name \`python\`, got: \`Python.PY\`

      exit_code: 2 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      error: Failed to install: a9_data_python-1.0.0-py3-none-any.whl (a9-data-python==1.0.0)
        cause: Scripts must not use the reserved name \`python\`, got: \`python\`
      `,
    );
    expect(readFileSync(join(ctx.venv, "bin", "python")).equals(python)).toBe(true);
    expect(existsSync(join(ctx.root, "evil"))).toBe(false);
    await unchanged({ newArchive: true });
  });

  it("b1_wrong_sha256_on_the_index_page_is_a_hash_mismatch", async () => {
    const { install, unchanged } = shared;
    const fault = server.setFault({
      kind: "wrongHash",
      path: "/files/dep_b-1.0.0-py3-none-any.whl",
    });
    try {
      assertSnapshot(
        await install("dep-b==1.0.0"),
        `
        exit_code: 1 (failure)
        ----- stderr -----
        Resolved 1 package in [TIME]
        error: Failed to download \`dep-b==1.0.0\`
          cause: Hash mismatch for \`dep-b==1.0.0\`

                 Expected:
                   sha256:ed98b0842f31f4e3d0d219fe178695e173d523a82f807555fdc7b2b0585ba1ba

                 Computed:
                   sha256:aa48599ef57cdf20af1749e6f1c37dd320821b02e0807f94aca5074dc5d68d81
        `,
      );
    } finally {
      fault.remove();
    }
    await unchanged();
  });

  it("b5_metadata_version_must_match_the_filename", async () => {
    const { ctx, install, unchanged } = await seeded();
    await using _ = ctx;
    assertSnapshot(
      await install("b5-mismatched-version"),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      error: Failed to install: b5_mismatched_version-1.0.0-py3-none-any.whl (b5-mismatched-version==1.0.0)
        cause: Wheel version does not match filename (1.0.1 != 1.0.0), which indicates a malformed wheel. If this is intentional, set \`UV_SKIP_WHEEL_FILENAME_CHECK=1\`.
      `,
    );
    await unchanged({ newArchive: true });
    assertSnapshot(
      await install("b5-mismatched-version", { UV_SKIP_WHEEL_FILENAME_CHECK: "1" }),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Installed 1 package in [TIME]
       + b5-mismatched-version==1.0.0
      `,
    );
  });

  it("b6_record_traversal_never_deletes_outside_the_environment", async () => {
    const { ctx, install } = await seeded();
    await using _ = ctx;
    const victim = join(ctx.tempDir, "victim.txt");
    writeFileSync(victim, "precious\n");
    assertSnapshot(
      await install("b6-record-traversal"),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Resolved 1 package in [TIME]
      Prepared 1 package in [TIME]
      Installed 1 package in [TIME]
       + b6-record-traversal==1.0.0
      `,
    );
    const distInfo = join(ctx.sitePackages(), "b6_record_traversal-1.0.0.dist-info");
    const record = readFileSync(join(distInfo, "RECORD"), "utf8");
    // The installed RECORD lists what was written: the unlisted file, not the traversal.
    expect(record).toContain("b6_record_traversal/extra.py,");
    expect(record).not.toContain("..");
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "b6-record-traversal"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      Uninstalled 1 package in [TIME]
       - b6-record-traversal==1.0.0
      `,
    );
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    // A RECORD tampered with after the install: uninstall warns and skips the entry.
    expect((await install("b6-record-traversal")).startsWith("exit_code: 0")).toBe(true);
    writeFileSync(join(distInfo, "RECORD"), `${record}../../../../victim.txt,,\n`);
    assertSnapshot(
      await ctx.snapshot(["pip", "uninstall", "b6-record-traversal"]),
      `
      exit_code: 0 (success)
      ----- stderr -----
      warning: Invalid RECORD entry in b6-record-traversal==1.0.0 that escapes the Python environment, skipping: ../../../../victim.txt
      Uninstalled 1 package in [TIME]
       - b6-record-traversal==1.0.0
      `,
    );
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(distInfos(ctx)).toEqual(["rel_good-1.0.0.dist-info"]);
    expect(strays(ctx)).toEqual({ cache: [], sitePackages: [] });
  });
});
