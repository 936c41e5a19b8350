import { UvError } from "@uv-ts/error";
import type { PackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";
import type { Tags } from "@uv-ts/platform-tags";
import { DefaultStringReporter } from "@uv-ts/pubgrub";
import type { CandidateSelector } from "./candidate-selector.ts";
import type { ResolverOptions } from "./options.ts";
import type { PythonRequirement } from "./python-requirement.ts";
import { UvReportFormatter } from "./report/formatter.ts";
import { generateHints } from "./report/hints.ts";
import { simplifyTree } from "./report/simplify.ts";
import type { ErrorTree } from "./report/tree.ts";
import type { UnavailablePackage } from "./unavailable.ts";
import type { VersionMap } from "./version-map.ts";

/** What the report of a failed resolution is worded from. */
export interface ReportContext {
  readonly python: PythonRequirement;
  readonly tags: Tags | undefined;
  /** Versions that survived `--exclude-newer`, ascending (visited packages only). */
  readonly includedVersions: ReadonlyMap<PackageName, readonly Version[]>;
  /** Every listed version, ascending. */
  readonly availableVersions: ReadonlyMap<PackageName, readonly Version[]>;
  /** The versions sets were widened across during the resolution. */
  readonly knownVersions: ReadonlyMap<PackageName, readonly Version[]>;
  readonly urlPackages: ReadonlySet<PackageName>;
  readonly unavailablePackages: ReadonlyMap<PackageName, UnavailablePackage>;
  readonly selector: CandidateSelector;
  readonly options: ResolverOptions;
  readonly versionMaps: (name: PackageName) => readonly VersionMap[];
}

/** How uv labels a cause; continuation lines of the report are indented to line up after it. */
const CAUSE_LABEL = "  cause: ";

/**
 * The requirements cannot be satisfied. `report` is uv's explanation (the derivation tree,
 * simplified and worded as uv words it), `hints` what uv suggests; `render()` gives the whole
 * block as uv prints it. Exit code 1.
 */
export class NoSolutionError extends UvError {
  readonly exitCode = 1;
  /** The explanation, one sentence per line (lines of a list are indented by four spaces). */
  readonly report: string;
  /** The hints, without the `hint: ` label. */
  readonly hints: readonly string[];
  /** The simplified derivation tree the report was written from. */
  readonly tree: ErrorTree;

  private constructor(tree: ErrorTree, report: string, hints: readonly string[]) {
    super("resolver.no-solution", "No solution found when resolving dependencies", {
      cause: new UvError("resolver.no-solution-report", report),
      ...(hints.length === 0 ? {} : { hint: hints.join("\n\nhint: ") }),
    });
    this.tree = tree;
    this.report = report;
    this.hints = hints;
  }

  /** Simplifies `tree` as uv does and words it. */
  static create(tree: ErrorTree, context: ReportContext): NoSolutionError {
    const simplified = simplifyTree(tree, {
      includedVersions: context.includedVersions,
      knownVersions: context.knownVersions,
      prereleaseSelection: (name) => context.selector.prereleaseSelection(name),
    });
    const formatter = new UvReportFormatter({
      includedVersions: context.includedVersions,
      python: context.python,
      tags: context.tags,
    });
    const report = DefaultStringReporter.report(simplified, formatter);
    const hints = generateHints(simplified, context);
    return new NoSolutionError(simplified, report, hints);
  }

  /**
   * The failure as uv 0.13 prints it (without colour):
   *
   * ```
   * error: No solution found when resolving dependencies
   *   cause: Because ..., we can conclude that ...
   *          And because ..., we can conclude that your requirements are unsatisfiable.
   *
   * hint: ...
   * ```
   *
   * `style: "tree"` gives the older miette form (`  × No solution found ...:` / `  ╰─▶ ...`).
   */
  render(options: { readonly style?: "cause" | "tree" } = {}): string {
    let text: string;
    if (options.style === "tree") {
      const lines = this.report.split("\n");
      text = `  × No solution found when resolving dependencies:\n${lines
        .map((line, i) => (i === 0 ? `  ╰─▶ ${line}` : line === "" ? "" : `      ${line}`))
        .join("\n")}\n`;
    } else {
      text = `error: ${this.message}\n${CAUSE_LABEL}${indentContinuation(this.report)}\n`;
    }
    for (const hint of this.hints) text += `\nhint: ${hint}\n`;
    return text;
  }
}

function indentContinuation(report: string): string {
  const pad = " ".repeat(CAUSE_LABEL.length);
  return report
    .split("\n")
    .map((line, i) => (i === 0 || line === "" ? line : `${pad}${line}`))
    .join("\n");
}
