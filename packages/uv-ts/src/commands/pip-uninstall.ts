import { elapsed } from "@uv-ts/console";
import { type InstalledDist, lockEnvironment, SitePackages, uninstall } from "@uv-ts/installer";
import type { PackageName } from "@uv-ts/normalize";
import { Requirement } from "@uv-ts/pep508";
import type { CommandRun } from "../context.ts";
import {
  checkExternallyManaged,
  environmentSelection,
  findTargetEnvironment,
  rejectUnsupportedFlags,
  reportTargetEnvironment,
} from "./pip-ops-environment.ts";
import { installedChange, warnUser } from "./pip-ops-report.ts";
import { readRequirements } from "./pip-ops-requirements.ts";

function sameUrl(a: string, b: string): boolean {
  const clean = (u: string) => u.replace(/#.*$/, "").replace(/\/+$/, "");
  return clean(a) === clean(b);
}

/** `uv-ts pip uninstall`: removes distributions by name (or by the URL they came from). */
export const run: CommandRun = async (ctx) => {
  const start = performance.now();
  const { args, printer, style } = ctx;
  const dryRun = args.flag("dry-run");
  const spec = await readRequirements(ctx, {
    packages: args.strings("package"),
    files: args.strings("requirements"),
  });
  rejectUnsupportedFlags(ctx);
  const env = await findTargetEnvironment(ctx, environmentSelection(ctx));
  reportTargetEnvironment(ctx, env);
  checkExternallyManaged(ctx, env);

  const lock = await lockEnvironment(env.root, { cwd: ctx.cwd });
  try {
    const sitePackages = SitePackages.read(env.layout);
    const names = [
      ...new Set(
        spec.requirements
          .map((e) => e.requirement)
          .filter((r): r is Requirement => r instanceof Requirement)
          .map((r) => r.name),
      ),
    ].sort() as PackageName[];
    const urls = [
      ...new Set(
        spec.requirements
          .map((e) => e.requirement)
          .filter((r) => !(r instanceof Requirement))
          .map((r) => (r as { url: { url: URL } }).url.url.href),
      ),
    ].sort();

    const found: InstalledDist[] = [];
    for (const name of names) {
      const installed = sitePackages.get(name);
      if (installed.length === 0) {
        if (!dryRun) warnUser(ctx, `Skipping ${style.bold(name)} as it is not installed`);
      } else {
        found.push(...installed);
      }
    }
    for (const url of urls) {
      const installed = sitePackages.distributions.filter(
        (d) => d.directUrl !== undefined && sameUrl(d.directUrl.url, url),
      );
      if (installed.length === 0) {
        if (!dryRun) warnUser(ctx, `Skipping ${style.bold(url)} as it is not installed`);
      } else {
        found.push(...installed);
      }
    }
    const byPath = new Map(found.map((d) => [d.path, d]));
    const distributions = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1));

    if (distributions.length === 0) {
      if (dryRun) printer.stderr("Would make no changes\n");
      else warnUser(ctx, "No packages to uninstall");
      return 0;
    }
    if (!dryRun) {
      for (const dist of distributions) {
        uninstall(dist, env.layout, {
          onWarning: (message) => warnUser(ctx, message),
          cwd: ctx.cwd,
        });
      }
    }
    const count = `${distributions.length} package${distributions.length === 1 ? "" : "s"}`;
    printer.stderr(
      `${style.dim(
        dryRun
          ? `Would uninstall ${style.bold(count)}`
          : `Uninstalled ${style.bold(count)} ${style.dim(`in ${elapsed(performance.now() - start)}`)}`,
      )}\n`,
    );
    for (const dist of distributions) {
      const change = installedChange(dist);
      printer.stderr(
        ` ${style.red("-")} ${style.bold(change.name)}${style.dim(change.specifier)}\n`,
      );
    }
    return 0;
  } finally {
    await lock.release();
  }
};
