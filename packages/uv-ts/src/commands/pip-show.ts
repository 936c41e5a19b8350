import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UvError } from "@uv-ts/error";
import { parseRecord } from "@uv-ts/installer";
import type { PackageName } from "@uv-ts/normalize";
import type { CommandRun } from "../context.ts";
import {
  findInspectEnvironment,
  inspectEnvironmentRequest,
  reportTargetEnvironment,
} from "./pip-inspect-environment.ts";
import { activeRequirements, readDistMetadata } from "./pip-inspect-metadata.ts";
import { packageNames, printStrictDiagnostics } from "./pip-inspect-output.ts";
import {
  editableLocation,
  type InspectedDist,
  readSitePackages,
} from "./pip-inspect-site-packages.ts";

/** `RECORD` of a shown package is missing or unreadable (`--files`). */
export class RecordReadError extends UvError {
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "No such file or directory (os error 2)"
        : code === "EACCES"
          ? "Permission denied (os error 13)"
          : String((cause as Error).message);
    // The OS reason is part of the message, as in uv, so no cause line repeats it.
    super("pip.show-record", `failed to open file \`${path}\`: ${reason}`);
  }
}

// The names each distribution requires in this environment; `undefined` when its metadata
// cannot be read (the package is then shown without `Requires` and `Required-by`).
function requiredNames(
  dist: InspectedDist,
  markers: Parameters<typeof activeRequirements>[1],
): PackageName[] | undefined {
  try {
    return activeRequirements(readDistMetadata(dist), markers).map((r) => r.name);
  } catch {
    return undefined;
  }
}

/** `uv-ts pip show NAME...`: details of installed packages, in pip's `Key: value` form. */
export const run: CommandRun = async (ctx) => {
  const { args, printer, style } = ctx;
  // uv prints the details with its plain stdout, which `--quiet` silences.
  const quiet = args.count("quiet") > 0;
  const out = (text: string) => {
    if (!quiet) printer.stdout(text);
  };
  const warning = (message: string) =>
    printer.stderr(`${style.bold(style.yellow("warning"))}${style.bold(":")} ${message}\n`);

  const requested = [...packageNames(args.strings("package"))].sort();
  if (requested.length === 0) {
    warning("Please provide a package name or names.");
    return 1;
  }
  const strict = args.flag("strict") && !args.flag("no-strict");
  const files = args.flag("files");

  const env = await findInspectEnvironment(ctx, inspectEnvironmentRequest(ctx));
  reportTargetEnvironment(ctx, env);
  const installed = readSitePackages(env.sitePackages, (message) =>
    printer.stderrImportant(`warning: ${message}\n`),
  );
  const markers = env.interpreter.markers;

  const missing: PackageName[] = [];
  const shown: InspectedDist[] = [];
  for (const name of requested) {
    const found = installed.filter((d) => d.name === name);
    if (found.length === 0) missing.push(name);
    else shown.push(...found);
  }
  if (missing.length > 0) warning(`Package(s) not found for: ${style.bold(missing.join(", "))}`);
  // Like pip, finding none of the packages is a failure.
  if (shown.length === 0) return 1;

  const requires = new Map<PackageName, PackageName[]>();
  for (const dist of shown) {
    const names = requiredNames(dist, markers);
    if (names !== undefined) requires.set(dist.name, [...new Set(names)].sort());
  }
  if (requires.size > 0) {
    for (const dist of installed) {
      if (requires.has(dist.name)) continue;
      const names = requiredNames(dist, markers);
      if (names !== undefined && names.length > 0) requires.set(dist.name, names);
    }
  }

  shown.forEach((dist, i) => {
    if (i > 0) out("---\n");
    out(`Name: ${dist.name}\n`);
    out(`Version: ${dist.version.toString()}\n`);
    out(`Location: ${dirname(dist.path)}\n`);
    const location = editableLocation(dist);
    if (location !== undefined) out(`Editable project location: ${location}\n`);
    const own = requires.get(dist.name);
    if (own !== undefined) {
      out(own.length === 0 ? "Requires:\n" : `Requires: ${own.join(", ")}\n`);
      const requiredBy = [...requires]
        .filter(([name, names]) => name !== dist.name && names.includes(dist.name))
        .map(([name]) => name)
        .sort();
      out(requiredBy.length === 0 ? "Required-by:\n" : `Required-by: ${requiredBy.join(", ")}\n`);
    }
    if (files) {
      const path = join(dist.path, "RECORD");
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        throw new RecordReadError(path, error);
      }
      out("Files:\n");
      for (const entry of parseRecord(text)) out(`  ${entry.path}\n`);
    }
  });

  if (strict) await printStrictDiagnostics(ctx, env, [installed]);
  return 0;
};
