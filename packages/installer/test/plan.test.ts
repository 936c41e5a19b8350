import { mkdirSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import { type DirectUrl, serializeDirectUrl } from "@uv-ts/pypi-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fileCacheInfo,
  type Layout,
  plan,
  type ResolvedDist,
  type ResolvedSource,
  SitePackages,
} from "../src/index.ts";
import { cleanup, fakeVenv, tempDir } from "./helpers.ts";

let root: string;
let layout: Layout;

beforeEach(() => {
  root = tempDir("plan");
  layout = fakeVenv(join(root, "venv"));
});
afterEach(() => cleanup(root));

/** Writes a minimal installed dist-info (what matters to the planner). */
function installed(
  prefix: string,
  extra: { directUrl?: DirectUrl; cacheInfo?: string; record?: boolean } = {},
): void {
  const dir = join(layout.scheme.purelib, `${prefix}.dist-info`);
  mkdirSync(dir, { recursive: true });
  const [name, version] = prefix.split("-") as [string, string];
  writeFileSync(
    join(dir, "METADATA"),
    `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
  );
  if (extra.record ?? true) writeFileSync(join(dir, "RECORD"), `${prefix}.dist-info/RECORD,,\n`);
  writeFileSync(join(dir, "INSTALLER"), "uv");
  if (extra.directUrl)
    writeFileSync(join(dir, "direct_url.json"), serializeDirectUrl(extra.directUrl));
  if (extra.cacheInfo) writeFileSync(join(dir, "uv_cache.json"), extra.cacheInfo);
}

function dist(name: string, version: string, source: ResolvedSource = { kind: "registry" }) {
  return { name: parsePackageName(name), version: Version.parse(version), source } as ResolvedDist;
}

const names = (dists: readonly { name: PackageName }[]) => dists.map((d) => d.name as string);

describe("plan", () => {
  it("registry_requirement_already_installed_is_satisfied", () => {
    installed("anyio-4.0.0");
    installed("idna-3.6");
    const p = plan([dist("anyio", "4.0.0"), dist("idna", "3.7")], SitePackages.read(layout));
    expect(names(p.satisfied)).toEqual(["anyio"]);
    expect(names(p.reinstalls)).toEqual(["idna"]);
    expect(names(p.remote)).toEqual(["idna"]);
    expect(p.extraneous).toEqual([]);
  });

  it("sync_reports_extraneous_packages_except_preserved_ones", () => {
    installed("anyio-4.0.0");
    installed("pip-24.0");
    installed("extra_thing-1.0");
    const p = plan([dist("anyio", "4.0.0")], SitePackages.read(layout), {
      preserve: (d) => d.name === "pip",
    });
    expect(names(p.extraneous)).toEqual(["extra-thing"]);
  });

  it("reinstall_and_reinstall_package", () => {
    installed("anyio-4.0.0");
    installed("idna-3.6");
    const resolution = [dist("anyio", "4.0.0"), dist("idna", "3.6")];
    const all = plan(resolution, SitePackages.read(layout), { reinstall: true });
    expect(names(all.reinstalls)).toEqual(["anyio", "idna"]);
    expect(all.satisfied).toEqual([]);
    const one = plan(resolution, SitePackages.read(layout), {
      reinstall: new Set([parsePackageName("idna")]),
      isCached: (d) => d.name === "idna",
    });
    expect(names(one.reinstalls)).toEqual(["idna"]);
    expect(names(one.cached)).toEqual(["idna"]);
    expect(names(one.satisfied)).toEqual(["anyio"]);
  });

  it("duplicate_installs_are_all_reinstalled", () => {
    installed("anyio-4.0.0");
    installed("Anyio-4.1.0");
    const site = SitePackages.read(layout);
    expect([...site.duplicates().keys()]).toEqual(["anyio"]);
    const p = plan([dist("anyio", "4.0.0")], site);
    expect(names(p.reinstalls)).toEqual(["anyio", "anyio"]);
    expect(names(p.remote)).toEqual(["anyio"]);
  });

  it("strict_registry_requirement_rejects_url_install", () => {
    installed("anyio-4.0.0", {
      directUrl: { kind: "archive", url: "https://example.com/anyio-4.0.0.whl", archiveInfo: {} },
    });
    const site = SitePackages.read(layout);
    expect(names(plan([dist("anyio", "4.0.0")], site).satisfied)).toEqual(["anyio"]);
    expect(names(plan([dist("anyio", "4.0.0")], site, { strict: true }).reinstalls)).toEqual([
      "anyio",
    ]);
  });

  it("url_requirement_compares_the_url", () => {
    const url = "https://example.com/files/anyio-4.0.0-py3-none-any.whl";
    installed("anyio-4.0.0", { directUrl: { kind: "archive", url, archiveInfo: {} } });
    const site = SitePackages.read(layout);
    const same = plan([dist("anyio", "4.0.0", { kind: "url", url: `${url}#sha256=abc` })], site);
    expect(names(same.satisfied)).toEqual(["anyio"]);
    const other = plan(
      [dist("anyio", "4.0.0", { kind: "url", url: url.replace("files", "other") })],
      site,
    );
    expect(names(other.reinstalls)).toEqual(["anyio"]);
    // A registry install does not satisfy a URL requirement.
    cleanup(join(layout.scheme.purelib, "anyio-4.0.0.dist-info", "direct_url.json"));
    const registry = plan(
      [dist("anyio", "4.0.0", { kind: "url", url })],
      SitePackages.read(layout),
    );
    expect(names(registry.reinstalls)).toEqual(["anyio"]);
  });

  it("path_requirement_is_fresh_until_the_file_changes", () => {
    const wheel = join(root, "anyio-4.0.0-py3-none-any.whl");
    writeFileSync(wheel, "wheel bytes");
    installed("anyio-4.0.0", {
      directUrl: { kind: "archive", url: pathToFileURL(wheel).href, archiveInfo: {} },
      cacheInfo: fileCacheInfo(wheel),
    });
    const resolution = [dist("anyio", "4.0.0", { kind: "path", path: wheel })];
    expect(names(plan(resolution, SitePackages.read(layout)).satisfied)).toEqual(["anyio"]);
    // Touching the file changes its ctime.
    const later = new Date(Date.now() + 5000);
    utimesSync(wheel, later, later);
    expect(names(plan(resolution, SitePackages.read(layout)).reinstalls)).toEqual(["anyio"]);
  });

  it("directory_requirement_compares_editable_and_cache_info", () => {
    const project = join(root, "project");
    mkdirSync(project);
    const info = '{"timestamp":null,"commit":null,"tags":null,"env":{},"directories":{}}';
    installed("proj-0.1.0", {
      directUrl: {
        kind: "directory",
        url: pathToFileURL(project).href,
        dirInfo: { editable: true },
      },
      cacheInfo: info,
    });
    const site = SitePackages.read(layout);
    const editable: ResolvedSource = { kind: "directory", path: project, editable: true };
    const resolved = { ...dist("proj", "0.1.0", editable), cacheInfo: info };
    expect(names(plan([resolved], site).satisfied)).toEqual(["proj"]);
    const notEditable = { ...resolved, source: { ...editable, editable: false } };
    expect(names(plan([notEditable], site).reinstalls)).toEqual(["proj"]);
    // Without cache information the source tree cannot be shown fresh.
    expect(names(plan([dist("proj", "0.1.0", editable)], site).reinstalls)).toEqual(["proj"]);
  });

  it("git_requirement_compares_repository_and_commit", () => {
    installed("lib-1.0.0", {
      directUrl: {
        kind: "vcs",
        url: "https://github.com/org/lib.git",
        vcsInfo: { vcs: "git", commitId: "a".repeat(40) },
      },
    });
    const site = SitePackages.read(layout);
    const git = (commit: string): ResolvedSource => ({
      kind: "git",
      repository: "git+https://github.com/Org/lib",
      commit,
    });
    expect(names(plan([dist("lib", "1.0.0", git("a".repeat(40)))], site).satisfied)).toEqual([
      "lib",
    ]);
    expect(names(plan([dist("lib", "1.0.0", git("b".repeat(40)))], site).reinstalls)).toEqual([
      "lib",
    ]);
  });

  it("site_packages_reads_installer_metadata", () => {
    installed("anyio-4.0.0");
    installed("broken-1.0", { record: false });
    const site = SitePackages.read(layout);
    const [anyio, broken] = [
      site.get(parsePackageName("anyio"))[0],
      site.get(parsePackageName("broken"))[0],
    ];
    expect(anyio?.installer).toBe("uv");
    expect(anyio?.requested).toBe(false);
    expect(anyio?.hasRecord).toBe(true);
    expect(broken?.hasRecord).toBe(false);
  });

  it("site_packages_reads_each_optional_file_that_exists", () => {
    installed("anyio-4.0.0", {
      directUrl: { kind: "archive", url: "https://example.org/anyio.whl", archiveInfo: {} },
      cacheInfo: '{"timestamp":1}',
    });
    writeFileSync(join(layout.scheme.purelib, "anyio-4.0.0.dist-info", "REQUESTED"), "");
    installed("idna-3.7");
    // A directory name that does not parse: name and version come from METADATA.
    installed("weird_name-1.0");
    renameSync(
      join(layout.scheme.purelib, "weird_name-1.0.dist-info"),
      join(layout.scheme.purelib, "weird.dist-info"),
    );
    const site = SitePackages.read(layout);
    const anyio = site.get(parsePackageName("anyio"))[0];
    expect(anyio?.requested).toBe(true);
    expect(anyio?.directUrl?.url).toBe("https://example.org/anyio.whl");
    expect(anyio?.cacheInfo).toBe('{"timestamp":1}');
    const idna = site.get(parsePackageName("idna"))[0];
    expect(idna).toMatchObject({ requested: false, directUrl: undefined, cacheInfo: undefined });
    // `INSTALLER` is read when asked for, and reflects the file at that moment.
    writeFileSync(join(layout.scheme.purelib, "idna-3.7.dist-info", "INSTALLER"), "pip\n");
    expect(idna?.installer).toBe("pip");
    const weird = site.get(parsePackageName("weird-name"))[0];
    expect(weird?.version.toString()).toBe("1.0");
    expect(weird?.hasRecord).toBe(true);
  });
});
