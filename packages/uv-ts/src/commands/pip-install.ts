import type { CommandRun } from "../context.ts";
import { upgradeFromArgs } from "./pip-compile-options.ts";
import { runInstallFlow } from "./pip-ops-flow.ts";
import { readRequirements } from "./pip-ops-requirements.ts";

/**
 * `uv-ts pip install`: resolves the given requirements with their dependencies and installs what
 * the environment lacks, leaving anything else in place. What is installed and still satisfies
 * the requirements is kept (unless `--upgrade`); when everything already is, nothing is resolved.
 */
export const run: CommandRun = async (ctx) => {
  const start = performance.now();
  const { args } = ctx;
  const spec = await readRequirements(ctx, {
    packages: args.strings("package"),
    files: args.strings("requirements"),
    constraintFiles: args.strings("constraints"),
    overrideFiles: args.strings("overrides"),
    editables: args.strings("editable"),
  });
  return runInstallFlow(ctx, {
    spec,
    modifications: args.flag("exact") && !args.flag("inexact") ? "exact" : "sufficient",
    upgrade: upgradeFromArgs(ctx),
    noDeps: args.flag("no-deps") && !args.flag("deps"),
    checkSatisfied: true,
    start,
  });
};
