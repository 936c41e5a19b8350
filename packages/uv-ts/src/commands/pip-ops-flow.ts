import { existsSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import type { Cache } from "@uv-ts/cache";
import type { HttpCacheStore, IndexLocations, RegistryClient } from "@uv-ts/client";
import { interpreterTags, registryWheelsRoot, type WheelFetcher } from "@uv-ts/distribution";
import { WheelFilename } from "@uv-ts/distribution-filename";
import { UvError } from "@uv-ts/error";
import {
  type InstalledDist,
  InstallPlanner,
  lockEnvironment,
  type Prelinker,
  type ResolvedDist,
  SitePackages,
  satisfies,
} from "@uv-ts/installer";
import type { PackageName } from "@uv-ts/normalize";
import { Version } from "@uv-ts/pep440";
import { type MarkerEnvironment, Requirement } from "@uv-ts/pep508";
import type { Tags } from "@uv-ts/platform-tags";
import { parseResolutionMetadata, type ResolutionMetadata } from "@uv-ts/pypi-types";
import type { RequirementEntry } from "@uv-ts/requirements-txt";
import { PythonRequirement, type ResolverOptions, type UpgradeSelection } from "@uv-ts/resolver";
import type { CommandContext } from "../context.ts";
import { buildSelections, resolverOptions } from "./pip-compile-options.ts";
import {
  checkExternallyManaged,
  environmentSelection,
  findTargetEnvironment,
  rejectUnsupportedFlags,
  reportTargetEnvironment,
  type TargetEnvironment,
} from "./pip-ops-environment.ts";
import { NotSupportedYetError, OperationError } from "./pip-ops-errors.ts";
import {
  commandWheelFetcher,
  executeInstall,
  type Modifications,
  startEarlyLinkWorker,
  startPrelinker,
} from "./pip-ops-execute.ts";
import {
  createPipClient,
  createStoredMetadataClient,
  indexLocations,
  openCache,
  pipHttpCache,
  type Reinstall,
  refreshPolicy,
  reinstallFromArgs,
} from "./pip-ops-index.ts";
import { reportChecked, reportResolved, warnUser } from "./pip-ops-report.ts";
import type { RequirementsSpec } from "./pip-ops-requirements.ts";
import {
  type PinnedWheel,
  type ResolvedRequirement,
  resolveForInstall,
} from "./pip-ops-resolve.ts";

/** How `pip install` and `pip sync` differ in the shared flow. */
export interface InstallFlowOptions {
  readonly spec: RequirementsSpec;
  readonly modifications: Modifications;
  /** `--upgrade` / `--upgrade-package`: installed versions of these are not preferred. */
  readonly upgrade: UpgradeSelection;
  /** Install only the named distributions (`pip sync`, `pip install --no-deps`). */
  readonly noDeps: boolean;
  /** `pip install`: stop early when the environment already satisfies everything. */
  readonly checkSatisfied: boolean;
  readonly start: number;
}

/** A requirement without a hash (or not pinned) in `--require-hashes` mode; uv's messages. */
class RequireHashesError extends UvError {}

function requireHashes(entries: readonly RequirementEntry[], markers: MarkerEnvironment): void {
  for (const entry of entries) {
    const req = entry.requirement;
    if (!req.marker.evaluate(markers, [])) continue;
    if (req instanceof Requirement && req.verbatimUrl === undefined) {
      const specs = req.version?.specifiers ?? [];
      const pinned =
        specs.length === 1 && (specs[0]!.operator === "==" || specs[0]!.operator === "===");
      if (!pinned) {
        throw new RequireHashesError(
          "pip.require-hashes-unpinned",
          `In \`--require-hashes\` mode, all requirements must have their versions pinned with \`==\`, but found: ${req.toString()}`,
        );
      }
    }
    const fragment = req instanceof Requirement ? req.verbatimUrl?.url.hash : req.url.url.hash;
    const hasFragmentHash = fragment !== undefined && /(md5|sha256|sha384|sha512)=/.test(fragment);
    if (entry.hashes.length === 0 && !hasFragmentHash) {
      throw new RequireHashesError(
        "pip.require-hashes-missing",
        `In \`--require-hashes\` mode, all requirements must have a hash, but none were provided for: ${req.toString()}`,
      );
    }
  }
}

function installedMetadata(dist: InstalledDist): ResolutionMetadata | undefined {
  try {
    return parseResolutionMetadata(readFileSync(join(dist.path, "METADATA")));
  } catch {
    return undefined;
  }
}

/**
 * In `--require-hashes` mode every resolved distribution needs a hash from the requirements,
 * including dependencies the files do not list and installed ones (uv's check, exit code 1).
 */
function requireResolvedHashes(resolution: readonly ResolvedRequirement[]): void {
  const missing = resolution
    .filter((r) => r.hashes.length === 0)
    .map((r) => r.dist.name)
    .sort();
  if (missing.length > 0) {
    throw new OperationError(
      "pip.require-hashes-untrusted",
      `Hash-checking is required, but no trusted hash was provided for: \`${missing[0]}\``,
    );
  }
}

/**
 * Whether the environment already satisfies the requirements and, recursively, their installed
 * dependencies, with overrides swapped in and every constraint on a visited package met (uv's
 * `SitePackages::satisfies_spec`). Then `pip install` has nothing to resolve.
 */
function environmentSatisfies(
  spec: RequirementsSpec,
  sitePackages: SitePackages,
  markers: MarkerEnvironment,
): boolean {
  const overrides = new Map<PackageName, Requirement[]>();
  for (const entry of spec.overrides) {
    const req = entry.requirement;
    if (!(req instanceof Requirement)) return false;
    overrides.set(req.name, [...(overrides.get(req.name) ?? []), req]);
  }
  const constraints = new Map<PackageName, Requirement[]>();
  for (const entry of spec.constraints) {
    const req = entry.requirement;
    if (!(req instanceof Requirement) || !req.marker.evaluate(markers, [])) continue;
    constraints.set(req.name, [...(constraints.get(req.name) ?? []), req]);
  }
  const withOverrides = (req: Requirement): readonly Requirement[] =>
    overrides.get(req.name) ?? [req];

  const queue: Requirement[] = [];
  for (const entry of spec.requirements) {
    const req = entry.requirement;
    if (!req.marker.evaluate(markers, [])) continue;
    if (req instanceof Requirement && req.verbatimUrl === undefined) {
      queue.push(...withOverrides(req));
      continue;
    }
    // A direct wheel reference: the same file (and, for a path, unchanged) must be installed.
    const direct = directWheelDist(entry);
    if (direct === undefined) return false;
    const installed = sitePackages.get(direct.name);
    if (installed.length !== 1 || satisfies(installed[0]!, direct) !== "satisfied") return false;
  }
  const fits = (req: Requirement, dist: InstalledDist): boolean => {
    if (req.verbatimUrl !== undefined) {
      const wanted = req.verbatimUrl.url.href.replace(/#.*$/, "");
      return dist.directUrl !== undefined && dist.directUrl.url === wanted;
    }
    return req.version === undefined || req.version.contains(dist.version);
  };
  const seen = new Set<string>();
  while (queue.length > 0) {
    const req = queue.pop()!;
    const key = req.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    if (!req.marker.evaluate(markers, [])) continue;
    const installed = sitePackages.get(req.name);
    if (installed.length !== 1) return false;
    const dist = installed[0]!;
    if (!dist.hasRecord || !fits(req, dist)) return false;
    for (const constraint of constraints.get(req.name) ?? []) {
      if (!fits(constraint, dist)) return false;
    }
    const metadata = installedMetadata(dist);
    if (metadata === undefined) return false;
    for (const dep of metadata.requiresDist) {
      if (dep.marker.evaluate(markers, req.extras)) queue.push(...withOverrides(dep));
    }
  }
  return true;
}

/** What a direct wheel path or URL requirement would install, for the satisfaction check. */
function directWheelDist(entry: RequirementEntry): ResolvedDist | undefined {
  const parsed = entry.parsedUrl;
  if (parsed === undefined || (parsed.kind !== "path" && parsed.kind !== "archive"))
    return undefined;
  const last = decodeURIComponent(parsed.url.pathname.split("/").pop() ?? "");
  const filename = WheelFilename.tryParse(last);
  if (filename === undefined) return undefined;
  const url = new URL(parsed.url.href);
  url.hash = "";
  return {
    name: filename.name,
    version: filename.version,
    source:
      parsed.kind === "path"
        ? { kind: "path", path: parsed.installPath }
        : { kind: "url", url: url.href },
  };
}

function applicableEntries(
  ctx: CommandContext,
  entries: readonly RequirementEntry[],
  requireHashMode: boolean,
): readonly RequirementEntry[] {
  const verify = requireHashMode || !ctx.args.flag("no-verify-hashes");
  if (verify) return entries;
  return entries.map((e) => ({ ...e, hashes: [] }));
}

/** The resolver's options: the command line's, with the requirements files' build options. */
function installResolverOptions(
  ctx: CommandContext,
  spec: RequirementsSpec,
  noDeps: boolean,
  upgrade: UpgradeSelection,
): ResolverOptions {
  const options = resolverOptions(ctx, buildSelections(ctx, spec));
  return { ...options, noDeps, upgrade };
}

/**
 * Whether the cache has unpacked no wheel at all of at least half of the requirements that are
 * not installed (from any of the run's indexes): a cold cache, as far as one `stat` per name can
 * tell.
 */
export function likelyUncached(
  cache: Cache,
  locations: IndexLocations,
  names: Iterable<PackageName>,
  sitePackages: Pick<SitePackages, "get">,
): boolean {
  // Each index's directory is worked out once (it costs a digest of the URL): a run asks this
  // before its first request, for every name.
  const roots = locations
    .knownIndexes()
    .flatMap((index) => (index.format === "flat" ? [] : [registryWheelsRoot(cache, index.url)]));
  let missing = 0;
  let uncached = 0;
  for (const name of names) {
    if (sitePackages.get(name).length > 0) continue;
    missing += 1;
    // Where `registryWheelsDir` would point. Names are normalised (no separator, never `.` or
    // `..`) and the roots are already: appended as `join` would, without normalising the whole
    // path again (~10 us each, twice per name and run).
    if (!roots.some((root) => existsSync(`${root}${sep}${name}`))) uncached += 1;
  }
  return missing > 0 && uncached * 2 >= missing;
}

/**
 * Whether installing `pinned` will need its wheel, as the plan will decide: unless it is
 * reinstalled, one installed distribution that satisfies it is kept.
 */
function needsWheel(
  pinned: PinnedWheel,
  sitePackages: SitePackages,
  reinstall: Reinstall,
): boolean {
  if (reinstall === true || (reinstall !== false && reinstall.has(pinned.name))) return true;
  const installed = sitePackages.get(pinned.name);
  if (installed.length !== 1) return true;
  const dist: ResolvedDist = {
    name: pinned.name,
    version: pinned.version,
    source: { kind: "registry" },
  };
  return satisfies(installed[0]!, dist) !== "satisfied";
}

/**
 * Starts linking ahead (see `startPrelinker`) the cached wheel of each requirement pinned to one
 * release (`==`) that the environment lacks: a warm install then finds them linked by the time
 * its pages have been read and the resolution is over. A guess from the cache alone, before any
 * page: a wheel the install ends up not taking was linked for nothing, and is removed.
 */
function prelinkCachedPins(
  prelinker: Prelinker,
  run: {
    readonly spec: RequirementsSpec;
    readonly markers: MarkerEnvironment;
    readonly sitePackages: SitePackages;
    readonly reinstall: Reinstall;
    readonly fetcher: WheelFetcher;
    readonly locations: IndexLocations;
    readonly tags: Tags;
  },
): void {
  const indexes = run.locations
    .knownIndexes()
    .flatMap((index) => (index.format === "flat" ? [] : [index.url]));
  for (const entry of run.spec.requirements) {
    const req = entry.requirement;
    if (!(req instanceof Requirement) || req.verbatimUrl !== undefined) continue;
    const specifiers = req.version?.specifiers;
    if (specifiers?.length !== 1 || specifiers[0]!.operator !== "==") continue;
    const reinstalled =
      run.reinstall === true || (run.reinstall !== false && run.reinstall.has(req.name));
    if (!reinstalled && run.sitePackages.get(req.name).length > 0) continue;
    if (!req.marker.evaluate(run.markers, [])) continue;
    for (const index of indexes) {
      const found = run.fetcher.cachedReleasePointer(
        index,
        req.name,
        specifiers[0]!.version,
        run.tags,
      );
      if (found === undefined) continue;
      prelinker.addPointer(
        req.name,
        found.pointer,
        found.filename,
        found.version,
        found.archiveRoot,
      );
      break;
    }
  }
}

/** The names of the named requirements (a URL or path requirement's name is not known yet). */
function* requirementNames(spec: RequirementsSpec): Iterable<PackageName> {
  for (const entry of spec.requirements) {
    if (entry.requirement instanceof Requirement) yield entry.requirement.name;
  }
}

/** An environment not read yet, for {@link likelyUncached}. */
const NOTHING_INSTALLED: Pick<SitePackages, "get"> = { get: () => [] };

/**
 * Whether a run will read from the index's files host: to resolve dependencies, or to download
 * what the cache lacks (a cache that looks cold before the environment is read, as if nothing
 * were installed). The client then connects there too as soon as it knows the host.
 */
export function readsFiles(
  noDeps: boolean,
  cache: Cache,
  locations: IndexLocations,
  names: Iterable<PackageName>,
): boolean {
  return !noDeps || likelyUncached(cache, locations, names, NOTHING_INSTALLED);
}

/**
 * The shared body of `pip install` and `pip sync`: find the environment and lock it; unless the
 * environment already satisfies everything, resolve (the installed distributions are candidates
 * the resolver keeps while they fit), then plan, fetch, uninstall, install and report.
 */
/**
 * The index client of a run that will resolve, made as soon as the cache is open, and its
 * connection started; `undefined` when the index options do not parse (reported where they are
 * read, in order).
 */
function earlyClient(
  ctx: CommandContext,
  spec: RequirementsSpec,
  cache: Cache,
  store: HttpCacheStore,
  noDeps: boolean,
): RegistryClient | undefined {
  let locations: IndexLocations;
  try {
    locations = indexLocations(ctx, spec);
  } catch {
    return undefined;
  }
  const client = createPipClient(ctx, locations, cache, store);
  const files = readsFiles(noDeps, cache, locations, requirementNames(spec));
  client.preconnect(requirementNames(spec), { files });
  return client;
}

export async function runInstallFlow(
  ctx: CommandContext,
  options: InstallFlowOptions,
): Promise<number> {
  const { spec } = options;
  if (spec.editables.length > 0) {
    throw new NotSupportedYetError(
      `Editable installs need a build, and uv-ts cannot build packages yet: \`${spec.editables[0]!.requirement.toString()}\``,
    );
  }
  rejectUnsupportedFlags(ctx);
  const requireHashMode =
    (ctx.args.flag("require-hashes") || spec.requireHashes) && !ctx.args.flag("no-require-hashes");
  const dryRun = ctx.args.flag("dry-run");
  const reinstall = reinstallFromArgs(ctx);
  // Parsed before anything is touched, so that a bad value fails fast.
  const resolverOpts = installResolverOptions(ctx, spec, options.noDeps, options.upgrade);
  const refresh = refreshPolicy(ctx, reinstall, options.upgrade);
  // The environment is looked for first: finding it may start its interpreter, whose run the
  // cache and the client's connection below then overlap.
  const finding = findTargetEnvironment(ctx, environmentSelection(ctx));
  finding.catch(() => {});
  // Unless `pip install` may find nothing to do, the cache is opened while the environment is
  // found, locked and read: all of them mostly wait on the file system or a child process. It is
  // disposed of on every way out, and its failure is reported when it is needed, as before.
  let opening = options.checkSatisfied ? undefined : openCache(ctx, refresh);
  opening?.catch(() => {});
  // With the cache open, the index client is made and starts connecting to the index (when its
  // pages are due), so that the TLS handshake overlaps locking and reading the environment.
  let store: HttpCacheStore | undefined;
  let early = opening?.then((cache) => {
    store = pipHttpCache(cache);
    // Resolving dependencies reads wheel metadata from the files' host, filling a cold cache
    // downloads from it (see `readsFiles`).
    return earlyClient(ctx, spec, cache, store, options.noDeps);
  });
  early?.catch(() => {});
  const disposeCache = async (): Promise<void> => {
    await early?.then(
      (client) => client?.close(),
      () => {},
    );
    await opening?.then(
      (cache) => cache.dispose(),
      () => {},
    );
  };
  let env: TargetEnvironment;
  let lock: Awaited<ReturnType<typeof lockEnvironment>>;
  try {
    env = await finding;
    reportTargetEnvironment(ctx, env);
    checkExternallyManaged(ctx, env);
    lock = await lockEnvironment(env.root, { cwd: ctx.cwd });
  } catch (error) {
    await disposeCache();
    throw error;
  }
  const markers: MarkerEnvironment = env.interpreter.markers;
  try {
    const sitePackages = SitePackages.read(env.layout);
    if (
      options.checkSatisfied &&
      reinstall === false &&
      options.upgrade === false &&
      sitePackages.partials.length === 0 &&
      environmentSatisfies(spec, sitePackages, markers)
    ) {
      reportChecked(ctx, spec.requirements.length, options.start, dryRun);
      return 0;
    }
    if (requireHashMode) requireHashes(spec.requirements, markers);

    const names = [...requirementNames(spec)];
    let linkWorker = dryRun ? undefined : startEarlyLinkWorker(ctx, names, sitePackages);
    const prelinker = dryRun
      ? undefined
      : startPrelinker(ctx, sitePackages, env.layout.scheme.purelib, linkWorker);
    // With the trees, the installs' plans: the options are those a registry wheel's install
    // is given (see `executeInstall`); any other install plans again.
    const planner =
      prelinker === undefined ? undefined : new InstallPlanner(env.layout, { env: ctx.io.env });
    opening ??= openCache(ctx, refresh);
    const cache = await opening;
    const locations = indexLocations(ctx, spec);
    let client = await early;
    // From here on the client is closed below, as any other.
    early = undefined;
    store ??= pipHttpCache(cache);
    if (client === undefined) {
      client = createPipClient(ctx, locations, cache, store);
      client.preconnect(names, { files: options.noDeps !== true });
    }
    const storedMetadata = options.noDeps
      ? undefined
      : createStoredMetadataClient(ctx, locations, cache, store);
    const fetcher = commandWheelFetcher(ctx, cache, client);
    // An install that is all but certain (the link thread was started) into a cache that has
    // never unpacked most of these packages: the unpacking threads start now, so that their
    // start-up overlaps resolution rather than the first downloads, and the process is tuned for
    // a bulk install from here (see `ProcessTuning`; the install would do it when it starts
    // downloading): what V8 optimizes while the pages come in competes with the downloads too.
    if (
      linkWorker !== undefined &&
      !ctx.offline &&
      likelyUncached(cache, locations, names, sitePackages)
    ) {
      fetcher.startThreads();
      ctx.io.tuning?.bulkInstall();
    }
    try {
      const tags = interpreterTags(env.interpreter.info);
      if (prelinker !== undefined) {
        prelinkCachedPins(prelinker, {
          spec,
          markers,
          sitePackages,
          reinstall,
          fetcher,
          locations,
          tags,
        });
      }
      const { resolution, count, diagnostics } = await resolveForInstall(
        applicableEntries(ctx, spec.requirements, requireHashMode),
        {
          client,
          tags,
          markers,
          python: new PythonRequirement({ target: Version.parse(markers.python_full_version) }),
          sitePackages,
          sitePackagesDir: env.layout.scheme.purelib,
          reinstall,
          options: resolverOpts,
          constraints: applicableEntries(ctx, spec.constraints, requireHashMode),
          overrides: spec.overrides,
          signal: ctx.signal,
          storedMetadata,
          warn: (message) => warnUser(ctx, message),
          // Not under `--require-hashes`: a dependency without a hash fails the run after the
          // resolution, which must then have downloaded nothing (as uv).
          ...(dryRun || ctx.offline || requireHashMode
            ? {}
            : {
                onPinnedWheel: (pinned: PinnedWheel) => {
                  if (!needsWheel(pinned, sitePackages, reinstall)) return;
                  fetcher.prefetch(pinned.wheel, {
                    expectedHashes: pinned.hashes,
                    distribution: pinned.distribution,
                  });
                  // Once in the cache, the wheel is linked ahead into a hidden directory.
                  if (prelinker !== undefined) {
                    void fetcher.prefetched(pinned.wheel, pinned.hashes)?.then((wheel) => {
                      if (wheel === undefined) return;
                      prelinker.add(pinned.name, wheel.path, wheel.files);
                      planner?.add(pinned.name, wheel.path, wheel.filename, wheel.files);
                    });
                  }
                },
              }),
        },
      );
      if (requireHashMode) requireResolvedHashes(resolution);
      // The pages and metadata read are in the cache before the run reports anything.
      await client.flush();
      reportResolved(ctx, count, options.start);
      // The environment is not read again: it is locked, so what was read above still holds (uv
      // reads it once too).
      await executeInstall({
        ctx,
        env,
        cache,
        fetcher,
        sitePackages,
        resolution,
        modifications: options.modifications,
        reinstall,
        dryRun,
        start: performance.now(),
        linkWorker,
        prelinker,
        planner,
      });
      linkWorker = undefined;
      const { style } = ctx;
      for (const diagnostic of diagnostics) {
        ctx.printer.stderr(
          `${style.bold(style.yellow("warning"))}${style.bold(":")} ${style.bold(diagnostic)}\n`,
        );
      }
      return 0;
    } finally {
      // The prelinker's hidden directory is removed on the link thread while the fetcher and
      // the client close (see `Prelinker.dispose`); the thread goes after it.
      const disposing = prelinker?.dispose();
      try {
        // Wheels fetched ahead that the install did not take (a failed or backtracked
        // resolution) are stopped; none outlives the command.
        await fetcher.settle();
        fetcher.close();
        try {
          await client.close();
        } finally {
          await storedMetadata?.close();
        }
      } finally {
        await disposing;
        linkWorker?.close();
      }
    }
  } finally {
    await disposeCache();
    await lock.release();
  }
}
