import { UvError } from "@uv-ts/error";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { Requirement } from "@uv-ts/pep508";
import type { PackageSelection as TxtSelection } from "@uv-ts/requirements-txt";
import type {
  PackageSelection,
  PrereleaseMode,
  ResolutionMode,
  ResolverOptions,
  UpgradeSelection,
} from "@uv-ts/resolver";
import type { CommandContext } from "../context.ts";
import { concurrentDownloads } from "./pip-ops-index.ts";

const RESOLUTION_MODES: readonly ResolutionMode[] = ["highest", "lowest", "lowest-direct"];
const PRERELEASE_MODES: readonly PrereleaseMode[] = [
  "disallow",
  "allow",
  "if-necessary",
  "explicit",
  "if-necessary-or-explicit",
];

function invalidValue(
  flag: string,
  placeholder: string,
  value: string,
  possible: readonly string[],
) {
  return new UvError(
    "cli.invalid-value",
    `invalid value '${value}' for '--${flag} <${placeholder}>'\n  [possible values: ${possible.join(", ")}]\n\nFor more information, try '--help'.`,
  );
}

/**
 * `--exclude-newer` as uv reads it: an RFC 3339 timestamp, or a date meaning "before the next
 * day starts" in the local time zone.
 */
export function parseExcludeNewer(value: string): Date {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date !== null) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const given = new Date(year, month - 1, day);
    if (given.getFullYear() !== year || given.getMonth() !== month - 1 || given.getDate() !== day) {
      throw new UvError(
        "cli.exclude-newer",
        `invalid value '${value}' for '--exclude-newer <EXCLUDE_NEWER>': \`${value}\` could not be parsed as a valid date\n\nFor more information, try '--help'.`,
      );
    }
    return new Date(year, month - 1, day + 1);
  }
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/.test(value)) {
    const parsed = Date.parse(value.replace(" ", "T"));
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  throw new UvError(
    "cli.exclude-newer",
    `invalid value '${value}' for '--exclude-newer <EXCLUDE_NEWER>': \`${value}\` could not be parsed as a valid exclude-newer value (expected a date like \`2024-01-01\` or a timestamp like \`2024-01-01T00:00:00Z\`)\n\nFor more information, try '--help'.`,
  );
}

function excludeNewerPackages(values: readonly string[]): Map<PackageName, Date> {
  const out = new Map<PackageName, Date>();
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq < 0) {
      throw new UvError(
        "cli.exclude-newer-package",
        `Invalid \`exclude-newer-package\` value \`${value}\`: expected format \`PACKAGE=DATE\``,
      );
    }
    out.set(parsePackageName(value.slice(0, eq)), parseExcludeNewer(value.slice(eq + 1)));
  }
  return out;
}

/** `--no-binary` / `--only-binary` values: `:all:`, `:none:` or package names, in order. */
function selectionFromArgs(values: readonly string[]): TxtSelection {
  let selection: TxtSelection = { kind: "none" };
  for (const value of values) {
    if (value === ":all:") selection = { kind: "all" };
    else if (value === ":none:") selection = { kind: "none" };
    else {
      const name = parsePackageName(value);
      selection =
        selection.kind === "packages"
          ? { kind: "packages", packages: [...selection.packages, name] }
          : selection.kind === "all"
            ? selection
            : { kind: "packages", packages: [name] };
    }
  }
  return selection;
}

function mergeSelections(a: TxtSelection, b: TxtSelection): TxtSelection {
  if (a.kind === "all" || b.kind === "all") return { kind: "all" };
  if (a.kind === "none") return b;
  if (b.kind === "none") return a;
  return { kind: "packages", packages: [...new Set([...a.packages, ...b.packages])] };
}

function toResolverSelection(selection: TxtSelection): PackageSelection {
  if (selection.kind === "all") return true;
  if (selection.kind === "none") return false;
  return new Set(selection.packages);
}

/** `--no-binary` and `--only-binary` (`--no-build` is `--only-binary :all:`), with the files'. */
export interface BuildSelections {
  readonly noBinary: TxtSelection;
  readonly onlyBinary: TxtSelection;
}

/** The build options of the run: the command line's merged with the requirements files'. */
export function buildSelections(
  ctx: CommandContext,
  fromFiles: { readonly noBinary: TxtSelection; readonly onlyBinary: TxtSelection },
): BuildSelections {
  const { args } = ctx;
  const noBuild = args.flag("no-build") && !args.flag("build");
  const onlyBinary = noBuild
    ? ({ kind: "all" } as const)
    : selectionFromArgs(args.strings("only-binary"));
  return {
    noBinary: mergeSelections(selectionFromArgs(args.strings("no-binary")), fromFiles.noBinary),
    onlyBinary: mergeSelections(onlyBinary, fromFiles.onlyBinary),
  };
}

/** `--upgrade` (everything) or the names of `--upgrade-package`; `--no-upgrade` wins. */
export function upgradeFromArgs(ctx: CommandContext): UpgradeSelection {
  const { args } = ctx;
  if (args.flag("no-upgrade")) return false;
  if (args.flag("upgrade")) return true;
  const names = args
    .strings("upgrade-package")
    .map((value) => Requirement.parse(value, { workingDir: ctx.cwd }).name);
  return names.length === 0 ? false : new Set(names);
}

/** The resolver's options from the command line (and the environment variables it reads). */
export function resolverOptions(ctx: CommandContext, builds: BuildSelections): ResolverOptions {
  const { args } = ctx;
  const resolution = args.string("resolution") ?? "highest";
  if (!RESOLUTION_MODES.includes(resolution as ResolutionMode)) {
    throw invalidValue("resolution", "RESOLUTION", resolution, RESOLUTION_MODES);
  }
  let prerelease = args.string("prerelease");
  if (prerelease === undefined && args.flag("pre")) prerelease = "allow";
  prerelease ??= "if-necessary-or-explicit";
  if (!PRERELEASE_MODES.includes(prerelease as PrereleaseMode)) {
    throw invalidValue("prerelease", "PRERELEASE", prerelease, PRERELEASE_MODES);
  }
  const prereleasePackages = new Map<PackageName, PrereleaseMode>();
  for (const value of args.strings("prerelease-package")) {
    const eq = value.indexOf("=");
    const mode = value.slice(eq + 1);
    if (eq < 0 || !PRERELEASE_MODES.includes(mode as PrereleaseMode)) {
      throw new UvError(
        "cli.prerelease-package",
        `Invalid \`prerelease-package\` value \`${value}\`: expected format \`PACKAGE=MODE\``,
      );
    }
    prereleasePackages.set(parsePackageName(value.slice(0, eq)), mode as PrereleaseMode);
  }
  const excludeNewer = args.string("exclude-newer");
  const concurrency = concurrentDownloads(ctx.io.env);
  return {
    resolution: resolution as ResolutionMode,
    prerelease: prerelease as PrereleaseMode,
    prereleasePackages,
    ...(excludeNewer === undefined || excludeNewer === ""
      ? {}
      : { excludeNewer: parseExcludeNewer(excludeNewer) }),
    excludeNewerPackages: excludeNewerPackages(args.strings("exclude-newer-package")),
    noBuild: toResolverSelection(builds.onlyBinary),
    noBinary: toResolverSelection(builds.noBinary),
    upgrade: upgradeFromArgs(ctx),
    noDeps: args.flag("no-deps") && !args.flag("deps"),
    ...(concurrency === undefined ? {} : { concurrency }),
  };
}
