import { statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";
import type { DirectUrl } from "@uv-ts/pypi-types";
import { fileCacheInfo, sameCacheInfo } from "./cache-info.ts";
import type { PartialInstall } from "./partial-install.ts";
import type { InstalledDist, SitePackages } from "./site-packages.ts";

/** Where a resolved distribution comes from, as far as the install plan compares it. */
export type ResolvedSource =
  | { readonly kind: "registry" }
  /** A remote archive (wheel or sdist) URL. */
  | { readonly kind: "url"; readonly url: string; readonly subdirectory?: string }
  /** A local archive file. */
  | { readonly kind: "path"; readonly path: string }
  /** A local source tree. */
  | { readonly kind: "directory"; readonly path: string; readonly editable: boolean }
  | {
      readonly kind: "git";
      readonly repository: string;
      /** The resolved commit. */
      readonly commit: string | undefined;
      readonly subdirectory?: string;
    };

/** One distribution of a resolution, as the planner needs it. */
export interface ResolvedDist {
  readonly name: PackageName;
  readonly version: Version;
  readonly source: ResolvedSource;
  /**
   * The `uv_cache.json` a fresh install would record, for local sources. For a `path` source
   * it defaults to {@link fileCacheInfo} of the file; a `directory` source without it is always
   * considered out of date (its cache keys belong to the cache package).
   */
  readonly cacheInfo?: string;
}

/** Options of {@link plan}. */
export interface PlanOptions {
  /** `true` reinstalls everything (`--reinstall`); a set names packages (`--reinstall-package`). */
  readonly reinstall?: boolean | ReadonlySet<PackageName>;
  /**
   * uv's strict installation strategy (`uv sync`): a registry requirement is not satisfied by a
   * URL or path install. `uv pip` is lenient (default).
   */
  readonly strict?: boolean;
  /** Whether a distribution of the wheel cache can be linked without fetching (default: none). */
  readonly isCached?: (dist: ResolvedDist) => boolean;
  /** Installed distributions never reported extraneous (uv keeps `pip` and friends in seeded venvs). */
  readonly preserve?: (dist: InstalledDist) => boolean;
}

/** What to do to make an environment match a resolution. */
export interface Plan {
  /** Not installed (or to be reinstalled), available in the cache. */
  readonly cached: readonly ResolvedDist[];
  /** Not installed (or to be reinstalled), to be fetched or built. */
  readonly remote: readonly ResolvedDist[];
  /** Installed, but to be removed before the new install. */
  readonly reinstalls: readonly InstalledDist[];
  /** Installed and not part of the resolution (removed by `pip sync` and `sync`). */
  readonly extraneous: readonly InstalledDist[];
  /** Installed and already matching. */
  readonly satisfied: readonly InstalledDist[];
  /** Interrupted installs to remove first (`removePartialInstall`). */
  readonly partials: readonly PartialInstall[];
}

/** How an installed distribution compares with a resolved one (uv's `RequirementSatisfaction`). */
export type Satisfaction = "satisfied" | "mismatch" | "out-of-date";

function stripUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    parsed.hash = "";
    parsed.username = "";
    parsed.password = "";
    if (parsed.pathname.length > 1) parsed.pathname = parsed.pathname.replace(/\/+$/, "");
    return parsed.href;
  } catch {
    return undefined;
  }
}

function repositoryKey(url: string): string | undefined {
  const stripped = stripUrl(url.replace(/^git\+/, ""));
  if (stripped === undefined) return undefined;
  const parsed = new URL(stripped);
  parsed.pathname = parsed.pathname.replace(/\.git$/, "").replace(/@[^/]*$/, "");
  return parsed.href.toLowerCase();
}

function filePath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function freshness(installed: InstalledDist, expected: string | undefined): Satisfaction {
  if (installed.cacheInfo === undefined || expected === undefined) return "out-of-date";
  return sameCacheInfo(installed.cacheInfo, expected) ? "satisfied" : "out-of-date";
}

function sourceSatisfaction(
  installed: InstalledDist,
  dist: ResolvedDist,
  strict: boolean,
): Satisfaction {
  const source = dist.source;
  const direct: DirectUrl | undefined = installed.directUrl;
  switch (source.kind) {
    case "registry":
      if (strict && direct !== undefined) return "mismatch";
      return installed.version.equals(dist.version) ? "satisfied" : "mismatch";
    case "url": {
      if (direct?.kind !== "archive") return "mismatch";
      if (direct.subdirectory !== source.subdirectory) return "mismatch";
      const wanted = stripUrl(source.url);
      if (wanted === undefined || stripUrl(direct.url) !== wanted) return "mismatch";
      if (wanted.startsWith("file:")) {
        const path = filePath(wanted);
        if (path !== undefined)
          return freshness(installed, dist.cacheInfo ?? safeFileCacheInfo(path));
      }
      return "satisfied";
    }
    case "path": {
      if (direct?.kind !== "archive" || direct.subdirectory !== undefined) return "mismatch";
      const path = filePath(direct.url);
      if (path === undefined || !samePath(path, source.path)) return "mismatch";
      return freshness(installed, dist.cacheInfo ?? safeFileCacheInfo(source.path));
    }
    case "directory": {
      if (direct?.kind !== "directory" || direct.subdirectory !== undefined) return "mismatch";
      if ((direct.dirInfo.editable ?? false) !== source.editable) return "mismatch";
      const path = filePath(direct.url);
      if (path === undefined || !samePath(path, source.path)) return "mismatch";
      return freshness(installed, dist.cacheInfo);
    }
    case "git": {
      if (direct?.kind !== "vcs" || direct.vcsInfo.vcs !== "git") return "mismatch";
      if (direct.subdirectory !== source.subdirectory) return "mismatch";
      const wanted = repositoryKey(source.repository);
      if (wanted === undefined || repositoryKey(direct.url) !== wanted) return "mismatch";
      return direct.vcsInfo.commitId === source.commit ? "satisfied" : "out-of-date";
    }
  }
}

function safeFileCacheInfo(path: string): string | undefined {
  try {
    return fileCacheInfo(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether an installed distribution already is the resolved one, after uv's `satisfies.rs`: the
 * same kind of source (registry, URL, path, directory, git) with the same location, fresh
 * local sources (by `uv_cache.json`), and the resolved version. An install without RECORD is
 * broken and never satisfies. Platform tags of installed wheels are not re-checked.
 */
export function satisfies(
  installed: InstalledDist,
  dist: ResolvedDist,
  options: { readonly strict?: boolean } = {},
): Satisfaction {
  if (!installed.hasRecord) return "mismatch";
  const bySource = sourceSatisfaction(installed, dist, options.strict ?? false);
  if (bySource !== "satisfied") return bySource;
  return installed.version.equals(dist.version) ? "satisfied" : "out-of-date";
}

/**
 * Sorts a resolution against an environment into what to install (from the cache or not), what
 * to reinstall, what is extraneous and what is already satisfied, as uv's `Planner::build`. A
 * name installed more than once is always reinstalled: removing one copy would break the other.
 */
export function plan(
  resolution: readonly ResolvedDist[],
  sitePackages: SitePackages,
  options: PlanOptions = {},
): Plan {
  const cached: ResolvedDist[] = [];
  const remote: ResolvedDist[] = [];
  const reinstalls: InstalledDist[] = [];
  const satisfied: InstalledDist[] = [];
  const seen = new Set<PackageName>();
  const reinstall = options.reinstall ?? false;

  for (const dist of resolution) {
    seen.add(dist.name);
    const installed = sitePackages.get(dist.name);
    const forced = reinstall === true || (reinstall !== false && reinstall.has(dist.name));
    if (forced || installed.length > 1) {
      reinstalls.push(...installed);
    } else if (installed.length === 1) {
      const only = installed[0]!;
      if (satisfies(only, dist, { strict: options.strict ?? false }) === "satisfied") {
        satisfied.push(only);
        continue;
      }
      reinstalls.push(only);
    }
    (options.isCached?.(dist) === true ? cached : remote).push(dist);
  }

  const extraneous = sitePackages.distributions.filter(
    (dist) => !seen.has(dist.name) && options.preserve?.(dist) !== true,
  );
  return { cached, remote, reinstalls, extraneous, satisfied, partials: sitePackages.partials };
}
