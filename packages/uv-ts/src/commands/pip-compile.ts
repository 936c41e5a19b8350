import { setMaxListeners } from "node:events";
import { mkdir, readlink, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { elapsed } from "@uv-ts/console";
import { UvError } from "@uv-ts/error";
import { writeFileAtomic } from "@uv-ts/fs";
import { parsePackageName } from "@uv-ts/normalize";
import { type Resolution, resolve as resolveRequirements } from "@uv-ts/resolver";
import type { CommandContext, CommandRun } from "../context.ts";
import {
  recordingClient,
  resolutionDiagnostics,
  unpinnedDirectWarnings,
} from "./pip-compile-diagnostics.ts";
import { emitPreamble } from "./pip-compile-emit.ts";
import { compileCommandLine } from "./pip-compile-header.ts";
import { buildSelections, resolverOptions, upgradeFromArgs } from "./pip-compile-options.ts";
import { type AnnotationStyle, renderResolution } from "./pip-compile-output.ts";
import { readPreferences } from "./pip-compile-preferences.ts";
import { readCompileSources } from "./pip-compile-sources.ts";
import { compileTarget } from "./pip-compile-target.ts";
import { NotSupportedYetError } from "./pip-ops-errors.ts";
import {
  createPipClient,
  createStoredMetadataClient,
  indexLocations,
  openCache,
  pipHttpCache,
  refreshPolicy,
} from "./pip-ops-index.ts";

function warn(ctx: CommandContext, message: string): void {
  const { style } = ctx;
  ctx.printer.stderr(`${style.bold(style.yellow("warning"))}${style.bold(":")} ${message}\n`);
}

/** Whether `--flag` is on, given its `--no-flag` counterpart (the later one wins in the parser). */
function toggle(ctx: CommandContext, on: string, off: string, fallback: boolean): boolean {
  if (ctx.args.flag(off)) return false;
  if (ctx.args.flag(on)) return true;
  return fallback;
}

/**
 * Writes the output file atomically, creating its directory; a symlink's target is replaced.
 * Something that is not a regular file (`-o /dev/null`, a pipe) is written through, as uv does:
 * renaming a temporary file over it would replace the device itself.
 */
async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const target = await readlink(path).then(
    (link) => resolve(dirname(path), link),
    () => path,
  );
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) {
    await writeFile(target, text);
    return;
  }
  await writeFileAtomic(target, text);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Features of `uv pip compile` that uv-ts does not have yet: refused rather than ignored. */
function refuseUnsupported(ctx: CommandContext, outputFile: string | undefined): void {
  const { args } = ctx;
  if (outputFile !== undefined && basename(outputFile).toLowerCase() === "pyproject.toml") {
    throw new UvError(
      "pip.compile-output-pyproject",
      "`pyproject.toml` is not a supported output format for `uv-ts pip compile` (only `requirements.txt`-style output is supported)",
    );
  }
  const format = args.string("format");
  const tomlOutput =
    format === undefined &&
    outputFile !== undefined &&
    extname(outputFile).toLowerCase() === ".toml";
  if (format === "pylock.toml" || tomlOutput) {
    const name = outputFile === undefined ? undefined : basename(outputFile);
    if (name !== undefined && !/^pylock\.([^.]+\.)?toml$/.test(name)) {
      throw new UvError(
        "pip.compile-pylock-name",
        `Expected the output filename to be \`pylock.toml\` or \`pylock.<name>.toml\`, where \`<name>\` is non-empty and contains no dots; found \`${name}\``,
      );
    }
    throw new NotSupportedYetError("`pylock.toml` output is not supported by uv-ts yet");
  }
  const unsupported: [string, string][] = [
    ["universal", "--universal"],
    ["no-strip-markers", "--no-strip-markers"],
    ["emit-marker-expression", "--emit-marker-expression"],
  ];
  for (const [id, flag] of unsupported) {
    if (args.flag(id)) throw new NotSupportedYetError(`\`${flag}\` is not supported by uv-ts yet`);
  }
  if (args.strings("group").length > 0) {
    throw new NotSupportedYetError("`--group` is not supported by uv-ts yet");
  }
}

/**
 * `uv-ts pip compile`: resolves requirements files, `pyproject.toml` dependencies (with
 * `--extra` / `--all-extras`) or stdin into pinned `requirements.txt` output, as uv writes it,
 * to stdout and the `--output-file`, whose existing pins are kept where they still fit.
 */
export const run: CommandRun = async (ctx) => {
  const start = performance.now();
  const { args } = ctx;
  const outputFile = args.string("output-file");
  refuseUnsupported(ctx, outputFile);

  const allExtras = args.flag("all-extras") && !args.flag("no-all-extras");
  const spec = await readCompileSources(ctx, {
    files: args.strings("src-file"),
    constraintFiles: args.strings("constraints"),
    overrideFiles: args.strings("overrides"),
    extras: allExtras ? "all" : args.strings("extra"),
    readStdin,
  });
  const builds = buildSelections(ctx, spec);
  const options = resolverOptions(ctx, builds);
  // The target is looked for first: finding it may start an interpreter, whose run the cache
  // and the client's connections below then overlap.
  const finding = compileTarget(ctx, {
    python: args.string("python"),
    pythonVersion: args.string("python-version"),
    pythonPlatform: args.string("python-platform"),
    system: args.flag("system") && !args.flag("no-system"),
    // uv looks only at the requirements files' `--only-binary` here, not at `--no-build`.
    noBuild: spec.onlyBinary.kind !== "none",
  });
  finding.catch(() => {});

  // Every request ties its own signal to the run's (`AbortSignal.any`), one listener each; with
  // 50 fetches in flight Node would warn about a leak that is not one.
  setMaxListeners(0, ctx.signal);
  const opening = openCache(ctx, refreshPolicy(ctx, false));
  opening.catch(() => {});
  const sources = {
    requirements: [],
    constraints: [],
    editables: [],
    indexUrl: spec.indexUrl,
    extraIndexUrls: spec.extraIndexUrls,
    findLinks: spec.findLinks,
    noIndex: spec.noIndex,
    requireHashes: false,
  };
  // Index options that do not parse are reported below, after the target's and the cache's
  // errors, as before.
  let locations: ReturnType<typeof indexLocations> | undefined;
  let locationsError: unknown;
  try {
    locations = indexLocations(ctx, sources);
  } catch (error) {
    locationsError = error;
  }
  // The client is made as soon as the cache is open.
  const early = opening.then((cache) => {
    if (locations === undefined) return undefined;
    const store = pipHttpCache(cache);
    const client = createPipClient(ctx, locations, cache, store);
    // The TLS handshakes (the index's, and its files' host for the metadata) then overlap
    // finding the target, reading preferences and the first cached pages.
    client.preconnect(
      spec.requirements.map((r) => r.requirement.name),
      { files: true },
    );
    return { locations, store, client };
  });
  early.catch(() => {});
  let target: Awaited<typeof finding>["target"];
  let cache: Awaited<typeof opening>;
  let made: Awaited<typeof early>;
  try {
    ({ target } = await finding);
    cache = await opening;
    made = await early;
  } catch (error) {
    await early.then(
      (m) => m?.client.close(),
      () => {},
    );
    await opening.then(
      (c) => c.dispose(),
      () => {},
    );
    throw error;
  }
  if (made === undefined) {
    await cache.dispose();
    throw locationsError;
  }
  const { locations: indexes, store, client } = made;
  const storedMetadata = createStoredMetadataClient(ctx, indexes, cache, store);
  const recording = recordingClient(client);
  const requirements = spec.requirements.map((r) => r.requirement);
  const constraints = spec.constraints.map((r) => r.requirement);
  const overrides = spec.overrides.map((r) => r.requirement);
  const mode = options.resolution ?? "highest";
  let resolution: Resolution;
  let diagnostics: string[];
  try {
    const preferences = await readPreferences(ctx, outputFile, upgradeFromArgs(ctx));
    const overridden = requirements.flatMap((r) => {
      const replaced = overrides.filter((o) => o.name === r.name);
      return replaced.length > 0 ? replaced : [r];
    });
    for (const warning of unpinnedDirectWarnings(
      mode,
      [...overridden, ...constraints],
      target.markerEnv,
    )) {
      warn(ctx, warning);
    }
    resolution = await resolveRequirements({
      manifest: { requirements, constraints, overrides, preferences },
      options,
      target,
      client: recording.client,
      signal: ctx.signal,
      ...(storedMetadata === undefined ? {} : { cachedClient: storedMetadata }),
    });
    // The pages and metadata read are in the cache before the run reports anything.
    await client.flush();
    diagnostics = await resolutionDiagnostics({
      resolution,
      mode,
      metadata: recording.metadata,
      constraints,
      overrides,
    });
  } finally {
    try {
      await client.close();
    } finally {
      await storedMetadata?.close();
      await cache.dispose();
    }
  }

  const count = resolution.size;
  const time = `in ${elapsed(performance.now() - start)}`;
  const { style } = ctx;
  ctx.printer.stderr(
    count === 0
      ? `${style.dim(`Resolved ${time}`)}\n`
      : `${style.dim(`Resolved ${style.bold(`${count} package${count === 1 ? "" : "s"}`)} ${style.dim(time)}`)}\n`,
  );

  const includeIndexUrl = toggle(ctx, "emit-index-url", "no-emit-index-url", false);
  const includeFindLinks = toggle(ctx, "emit-find-links", "no-emit-find-links", false);
  const annotate = toggle(ctx, "annotate", "no-annotate", true);
  const noEmit = new Set(args.strings("no-emit-package").map((n) => parsePackageName(n)));
  let text = "";
  if (toggle(ctx, "header", "no-header", true)) {
    const command =
      args.string("custom-compile-command") ??
      compileCommandLine("uv-ts", ctx.io.argv, { includeIndexUrl, includeFindLinks });
    text += "# This file was autogenerated by uv via the following command:\n";
    text += `#    ${command}\n`;
  }
  const preamble = emitPreamble(ctx, spec, builds, {
    indexUrl: includeIndexUrl,
    findLinks: includeFindLinks,
    buildOptions: toggle(ctx, "emit-build-options", "no-emit-build-options", false),
  });
  if (preamble.length > 0) text += `${preamble.join("\n")}\n\n`;
  text += renderResolution(
    resolution,
    { ...spec, markerEnv: target.markerEnv },
    {
      annotate,
      annotationStyle: (args.string("annotation-style") ?? "split") as AnnotationStyle,
      hashes: toggle(ctx, "generate-hashes", "no-generate-hashes", false),
      includeExtras: toggle(ctx, "no-strip-extras", "strip-extras", false),
      indexAnnotation: toggle(ctx, "emit-index-annotation", "no-emit-index-annotation", false),
      noEmit,
    },
  );
  const excluded = [...noEmit].filter((name) => resolution.get(name) !== undefined);
  if (annotate && excluded.length > 0) {
    text += "\n# The following packages were excluded from the output:\n";
    for (const name of excluded) text += `# ${name}\n`;
  }

  const quiet = args.count("quiet") > 0;
  if (!quiet || outputFile === undefined) ctx.printer.stdout(text);
  if (outputFile !== undefined) await writeOutput(resolve(ctx.cwd, outputFile), text);

  for (const diagnostic of diagnostics) {
    ctx.printer.stderr(
      `${style.bold(style.yellow("warning"))}${style.bold(":")} ${style.bold(diagnostic)}\n`,
    );
  }
  return 0;
};
