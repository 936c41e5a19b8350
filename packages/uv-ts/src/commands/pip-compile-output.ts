import type { PackageName } from "@uv-ts/normalize";
import type { MarkerEnvironment } from "@uv-ts/pep508";
import { HASH_ALGORITHMS_PREFERRED } from "@uv-ts/pypi-types";
import type { Resolution, ResolvedPackage } from "@uv-ts/resolver";
import type { RequirementOrigin, SourcedRequirement } from "./pip-compile-sources.ts";

/** `--annotation-style`. */
export type AnnotationStyle = "split" | "line";

/** How the pins are written (uv's `DisplayResolutionGraph` options). */
export interface OutputOptions {
  readonly annotate: boolean;
  readonly annotationStyle: AnnotationStyle;
  readonly hashes: boolean;
  /** `--no-strip-extras`: `flask[dotenv]==3.0.0`. */
  readonly includeExtras: boolean;
  /** `--emit-index-annotation`: `# from <index>` after each registry package. */
  readonly indexAnnotation: boolean;
  /** `--no-emit-package`. */
  readonly noEmit: ReadonlySet<PackageName>;
}

/** The user's inputs, for the `# via -r requirements.in` part of the annotations. */
export interface AnnotationSources {
  readonly requirements: readonly SourcedRequirement[];
  readonly constraints: readonly SourcedRequirement[];
  readonly overrides: readonly SourcedRequirement[];
  readonly markerEnv: MarkerEnvironment;
}

/** One `# via` source with uv's sort key (constraints, then overrides, then requirements). */
interface Source {
  readonly text: string;
  readonly key: readonly (number | string)[];
}

function originKey(origin: RequirementOrigin): (number | string)[] {
  return origin.kind === "file" ? [0, origin.path, ""] : [1, origin.path, origin.name];
}

function sourceText(
  kind: "constraint" | "override" | "requirement",
  origin: RequirementOrigin,
): string {
  if (kind === "constraint") return `-c ${origin.path}`;
  const base = origin.kind === "file" ? `-r ${origin.path}` : `${origin.name} (${origin.path})`;
  if (kind === "requirement") return base;
  return origin.kind === "file" ? `--override ${origin.path}` : `--override ${base}`;
}

function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.length - b.length;
}

function collectSources(sources: AnnotationSources): Map<PackageName, Source[]> {
  const out = new Map<PackageName, Source[]>();
  const add = (
    kind: "constraint" | "override" | "requirement",
    rank: number,
    list: readonly SourcedRequirement[],
  ) => {
    for (const { requirement, origin } of list) {
      if (origin === undefined) continue;
      if (!requirement.evaluateMarker(sources.markerEnv, [])) continue;
      const text = sourceText(kind, origin);
      const existing = out.get(requirement.name) ?? [];
      if (existing.some((s) => s.text === text)) continue;
      existing.push({ text, key: [rank, ...originKey(origin)] });
      out.set(requirement.name, existing);
    }
  };
  add("requirement", 2, sources.requirements);
  add("constraint", 0, sources.constraints);
  add("override", 1, sources.overrides);
  for (const list of out.values()) list.sort((a, b) => compareKeys(a.key, b.key));
  return out;
}

function algorithmRank(algorithm: string): number {
  // uv orders digests by algorithm as its enum lists them.
  const order = ["md5", "sha256", "sha384", "sha512", "blake2b"];
  const index = order.indexOf(algorithm);
  return index < 0 ? order.length : index;
}

/** Every file's digests as `algorithm:digest`, sorted as uv sorts them, without repeats. */
function hashLines(pkg: ResolvedPackage): string[] {
  const digests: { algorithm: string; digest: string }[] = [];
  for (const hashes of pkg.hashes) {
    for (const algorithm of HASH_ALGORITHMS_PREFERRED) {
      const digest = hashes[algorithm];
      if (digest !== undefined) digests.push({ algorithm, digest });
    }
  }
  digests.sort(
    (a, b) =>
      algorithmRank(a.algorithm) - algorithmRank(b.algorithm) ||
      (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0),
  );
  const lines = digests.map((d) => `${d.algorithm}:${d.digest}`);
  return lines.filter((line, i) => i === 0 || line !== lines[i - 1]);
}

/** The requirement line of a pinned package (`name==1.0`, `name[extra]==1.0`, `name @ url`). */
function requirementLine(pkg: ResolvedPackage, includeExtras: boolean): string {
  const extras = includeExtras && pkg.extras.length > 0 ? `[${pkg.extras.join(", ")}]` : "";
  if (pkg.dist.kind === "url") {
    const given = pkg.dist.given;
    // A local path written without a scheme stays a bare path, as pip accepts it.
    if (pkg.dist.url.startsWith("file:") && !/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(given)) {
      return given;
    }
    return `${pkg.name}${extras} @ ${given}`;
  }
  return `${pkg.name}${extras}==${pkg.version.toString()}`;
}

/** `text` padded to `width` characters, as Rust's `{:width}` does. */
function pad(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + " ".repeat(width - length);
}

/**
 * The resolution in `requirements.txt` form as uv writes it: one pin per package sorted by
 * name, optional `--hash` lines, and `# via` annotations naming the packages that depend on each
 * one and the input files that asked for it.
 */
export function renderResolution(
  resolution: Resolution,
  sources: AnnotationSources,
  options: OutputOptions,
): string {
  const annotationSources = options.annotate ? collectSources(sources) : new Map();
  let out = "";
  for (const pkg of resolution.packages) {
    if (options.noEmit.has(pkg.name)) continue;
    let line = requirementLine(pkg, options.includeExtras);
    let hasHashes = false;
    if (options.hashes) {
      for (const hash of hashLines(pkg)) {
        hasHashes = true;
        line += ` \\\n    --hash=${hash}`;
      }
    }
    let annotation: { separator: string; comment: string } | undefined;
    if (options.annotate) {
      const dependents = resolution.dependents(pkg.name);
      const source: readonly Source[] = annotationSources.get(pkg.name) ?? [];
      if (options.annotationStyle === "line") {
        const separator = hasHashes ? "\n    " : "  ";
        if (dependents.length === 0 && source.length === 1) {
          annotation = { separator, comment: `# via ${source[0]!.text}` };
        } else if (dependents.length > 0 || source.length > 0) {
          const names = [...dependents, ...source.map((s) => s.text)];
          annotation = { separator, comment: `# via ${names.join(", ")}` };
        }
      } else if (dependents.length === 0 && source.length === 1) {
        annotation = { separator: "\n", comment: `    # via ${source[0]!.text}` };
      } else if (dependents.length === 1 && source.length === 0) {
        annotation = { separator: "\n", comment: `    # via ${dependents[0]}` };
      } else if (dependents.length > 0 || source.length > 0) {
        const names = [...source.map((s) => s.text), ...dependents];
        annotation = {
          separator: "\n",
          comment: `    # via\n${names.map((name) => `    #   ${name}`).join("\n")}`,
        };
      }
    }
    if (annotation === undefined) {
      out += `${line}\n`;
    } else {
      const text = `${pad(line, 24)}${annotation.separator}${annotation.comment}`;
      for (const part of text.split("\n")) out += `${part.trimEnd()}\n`;
    }
    if (options.indexAnnotation && pkg.dist.kind === "registry") {
      const url = pkg.dist.index.withoutCredentials().href;
      out += `    # from ${url}\n`;
    }
  }
  return out;
}
