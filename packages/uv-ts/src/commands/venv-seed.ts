import { join } from "node:path";
import { interpreterTags } from "@uv-ts/distribution";
import { UvError } from "@uv-ts/error";
import { type Layout, SitePackages } from "@uv-ts/installer";
import { Version } from "@uv-ts/pep440";
import { Requirement } from "@uv-ts/pep508";
import type { Interpreter } from "@uv-ts/python";
import type { RequirementEntry } from "@uv-ts/requirements-txt";
import { NoSolutionError, PythonRequirement } from "@uv-ts/resolver";
import type { VirtualEnvironment } from "@uv-ts/virtualenv";
import type { CommandContext } from "../context.ts";
import { resolverOptions } from "./pip-compile-options.ts";
import { commandWheelFetcher, executeInstall } from "./pip-ops-execute.ts";
import { createPipClient, indexLocations, openCache, refreshPolicy } from "./pip-ops-index.ts";
import { warnUser } from "./pip-ops-report.ts";
import { resolveForInstall } from "./pip-ops-resolve.ts";

/** The seed packages uv installs: `pip`, and before Python 3.12 `setuptools` and `wheel` too. */
export function seedPackages(interpreter: Pick<Interpreter, "major" | "minor">): string[] {
  const modern = interpreter.major > 3 || (interpreter.major === 3 && interpreter.minor >= 12);
  return modern ? ["pip"] : ["pip", "setuptools", "wheel"];
}

/** Installing the seed packages failed; uv's wording, exit code 2 as in uv. */
export class SeedError extends UvError {
  constructor(cause: unknown, hint?: string) {
    super(
      "venv.seed",
      "Failed to install seed packages into virtual environment",
      hint === undefined ? { cause } : { cause, hint },
    );
  }
}

/** The install scheme of a virtual environment uv-ts just created (no interpreter query needed). */
function venvLayout(venv: VirtualEnvironment, interpreter: Interpreter): Layout {
  const version = `python${interpreter.major}.${interpreter.minor}`;
  return {
    sysExecutable: venv.executable,
    pythonVersion: [interpreter.major, interpreter.minor],
    osName: "posix",
    scheme: {
      purelib: venv.purelib,
      platlib: venv.platlib,
      scripts: venv.scripts,
      data: venv.root,
      include: join(venv.root, "include", "site", version),
    },
  };
}

function entry(name: string): RequirementEntry {
  return {
    requirement: Requirement.parse(name),
    parsedUrl: undefined,
    hashes: [],
    editable: false,
    source: { file: "<seed>", line: 0 },
  };
}

/**
 * `venv --seed`: resolves the seed packages for the environment's interpreter from the indexes
 * the command was given (wheels only, newest versions, `--exclude-newer` honoured, `--offline`
 * reads the cache) and installs them into `venv`, printing only uv's ` + pip==X` lines. What is
 * installed already at the chosen version (`--allow-existing`) stays.
 */
export async function seedVenv(
  ctx: CommandContext,
  venv: VirtualEnvironment,
  interpreter: Interpreter,
): Promise<void> {
  const names = seedPackages(interpreter);
  const layout = venvLayout(venv, interpreter);
  const cache = await openCache(ctx, refreshPolicy(ctx, false));
  const client = createPipClient(
    ctx,
    indexLocations(ctx, { indexUrl: undefined, extraIndexUrls: [], findLinks: [], noIndex: false }),
    cache,
  );
  try {
    const tags = interpreterTags(interpreter.info);
    const markers = interpreter.markers;
    let resolved: Awaited<ReturnType<typeof resolveForInstall>>;
    try {
      resolved = await resolveForInstall(names.map(entry), {
        client,
        tags,
        markers,
        python: new PythonRequirement({ target: Version.parse(markers.python_full_version) }),
        sitePackages: SitePackages.read(layout),
        sitePackagesDir: layout.scheme.purelib,
        reinstall: false,
        options: {
          ...resolverOptions(ctx, { noBinary: { kind: "none" }, onlyBinary: { kind: "all" } }),
          // The seed resolution starts from nothing, whatever the environment holds.
          upgrade: true,
          noDeps: false,
        },
        constraints: [],
        overrides: [],
        signal: ctx.signal,
        warn: (message) => warnUser(ctx, message),
      });
    } catch (error) {
      if (!(error instanceof NoSolutionError)) throw new SeedError(error);
      const list = names.map((n) => `\`${n}\``).join(", ");
      throw new SeedError(
        new UvError("venv.seed-no-solution", `No solution found when resolving: ${list}`, {
          cause: error.cause,
        }),
        error.hint,
      );
    }
    const fetcher = commandWheelFetcher(ctx, cache, client);
    try {
      await executeInstall({
        ctx,
        env: { layout },
        cache,
        fetcher,
        sitePackages: SitePackages.read(layout),
        resolution: resolved.resolution,
        modifications: "sufficient",
        reinstall: false,
        dryRun: false,
        report: "added",
        start: performance.now(),
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new SeedError(error);
    }
  } finally {
    await client.close();
    await cache.dispose();
  }
}
