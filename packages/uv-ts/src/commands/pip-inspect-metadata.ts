import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseWheelFile } from "@uv-ts/installer";
import type { PackageName } from "@uv-ts/normalize";
import { Version, type VersionSpecifiers } from "@uv-ts/pep440";
import type { Requirement } from "@uv-ts/pep508";
import { parseResolutionMetadata, type ResolutionMetadata } from "@uv-ts/pypi-types";
import type { MarkerEnvironmentData } from "@uv-ts/python";
import type { InspectedDist } from "./pip-inspect-site-packages.ts";
import type { WheelTagsCheck } from "./pip-inspect-tags.ts";

/** The file holding a distribution's core metadata: `METADATA`, or `PKG-INFO` for eggs. */
export function metadataPath(dist: InspectedDist): string {
  switch (dist.kind) {
    case "registry":
    case "url":
      return join(dist.path, "METADATA");
    case "egg-info-file":
      return dist.path;
    case "egg-info-directory":
    case "legacy-editable":
      return join(dist.path, "PKG-INFO");
  }
}

/** Reads and parses a distribution's core metadata; throws when it is missing or malformed. */
export function readDistMetadata(dist: InspectedDist): ResolutionMetadata {
  return parseResolutionMetadata(readFileSync(metadataPath(dist)));
}

/** The requirements of `metadata` that apply in `markers` with no extras active. */
export function activeRequirements(
  metadata: ResolutionMetadata,
  markers: MarkerEnvironmentData,
): Requirement[] {
  return metadata.requiresDist.filter((req) => req.evaluateMarker(markers, []));
}

/**
 * The `--strict` checks of uv's site-packages diagnostics, as warning messages: duplicate
 * installs, unreadable metadata, an unsatisfied `Requires-Python`, and missing or mismatched
 * dependencies; with `checkTags`, also wheels built for another platform. Packages are checked
 * in the order given (uv's order is that of a hash map).
 */
export function environmentDiagnostics(
  dists: readonly InspectedDist[],
  markers: MarkerEnvironmentData,
  pythonVersion: string,
  checkTags?: WheelTagsCheck,
): string[] {
  const byName = new Map<PackageName, InspectedDist[]>();
  for (const dist of dists) {
    const list = byName.get(dist.name);
    if (list === undefined) byName.set(dist.name, [dist]);
    else list.push(dist);
  }
  const messages: string[] = [];
  for (const [name, group] of byName) {
    if (group.length > 1) {
      const paths = group.map((d) => d.path).sort();
      messages.push(
        `The package \`${name}\` has multiple installed distributions:${paths.map((p) => `\n  - ${p}`).join("")}`,
      );
      continue;
    }
    const dist = group[0]!;
    let metadata: ResolutionMetadata;
    try {
      metadata = readDistMetadata(dist);
    } catch {
      messages.push(
        `The package \`${name}\` is broken or incomplete (unable to read \`METADATA\`). Consider recreating the virtualenv, or removing the package directory at: ${dist.path}.`,
      );
      continue;
    }
    const requiresPython = metadata.requiresPython;
    if (requiresPython !== undefined) {
      const full = Version.tryParse(markers.python_full_version);
      if (full !== undefined && !lowerBoundAdmits(requiresPython, full)) {
        messages.push(
          `The package \`${name}\` requires Python ${requiresPython.toString()}, but \`${pythonVersion}\` is installed`,
        );
      }
    }
    if (checkTags !== undefined && (dist.kind === "registry" || dist.kind === "url")) {
      let compatible: boolean | undefined;
      try {
        const wheel = parseWheelFile(readFileSync(join(dist.path, "WHEEL")));
        compatible = wheel.tags.length === 0 ? true : checkTags(wheel.tags);
      } catch {
        compatible = undefined;
      }
      if (compatible === undefined) {
        messages.push(
          `The package \`${name}\` is broken or incomplete (unable to read \`WHEEL\` file). Consider recreating the virtualenv, or removing the package directory at: ${dist.path}.`,
        );
      } else if (!compatible) {
        messages.push(`The package \`${name}\` was built for a different platform`);
      }
    }
    for (const requirement of activeRequirements(metadata, markers)) {
      const installed = byName.get(requirement.name) ?? [];
      if (installed.length === 0) {
        messages.push(
          `The package \`${name}\` requires \`${requirement.toString()}\`, but it's not installed`,
        );
      } else if (installed.length === 1 && requirement.version !== undefined) {
        const version = installed[0]!.version;
        if (!requirement.version.contains(version)) {
          messages.push(
            `The package \`${name}\` requires \`${requirement.toString()}\`, but \`${version.toString()}\` is installed`,
          );
        }
      }
    }
  }
  return messages;
}

/**
 * Whether `version` is above the lower bound of `specifiers`. uv checks an installed package's
 * `Requires-Python` this way: upper bounds and exclusions (`<3.10`, `!=3.12.1`) never warn.
 */
export function lowerBoundAdmits(specifiers: VersionSpecifiers, version: Version): boolean {
  for (const specifier of specifiers) {
    const bound = specifier.version;
    switch (specifier.operator) {
      case ">=":
      case "~=":
      case "==":
      case "==*":
      case "===":
        if (version.compare(bound) < 0) return false;
        break;
      case ">":
        if (version.compare(bound) <= 0) return false;
        break;
      default:
        break;
    }
  }
  return true;
}
