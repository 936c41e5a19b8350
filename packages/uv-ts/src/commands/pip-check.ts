import { elapsed } from "@uv-ts/console";
import type { MarkerEnvironmentData } from "@uv-ts/python";
import type { CommandContext, CommandRun } from "../context.ts";
import { parsePythonVersion } from "./pip-compile-target.ts";
import {
  findInspectEnvironment,
  inspectEnvironmentRequest,
  reportTargetEnvironment,
} from "./pip-inspect-environment.ts";
import { environmentDiagnostics } from "./pip-inspect-metadata.ts";
import { readSitePackages } from "./pip-inspect-site-packages.ts";
import { wheelTagsCheck } from "./pip-inspect-tags.ts";
import { NotSupportedYetError } from "./pip-ops-errors.ts";

/** The markers the checks evaluate `Requires-Dist` in: the interpreter's, or `--python-version`'s. */
function checkMarkers(ctx: CommandContext, markers: MarkerEnvironmentData): MarkerEnvironmentData {
  const text = ctx.args.string("python-version");
  if (text === undefined) return markers;
  const { version } = parsePythonVersion(text);
  const [major = 0, minor = 0] = version.release;
  return {
    ...markers,
    ...(markers.implementation_name === "cpython" ? { implementation_version: text } : {}),
    python_full_version: text,
    python_version: `${major}.${minor}`,
  };
}

/**
 * `uv-ts pip check`: whether the installed packages are compatible with each other and the
 * interpreter. Reads each distribution's `METADATA` and `WHEEL`: duplicates, unreadable
 * metadata, an unsatisfied `Requires-Python`, wheels built for another platform, and
 * dependencies (evaluated in the environment's markers) that are missing or at a version that
 * does not fit. Exit code 1 when anything is found, as in uv.
 */
export const run: CommandRun = async (ctx) => {
  const start = performance.now();
  const { printer, style } = ctx;
  if (ctx.args.string("python-platform") !== undefined) {
    throw new NotSupportedYetError("`--python-platform` is not supported by uv-ts yet");
  }
  const env = await findInspectEnvironment(ctx, inspectEnvironmentRequest(ctx));
  reportTargetEnvironment(ctx, env);
  const dists = readSitePackages(env.sitePackages, (message) =>
    printer.stderrImportant(`warning: ${message}\n`),
  );

  const count = `${dists.length} package${dists.length === 1 ? "" : "s"}`;
  printer.stderr(
    `${style.dim(`Checked ${style.bold(count)} ${style.dim(`in ${elapsed(performance.now() - start)}`)}`)}\n`,
  );

  const markers = checkMarkers(ctx, env.interpreter.markers);
  const diagnostics = environmentDiagnostics(
    dists,
    markers,
    env.interpreter.version.toString(),
    wheelTagsCheck(env.interpreter.info),
  );
  if (diagnostics.length === 0) {
    printer.stderr(`${style.dim("All installed packages are compatible")}\n`);
    return 0;
  }
  const found = `${diagnostics.length} ${diagnostics.length === 1 ? "incompatibility" : "incompatibilities"}`;
  printer.stderr(`${style.dim(`Found ${style.bold(found)}`)}\n`);
  for (const diagnostic of diagnostics) printer.stderr(`${style.bold(diagnostic)}\n`);
  return 1;
};
