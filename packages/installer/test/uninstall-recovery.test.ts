import { readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { WheelSpec } from "@uv-ts/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  installWheel,
  type Layout,
  removePartialInstall,
  SitePackages,
  uninstall,
} from "../src/index.ts";
import { cleanup, fakeVenv, snapshotTree, tempDir, unpackedWheel } from "./helpers.ts";

const SPEC: WheelSpec = {
  name: "demo",
  version: "1.0.0",
  files: { "demo/__init__.py": "X = 1\n", "demo/core.py": "Y = 2\n", "demo/sub/x.py": "" },
  scripts: { demo: "demo:main" },
};

let root: string;
let layout: Layout;

beforeEach(() => {
  root = tempDir("uninstall-recovery");
  layout = fakeVenv(join(root, "venv"));
});
afterEach(() => cleanup(root));

describe("interrupted uninstalls", () => {
  it("uninstall_leaves_no_staging_directory", async () => {
    const before = snapshotTree(layout.scheme.purelib);
    const wheel = await unpackedWheel(SPEC, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    const [dist] = SitePackages.read(layout).distributions;
    const summary = uninstall(dist!, layout);
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
    expect([...snapshotTree(layout.scheme.purelib).keys()]).toEqual([...before.keys()]);
    // The dist-info's own files are counted as before the staging rename existed.
    expect(summary.fileCount).toBeGreaterThanOrEqual(7);
  });

  it("uninstall_killed_halfway_is_a_partial_install_the_next_run_removes", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    const site = layout.scheme.purelib;
    // What a kill after the staging rename and some removals leaves behind: the dist-info under
    // its staging name, some files gone, some directories emptied but not yet removed.
    renameSync(
      join(site, "demo-1.0.0.dist-info"),
      join(site, ".demo-1.0.0.dist-info.partial-ab12"),
    );
    rmSync(join(site, "demo", "__init__.py"));
    rmSync(join(site, "demo", "sub", "x.py"));
    const env = SitePackages.read(layout);
    expect(env.distributions).toEqual([]);
    expect(env.partials.map((p) => p.prefix)).toEqual(["demo-1.0.0"]);
    removePartialInstall(env.partials[0]!, layout);
    expect(readdirSync(site)).toEqual([]);
    expect(readdirSync(layout.scheme.scripts).filter((n) => n.startsWith("demo"))).toEqual([]);
  });
});
