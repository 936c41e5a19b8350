import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Requirement } from "@uv-ts/pep508";
import { parseRequirementsTxt } from "@uv-ts/requirements-txt";
import type { Preference, UpgradeSelection } from "@uv-ts/resolver";
import type { CommandContext } from "../context.ts";

/**
 * The pins of an existing output file, which the resolution keeps where they still fit so that
 * re-running `pip compile` does not churn versions (uv's `read_requirements_txt`). Only exact
 * `==`/`===` pins count; `--upgrade` drops them all, `--upgrade-package` the named ones.
 */
export async function readPreferences(
  ctx: CommandContext,
  outputFile: string | undefined,
  upgrade: UpgradeSelection,
): Promise<Preference[]> {
  if (outputFile === undefined || upgrade === true) return [];
  const path = resolve(ctx.cwd, outputFile);
  if (!existsSync(path)) return [];
  const txt = await parseRequirementsTxt(path, { workingDir: ctx.cwd, env: ctx.io.env });
  const preferences: Preference[] = [];
  for (const entry of txt.requirements) {
    const req = entry.requirement;
    if (!(req instanceof Requirement) || req.verbatimUrl !== undefined) continue;
    const specifiers = req.version?.specifiers ?? [];
    const only = specifiers.length === 1 ? specifiers[0] : undefined;
    if (only === undefined || (only.operator !== "==" && only.operator !== "===")) continue;
    if (upgrade !== false && upgrade.has(req.name)) continue;
    preferences.push({ name: req.name, version: only.version, source: "requirements-txt" });
  }
  return preferences;
}
