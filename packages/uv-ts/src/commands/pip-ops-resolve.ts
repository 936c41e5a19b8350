import { fileURLToPath } from "node:url";
import type { ArchiveDigest } from "@uv-ts/cache";
import type { RegistryClient } from "@uv-ts/client";
import type { WheelSource } from "@uv-ts/distribution";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { UvError } from "@uv-ts/error";
import type { ResolvedDist, ResolvedSource, SitePackages } from "@uv-ts/installer";
import type { PackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";
import { type MarkerEnvironment, Requirement } from "@uv-ts/pep508";
import type { Tags } from "@uv-ts/platform-tags";
import { type DirectUrl, parseHashDigest } from "@uv-ts/pypi-types";
import type { RequirementEntry } from "@uv-ts/requirements-txt";
import {
  type CompatibleDist,
  type PythonRequirement,
  type ResolvedPackage,
  type ResolverOptions,
  type ResolverReporter,
  resolve,
} from "@uv-ts/resolver";
import {
  recordingClient,
  resolutionDiagnostics,
  unpinnedDirectWarnings,
} from "./pip-compile-diagnostics.ts";
import { NotSupportedYetError } from "./pip-ops-errors.ts";
import type { Reinstall } from "./pip-ops-index.ts";
import { installedCandidates } from "./pip-ops-installed.ts";

/** One distribution of a resolution: what to install and where it comes from. */
export interface ResolvedRequirement {
  /** What the planner compares with the environment. */
  readonly dist: ResolvedDist;
  /** How to get the wheel; `undefined` when an installed distribution was kept. */
  readonly wheel: WheelSource | undefined;
  /** `--hash` digests the wheel must match. */
  readonly hashes: readonly ArchiveDigest[];
  /** `==1.0.0`, or ` @ <url>` for a direct reference (uv's short specifier of a remote dist). */
  readonly remoteSpecifier: string;
  /** `direct_url.json` to write, for URL and path wheels. */
  readonly directUrl: DirectUrl | undefined;
  /** The extras requested. */
  readonly extras: readonly string[];
  /** Set when the chosen release is yanked: uv warns after installing. */
  readonly yanked: string | undefined;
}

/** What resolving a `pip install` or `pip sync` needs. */
export interface InstallResolveContext {
  readonly client: RegistryClient;
  readonly tags: Tags;
  readonly markers: MarkerEnvironment;
  /** The interpreter's Python, which the resolution targets. */
  readonly python: PythonRequirement;
  readonly sitePackages: SitePackages;
  /** The environment's purelib directory. */
  readonly sitePackagesDir: string;
  readonly reinstall: Reinstall;
  /** `--upgrade`, `--resolution`, `--prerelease`, `--exclude-newer`, `--no-build`, no-deps... */
  readonly options: ResolverOptions;
  readonly constraints: readonly RequirementEntry[];
  readonly overrides: readonly RequirementEntry[];
  readonly signal?: AbortSignal;
  /** The resolver's look-ahead client (see `createStoredMetadataClient`); unused without deps. */
  readonly storedMetadata?: RegistryClient | undefined;
  /** uv's warnings issued while resolving (unpinned direct requirements under `lowest`). */
  readonly warn: (message: string) => void;
  /**
   * Called, while the resolution still runs, with the wheel of each package the requirements
   * pin with `==` as soon as the resolver chooses that version, the digests its install will
   * check and its name in messages: the install will ask for exactly this wheel unless the
   * resolution backtracks or fails. Not called for a kept installed distribution.
   */
  readonly onPinnedWheel?: (pinned: PinnedWheel) => void;
}

/** A pinned requirement's wheel, chosen while the resolution runs (see `onPinnedWheel`). */
export interface PinnedWheel {
  readonly name: PackageName;
  readonly version: Version;
  readonly wheel: WheelSource;
  /** What the install will pass as the expected digests. */
  readonly hashes: readonly ArchiveDigest[];
  /** `name==version`, as the install names it. */
  readonly distribution: string;
}

/** Why a registry wheel's metadata was not fetched (see {@link withoutIndexMetadata}). */
class MetadataNotNeededError extends Error {}

/**
 * The client for a resolution without dependencies (`pip sync`, `--no-deps`): the resolver then
 * never reads a registry wheel's metadata, so, as uv, none is fetched (the resolver would only
 * prefetch it, and its diagnostics, such as a missing extra, are not given without
 * dependencies either). Direct URL wheels still are read: their metadata names the version.
 */
function withoutIndexMetadata(client: RegistryClient): RegistryClient {
  return {
    ...client,
    simple: (name, options) => client.simple(name, options),
    findLinks: (name) => client.findLinks(name),
    wheelMetadata: (file, filename, options) =>
      options?.index !== undefined
        ? Promise.reject(new MetadataNotNeededError(file.url))
        : client.wheelMetadata(file, filename, options),
  };
}

/** The result of {@link resolveForInstall}. */
export interface InstallResolution {
  readonly resolution: ResolvedRequirement[];
  /** How many packages were resolved (`Resolved N packages`). */
  readonly count: number;
  /**
   * uv's diagnostics to print after installing (extras a package lacks, unbounded transitive
   * dependencies under `--resolution lowest`); yanked releases are reported by the installer.
   */
  readonly diagnostics: readonly string[];
}

/** `--hash` values as digests; unknown algorithms are an error as in uv. */
function parseHashes(hashes: readonly string[]): ArchiveDigest[] {
  return hashes.flatMap((text) =>
    Object.entries(parseHashDigest(text)).map(([algorithm, digest]) => ({
      algorithm,
      digest: (digest as string).toLowerCase(),
    })),
  );
}

function fromFilename(url: URL): WheelFilename | undefined {
  const last = decodeURIComponent(url.pathname.split("/").pop() ?? "");
  return last.endsWith(".whl") ? WheelFilename.tryParse(last) : undefined;
}

function hashFragment(url: URL): ArchiveDigest[] {
  const fragment = url.hash.replace(/^#/, "");
  const digests: ArchiveDigest[] = [];
  for (const part of fragment.split("&")) {
    const [algorithm, digest] = part.split("=");
    if (algorithm === undefined || digest === undefined) continue;
    if (["md5", "sha256", "sha384", "sha512"].includes(algorithm))
      digests.push({ algorithm, digest });
  }
  return digests;
}

/**
 * A requirement given as a wheel URL or path, checked (a wheel, compatible, named as the file
 * says) and turned into what to install. Source trees, sdists, Git and editables need a build.
 */
function resolveDirect(entry: RequirementEntry, tags: Tags): ResolvedRequirement {
  const req = entry.requirement;
  const parsed = entry.parsedUrl;
  const text = req.toString();
  if (
    entry.editable ||
    parsed === undefined ||
    (parsed.kind !== "path" && parsed.kind !== "archive")
  ) {
    throw new NotSupportedYetError(
      `Installing \`${text}\` needs a build, and uv-ts cannot build source trees or Git requirements yet`,
    );
  }
  const url = parsed.url;
  const filename = fromFilename(url);
  if (filename === undefined) {
    throw new NotSupportedYetError(
      `Installing \`${text}\` needs a build, and uv-ts cannot build source distributions yet`,
    );
  }
  if (req instanceof Requirement && req.name !== filename.name) {
    throw new UvError(
      "pip.name-mismatch",
      `Requested package name \`${req.name}\` does not match \`${filename.name}\` in the distribution filename: ${filename.toString()}`,
    );
  }
  const verbatim =
    req instanceof Requirement ? (req.verbatimUrl?.given ?? url.href) : req.url.given;
  const location = parsed.kind === "path" ? parsed.installPath : url.href;
  if (!filename.isCompatible(tags)) {
    throw new UvError(
      "pip.incompatible-wheel",
      `A ${parsed.kind === "path" ? "path" : "URL"} dependency is incompatible with the current platform: ${location}`,
    );
  }
  const cleanUrl = new URL(url.href);
  cleanUrl.hash = "";
  const source: ResolvedSource =
    parsed.kind === "path"
      ? { kind: "path", path: parsed.installPath }
      : { kind: "url", url: cleanUrl.href };
  const wheel: WheelSource =
    parsed.kind === "path"
      ? { kind: "path", path: parsed.installPath, filename }
      : { kind: "url", url: url.href, filename };
  const fragmentHashes = hashFragment(url);
  return {
    dist: { name: filename.name, version: filename.version, source },
    wheel,
    hashes: [...parseHashes(entry.hashes), ...fragmentHashes],
    remoteSpecifier: ` @ ${/^[a-z+]+:/i.test(verbatim) ? verbatim : cleanUrl.href}`,
    directUrl: {
      kind: "archive",
      url: cleanUrl.href,
      archiveInfo:
        fragmentHashes.length === 0
          ? {}
          : { hashes: Object.fromEntries(fragmentHashes.map((h) => [h.algorithm, h.digest])) },
    },
    extras: [...req.extras],
    yanked: undefined,
  };
}

/** A direct reference as the named requirement the resolver takes (`name @ url`). */
function namedRequirement(entry: RequirementEntry, name: PackageName): Requirement {
  const req = entry.requirement;
  if (req instanceof Requirement) return req;
  return new Requirement({
    name,
    extras: req.extras,
    version: undefined,
    url: req.url,
    marker: req.marker,
  });
}

/** A wheel URL that only a dependency's metadata names (`dep @ https://.../dep.whl`). */
function dependencyUrl(pkg: ResolvedPackage & { dist: { kind: "url" } }): ResolvedRequirement {
  const { filename } = pkg.dist;
  const url = new URL(pkg.dist.url);
  url.hash = "";
  const local = url.protocol === "file:";
  return {
    dist: {
      name: pkg.name,
      version: pkg.version,
      source: local ? { kind: "path", path: fileURLToPath(url) } : { kind: "url", url: url.href },
    },
    wheel: local
      ? { kind: "path", path: fileURLToPath(url), filename }
      : { kind: "url", url: pkg.dist.url, filename },
    hashes: [],
    remoteSpecifier: ` @ ${pkg.dist.given}`,
    directUrl: { kind: "archive", url: url.href, archiveInfo: {} },
    extras: pkg.extras,
    yanked: undefined,
  };
}

/** Whether `req` pins one version (`==1.0`, `===1.0`; `==1.*` is a wildcard operator). */
function pinsExactly(req: Requirement): boolean {
  const specs = req.version?.specifiers;
  if (req.verbatimUrl !== undefined || specs?.length !== 1) return false;
  const operator = specs[0]!.operator;
  return operator === "==" || operator === "===";
}

/**
 * The reporter that hands each pinned requirement's chosen wheel to `onPinnedWheel`, once per
 * wheel: `pinned` are the root requirements (overrides applied) whose markers hold.
 */
function pinnedWheelReporter(
  pinned: readonly Requirement[],
  hashes: ReadonlyMap<PackageName, readonly ArchiveDigest[]>,
  keptInstalled: (dist: CompatibleDist) => boolean,
  onPinnedWheel: (pinned: PinnedWheel) => void,
): ResolverReporter {
  const byName = new Map<PackageName, Requirement[]>();
  for (const req of pinned) {
    if (!pinsExactly(req)) continue;
    const list = byName.get(req.name);
    if (list === undefined) byName.set(req.name, [req]);
    else list.push(req);
  }
  const seen = new Set<string>();
  // A guess within the pin is the pinned version, and its wheel the one the choice will take:
  // the download need not wait for the solver to reach the package.
  const take = (name: PackageName, version: Version, dist: CompatibleDist): void => {
    if (dist.kind !== "wheel") return;
    const reqs = byName.get(name);
    if (reqs === undefined || !reqs.every((r) => r.version!.contains(version))) return;
    const key = `${name}@${version.hashKey()}`;
    if (seen.has(key) || keptInstalled(dist)) return;
    seen.add(key);
    const { index, file, filename } = dist.wheel;
    onPinnedWheel({
      name,
      version,
      wheel: { kind: "registry", index, file, filename },
      hashes: hashes.get(name) ?? [],
      distribution: `${name}==${version.toString()}`,
    });
  };
  return { onChoice: take, onGuess: take };
}

function yankReason(yanked: boolean | string): string | undefined {
  if (yanked === false) return undefined;
  return yanked === true ? "" : yanked;
}

/**
 * Resolves the requirements of a `pip install` (or, with `noDeps`, of a `pip sync`) with the
 * resolver, as uv's `operations::resolve` does: the environment's distributions are candidates
 * and, unless upgraded or reinstalled, kept while they satisfy the requirements; constraints and
 * overrides apply; direct wheel references are installed as given. Requirements whose markers
 * do not hold in the environment are dropped. Throws the resolver's `NoSolutionError` (exit 1).
 */
export async function resolveForInstall(
  entries: readonly RequirementEntry[],
  rc: InstallResolveContext,
): Promise<InstallResolution> {
  const applicable = entries.filter((entry) => entry.requirement.marker.evaluate(rc.markers, []));
  const direct = new Map<PackageName, ResolvedRequirement>();
  const hashes = new Map<PackageName, ArchiveDigest[]>();
  const requirements: Requirement[] = [];
  for (const entry of applicable) {
    const req = entry.requirement;
    if (req instanceof Requirement && req.verbatimUrl === undefined) {
      requirements.push(req);
      if (entry.hashes.length > 0) hashes.set(req.name, parseHashes(entry.hashes));
      continue;
    }
    const resolved = resolveDirect(entry, rc.tags);
    direct.set(resolved.dist.name, resolved);
    requirements.push(namedRequirement(entry, resolved.dist.name));
  }
  for (const entry of rc.constraints) {
    const req = entry.requirement;
    if (req instanceof Requirement && entry.hashes.length > 0 && !hashes.has(req.name)) {
      hashes.set(req.name, parseHashes(entry.hashes));
    }
  }
  const named = (list: readonly RequirementEntry[]) =>
    list.flatMap((e) => (e.requirement instanceof Requirement ? [e.requirement] : []));

  const constraints = named(rc.constraints);
  const overrides = named(rc.overrides);
  const mode = rc.options.resolution ?? "highest";
  const overridden = requirements.flatMap((r) => {
    const replaced = overrides.filter((o) => o.name === r.name);
    return replaced.length > 0 ? replaced : [r];
  });
  for (const warning of unpinnedDirectWarnings(mode, [...overridden, ...constraints], rc.markers)) {
    rc.warn(warning);
  }
  const recording = recordingClient(
    rc.options.noDeps === true ? withoutIndexMetadata(rc.client) : rc.client,
  );
  const installed = installedCandidates(recording.client, rc.sitePackages, {
    tags: rc.tags,
    upgrade: rc.options.upgrade ?? false,
    reinstall: rc.reinstall,
    location: rc.sitePackagesDir,
  });
  const reporter =
    rc.onPinnedWheel === undefined
      ? undefined
      : pinnedWheelReporter(
          overridden.filter((r) => r.evaluateMarker(rc.markers, [])),
          hashes,
          (dist) => dist.kind === "wheel" && installed.installedFor(dist.wheel.file) !== undefined,
          rc.onPinnedWheel,
        );
  const resolution = await resolve({
    manifest: {
      requirements,
      constraints,
      overrides,
      preferences: installed.preferences,
    },
    options: rc.options,
    target: { markerEnv: rc.markers, tags: rc.tags, python: rc.python },
    client: installed.client,
    ...(rc.signal === undefined ? {} : { signal: rc.signal }),
    ...(reporter === undefined ? {} : { reporter }),
    ...(rc.storedMetadata === undefined || rc.options.noDeps === true
      ? {}
      : { cachedClient: rc.storedMetadata }),
  });

  const out: ResolvedRequirement[] = [];
  for (const pkg of resolution.packages) {
    const dist = pkg.dist;
    if (dist.kind === "url") {
      out.push(direct.get(pkg.name) ?? dependencyUrl({ ...pkg, dist }));
      continue;
    }
    const version = `==${pkg.version.toString()}`;
    const kept = installed.installedFor(dist.file);
    if (kept !== undefined) {
      out.push({
        dist: { name: pkg.name, version: pkg.version, source: { kind: "registry" } },
        wheel: undefined,
        hashes: hashes.get(pkg.name) ?? [],
        remoteSpecifier: version,
        directUrl: undefined,
        extras: pkg.extras,
        yanked: undefined,
      });
      continue;
    }
    if (!(dist.filename instanceof WheelFilename)) {
      throw new NotSupportedYetError(
        `\`${pkg.name}${version}\` has no wheel compatible with this environment, only a source distribution, and uv-ts cannot build source distributions yet`,
      );
    }
    out.push({
      dist: { name: pkg.name, version: pkg.version, source: { kind: "registry" } },
      wheel: { kind: "registry", index: dist.index, file: dist.file, filename: dist.filename },
      hashes: hashes.get(pkg.name) ?? [],
      remoteSpecifier: version,
      directUrl: undefined,
      extras: pkg.extras,
      yanked: yankReason(pkg.yanked),
    });
  }
  const diagnostics = await resolutionDiagnostics({
    resolution,
    mode,
    metadata: recording.metadata,
    constraints,
    overrides,
  });
  return {
    resolution: out,
    count: resolution.size,
    diagnostics: diagnostics.filter((d) => !/^`[^`]*` is yanked/.test(d)),
  };
}
