import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  IndexUrl,
  NoIndexError,
  OfflineError,
  PackageNotFoundError,
  type SimpleMetadata,
  simpleMetadataFromFiles,
} from "@uv-ts/client";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { type InstalledDist, parseWheelFile, type SitePackages } from "@uv-ts/installer";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import type { Tags } from "@uv-ts/platform-tags";
import { parseResolutionMetadata, type SimpleFile } from "@uv-ts/pypi-types";
import type { Preference, ResolverClient, UpgradeSelection } from "@uv-ts/resolver";
import type { Reinstall } from "./pip-ops-index.ts";

/** What the resolver sees of an environment's installed distributions. */
export interface InstalledCandidates {
  /** The client, with each installed distribution added as one more (local) candidate file. */
  readonly client: ResolverClient;
  /** The installed versions, to be kept while they fit (not for upgraded packages). */
  readonly preferences: readonly Preference[];
  /** The installed distribution a resolved file stands for, if it is one of the added ones. */
  installedFor(file: SimpleFile): InstalledDist | undefined;
}

/** Whether `selection` names `name` (`--upgrade`, `--reinstall`). */
function covers(selection: boolean | ReadonlySet<PackageName>, name: PackageName): boolean {
  return selection === true || (selection !== false && selection.has(name));
}

/**
 * The tag of the synthetic file: the installed wheel's best tag for this environment (so the
 * resolver's tag check accepts it exactly when uv's `read_tags` check would), else its first one;
 * a distribution without a readable `WHEEL` (not installed from a wheel) counts as compatible.
 */
function installedTag(dist: InstalledDist, tags: Tags): string {
  let lines: readonly string[];
  try {
    lines = parseWheelFile(readFileSync(join(dist.path, "WHEEL"))).tags;
  } catch {
    return "py3-none-any";
  }
  let best: { tag: string; priority: number } | undefined;
  for (const tag of lines) {
    const filename = WheelFilename.tryParse(`x-0-${tag}.whl`);
    const compatibility = filename?.compatibility(tags);
    if (compatibility?.compatible !== true) continue;
    if (best === undefined || compatibility.priority > best.priority) {
      best = { tag, priority: compatibility.priority };
    }
  }
  return best?.tag ?? lines[0] ?? "py3-none-any";
}

/**
 * Makes the environment's installed distributions candidates of the resolution, as uv's resolver
 * does with its `InstalledPackagesProvider`: each package with exactly one installed distribution
 * (and not reinstalled) gets one more page, listing a stand-in wheel whose metadata is the
 * installed `METADATA`. For a package that is not upgraded the page comes first and the installed
 * version is a preference, so it is kept whenever it still fits the requirements, even when the
 * index lacks it or the network is off; for an upgraded package it comes last, so it is only
 * chosen when the index has nothing that fits.
 */
export function installedCandidates(
  client: ResolverClient,
  sitePackages: SitePackages,
  options: {
    readonly tags: Tags;
    readonly upgrade: UpgradeSelection;
    readonly reinstall: Reinstall;
    /** The site-packages directory, which stands for the index of the installed files. */
    readonly location: string;
  },
): InstalledCandidates {
  const index = IndexUrl.parse(pathToFileURL(options.location).href);
  const pages = new Map<PackageName, SimpleMetadata>();
  const byUrl = new Map<string, InstalledDist>();
  const preferences: Preference[] = [];

  // Several installs of one package are never candidates (uv reinstalls them from the index).
  const candidate = (name: PackageName): InstalledDist | undefined => {
    if (covers(options.reinstall, name)) return undefined;
    const installed = sitePackages.get(name);
    return installed.length === 1 ? installed[0] : undefined;
  };
  // Built on first request, so that only the packages the resolution visits are read.
  const pageFor = (name: PackageName): SimpleMetadata | undefined => {
    const cached = pages.get(name);
    if (cached !== undefined) return cached;
    const dist = candidate(name);
    if (dist === undefined) return undefined;
    const filename = WheelFilename.parse(
      `${name.replace(/-/g, "_")}-${dist.version.toString()}-${installedTag(dist, options.tags)}.whl`,
    );
    const url = pathToFileURL(join(dist.path, "METADATA")).href;
    const file: SimpleFile = {
      filename: filename.toString(),
      url,
      hashes: {},
      yanked: false,
      coreMetadata: false,
      // Installed distributions are never excluded by `--exclude-newer`.
      uploadTime: new Date(0),
    };
    byUrl.set(url, dist);
    const page = simpleMetadataFromFiles({ index, format: "flat", name, files: [file] });
    pages.set(name, page);
    return page;
  };

  for (const dist of sitePackages.distributions) {
    if (covers(options.upgrade, dist.name) || candidate(dist.name) !== dist) continue;
    preferences.push({ name: dist.name, version: dist.version, source: "environment" });
  }

  const wrapped: ResolverClient = {
    async simple(name, opts) {
      const normalized = parsePackageName(name);
      const page = pageFor(normalized);
      if (page === undefined) return client.simple(name, opts);
      let remote: readonly SimpleMetadata[];
      try {
        remote = await client.simple(name, opts);
      } catch (error) {
        const missing =
          error instanceof PackageNotFoundError ||
          error instanceof NoIndexError ||
          error instanceof OfflineError;
        if (!missing) throw error;
        remote = [];
      }
      return covers(options.upgrade, normalized) ? [...remote, page] : [page, ...remote];
    },
    findLinks: (name) => client.findLinks(name),
    async wheelMetadata(file, filename, opts) {
      const dist = byUrl.get(file.url);
      if (dist === undefined) return client.wheelMetadata(file, filename, opts);
      return parseResolutionMetadata(readFileSync(join(dist.path, "METADATA")));
    },
  };

  return {
    client: wrapped,
    preferences,
    installedFor: (file) => byUrl.get(file.url),
  };
}
