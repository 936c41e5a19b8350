import { UvError } from "@uv-ts/error";
import type { CommandRun } from "../context.ts";
import {
  findInspectEnvironment,
  inspectEnvironmentRequest,
  reportTargetEnvironment,
} from "./pip-inspect-environment.ts";
import {
  type Column,
  packageNames,
  printStrictDiagnostics,
  renderColumns,
} from "./pip-inspect-output.ts";
import {
  compareInspected,
  editableLocation,
  readSitePackages,
} from "./pip-inspect-site-packages.ts";

/** `--outdated` needs the registry client, which `pip list` does not use yet. */
export class OutdatedUnsupportedError extends UvError {
  constructor() {
    super("pip.list-outdated-unsupported", "`--outdated` is not supported yet", {
      hint: "Compare `uv-ts pip list --format json` with the versions on your index",
    });
  }
}

/** `uv-ts pip list`: the installed packages as a table, `name==version` lines, or JSON. */
export const run: CommandRun = async (ctx) => {
  const { args, printer } = ctx;
  const format = args.string("format") ?? "columns";
  const outdated = args.flag("outdated") && !args.flag("no-outdated");
  if (outdated && format === "freeze") {
    throw new UvError(
      "pip.list-outdated-freeze",
      "`--outdated` cannot be used with `--format freeze`",
    );
  }
  const editable = args.flag("editable") ? true : args.flag("exclude-editable") ? false : undefined;
  const exclude = packageNames(args.strings("exclude"));
  const strict = args.flag("strict") && !args.flag("no-strict");

  const env = await findInspectEnvironment(ctx, inspectEnvironmentRequest(ctx));
  reportTargetEnvironment(ctx, env);
  const installed = readSitePackages(env.sitePackages, (message) =>
    printer.stderrImportant(`warning: ${message}\n`),
  );
  const results = installed
    .filter((dist) => editable === undefined || dist.editable === editable)
    .filter((dist) => !exclude.has(dist.name))
    .sort(compareInspected);
  if (outdated && results.length > 0) throw new OutdatedUnsupportedError();

  if (format === "json") {
    const rows = results.map((dist) => {
      const location = editableLocation(dist);
      return {
        name: dist.name,
        version: dist.version.toString(),
        ...(location === undefined ? {} : { editable_project_location: location }),
      };
    });
    printer.stdout(`${JSON.stringify(rows)}\n`);
  } else if (format === "freeze") {
    for (const dist of results) printer.stdout(`${dist.name}==${dist.version.toString()}\n`);
  } else if (results.length > 0) {
    const columns: Column[] = [
      { header: "Package", rows: results.map((d) => d.name) },
      { header: "Version", rows: results.map((d) => d.version.toString()) },
    ];
    const locations = results.map(editableLocation);
    // The column appears only when some editable lives in a local directory.
    if (locations.some((l) => l !== undefined)) {
      columns.push({ header: "Editable project location", rows: locations.map((l) => l ?? "") });
    }
    printer.stdout(renderColumns(columns));
  }

  if (strict) await printStrictDiagnostics(ctx, env, [installed]);
  return 0;
};
