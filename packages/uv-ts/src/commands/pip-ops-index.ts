import {
  Cache,
  type Cache as CacheType,
  combineRefresh,
  type Refresh,
  refreshFromArgs,
} from "@uv-ts/cache";
import {
  createRegistryClient,
  FileHttpCacheStore,
  type HttpCacheStore,
  type Index,
  IndexLocations,
  type IndexStrategy,
  IndexUrl,
  type RegistryClient,
} from "@uv-ts/client";
import { UvError } from "@uv-ts/error";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import type { CommandContext } from "../context.ts";
import type { RequirementsSpec } from "./pip-ops-requirements.ts";

/** `--reinstall` (everything) or `--reinstall-package` names; `--no-reinstall` wins. */
export type Reinstall = boolean | ReadonlySet<PackageName>;

/** Reads `--reinstall`, `--reinstall-package` and `--no-reinstall`. */
export function reinstallFromArgs(ctx: CommandContext): Reinstall {
  const { args } = ctx;
  if (args.flag("no-reinstall")) return false;
  if (args.flag("reinstall")) return true;
  const names = args.strings("reinstall-package").map((n) => parsePackageName(n));
  return names.length === 0 ? false : new Set(names);
}

/**
 * The run's refresh policy: `--refresh`, `--refresh-package`, and the refresh `--reinstall` and
 * `--upgrade` imply for the packages they cover (uv re-fetches what it reinstalls or upgrades).
 */
export function refreshPolicy(
  ctx: CommandContext,
  reinstall: Reinstall,
  upgrade: boolean | ReadonlySet<PackageName> = false,
): Refresh {
  const { args } = ctx;
  const flag = args.flag("refresh") ? true : args.flag("no-refresh") ? false : undefined;
  const packages = args.strings("refresh-package").map((n) => parsePackageName(n));
  let refresh = refreshFromArgs(flag, packages);
  for (const selection of [reinstall, upgrade]) {
    if (selection === false) continue;
    refresh = combineRefresh(
      refresh,
      selection === true ? refreshFromArgs(true, []) : refreshFromArgs(undefined, [...selection]),
    );
  }
  return refresh;
}

/** Opens the run's cache (taking its shared lock); dispose it at the end. */
export async function openCache(ctx: CommandContext, refresh: Refresh): Promise<CacheType> {
  const cache = Cache.fromPath(ctx.cacheDir, {
    refresh,
    cwd: ctx.cwd,
    onLockWait: (message) => ctx.printer.stderrImportant(`${message}\n`),
  });
  return cache.init();
}

function parseIndexArg(value: string, cwd: string): Index {
  // `--index name=url`, as in `[[tool.uv.index]]`; a URL or path otherwise.
  const named = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(value);
  if (named !== null && !/^[a-z+]+:/i.test(value)) {
    return { name: named[1]!, url: IndexUrl.parse(named[2]!, cwd) };
  }
  return { url: IndexUrl.parse(value, cwd) };
}

/** The index options of the requirements files (the rest of a spec may come along). */
export type IndexSources = Pick<
  RequirementsSpec,
  "indexUrl" | "extraIndexUrls" | "findLinks" | "noIndex"
> &
  Partial<RequirementsSpec>;

/**
 * Where packages come from: the command line's `--index`, `--extra-index-url`, `--index-url`
 * (`--default-index`), `--find-links` and `--no-index`, then what the requirements files add
 * (the command line's default index wins).
 */
export function indexLocations(ctx: CommandContext, spec: IndexSources): IndexLocations {
  const { args, cwd } = ctx;
  const indexes: Index[] = args.strings("index").map((value) => parseIndexArg(value, cwd));
  for (const url of [...args.strings("extra-index-url"), ...spec.extraIndexUrls]) {
    indexes.push({ url: IndexUrl.parse(url, cwd) });
  }
  const defaultIndex = args.string("index-url") ?? args.string("default-index") ?? spec.indexUrl;
  if (defaultIndex !== undefined)
    indexes.push({ url: IndexUrl.parse(defaultIndex, cwd), default: true });
  const flatIndexes = [...args.strings("find-links"), ...spec.findLinks].map(
    (f): Index => ({ url: IndexUrl.parse(f, cwd), format: "flat" }),
  );
  return new IndexLocations({
    indexes,
    flatIndexes,
    noIndex: args.flag("no-index") || spec.noIndex,
  });
}

/** `--index-strategy` / `UV_INDEX_STRATEGY`. */
export function indexStrategy(ctx: CommandContext): IndexStrategy {
  const value = ctx.args.string("index-strategy") ?? "first-index";
  if (value === "first-index" || value === "unsafe-first-match" || value === "unsafe-best-match") {
    return value;
  }
  throw new UvError("pip.index-strategy", `Invalid index strategy: \`${value}\``);
}

/**
 * A client that answers only from what earlier runs stored in the cache, for the resolver's
 * look-ahead (`cachedClient`): a wheel's metadata never changes, so a stored copy shows which
 * packages a likely version needs before this run's own request for it returns. `undefined`
 * offline, where the run's own client answers from the cache already.
 */
export function createStoredMetadataClient(
  ctx: CommandContext,
  locations: IndexLocations,
  cache: CacheType,
  store?: HttpCacheStore,
): RegistryClient | undefined {
  if (ctx.offline) return undefined;
  return createRegistryClient({
    indexes: locations,
    indexStrategy: indexStrategy(ctx),
    cacheDir: cache.root,
    ...(store === undefined ? {} : { cacheStore: store }),
    offline: true,
    env: ctx.io.env,
    signal: ctx.signal,
  });
}

/**
 * The HTTP cache of a `pip` command, for its index client and its cache-only look-ahead client
 * together: an entry both read is read from disk once.
 */
export function pipHttpCache(cache: CacheType): HttpCacheStore {
  return new FileHttpCacheStore(cache.root);
}

/** `UV_CONCURRENT_DOWNLOADS` when it is a positive integer (as uv reads it), else `undefined`. */
export function concurrentDownloads(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.UV_CONCURRENT_DOWNLOADS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The registry client for a `pip` command. */
export function createPipClient(
  ctx: CommandContext,
  locations: IndexLocations,
  cache: CacheType,
  store?: HttpCacheStore,
): RegistryClient {
  const refresh = cache.refresh;
  return createRegistryClient({
    indexes: locations,
    indexStrategy: indexStrategy(ctx),
    cacheDir: cache.root,
    ...(store === undefined ? {} : { cacheStore: store }),
    offline: ctx.offline,
    refresh:
      refresh.kind === "all"
        ? true
        : refresh.kind === "packages"
          ? new Set(refresh.packages)
          : false,
    env: ctx.io.env,
    signal: ctx.signal,
    writeBehind: true,
    // On the launcher's spare thread, ready at once, which the page thread hands on to the
    // install's link worker once the pages are read (see `PageThread.handOver`): no thread more
    // is started than without it. Cold trio sync, 2 cores: wall 785-805 -> 710-725 ms (medians
    // of 8 interleaved runs, two batches), with no more CPU.
    ...(ctx.io.pageThreadModule === undefined
      ? {}
      : { pageThread: { module: ctx.io.pageThreadModule, spares: ctx.io.spareThreads } }),
    ...(ctx.io.tlsReady === undefined ? {} : { tlsReady: ctx.io.tlsReady }),
  });
}
