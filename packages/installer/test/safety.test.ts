import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  installWheel,
  type Layout,
  MissingRecordError,
  missingRecordWarning,
  SitePackages,
  uninstall,
} from "../src/index.ts";
import { cleanup, fakeVenv, snapshotTree, tempDir, unpackedWheel } from "./helpers.ts";

let root: string;
let venv: string;
let layout: Layout;

beforeEach(() => {
  root = tempDir("safety");
  venv = join(root, "venv");
  layout = fakeVenv(venv);
});
afterEach(() => cleanup(root));

async function expectRejectedWithoutWrites(
  install: () => Promise<unknown>,
  message: string,
): Promise<void> {
  const before = snapshotTree(venv);
  await expect(install()).rejects.toThrow(message);
  expect([...snapshotTree(venv).keys()]).toEqual([...before.keys()]);
  expect(readdirSync(layout.scheme.purelib)).toEqual([]);
}

describe("malicious wheels", () => {
  it("entry_point_escaping_scripts_dir_is_rejected", async () => {
    const wheel = await unpackedWheel(
      { name: "evil", version: "1.0.0", scripts: { "../../../bin/evil": "evil:main" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "The wheel is invalid: Script path must resolve to a file within the scripts directory: `../../../bin/evil`",
    );
    expect(existsSync(join(root, "bin", "evil"))).toBe(false);
  });

  it("entry_point_with_absolute_name_is_rejected", async () => {
    const wheel = await unpackedWheel(
      { name: "evil", version: "1.0.0", scripts: { [join(root, "victim")]: "evil:main" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "Script path must resolve to a file within the scripts directory",
    );
  });

  it("entry_point_with_reserved_python_name_is_rejected", async () => {
    const wheel = await unpackedWheel(
      { name: "evil", version: "1.0.0", scripts: { "Python.PY": "evil:main" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "Scripts must not use the reserved name `python`, got: `Python.PY`",
    );
  });

  it("free_threaded_interpreter_names_are_reserved", async () => {
    const wheel = await unpackedWheel(
      { name: "evil", version: "1.0.0", guiScripts: { "pythonw3.13t": "evil:main" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "Scripts must not use the reserved name `pythonw3.13t`, got: `pythonw3.13t`",
    );
  });

  it("data_script_named_python_is_rejected", async () => {
    const wheel = await unpackedWheel(
      { name: "evil", version: "1.0.0", data: { "scripts/python": "#!python\n" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "Scripts must not use the reserved name `python`, got: `python`",
    );
  });

  it("data_file_landing_on_the_interpreter_is_rejected", async () => {
    // In a venv `.data/data` is the root, so `bin/python3.12` would replace the interpreter.
    const wheel = await unpackedWheel(
      { name: "evil", version: "1.0.0", data: { "data/bin/python3.12": "boom" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "Scripts must not use the reserved name `python3.12`, got: `python3.12`",
    );
  });

  it("unknown_data_directory_is_rejected", async () => {
    const wheel = await unpackedWheel(
      { name: "odd", version: "1.0.0", data: { "elsewhere/x": "x" } },
      root,
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "The wheel is invalid: Unknown wheel data type: elsewhere",
    );
  });

  it("activation_script_names_warn", async () => {
    const wheel = await unpackedWheel(
      { name: "odd", version: "1.0.0", scripts: { activate: "odd:main" } },
      root,
    );
    const warnings: string[] = [];
    await installWheel(wheel.dir, wheel.filename, layout, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      "The script name `activate` is reserved for virtual environment activation scripts.",
    ]);
  });
});

describe("wheel and filename consistency", () => {
  it("mismatched_name_is_rejected", async () => {
    const wheel = await unpackedWheel({ name: "foo", version: "1.0.0" }, root);
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, WheelFilename.parse("bar-1.0.0-py3-none-any.whl"), layout),
      "Wheel package name does not match filename (foo != bar), which indicates a malformed wheel. If this is intentional, set `UV_SKIP_WHEEL_FILENAME_CHECK=1`.",
    );
  });

  it("mismatched_version_is_rejected", async () => {
    const wheel = await unpackedWheel({ name: "foo", version: "1.0.1" }, root);
    const filename = WheelFilename.parse("foo-1.0.0-py3-none-any.whl");
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, filename, layout, { env: {} }),
      "Wheel version does not match filename (1.0.1 != 1.0.0), which indicates a malformed wheel. If this is intentional, set `UV_SKIP_WHEEL_FILENAME_CHECK=1`.",
    );
    // The escape hatch accepts it.
    await installWheel(wheel.dir, filename, layout, {
      env: { UV_SKIP_WHEEL_FILENAME_CHECK: "1" },
    });
    expect(existsSync(join(layout.scheme.purelib, "foo-1.0.1.dist-info", "RECORD"))).toBe(true);
  });

  it("local_version_in_filename_only_is_accepted", async () => {
    const wheel = await unpackedWheel({ name: "foo", version: "1.0.0" }, root);
    await installWheel(wheel.dir, WheelFilename.parse("foo-1.0.0+cpu-py3-none-any.whl"), layout);
    expect(SitePackages.read(layout).distributions.map((d) => d.name)).toEqual(["foo"]);
  });

  it("unsupported_wheel_major_version_is_rejected", async () => {
    const wheel = await unpackedWheel({ name: "foo", version: "1.0.0" }, root);
    const wheelFile = join(wheel.dir, "foo-1.0.0.dist-info", "WHEEL");
    writeFileSync(
      wheelFile,
      readFileSync(wheelFile, "utf8").replace("Wheel-Version: 1.0", "Wheel-Version: 2.0"),
    );
    await expectRejectedWithoutWrites(
      () => installWheel(wheel.dir, wheel.filename, layout),
      "The wheel is invalid: Unsupported wheel major version (expected 1, got 2)",
    );
  });
});

describe("uninstall safety", () => {
  it("uninstall_record_path_traversal_is_skipped_with_warning", async () => {
    const wheel = await unpackedWheel({ name: "evilpkg", version: "0.1.0" }, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "I should not be deleted");
    const distInfo = join(layout.scheme.purelib, "evilpkg-0.1.0.dist-info");
    const record = join(distInfo, "RECORD");
    writeFileSync(
      record,
      `${readFileSync(record, "utf8")}../../../../victim.txt,,\nevilpkg/missing.py,,\n`,
    );
    const warnings: string[] = [];
    const [dist] = SitePackages.read(layout).distributions;
    uninstall(dist!, layout, { onWarning: (m) => warnings.push(m) });
    expect(readFileSync(victim, "utf8")).toBe("I should not be deleted");
    expect(warnings).toEqual([
      "Invalid RECORD entry in evilpkg==0.1.0 that escapes the Python environment, skipping: ../../../../victim.txt",
    ]);
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });

  it("uninstall_does_not_follow_a_symlinked_directory_out", async () => {
    const wheel = await unpackedWheel({ name: "evilpkg", version: "0.1.0" }, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    const outside = join(root, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "secret"), "keep");
    symlinkSync(outside, join(layout.scheme.purelib, "evil_link"));
    const record = join(layout.scheme.purelib, "evilpkg-0.1.0.dist-info", "RECORD");
    writeFileSync(record, `${readFileSync(record, "utf8")}evil_link/secret,,\n`);
    const warnings: string[] = [];
    const [dist] = SitePackages.read(layout).distributions;
    uninstall(dist!, layout, { onWarning: (m) => warnings.push(m) });
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("keep");
    expect(warnings).toHaveLength(1);
  });

  it("uninstall_without_record_fails_with_uv_error", async () => {
    const wheel = await unpackedWheel({ name: "foo", version: "1.0.0" }, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    const distInfo = join(layout.scheme.purelib, "foo-1.0.0.dist-info");
    cleanup(join(distInfo, "RECORD"));
    const [dist] = SitePackages.read(layout).distributions;
    expect(dist?.hasRecord).toBe(false);
    const error = (() => {
      try {
        uninstall(dist!, layout, { cwd: venv });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MissingRecordError);
    expect((error as Error).message).toBe(
      "Cannot uninstall package; `RECORD` file not found at: lib/python3.12/site-packages/foo-1.0.0.dist-info/RECORD",
    );
    // Nothing was removed.
    expect(existsSync(join(layout.scheme.purelib, "foo", "__init__.py"))).toBe(true);
    expect(missingRecordWarning(dist!, venv)).toBe(
      "Failed to uninstall package at lib/python3.12/site-packages/foo-1.0.0.dist-info due to missing `RECORD` file. Installation may result in an incomplete environment.",
    );
  });
});
