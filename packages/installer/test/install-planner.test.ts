import { readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { WheelSpec } from "@uv-ts/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  InstallPlanner,
  type InstallWheelOptions,
  installWheel,
  Linker,
  planFits,
  planWheelInstall,
} from "../src/index.ts";
import {
  archiveFiles,
  cleanup,
  fakeVenv,
  snapshotTree,
  tempDir,
  type UnpackedWheel,
  unpackedWheel,
} from "./helpers.ts";

const SPEC: WheelSpec = {
  name: "lean",
  version: "1.0.0",
  files: { "lean/__init__.py": "L = 1\n", "lean/sub/m.py": "M = 1\n", "lean_top.py": "T = 1\n" },
  scripts: { lean: "lean:main" },
  data: { "data/share/lean.txt": "d\n" },
};

let root: string;
beforeEach(() => {
  root = tempDir("planner");
});
afterEach(() => {
  cleanup(root);
});

/** Turns of the event loop until `planner` has planned what it was given. */
async function drained(planner: InstallPlanner): Promise<void> {
  while (planner.pending > 0) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/** A plain install of `wheel` into a new venv at `root/<name>`; the venv's files. */
async function plainInstall(wheel: UnpackedWheel, name: string, options: InstallWheelOptions = {}) {
  const layout = fakeVenv(join(root, name));
  await installWheel(wheel.dir, wheel.filename, layout, {
    files: archiveFiles(wheel.dir),
    linker: new Linker("hardlink"),
    ...options,
  });
  return snapshotTree(join(root, name));
}

describe("installs planned ahead", () => {
  it("installs_from_the_plan_made_ahead_without_reading_the_wheel_again", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    const expected = await plainInstall(wheel, "venv");
    renameSync(join(root, "venv"), join(root, "plain"));
    const layout = fakeVenv(join(root, "venv"));
    const files = archiveFiles(wheel.dir);
    const planner = new InstallPlanner(layout);
    planner.add("lean", wheel.dir, wheel.filename, files);
    // Not in the caller's turn: between turns of the event loop.
    expect(planner.take("lean")).toBeUndefined();
    planner.add("lean", wheel.dir, wheel.filename, files);
    await drained(planner);
    const plan = planner.take("lean");
    expect(plan).toBeDefined();
    expect(planner.take("lean")).toBeUndefined();
    // The install follows the plan: a RECORD row only the plan has ends up in the RECORD.
    const marked = { ...plan!, recordText: `${plan!.recordText}lean/marker,,\n` };
    await installWheel(wheel.dir, wheel.filename, layout, {
      files,
      linker: new Linker("hardlink"),
      plan: marked,
    });
    const record = join("lib", "python3.12", "site-packages", "lean-1.0.0.dist-info", "RECORD");
    const installed = snapshotTree(join(root, "venv"));
    expect(installed.get(record)?.toString()).toBe(
      `${expected.get(record)?.toString()}lean/marker,,\n`,
    );
    installed.delete(record);
    expected.delete(record);
    expect(installed).toEqual(expected);
  });

  it("plans_again_for_another_wheel_listing_or_options", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    const layout = fakeVenv(join(root, "venv"));
    const files = archiveFiles(wheel.dir);
    const plan = planWheelInstall(wheel.dir, wheel.filename, layout, { files });
    expect(planFits(plan, wheel.dir, wheel.filename, layout, { files: [...files] })).toBe(true);
    expect(planFits(plan, join(root, "other"), wheel.filename, layout, { files })).toBe(false);
    expect(planFits(plan, wheel.dir, wheel.filename, fakeVenv(join(root, "v2")), { files })).toBe(
      false,
    );
    expect(planFits(plan, wheel.dir, wheel.filename, layout, { files: files.slice(1) })).toBe(
      false,
    );
    expect(planFits(plan, wheel.dir, wheel.filename, layout, { files, installer: "pip" })).toBe(
      false,
    );
    expect(planFits(plan, wheel.dir, wheel.filename, layout, { files, requested: false })).toBe(
      false,
    );
    expect(
      planFits(plan, wheel.dir, wheel.filename, layout, {
        files,
        directUrl: { kind: "archive", url: "https://example.org/lean.whl", archiveInfo: {} },
      }),
    ).toBe(false);
    expect(
      planFits(plan, wheel.dir, wheel.filename, layout, {
        files,
        env: { UV_SKIP_WHEEL_FILENAME_CHECK: "1" },
      }),
    ).toBe(false);
    // Given to an install with other options, the plan is set aside: this install's own hold.
    await installWheel(wheel.dir, wheel.filename, layout, {
      files,
      linker: new Linker("hardlink"),
      installer: "pip",
      plan,
    });
    const distInfo = join(layout.scheme.purelib, "lean-1.0.0.dist-info");
    expect(readFileSync(join(distInfo, "INSTALLER"), "utf8")).toBe("pip");
    expect(readFileSync(join(distInfo, "RECORD"), "utf8")).toContain(
      "lean-1.0.0.dist-info/INSTALLER,sha256=",
    );
  });

  it("keeps_no_plan_for_a_wheel_that_warns_or_fails", async () => {
    const warns = await unpackedWheel(
      {
        name: "warns",
        version: "1.0.0",
        files: { "warns.py": "" },
        scripts: { "activate.x": "warns:main" },
      },
      root,
    );
    const fails = await unpackedWheel(
      { name: "fails", version: "1.0.0", files: { "fails.py": "" } },
      root,
    );
    rmSync(join(fails.dir, "fails-1.0.0.dist-info", "METADATA"));
    const layout = fakeVenv(join(root, "venv"));
    const planner = new InstallPlanner(layout);
    planner.add("warns", warns.dir, warns.filename, archiveFiles(warns.dir));
    planner.add("fails", fails.dir, fails.filename, archiveFiles(fails.dir));
    await drained(planner);
    expect(planner.take("warns")).toBeUndefined();
    expect(planner.take("fails")).toBeUndefined();
    // Their installs warn, and fail, themselves.
    const warnings: string[] = [];
    await installWheel(warns.dir, warns.filename, layout, {
      files: archiveFiles(warns.dir),
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings).toEqual([
      "The script name `activate.x` is reserved for virtual environment activation scripts.",
    ]);
    await expect(
      installWheel(fails.dir, fails.filename, layout, { files: archiveFiles(fails.dir) }),
    ).rejects.toThrow("Missing METADATA file");
  });

  it("plans_a_wheel_added_twice_once", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    const planner = new InstallPlanner(fakeVenv(join(root, "venv")));
    const files = archiveFiles(wheel.dir);
    planner.add("lean", wheel.dir, wheel.filename, files);
    await drained(planner);
    const plan = planner.take("lean");
    expect(plan).toBeDefined();
    // The same wheel again (fetched ahead, then by the install): no second plan.
    planner.add("lean", wheel.dir, wheel.filename, files);
    expect(planner.pending).toBe(0);
    // Another wheel of the same name is planned anew.
    const other = await unpackedWheel({ ...SPEC, version: "2.0.0" }, root);
    planner.add("lean", other.dir, other.filename, archiveFiles(other.dir));
    expect(planner.pending).toBe(1);
    await drained(planner);
    expect(planner.take("lean")?.unpackedDir).toBe(other.dir);
  });

  it("drops_what_is_queued_at_the_seal", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    const planner = new InstallPlanner(fakeVenv(join(root, "venv")));
    planner.add("lean", wheel.dir, wheel.filename, archiveFiles(wheel.dir));
    planner.seal();
    expect(planner.pending).toBe(0);
    planner.add("lean", wheel.dir, wheel.filename, archiveFiles(wheel.dir));
    await drained(planner);
    expect(planner.take("lean")).toBeUndefined();
  });
});
