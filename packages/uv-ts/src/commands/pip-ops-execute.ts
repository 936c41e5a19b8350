import { availableParallelism } from "node:os";
import type { Cache } from "@uv-ts/cache";
import { type LocalWheel, WheelFetcher, type WheelFetcherOptions } from "@uv-ts/distribution";
import { UvError } from "@uv-ts/error";
import { defaultLinkMode, type LinkMode, onceWarner, parseLinkMode } from "@uv-ts/fs";
import {
  fileCacheInfo,
  type InstalledDist,
  type InstallPlanner,
  type InstallStep,
  installInOrder,
  installWheel,
  Linker,
  LinkWorker,
  MissingRecordError,
  missingRecordWarning,
  type PrelinkedTree,
  Prelinker,
  plan,
  type ResolvedDist,
  removePartialInstall,
  removePrelinkLeftovers,
  type SitePackages,
  uninstall,
} from "@uv-ts/installer";
import type { PackageName } from "@uv-ts/normalize";
import type { CommandContext } from "../context.ts";
import type { TargetEnvironment } from "./pip-ops-environment.ts";
import { InstallWheelError, OperationError } from "./pip-ops-errors.ts";
import { concurrentDownloads, type Reinstall } from "./pip-ops-index.ts";
import {
  type ChangedDist,
  installedChange,
  type Phase,
  reportChangelog,
  reportChecked,
  reportPhase,
  warnUser,
} from "./pip-ops-report.ts";
import type { ResolvedRequirement } from "./pip-ops-resolve.ts";

/** `pip install` keeps what else is installed; `pip sync` removes it. */
export type Modifications = "sufficient" | "exact";

/** Everything {@link executeInstall} needs. */
export interface InstallOperation {
  readonly ctx: CommandContext;
  /** Where to install (the interpreter's scheme). */
  readonly env: Pick<TargetEnvironment, "layout">;
  readonly cache: Cache;
  readonly fetcher: WheelFetcher;
  readonly sitePackages: SitePackages;
  readonly resolution: readonly ResolvedRequirement[];
  readonly modifications: Modifications;
  readonly reinstall: Reinstall;
  readonly dryRun: boolean;
  /**
   * `full` reports like `pip install` (phases, changelog, yanked releases); `added` prints only
   * the ` + name==version` lines of new installs, as uv does for seed packages.
   */
  readonly report?: "full" | "added";
  /** When planning started (`performance.now()`), for the summary times. */
  readonly start: number;
  /**
   * A link thread started before resolution ({@link startEarlyLinkWorker}); the install takes
   * it over and closes it.
   */
  readonly linkWorker?: LinkWorker | undefined;
  /**
   * Wheels linked ahead on that thread while the resolution ran ({@link startPrelinker}); the
   * install moves them into place and then disposes of it.
   */
  readonly prelinker?: Prelinker | undefined;
  /**
   * Installs planned ahead while the resolution ran (see `InstallPlanner`), with the options
   * this install gives a registry wheel; each install takes its plan.
   */
  readonly planner?: InstallPlanner | undefined;
}

/**
 * The wheel fetcher of a command's install: the run's offline mode and cancellation, and the
 * threads the launcher started ahead for its unpacking threads.
 */
export function commandWheelFetcher(
  ctx: CommandContext,
  cache: Cache,
  client: NonNullable<WheelFetcherOptions["client"]>,
): WheelFetcher {
  return new WheelFetcher({
    cache,
    client,
    offline: ctx.offline,
    signal: ctx.signal,
    spareThreads: ctx.io.spareThreads,
  });
}

/** `--link-mode` / `UV_LINK_MODE`, else uv's platform default. */
export function linkModeFromArgs(ctx: CommandContext): LinkMode {
  const value = ctx.args.string("link-mode");
  if (value === undefined) return defaultLinkMode();
  const mode = parseLinkMode(value);
  if (mode === undefined) throw new UvError("pip.link-mode", `Invalid link mode: \`${value}\``);
  return mode;
}

/**
 * The test-only failpoint `UV_TS_FAILPOINT=after-<step>:<package>` (steps: `staged`, `link` (or
 * `linked`), `data`, `scripts`, `dist-info`): the process kills itself with SIGKILL right after
 * that step of installing that package, standing in for a crash or power cut mid-install.
 * Harmless otherwise.
 */
export function failpointFor(
  env: NodeJS.ProcessEnv,
  name: PackageName,
): ((step: InstallStep) => void) | undefined {
  const spec = env.UV_TS_FAILPOINT;
  if (spec === undefined || spec === "") return undefined;
  const match = /^after-([a-z-]+):(.+)$/.exec(spec);
  if (match === null || match[2] !== name) return undefined;
  const wanted = match[1] === "link" ? "linked" : match[1];
  return (step) => {
    if (step === wanted) process.kill(process.pid, "SIGKILL");
  };
}

/**
 * Wheels fetched at once by default (uv's default is 50, but it unpacks while downloading; see
 * the wheel fetcher's prefetch concurrency for why 16 here).
 */
const PREPARE_CONCURRENCY = 16;

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Wheels by the size their index gives, biggest first, unknown sizes before all (uv's order). */
function bySizeDescending(items: readonly ResolvedRequirement[]): ResolvedRequirement[] {
  const size = (r: ResolvedRequirement) =>
    (r.wheel?.kind === "registry" ? r.wheel.file.size : undefined) ?? Number.MAX_SAFE_INTEGER;
  return [...items].sort((a, b) => size(b) - size(a));
}

function describe(r: ResolvedRequirement): string {
  return `${r.dist.name}${r.remoteSpecifier}`;
}

/** The changelog entry of a new install: `==1.0.0`, with `(from <url>)` for URL and path wheels. */
function localChange(r: ResolvedRequirement): ChangedDist {
  const version = `==${r.dist.version.toString()}`;
  const url = r.directUrl?.url;
  return { name: r.dist.name, specifier: url === undefined ? version : `${version} (from ${url})` };
}

/**
 * Plans against the environment and carries the plan out, reporting as uv's install logger:
 * fetch what the cache lacks (`Prepared`), remove reinstalls and, for `pip sync`, extraneous
 * distributions (`Uninstalled`), link the wheels (`Installed`), then the changelog. Interrupted
 * installs found in the environment are removed first. The caller holds the environment lock.
 */
export async function executeInstall(op: InstallOperation): Promise<void> {
  const workers: LinkWorkers = {
    worker: op.linkWorker,
    enabled: linkWorkerEnabled(op.ctx.io.env),
  };
  // Starting the thread early hides its start-up (tens of milliseconds) behind the planning;
  // worth it when many packages are missing, so that an install is all but certain.
  if (
    workers.worker === undefined &&
    workers.enabled &&
    !op.dryRun &&
    missingCount(
      op.resolution.map((r) => r.dist.name),
      op.sitePackages,
      EARLY_WORKER_PACKAGES,
    ) >= EARLY_WORKER_PACKAGES
  ) {
    workers.worker = LinkWorker.start(op.ctx.io.spareThreads);
  }
  try {
    await execute(op, workers);
  } finally {
    // The thread must outlive the links it still makes into the hidden directory, and that
    // directory's removal, which is left running: the caller waits for it (the prelinker's
    // `dispose` is shared) only once it has closed what else it has open.
    const worker = workers.worker;
    const disposing = op.prelinker?.dispose();
    if (disposing === undefined) worker?.close();
    else {
      const close = () => worker?.close();
      void disposing.then(close, close);
    }
  }
}

/**
 * The link thread for an install that is all but certain to link many files (at least
 * {@link EARLY_WORKER_PACKAGES} of `names` are not installed), started now so that its start-up
 * (tens of milliseconds on the other core) overlaps resolution and the index requests. Hand it
 * to {@link executeInstall}, or close it if the run ends before.
 */
export function startEarlyLinkWorker(
  ctx: CommandContext,
  names: Iterable<PackageName>,
  sitePackages: SitePackages,
): LinkWorker | undefined {
  if (!linkWorkerEnabled(ctx.io.env)) return undefined;
  if (missingCount(names, sitePackages, EARLY_WORKER_PACKAGES) < EARLY_WORKER_PACKAGES) {
    return undefined;
  }
  return LinkWorker.start(ctx.io.spareThreads);
}

/**
 * Links the wheels of an install ahead, on the early link thread, into a hidden directory of
 * `sitePackages` (see the installer's `Prelinker`), unless `UV_TS_PRELINK=0`, there is no such
 * thread, or the link mode is invalid (reported by the install, as before). Leftovers of killed
 * runs are removed first: the caller holds the environment lock.
 */
export function startPrelinker(
  ctx: CommandContext,
  sitePackages: SitePackages,
  sitePackagesDir: string,
  linkWorker: LinkWorker | undefined,
): Prelinker | undefined {
  if (sitePackages.prelinks.length > 0) removePrelinkLeftovers(sitePackages.prelinks);
  if (linkWorker === undefined || ctx.io.env.UV_TS_PRELINK === "0") return undefined;
  let mode: LinkMode;
  try {
    mode = linkModeFromArgs(ctx);
  } catch {
    return undefined;
  }
  // What `executeInstall` has `installWheel` write in every dist-info (its defaults).
  return new Prelinker(sitePackagesDir, linkWorker, mode, { installer: "uv", requested: true });
}

/** The link thread of an install, once started. */
interface LinkWorkers {
  worker: LinkWorker | undefined;
  readonly enabled: boolean;
}

/**
 * Whether installs may link on a second thread, as uv spreads them over its thread pool: where
 * the machine has a second core, unless `UV_TS_LINK_WORKER=0` (`=1` forces it). On this
 * project's 2-core machine it took 40-60 ms off a warm 37-wheel install of ~400 ms, for ~40 ms
 * of CPU on the other core (the thread's start-up); see the installer's `LinkWorker`.
 */
export function linkWorkerEnabled(
  env: NodeJS.ProcessEnv,
  cores: () => number = availableParallelism,
): boolean {
  const setting = env.UV_TS_LINK_WORKER;
  if (setting === "0") return false;
  if (setting === "1") return true;
  return cores() >= 2;
}

/** Wheels to download that make an install a bulk one for the process (see `ProcessTuning`). */
const BULK_DOWNLOADS = 8;
/** Missing packages that start the link thread before planning. */
const EARLY_WORKER_PACKAGES = 8;
/** Files to link (estimated) that start the link thread after planning. */
const LATE_WORKER_FILES = 1500;
/** The estimate for a wheel whose file count is unknown until it is fetched. */
const UNKNOWN_WHEEL_FILES = 50;

/** Names with no installed distribution, counting up to `limit`. */
function missingCount(
  names: Iterable<PackageName>,
  sitePackages: SitePackages,
  limit: number,
): number {
  let missing = 0;
  for (const name of names) {
    if (sitePackages.get(name).length === 0 && ++missing >= limit) break;
  }
  return missing;
}

async function execute(op: InstallOperation, workers: LinkWorkers): Promise<void> {
  const { ctx, env, fetcher, resolution, dryRun, start } = op;
  const full = op.report !== "added";
  const phase = (which: Phase, count: number, since: number) => {
    if (full) reportPhase(ctx, which, count, since, dryRun);
  };
  const byName = new Map(resolution.map((r) => [r.dist.name, r]));

  // Which wheels the cache can serve without network.
  const cached = new Map<PackageName, LocalWheel>();
  await mapLimit(resolution, PREPARE_CONCURRENCY, async (r) => {
    if (r.wheel === undefined) return;
    const hit = await fetcher.cached(r.wheel, r.hashes);
    if (hit !== undefined) cached.set(r.dist.name, hit);
  });
  const theplan = plan(
    resolution.map((r): ResolvedDist => r.dist),
    op.sitePackages,
    { reinstall: op.reinstall, isCached: (d) => cached.has(d.name) },
  );
  const extraneous = op.modifications === "exact" ? theplan.extraneous : [];
  const uninstalls: InstalledDist[] = [...extraneous, ...theplan.reinstalls];
  const toInstall = [...theplan.remote, ...theplan.cached].map((d) => byName.get(d.name)!);
  const remote = theplan.remote.map((d) => byName.get(d.name)!);

  if (dryRun) {
    if (remote.length === 0 && theplan.cached.length === 0 && uninstalls.length === 0) {
      reportChecked(ctx, resolution.length, start, true);
      return;
    }
    if (remote.length > 0) reportPhase(ctx, "prepare", remote.length, start, true);
    if (uninstalls.length > 0) reportPhase(ctx, "uninstall", uninstalls.length, start, true);
    if (toInstall.length > 0) reportPhase(ctx, "install", toInstall.length, start, true);
    const installed = [
      ...remote.map(
        (r): ChangedDist => ({
          name: r.dist.name,
          specifier: r.remoteSpecifier,
          remote: true,
        }),
      ),
      ...theplan.cached.map((d) => localChange(byName.get(d.name)!)),
    ];
    reportChangelog(ctx, installed, uninstalls.map(installedChange));
    reportYanked(ctx, resolution);
    return;
  }

  const warn = onceWarner((message) => warnUser(ctx, message));
  for (const partial of theplan.partials) {
    removePartialInstall(partial, env.layout, { onWarning: warn });
  }

  if (toInstall.length === 0) {
    await op.prelinker?.dispose();
    workers.worker?.close();
    workers.worker = undefined;
  } else if (workers.enabled && workers.worker === undefined) {
    let files = 0;
    for (const r of toInstall)
      files += cached.get(r.dist.name)?.files?.length ?? UNKNOWN_WHEEL_FILES;
    if (files >= LATE_WORKER_FILES) workers.worker = LinkWorker.start(op.ctx.io.spareThreads);
  }

  if (toInstall.length === 0 && uninstalls.length === 0) {
    if (full) {
      reportChecked(ctx, resolution.length, start, false);
      reportYanked(ctx, resolution);
    }
    return;
  }

  // Download and unpack what the cache lacks.
  const wheels = new Map<PackageName, LocalWheel>(cached);
  if (remote.length > 0) {
    const prepareStart = performance.now();
    if (remote.length >= BULK_DOWNLOADS) ctx.io.tuning?.bulkInstall();
    // The wheels at hand are linked ahead while the others download.
    if (op.prelinker !== undefined) {
      for (const r of theplan.cached) {
        const wheel = cached.get(r.name);
        if (wheel === undefined) continue;
        op.prelinker.add(r.name, wheel.path, wheel.files);
        op.planner?.add(r.name, wheel.path, wheel.filename, wheel.files);
      }
    }
    // The biggest downloads first, as uv's preparer: the last to finish is then a small one.
    const concurrency = concurrentDownloads(ctx.io.env) ?? PREPARE_CONCURRENCY;
    await mapLimit(bySizeDescending(remote), concurrency, async (r) => {
      if (r.wheel === undefined) throw new Error(`No wheel source for \`${describe(r)}\``);
      try {
        const wheel = await fetcher.fetch(r.wheel, {
          expectedHashes: r.hashes,
          distribution: describe(r),
        });
        wheels.set(r.dist.name, wheel);
        // Linked ahead while the other downloads go on.
        op.prelinker?.add(r.dist.name, wheel.path, wheel.files);
        op.planner?.add(r.dist.name, wheel.path, wheel.filename, wheel.files);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        throw error instanceof UvError && !(error instanceof OperationError)
          ? Object.assign(error, { exitCode: 1 })
          : error;
      }
    });
    phase("prepare", remote.length, prepareStart);
  }

  if (uninstalls.length > 0) {
    const uninstallStart = performance.now();
    for (const dist of uninstalls) {
      try {
        uninstall(dist, env.layout, { onWarning: warn, cwd: ctx.cwd });
      } catch (error) {
        if (!(error instanceof MissingRecordError)) throw error;
        warn(missingRecordWarning(dist, ctx.cwd));
      }
    }
    phase("uninstall", uninstalls.length, uninstallStart);
  }

  // Wheels that finish downloading from now on would be linked ahead for nobody.
  op.prelinker?.seal();
  op.planner?.seal();
  if (toInstall.length > 0) {
    const installStart = performance.now();
    const linker = new Linker(linkModeFromArgs(ctx), { onWarning: warn });
    const linkWorker = workers.worker;
    const trees = new Map<PackageName, PrelinkedTree>();
    if (op.prelinker !== undefined) {
      for (const r of toInstall) {
        const tree = op.prelinker.take(r.dist.name);
        if (tree !== undefined) trees.set(r.dist.name, tree);
      }
    }
    // With a link thread, a wheel waiting for its share of links lets the next one start; once
    // all have, this thread takes back links the worker has not reached.
    await installInOrder(
      toInstall,
      async (r) => {
        const wheel = wheels.get(r.dist.name);
        if (wheel === undefined) throw new Error(`\`${describe(r)}\` was not prepared`);
        const failpoint = failpointFor(ctx.io.env, r.dist.name);
        const source = r.dist.source;
        const tree = trees.get(r.dist.name);
        try {
          await installWheel(wheel.path, wheel.filename, env.layout, {
            linker,
            linkWorker,
            directUrl: r.directUrl,
            cacheInfo: source.kind === "path" ? fileCacheInfo(source.path) : undefined,
            onWarning: warn,
            env: ctx.io.env,
            ...(failpoint === undefined ? {} : { failpoint }),
            ...(wheel.files === undefined ? {} : { files: wheel.files }),
            prelinked: tree,
            plan: op.planner?.take(r.dist.name),
          });
          // Its files were moved out (or linked again): what is left of it goes now.
          if (tree !== undefined) op.prelinker?.discard(tree);
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          const dist = `${r.dist.name}${localChange(r).specifier}`;
          throw new InstallWheelError(wheel.filename.toString(), dist, error);
        }
      },
      linkWorker !== undefined,
      linkWorker === undefined ? undefined : () => linkWorker.steal(),
      // The wheels linked at install time first: their links then reach the link thread
      // first, while this thread moves the trees linked ahead; last those whose tree the link
      // thread is still at.
      trees.size === 0 ? undefined : (r) => prelinkRank(trees.get(r.dist.name)),
    );
    phase("install", toInstall.length, installStart);
  }

  if (!full) {
    reportChangelog(ctx, toInstall.map(localChange), []);
    return;
  }
  reportChangelog(ctx, toInstall.map(localChange), uninstalls.map(installedChange));
  reportYanked(ctx, resolution);
}

/** When to start the install of a wheel with `tree` linked ahead (see `installInOrder`). */
function prelinkRank(tree: PrelinkedTree | undefined): number {
  if (tree === undefined) return 0;
  return tree.complete === true ? 1 : 2;
}

/** uv's warning for each chosen release that is yanked. */
function reportYanked(ctx: CommandContext, resolution: readonly ResolvedRequirement[]): void {
  for (const r of [...resolution].sort((a, b) => (a.dist.name < b.dist.name ? -1 : 1))) {
    if (r.yanked === undefined) continue;
    const reason = r.yanked === "" ? "" : ` (reason: "${r.yanked}")`;
    warnUser(ctx, `\`${describe(r)}\` is yanked${reason}`);
  }
}
