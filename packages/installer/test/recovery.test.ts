import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import type { WheelSpec } from "@uv-ts/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type InstallStep,
  installWheel,
  type Layout,
  plan,
  type ResolvedDist,
  removePartialInstall,
  SitePackages,
} from "../src/index.ts";
import { cleanup, directories, fakeVenv, snapshotTree, tempDir, unpackedWheel } from "./helpers.ts";

const SPEC: WheelSpec = {
  name: "demo",
  version: "1.0.0",
  files: { "demo/__init__.py": "X = 1\n", "demo/core.py": "Y = 2\n" },
  scripts: { demo: "demo:main" },
  data: { "scripts/tool": "#!python\nprint(1)\n", "data/share/demo.txt": "d\n" },
};

const RESOLVED: ResolvedDist = {
  name: parsePackageName("demo"),
  version: Version.parse("1.0.0"),
  source: { kind: "registry" },
};

let root: string;
let layout: Layout;

beforeEach(() => {
  root = tempDir("recovery");
  layout = fakeVenv(join(root, "venv"));
});
afterEach(() => cleanup(root));

class Killed extends Error {}

describe("interrupted installs", () => {
  const steps: InstallStep[] = ["staged", "linked", "data", "scripts", "dist-info"];
  for (const step of steps) {
    it(`interrupted_after_${step.replace("-", "_")}_is_not_installed_and_is_repaired`, async () => {
      const wheel = await unpackedWheel(SPEC, root);
      const venv = join(root, "venv");
      const before = snapshotTree(venv);
      await expect(
        installWheel(wheel.dir, wheel.filename, layout, {
          failpoint: (at) => {
            if (at === step) throw new Killed(at);
          },
        }),
      ).rejects.toBeInstanceOf(Killed);

      // Nothing looks installed; the staging directory is found.
      const site = SitePackages.read(layout);
      expect(site.distributions).toEqual([]);
      expect(site.partials.map((p) => p.prefix)).toEqual(["demo-1.0.0"]);
      expect(readdirSync(layout.scheme.purelib).some((n) => n.endsWith(".dist-info"))).toBe(false);

      // The plan installs it and asks for the partial install to be cleaned first.
      const p = plan([RESOLVED], site);
      expect(p.remote.map((d) => d.name)).toEqual(["demo"]);
      expect(p.satisfied).toEqual([]);
      expect(p.partials).toHaveLength(1);

      // Repair: back to the files before the attempt, and an empty site-packages.
      for (const partial of p.partials) removePartialInstall(partial, layout);
      expect([...snapshotTree(venv).keys()].sort()).toEqual([...before.keys()].sort());
      expect(directories(layout.scheme.purelib)).toEqual([]);
      expect(existsSync(join(layout.scheme.purelib, "demo"))).toBe(false);

      // A clean retry converges.
      await installWheel(wheel.dir, wheel.filename, layout);
      const after = plan([RESOLVED], SitePackages.read(layout));
      expect(after.satisfied.map((d) => d.name)).toEqual(["demo"]);
      expect(after.remote).toEqual([]);
      expect(after.partials).toEqual([]);
    });
  }

  it("failed_install_rolls_back_what_it_wrote", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    // A directory where the launcher must go makes the install fail after linking the files.
    mkdirSync(join(layout.scheme.scripts, "demo", "blocker"), { recursive: true });
    const before = snapshotTree(join(root, "venv"));
    await expect(installWheel(wheel.dir, wheel.filename, layout)).rejects.toThrow(
      "Failed to install: demo-1.0.0-py3-none-any.whl (demo==1.0.0)",
    );
    expect([...snapshotTree(join(root, "venv")).keys()].sort()).toEqual([...before.keys()].sort());
    expect(readdirSync(layout.scheme.purelib)).toEqual([]);
  });

  it("dist_info_without_record_is_reinstalled", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    cleanup(join(layout.scheme.purelib, "demo-1.0.0.dist-info", "RECORD"));
    const p = plan([RESOLVED], SitePackages.read(layout));
    expect(p.satisfied).toEqual([]);
    expect(p.reinstalls.map((d) => d.name)).toEqual(["demo"]);
    expect(p.remote.map((d) => d.name)).toEqual(["demo"]);
  });

  it("reinstall_over_existing_dist_info_replaces_it", async () => {
    const wheel = await unpackedWheel(SPEC, root);
    await installWheel(wheel.dir, wheel.filename, layout);
    writeFileSync(join(layout.scheme.purelib, "demo-1.0.0.dist-info", "stale"), "");
    await installWheel(wheel.dir, wheel.filename, layout, { requested: false });
    const distInfo = join(layout.scheme.purelib, "demo-1.0.0.dist-info");
    expect(readdirSync(distInfo).sort()).toEqual([
      "INSTALLER",
      "METADATA",
      "RECORD",
      "WHEEL",
      "entry_points.txt",
    ]);
  });
});
