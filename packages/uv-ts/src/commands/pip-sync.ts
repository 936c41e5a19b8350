import type { CommandRun } from "../context.ts";
import { runInstallFlow } from "./pip-ops-flow.ts";
import { readRequirements } from "./pip-ops-requirements.ts";

/**
 * `uv-ts pip sync <files>`: makes the environment match the files exactly, installing what is
 * missing and removing what is not listed. As in uv, the resolver runs without dependencies
 * (each listed package is chosen on its own): a complete, pinned file (from `pip compile`) is
 * expected.
 */
export const run: CommandRun = async (ctx) => {
  const start = performance.now();
  const { args, printer } = ctx;
  const spec = await readRequirements(ctx, {
    files: args.strings("src-file"),
    constraintFiles: args.strings("constraints"),
  });
  const allowEmpty =
    args.flag("allow-empty-requirements") && !args.flag("no-allow-empty-requirements");
  if (!allowEmpty && spec.requirements.length + spec.editables.length === 0) {
    printer.stderr(
      "No requirements found (hint: use `--allow-empty-requirements` to clear the environment)\n",
    );
    return 0;
  }
  return runInstallFlow(ctx, {
    spec,
    modifications: "exact",
    upgrade: false,
    noDeps: true,
    checkSatisfied: false,
    start,
  });
};
