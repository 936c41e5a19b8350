import type { CommandRun } from "../context.ts";
import {
  findInspectEnvironment,
  inspectEnvironmentRequest,
  pathSitePackages,
  reportTargetEnvironment,
} from "./pip-inspect-environment.ts";
import { packageNames, printStrictDiagnostics } from "./pip-inspect-output.ts";
import {
  compareInspected,
  type InspectedDist,
  readSitePackages,
  redactCredentials,
} from "./pip-inspect-site-packages.ts";

/** One `pip freeze` line: `name==version`, `name @ url`, or `-e url` for an editable. */
export function freezeLine(dist: InspectedDist): string {
  switch (dist.kind) {
    case "url": {
      const url = redactCredentials(dist.url ?? "");
      return dist.editable ? `-e ${url}` : `${dist.name} @ ${url}`;
    }
    case "legacy-editable":
      return `-e ${dist.target ?? dist.path}`;
    default:
      return `${dist.name}==${dist.version.toString()}`;
  }
}

/** `uv-ts pip freeze`: the installed packages in requirements format. */
export const run: CommandRun = async (ctx) => {
  const { args, printer } = ctx;
  const excludeEditable = args.flag("exclude-editable");
  const exclude = packageNames(args.strings("exclude"));
  const strict = args.flag("strict") && !args.flag("no-strict");
  // clap names it `paths`; the generated spec currently calls it `path` (and keeps one value).
  const paths = [...args.strings("paths"), ...args.strings("path")];

  const env = await findInspectEnvironment(ctx, inspectEnvironmentRequest(ctx));
  reportTargetEnvironment(ctx, env);
  const warn = (message: string) => printer.stderrImportant(`warning: ${message}\n`);
  // With `--path`, each directory is read on its own, as its own target.
  const groups =
    paths.length > 0
      ? pathSitePackages(ctx, paths).map((dir) => readSitePackages([dir], warn))
      : [readSitePackages(env.sitePackages, warn)];

  const lines = groups
    .flat()
    .filter((dist) => !(excludeEditable && dist.editable) && !exclude.has(dist.name))
    .sort(compareInspected)
    .map(freezeLine);
  let previous: string | undefined;
  for (const line of lines) {
    // Consecutive duplicates (the same install seen through two paths) print once.
    if (line !== previous) printer.stdout(`${line}\n`);
    previous = line;
  }

  if (strict) await printStrictDiagnostics(ctx, env, groups);
  return 0;
};
