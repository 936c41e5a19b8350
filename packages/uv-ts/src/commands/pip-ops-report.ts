import { elapsed, renderWarning } from "@uv-ts/console";
import type { InstalledDist } from "@uv-ts/installer";
import type { CommandContext } from "../context.ts";

/** The phases uv's install logger reports on. */
export type Phase = "prepare" | "uninstall" | "install";

function packages(count: number): string {
  return `${count} package${count === 1 ? "" : "s"}`;
}

/** `Resolved 2 packages in 3ms`. */
export function reportResolved(ctx: CommandContext, count: number, startMs: number): void {
  const { style } = ctx;
  ctx.printer.stderr(
    `${style.dim(`Resolved ${style.bold(packages(count))} ${style.dim(`in ${elapsed(performance.now() - startMs)}`)}`)}\n`,
  );
}

/** `Checked 2 packages in 1ms` (and `Would make no changes` for a dry run). */
export function reportChecked(
  ctx: CommandContext,
  count: number,
  startMs: number,
  dryRun: boolean,
): void {
  const { style } = ctx;
  const time = `in ${elapsed(performance.now() - startMs)}`;
  ctx.printer.stderr(
    count === 0
      ? `${style.dim(`Checked ${time}`)}\n`
      : `${style.dim(`Checked ${style.bold(packages(count))} ${style.dim(time)}`)}\n`,
  );
  if (dryRun) ctx.printer.stderr("Would make no changes\n");
}

const PAST: Record<Phase, string> = {
  prepare: "Prepared",
  uninstall: "Uninstalled",
  install: "Installed",
};
const WOULD: Record<Phase, string> = {
  prepare: "Would download",
  uninstall: "Would uninstall",
  install: "Would install",
};

/** `Prepared 2 packages in 5ms`, or `Would download 2 packages` for a dry run. */
export function reportPhase(
  ctx: CommandContext,
  phase: Phase,
  count: number,
  startMs: number,
  dryRun: boolean,
): void {
  const { style } = ctx;
  const what = style.bold(packages(count));
  ctx.printer.stderr(
    `${style.dim(
      dryRun
        ? `${WOULD[phase]} ${what}`
        : `${PAST[phase]} ${what} ${style.dim(`in ${elapsed(performance.now() - startMs)}`)}`,
    )}\n`,
  );
}

/** A distribution that was (or would be) added or removed, with uv's specifier text. */
export interface ChangedDist {
  readonly name: string;
  /** `==1.0.0`, `==1.0.0 (from file:///...)` or ` @ https://...`. */
  readonly specifier: string;
  /** Not yet fetched (dry run): never the same as an installed distribution, as in uv. */
  readonly remote?: boolean;
}

/** An installed distribution as the changelog shows it: `==1.0.0 (from <url>)` for URL installs. */
export function installedChange(dist: InstalledDist): ChangedDist {
  const version = dist.version.toString();
  const url = dist.directUrl?.url;
  return {
    name: dist.name,
    specifier: url === undefined ? `==${version}` : `==${version} (from ${url})`,
  };
}

const KIND_ORDER = { removed: 0, added: 1, reinstalled: 2 } as const;

/**
 * The ` - name==0.9`, ` + name==1.0`, ` ~ name==1.0` lines, sorted by name, then removals before
 * additions before reinstalls; a distribution both removed and added unchanged is a reinstall.
 */
export function reportChangelog(
  ctx: CommandContext,
  installed: readonly ChangedDist[],
  uninstalled: readonly ChangedDist[],
): void {
  const { style } = ctx;
  const key = (d: ChangedDist) =>
    `${d.remote === true ? "remote" : "local"}\0${d.name}\0${d.specifier}`;
  const removedKeys = new Set(uninstalled.map(key));
  const reinstalledKeys = new Set(installed.map(key).filter((k) => removedKeys.has(k)));
  const events: { dist: ChangedDist; kind: keyof typeof KIND_ORDER }[] = [];
  for (const dist of uninstalled) {
    if (!reinstalledKeys.has(key(dist))) events.push({ dist, kind: "removed" });
  }
  for (const dist of installed) {
    events.push({ dist, kind: reinstalledKeys.has(key(dist)) ? "reinstalled" : "added" });
  }
  const seen = new Set<string>();
  events.sort(
    (a, b) =>
      compare(a.dist.name, b.dist.name) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      compare(a.dist.specifier, b.dist.specifier),
  );
  for (const { dist, kind } of events) {
    const id = `${kind}\0${key(dist)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const sign =
      kind === "added" ? style.green("+") : kind === "removed" ? style.red("-") : style.yellow("~");
    ctx.printer.stderr(` ${sign} ${style.bold(dist.name)}${style.dim(dist.specifier)}\n`);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** uv's `warning: ...` line. */
export function warnUser(ctx: CommandContext, message: string): void {
  ctx.printer.stderrImportant(renderWarning(message, ctx.style));
}
