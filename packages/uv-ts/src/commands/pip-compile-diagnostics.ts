import type { RegistryClient } from "@uv-ts/client";
import type { PackageName } from "@uv-ts/normalize";
import type { VersionSpecifiers } from "@uv-ts/pep440";
import type { MarkerEnvironment, Requirement } from "@uv-ts/pep508";
import type { ResolutionMetadata } from "@uv-ts/pypi-types";
import type { Resolution, ResolutionMode, ResolverClient } from "@uv-ts/resolver";

/**
 * A resolver client that remembers the metadata it returned, keyed by the file's URL, so that
 * the diagnostics after a resolution can read what the resolver read without fetching again.
 */
export function recordingClient(client: RegistryClient): {
  readonly client: ResolverClient;
  readonly metadata: (url: string) => Promise<ResolutionMetadata> | undefined;
} {
  const seen = new Map<string, Promise<ResolutionMetadata>>();
  return {
    client: {
      simple: (name, options) => client.simple(name, options),
      findLinks: (name) => client.findLinks(name),
      wheelMetadata: (file, filename, options) => {
        const pending = client.wheelMetadata(file, filename, options);
        seen.set(file.url, pending);
        return pending;
      },
    },
    metadata: (url) => seen.get(url),
  };
}

/** Whether some specifier bounds the version from below (uv's `has_lower_bound`). */
function hasLowerBound(specifiers: VersionSpecifiers | undefined): boolean {
  return (specifiers?.specifiers ?? []).some(
    (s) =>
      s.operator === "==" ||
      s.operator === "==*" ||
      s.operator === "===" ||
      s.operator === "~=" ||
      s.operator === ">" ||
      s.operator === ">=",
  );
}

/**
 * uv's warnings for direct requirements without a lower bound under `--resolution lowest` or
 * `lowest-direct` (once per package, in requirement order), issued while resolving.
 */
export function unpinnedDirectWarnings(
  mode: ResolutionMode,
  requirements: readonly Requirement[],
  env: MarkerEnvironment,
): string[] {
  if (mode === "highest") return [];
  const applicable = requirements.filter((r) => r.evaluateMarker(env, []));
  const warned = new Set<PackageName>();
  const out: string[] = [];
  for (const r of applicable) {
    if (r.verbatimUrl !== undefined || hasLowerBound(r.version) || warned.has(r.name)) continue;
    if (applicable.some((o) => o.name === r.name && hasLowerBound(o.version))) continue;
    warned.add(r.name);
    out.push(
      `The direct dependency \`${r.name}\` is unpinned. Consider setting a lower bound when using \`--resolution lowest\` or \`--resolution lowest-direct\` to avoid using outdated versions.`,
    );
  }
  return out;
}

/** What the diagnostics of a finished resolution look at. */
export interface DiagnosticsInput {
  readonly resolution: Resolution;
  readonly mode: ResolutionMode;
  readonly metadata: (url: string) => Promise<ResolutionMetadata> | undefined;
  readonly constraints: readonly Requirement[];
  readonly overrides: readonly Requirement[];
}

async function metadataOf(
  input: DiagnosticsInput,
  name: PackageName,
): Promise<ResolutionMetadata | undefined> {
  const pkg = input.resolution.get(name);
  if (pkg === undefined || pkg.dist.kind !== "registry") return undefined;
  return input.metadata(pkg.dist.file.url)?.catch(() => undefined);
}

/**
 * uv's resolution diagnostics, printed after the output: extras a package does not have,
 * yanked versions, and, under `--resolution lowest`, transitive dependencies that nothing bounds
 * from below.
 */
export async function resolutionDiagnostics(input: DiagnosticsInput): Promise<string[]> {
  const { resolution } = input;
  const out: string[] = [];
  for (const pkg of resolution.packages) {
    if (pkg.extras.length > 0) {
      const metadata = await metadataOf(input, pkg.name);
      for (const extra of pkg.extras) {
        if (metadata !== undefined && !metadata.providesExtra.includes(extra)) {
          out.push(
            `The package \`${pkg.name}==${pkg.version}\` does not have an extra named \`${extra}\``,
          );
        }
      }
    }
    if (pkg.yanked !== false) {
      const reason = typeof pkg.yanked === "string" && pkg.yanked !== "" ? pkg.yanked : undefined;
      out.push(
        `\`${pkg.name}==${pkg.version}\` is yanked${reason === undefined ? "" : ` (reason: "${reason}")`}`,
      );
    }
  }
  if (input.mode !== "lowest") return out;
  for (const pkg of resolution.packages) {
    if (resolution.isDirect(pkg.name)) continue;
    let bounded = false;
    for (const dependent of resolution.dependents(pkg.name)) {
      const metadata = await metadataOf(input, dependent);
      if (metadata === undefined) {
        bounded = true;
        break;
      }
      const overridden = input.overrides.filter((o) => o.name === pkg.name);
      const requirements = [
        ...(overridden.length > 0
          ? overridden
          : metadata.requiresDist.filter((r) => r.name === pkg.name)),
        ...input.constraints.filter((c) => c.name === pkg.name),
      ];
      if (requirements.some((r) => r.verbatimUrl !== undefined || hasLowerBound(r.version))) {
        bounded = true;
        break;
      }
    }
    if (!bounded) {
      out.push(
        `The transitive dependency \`${pkg.name}\` is unpinned. Consider setting a lower bound with a constraint when using \`--resolution lowest\` to avoid using outdated versions.`,
      );
    }
  }
  return out;
}
