import type { PackageName } from "@uv-ts/normalize";
import { type Version, VersionRange } from "@uv-ts/pep440";
import type { Tags } from "@uv-ts/platform-tags";
import { formatAbiTag, formatLanguageTag, formatPlatformTag } from "@uv-ts/platform-tags";
import type { ReportFormatter, Term } from "@uv-ts/pubgrub";
import { comparePackages, formatPackage, type PythonPackage, packageName } from "../package.ts";
import type { PythonRequirement } from "../python-requirement.ts";
import {
  type UnavailableReason,
  type UnavailableVersion,
  unavailablePackageMessage,
  unavailableVersionMessage,
  unsatisfiableText,
} from "../unavailable.ts";
import { rangeOf } from "../version-gaps.ts";
import {
  formatPackageRange,
  isPluralRange,
  type RangeKind,
  visibleVersion,
} from "./range-display.ts";
import type { ErrorDerived, ErrorExternal, ErrorTerms } from "./tree.ts";

type T = Term<Version, VersionRange>;

/** Adds `left`/`right` unless the text already starts/ends with whitespace (uv's `padded`). */
export function padded(left: string, content: string, right: string): string {
  if (content.length === 0) return "";
  const first = content[0]!;
  const last = content[content.length - 1]!;
  return `${/\s/.test(first) ? "" : left}${content}${/\s/.test(last) ? "" : right}`;
}

/**
 * uv's report wording (`PubGrubReportFormatter`): "Because ..., we can conclude that ...",
 * `you require`, `your requirements`, "all versions of", ranges restated over the versions the
 * index has ("only foo<=2.0 is available"), and the target Python named when `Requires-Python`
 * rules a version out.
 */
export class UvReportFormatter
  implements ReportFormatter<PythonPackage, Version, VersionRange, UnavailableReason>
{
  readonly #included: ReadonlyMap<PackageName, readonly Version[]>;
  readonly #python: PythonRequirement;
  readonly #tags: Tags | undefined;

  constructor(options: {
    readonly includedVersions: ReadonlyMap<PackageName, readonly Version[]>;
    readonly python: PythonRequirement;
    readonly tags: Tags | undefined;
  }) {
    this.#included = options.includedVersions;
    this.#python = options.python;
    this.#tags = options.tags;
  }

  #range(pkg: PythonPackage, range: VersionRange, kind: RangeKind): string {
    if (pkg.kind === "root") return "your requirements";
    return formatPackageRange(formatPackage(pkg), range, kind);
  }

  #dependsOn(
    pkg: PythonPackage,
    set: VersionRange,
    dependency: PythonPackage,
    dependencySet: VersionRange,
    second?: readonly [PythonPackage, VersionRange],
  ): string {
    const dependent = this.#range(pkg, set, "compatibility");
    const plural = pkg.kind !== "root" && isPluralRange(set, "compatibility");
    let out = `${padded("", dependent, " ")}${plural ? "depend on " : "depends on "}`;
    const first = this.#range(dependency, dependencySet, "dependency");
    if (second === undefined) return out + first;
    out += `${padded("", first, " ")}and${padded(" ", this.#range(second[0], second[1], "dependency"), "")}`;
    return out;
  }

  formatExternal(external: ErrorExternal): string {
    switch (external.type) {
      case "notRoot":
        return `we are solving dependencies of ${formatPackage(external.package)} ${external.version}`;
      case "noVersions": {
        const pkg = external.package;
        const set = external.set;
        if (pkg.kind === "python") {
          const range = this.#range(pkg, set, "compatibility");
          return pkg.python === "target"
            ? `the requested Python version (${this.#python.targetText()}) does not satisfy ${range}`
            : `the current Python version (${this.#python.exact}) does not satisfy ${range}`;
        }
        if (set.isFull()) return `there are no versions of ${formatPackage(pkg)}`;
        const single = set.asSingleton();
        if (single !== undefined) return `there is no version of ${formatPackage(pkg)}==${single}`;
        const complement = set.complement();
        const name = packageName(pkg);
        const included = name === undefined ? undefined : this.#included.get(name);
        const range =
          included === undefined ? complement : updateAvailabilityRange(complement, included);
        if (range.isEmpty()) return `there are no versions of ${formatPackage(pkg)}`;
        const available = this.#range(pkg, range, "available");
        return range.intervals.length === 1
          ? `only ${available} is available`
          : `only the following versions of ${formatPackage(pkg)} ${available}`;
      }
      case "unavailable":
        return `${this.#range(external.package, external.set, "compatibility")} is unavailable ${external.reason}`;
      case "custom": {
        const { package: pkg, set, reason } = external;
        if (pkg.kind === "root") {
          if (reason.type === "version" && reason.reason.kind === "unsatisfiable-dependency") {
            return `you require ${unsatisfiableText(reason.reason.requirement)}`;
          }
          return `your requirements cannot be used because ${
            reason.type === "package"
              ? unavailablePackageMessage(reason.reason)
              : unavailableVersionMessage(reason.reason, false)
          }`;
        }
        if (reason.type === "package") {
          return `${formatPackage(pkg)}${padded(" ", unavailablePackageMessage(reason.reason), "")}`;
        }
        const range = this.#range(pkg, set, "compatibility");
        const plural = isPluralRange(set, "compatibility");
        const message = unavailableVersionMessage(reason.reason, plural);
        const context = this.#context(reason.reason);
        return context === undefined
          ? `${range}${padded(" ", message, "")}`
          : `${range}${padded(" ", message, " ")}${context}`;
      }
      case "fromDependencyOf": {
        const { package: pkg, versions, dependency, dependencyVersions } = external;
        if (pkg.kind === "root") {
          if (dependencyVersions.isEmpty()) {
            return `your requirements for ${formatPackage(dependency)} cannot be satisfied`;
          }
          return `you require ${this.#range(dependency, dependencyVersions, "dependency")}`;
        }
        return this.#dependsOn(pkg, versions, dependency, dependencyVersions);
      }
    }
  }

  #context(reason: UnavailableVersion): string | undefined {
    if (reason.kind !== "incompatible-dist") return undefined;
    const dist = reason.dist;
    if (dist.type !== "wheel" || dist.wheel.kind !== "tag") return undefined;
    const best = this.#tags?.best();
    if (best === undefined) return undefined;
    switch (dist.wheel.tag) {
      case "platform":
        return `(e.g., \`${formatPlatformTag(best.platform)}\`)`;
      case "python":
        return `(e.g., \`${formatLanguageTag(best.python)}\`)`;
      case "abi":
        return `(e.g., \`${formatAbiTag(best.abi)}\`)`;
      case "abi-python-version":
        return `(e.g., \`${formatAbiTag(best.abi)}\`)`;
      default:
        return undefined;
    }
  }

  formatTerms(terms: ErrorTerms): string {
    const entries = [...terms].sort(([a], [b]) => comparePackages(a, b));
    if (entries.length === 0) return "the requirements are unsatisfiable";
    if (entries.length === 1) {
      const [pkg, term] = entries[0]!;
      if (pkg.kind === "root") return "your requirements are unsatisfiable";
      if (pkg.kind === "package") {
        const range = this.#range(pkg, term.set, "compatibility");
        return term.positive ? `${range} cannot be used` : `${range} must be used`;
      }
    }
    if (entries.length === 2) {
      const [[p1, t1], [p2, t2]] = entries as [[PythonPackage, T], [PythonPackage, T]];
      if (t1.positive && !t2.positive) {
        return this.formatExternal({
          type: "fromDependencyOf",
          package: p1,
          versions: t1.set,
          dependency: p2,
          dependencyVersions: t2.set,
        });
      }
      if (!t1.positive && t2.positive) {
        return this.formatExternal({
          type: "fromDependencyOf",
          package: p2,
          versions: t2.set,
          dependency: p1,
          dependencyVersions: t1.set,
        });
      }
    }
    const parts = entries.map(([pkg, term]) => this.#packageTerm(pkg, term));
    let result = "";
    parts.forEach((part, index) => {
      result += part;
      if (parts.length === 2 && index === 0) result += " and ";
      else if (parts.length > 2 && index + 1 < parts.length) result += ", ";
    });
    return `${result}${entries.length === 1 ? " cannot be used" : " are incompatible"}`;
  }

  #packageTerm(pkg: PythonPackage, term: T): string {
    if (term.positive) return this.#range(pkg, term.set, "compatibility");
    const single = term.set.asSingleton();
    if (single !== undefined) return `${formatPackage(pkg)}!=${single}`;
    return this.#range(pkg, term.set.complement(), "compatibility");
  }

  #bothExternal(e1: ErrorExternal, e2: ErrorExternal): string {
    if (
      e1.type === "fromDependencyOf" &&
      e2.type === "fromDependencyOf" &&
      comparePackages(e1.package, e2.package) === 0 &&
      e1.versions.equals(e2.versions)
    ) {
      if (e1.package.kind === "root") {
        const d1 = this.#range(e1.dependency, e1.dependencyVersions, "dependency");
        const d2 = this.#range(e2.dependency, e2.dependencyVersions, "dependency");
        return `you require ${padded("", d1, " ")}and ${d2}`;
      }
      return this.#dependsOn(e1.package, e1.versions, e1.dependency, e1.dependencyVersions, [
        e2.dependency,
        e2.dependencyVersions,
      ]);
    }
    return `${padded("", this.formatExternal(e1), " ")}and ${this.formatExternal(e2)}`;
  }

  explainBothExternal(e1: ErrorExternal, e2: ErrorExternal, terms: ErrorTerms): string {
    return `Because ${padded("", this.#bothExternal(e1, e2), ", ")}we can conclude that ${padded("", this.formatTerms(terms), ".")}`;
  }

  explainBothRef(
    ref1: number,
    d1: ErrorDerived,
    ref2: number,
    d2: ErrorDerived,
    terms: ErrorTerms,
  ): string {
    return `Because we know from (${ref1}) that ${padded("", this.formatTerms(d1.terms), " ")}and we know from (${ref2}) that ${padded("", this.formatTerms(d2.terms), ", ")}${padded("", this.formatTerms(terms), ".")}`;
  }

  explainRefAndExternal(ref: number, d: ErrorDerived, e: ErrorExternal, terms: ErrorTerms): string {
    return `Because we know from (${ref}) that ${padded("", this.formatTerms(d.terms), " ")}and ${padded("", this.formatExternal(e), ", ")}we can conclude that ${padded("", this.formatTerms(terms), ".")}`;
  }

  andExplainExternal(e: ErrorExternal, terms: ErrorTerms): string {
    return `And because ${padded("", this.formatExternal(e), ", ")}we can conclude that ${padded("", this.formatTerms(terms), ".")}`;
  }

  andExplainRef(ref: number, d: ErrorDerived, terms: ErrorTerms): string {
    return `And because we know from (${ref}) that ${padded("", this.formatTerms(d.terms), ", ")}we can conclude that ${padded("", this.formatTerms(terms), ".")}`;
  }

  andExplainPriorAndExternal(prior: ErrorExternal, e: ErrorExternal, terms: ErrorTerms): string {
    return `And because ${padded("", this.#bothExternal(prior, e), ", ")}we can conclude that ${padded("", this.formatTerms(terms), ".")}`;
  }
}

/**
 * uv's `update_availability_range`: the complement of a missing range restated for "only X is
 * available". Intervals outside the listed versions go, intervals covering them all shrink to
 * the listed span, and inclusive bounds on versions that do not exist become exclusive.
 */
export function updateAvailabilityRange(
  range: VersionRange,
  available: readonly Version[],
): VersionRange {
  const first = available[0];
  const last = available[available.length - 1];
  if (first === undefined || last === undefined) return VersionRange.empty();
  const span = rangeOf({ version: first, inclusive: true }, { version: last, inclusive: true });
  if (first.equals(last)) return span;
  // Bounds may carry uv's invisible markers (`>v`, `<v`); they stand for `v` here.
  const has = (v: Version) => {
    const plain = visibleVersion(v);
    return available.some((a) => a.equals(plain));
  };
  let out = VersionRange.empty();
  for (const { lower, upper } of range.intervals) {
    const segment = rangeOf(lower, upper);
    if (segment.isDisjoint(span)) continue;
    if (span.subsetOf(segment)) {
      if (lower === undefined) {
        out = out.union(rangeOf(undefined, { version: last, inclusive: true }));
      } else if (upper === undefined) {
        out = out.union(rangeOf({ version: first, inclusive: true }, undefined));
      } else {
        out = out.union(span);
      }
      continue;
    }
    const newLower =
      lower?.inclusive && !has(lower.version)
        ? { version: lower.version, inclusive: false }
        : lower;
    const newUpper =
      upper?.inclusive && !has(upper.version)
        ? { version: upper.version, inclusive: false }
        : upper;
    out = out.union(rangeOf(newLower, newUpper));
  }
  return out;
}
