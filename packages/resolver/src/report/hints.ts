import type { PackageName } from "@uv-ts/normalize";
import type { Version, VersionRange } from "@uv-ts/pep440";
import {
  formatAbiTag,
  formatLanguageTag,
  formatPlatformTag,
  prettyAbiTag,
  prettyLanguageTag,
  type Tags,
} from "@uv-ts/platform-tags";
import type { CandidateSelector } from "../candidate-selector.ts";
import type { ResolverOptions } from "../options.ts";
import { packageName } from "../package.ts";
import type { PythonRequirement } from "../python-requirement.ts";
import type { UnavailablePackage } from "../unavailable.ts";
import type { VersionMap } from "../version-map.ts";
import { formatPackageRange, isPluralRange } from "./range-display.ts";
import type { ErrorTree } from "./tree.ts";

/** What hints need to know about the failed resolution. */
export interface HintContext {
  readonly python: PythonRequirement;
  readonly tags: Tags | undefined;
  readonly includedVersions: ReadonlyMap<PackageName, readonly Version[]>;
  readonly availableVersions: ReadonlyMap<PackageName, readonly Version[]>;
  readonly urlPackages: ReadonlySet<PackageName>;
  readonly unavailablePackages: ReadonlyMap<PackageName, UnavailablePackage>;
  readonly selector: CandidateSelector;
  readonly options: ResolverOptions;
  readonly versionMaps: (name: PackageName) => readonly VersionMap[];
}

/** Hints in the order uv finds them, each at most once (keyed like uv's `PubGrubHint`). */
class HintSet {
  readonly #keys = new Set<string>();
  readonly hints: string[] = [];

  add(key: string, text: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    this.hints.push(text);
  }
}

/**
 * The hints uv prints after a resolution failure: pre-releases that were not enabled, a
 * `requires-python` that is too low, `--no-build`/`--no-binary`, wheels for other platforms,
 * `--exclude-newer` cutoffs, and packages that were unavailable offline or without an index.
 */
export function generateHints(tree: ErrorTree, context: HintContext): string[] {
  const hints = new HintSet();
  const requested = requestedRanges(tree);
  const visit = (node: ErrorTree): void => {
    switch (node.type) {
      case "derived":
        visit(node.cause1);
        visit(node.cause2);
        return;
      case "custom": {
        const reason = node.reason;
        if (reason.type === "version" && reason.reason.kind === "unsatisfiable-dependency") return;
        const name = packageName(node.package);
        if (name === undefined) return;
        if (!context.urlPackages.has(name)) {
          prereleaseHint(hints, name, node.set, requested.get(name), context);
        }
        indexHints(hints, name, context);
        if (reason.type === "version" && reason.reason.kind === "incompatible-dist") {
          const dist = reason.reason.dist;
          if (dist.type === "source" && dist.source.kind === "no-build") {
            hints.add(`no-build:${name}`, noBuildHint(name, context.options));
          } else if (dist.type === "wheel" && dist.wheel.kind === "no-binary") {
            hints.add(`no-binary:${name}`, noBinaryHint(name, context.options));
          } else if (dist.type === "wheel" && dist.wheel.kind === "tag") {
            tagHint(hints, name, node.set, dist.wheel.tag, context);
          }
        }
        return;
      }
      case "noVersions": {
        const name = packageName(node.package);
        if (name === undefined) return;
        if (!context.urlPackages.has(name)) {
          prereleaseHint(hints, name, node.set, requested.get(name), context);
        }
        indexHints(hints, name, context);
        excludeNewerHint(hints, name, node.set, context);
        return;
      }
      case "fromDependencyOf": {
        if (node.dependency.kind !== "python" || node.dependency.python !== "target") return;
        const name = packageName(node.package);
        if (name === undefined) return;
        hints.add(
          `requires-python:${context.python.source}`,
          requiresPythonHint(name, node.versions, node.dependencyVersions, context.python),
        );
        return;
      }
      default:
        return;
    }
  };
  visit(tree);
  return hints.hints;
}

/** The ranges each package was requested with anywhere in the tree. */
function requestedRanges(tree: ErrorTree): Map<PackageName, VersionRange[]> {
  const out = new Map<PackageName, VersionRange[]>();
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "derived") {
      stack.push(node.cause1, node.cause2);
    } else if (node.type === "fromDependencyOf") {
      const name = packageName(node.dependency);
      if (name === undefined) continue;
      const list = out.get(name);
      if (list === undefined) out.set(name, [node.dependencyVersions]);
      else list.push(node.dependencyVersions);
    }
  }
  return out;
}

/** Whether a requested range names a pre-release (not the `.dev0` of a `==2.4.*` or `~=`). */
function requestsPrerelease(range: VersionRange): boolean {
  return range.intervals.some(({ lower, upper }) => {
    if (lower?.inclusive === true && upper !== undefined && !upper.inclusive) {
      const a = lower.version;
      const b = upper.version;
      if (isPrefixShape(a, b)) return false;
    }
    if (lower?.version.isPrerelease() === true) return true;
    if (upper === undefined) return false;
    if (upper.inclusive) return upper.version.isPrerelease();
    const v = upper.version;
    const compatibleUpper =
      v.dev === 0 && v.pre === undefined && v.post === undefined && !v.isLocal();
    return v.isPrerelease() && !compatibleUpper;
  });
}

function isPrefixShape(a: Version, b: Version): boolean {
  const plain = (v: Version) => v.pre === undefined && v.post === undefined && !v.isLocal();
  if (!plain(a) || !plain(b) || a.dev !== 0 || b.dev !== 0) return false;
  if (a.release.length !== b.release.length) return false;
  const n = a.release.length;
  for (let i = 0; i < n; i++) {
    if (i === n - 1 ? a.release[i]! + 1 !== b.release[i] : a.release[i] !== b.release[i])
      return false;
  }
  return true;
}

function prereleaseHint(
  hints: HintSet,
  name: PackageName,
  set: VersionRange,
  requested: readonly VersionRange[] | undefined,
  context: HintContext,
): void {
  if (context.selector.prereleaseSelection(name) !== "disallow") return;
  const perPackage = context.options.prereleasePackages?.has(name) === true;
  const flag = perPackage ? `--prerelease-package ${name}=allow` : "--prerelease=allow";
  const request = (requested ?? []).find(requestsPrerelease);
  if (request !== undefined) {
    const range = formatPackageRange(name, request, "compatibility");
    hints.add(
      `prerelease:${name}`,
      `\`${name}\` was requested with a pre-release marker (e.g., ${range}), but pre-releases weren't enabled (try: \`${flag}\`)`,
    );
    return;
  }
  const included = context.includedVersions.get(name) ?? [];
  for (let i = included.length - 1; i >= 0; i--) {
    const v = included[i]!;
    if (v.isPrerelease() && set.contains(v)) {
      hints.add(
        `prerelease:${name}`,
        `Pre-releases are available for \`${name}\` in the requested range (e.g., ${v}), but pre-releases weren't enabled (try: \`${flag}\`)`,
      );
      return;
    }
  }
}

function indexHints(hints: HintSet, name: PackageName, context: HintContext): void {
  switch (context.unavailablePackages.get(name)) {
    case "no-index":
      hints.add(
        "no-index",
        "Packages were unavailable because index lookups were disabled and no additional package locations were provided (try: `--find-links <uri>`)",
      );
      return;
    case "offline":
      hints.add(
        "offline",
        "Packages were unavailable because the network was disabled. When the network is disabled, registry packages may only be read from the cache.",
      );
      return;
    default:
      return;
  }
}

function noBuildHint(name: PackageName, options: ResolverOptions): string {
  const how =
    options.noBuild === true
      ? "for all packages (i.e., with `--no-build`)"
      : `for \`${name}\` (i.e., with \`--no-build-package ${name}\`)`;
  return `Wheels are required for \`${name}\` because building from source is disabled ${how}`;
}

function noBinaryHint(name: PackageName, options: ResolverOptions): string {
  const how =
    options.noBinary === true
      ? "for all packages (i.e., with `--no-binary`)"
      : `for \`${name}\` (i.e., with \`--no-binary-package ${name}\`)`;
  return `A source distribution is required for \`${name}\` because using pre-built wheels is disabled ${how}`;
}

function tagHint(
  hints: HintSet,
  name: PackageName,
  set: VersionRange,
  tag: string,
  context: HintContext,
): void {
  const candidate = context.selector.selectNoPreference(name, set, context.versionMaps(name));
  if (candidate === undefined) return;
  const wheels = candidate.prioritized.wheels;
  const version = candidate.version;
  const list = (tags: Iterable<string>) => [...new Set(tags)].sort().map((t) => `\`${t}\``);
  const tags = context.tags;
  switch (tag) {
    case "python": {
      const found = list(wheels.flatMap((w) => w.filename.pythonTags.map(formatLanguageTag)));
      if (found.length === 0) return;
      const s = found.length === 1 ? "" : "s";
      const best = tags?.best()?.python;
      const bestText =
        best === undefined
          ? undefined
          : prettyLanguageTag(best) === undefined
            ? formatLanguageTag(best)
            : `${prettyLanguageTag(best)} (\`${formatLanguageTag(best)}\`)`;
      hints.add(
        `language-tags:${name}`,
        bestText === undefined
          ? `Wheels are available for \`${name}\` (v${version}) with the following Python implementation tag${s}: ${found.join(", ")}`
          : `You require ${bestText}, but we only found wheels for \`${name}\` (v${version}) with the following Python implementation tag${s}: ${found.join(", ")}`,
      );
      return;
    }
    case "abi":
    case "freethreaded-abi":
    case "abi-python-version": {
      const found = list(
        wheels.flatMap((w) => w.filename.abiTags.map(formatAbiTag)).filter((t) => t !== "none"),
      );
      if (found.length === 0) return;
      const s = found.length === 1 ? "" : "s";
      const best = tags?.best()?.abi;
      const bestText =
        best === undefined
          ? undefined
          : prettyAbiTag(best) === undefined
            ? formatAbiTag(best)
            : `${prettyAbiTag(best)} (\`${formatAbiTag(best)}\`)`;
      hints.add(
        `abi-tags:${name}`,
        bestText === undefined
          ? `Wheels are available for \`${name}\` (v${version}) with the following Python ABI tag${s}: ${found.join(", ")}`
          : `You require ${bestText}, but we only found wheels for \`${name}\` (v${version}) with the following Python ABI tag${s}: ${found.join(", ")}`,
      );
      return;
    }
    case "platform": {
      if (tags === undefined) return;
      const found = list(
        wheels
          .filter((w) =>
            w.filename.pythonTags.some((py) =>
              w.filename.abiTags.some((abi) => tags.isCompatibleAbi(py, abi)),
            ),
          )
          .flatMap((w) => w.filename.platformTags.map(formatPlatformTag)),
      );
      if (found.length === 0) return;
      const s = found.length === 1 ? "" : "s";
      hints.add(
        `platform-tags:${name}`,
        `Wheels are available for \`${name}\` (v${version}) on the following platform${s}: ${found.join(", ")}`,
      );
      return;
    }
    default:
      return;
  }
}

/** jiff's timestamp format: seconds precision unless there are fractions. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

function excludeNewerHint(
  hints: HintSet,
  name: PackageName,
  set: VersionRange,
  context: HintContext,
): void {
  const options = context.options;
  const perPackage = options.excludeNewerPackages?.get(name);
  const cutoff = perPackage ?? options.excludeNewer;
  if (cutoff === undefined) return;
  const included = context.includedVersions.get(name) ?? [];
  const available = context.availableVersions.get(name) ?? [];
  if (included.some((v) => set.contains(v))) return;
  if (!available.some((v) => set.contains(v))) return;
  let latest = "";
  for (let i = available.length - 1; i >= 0; i--) {
    const v = available[i]!;
    if (!set.contains(v)) continue;
    let published: number | undefined;
    for (const map of context.versionMaps(name)) {
      for (const file of map.get(v)?.files() ?? []) {
        const t = file.uploadTime?.getTime();
        if (t !== undefined && (published === undefined || t < published)) published = t;
      }
    }
    const when = published === undefined ? undefined : formatTimestamp(new Date(published));
    if (set.asSingleton() !== undefined) {
      latest = when === undefined ? "" : ` The requested version, v${v}, was published at ${when}.`;
    } else {
      latest =
        when === undefined
          ? ` The latest version satisfying the requirement is v${v}.`
          : ` The latest version satisfying the requirement is v${v}, published at ${when}.`;
    }
    break;
  }
  const source = perPackage === undefined ? "global" : "package";
  hints.add(
    `exclude-newer:${name}:${source}`,
    source === "package"
      ? `\`${name}\` was filtered by \`exclude-newer-package\` to only include packages uploaded before ${formatTimestamp(cutoff)}.${latest} Consider removing the setting or updating it to a later date.`
      : `\`${name}\` was filtered by \`exclude-newer\` to only include packages uploaded before ${formatTimestamp(cutoff)}.${latest} Consider using \`exclude-newer-package\` to override the cutoff for this package.`,
  );
}

function requiresPythonHint(
  name: PackageName,
  packageSet: VersionRange,
  requiresPython: VersionRange,
  python: PythonRequirement,
): string {
  const range = formatPackageRange(name, packageSet, "compatibility");
  const supports = isPluralRange(packageSet, "compatibility") ? "support" : "supports";
  const rp = String(requiresPython);
  switch (python.source) {
    case "requires-python":
      return `The \`requires-python\` value (${python.targetText()}) includes Python versions that are not supported by your dependencies (e.g., ${range} only ${supports} ${rp}). Consider using a more restrictive \`requires-python\` value (like ${rp}).`;
    case "python-version":
      return `The \`--python-version\` value (${python.targetText()}) includes Python versions that are not supported by your dependencies (e.g., ${range} only ${supports} ${rp}). Consider using a higher \`--python-version\` value.`;
    case "interpreter":
      return `The Python interpreter uses a Python version that is not supported by your dependencies (e.g., ${range} only ${supports} ${rp}). Consider passing a \`--python-version\` value to raise the minimum supported version.`;
  }
}
