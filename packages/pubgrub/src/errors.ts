import { UvError } from "@uv-ts/error";
import type { DerivationTree } from "./derivation-tree.ts";
import type { VersionSet } from "./version-set.ts";

/**
 * The dependencies cannot be satisfied. `tree` explains why; render it with
 * `DefaultStringReporter.report` or a resolver's own formatter.
 */
export class NoSolutionError<P, V, R extends VersionSet<V, R>, M = string> extends UvError {
  /** The derivation of "version solving failed". */
  readonly tree: DerivationTree<P, V, R, M>;

  constructor(tree: DerivationTree<P, V, R, M>) {
    super("pubgrub.no-solution", "No solution found when resolving dependencies");
    this.tree = tree;
  }
}

/** The provider failed while choosing a version. */
export class ChooseVersionError extends UvError {
  constructor(package_: string, cause: unknown) {
    super("pubgrub.choose-version", `Failed to choose a version for \`${package_}\``, { cause });
  }
}

/** The provider failed while listing dependencies. */
export class GetDependenciesError extends UvError {
  constructor(package_: string, version: string, cause: unknown) {
    super(
      "pubgrub.get-dependencies",
      `Failed to get the dependencies of \`${package_}\` at \`${version}\``,
      { cause },
    );
  }
}

/** The provider chose a version outside the range it was asked about: a provider bug. */
export class InvalidVersionChoiceError extends UvError {
  constructor(package_: string, version: string, range: string) {
    super(
      "pubgrub.invalid-version-choice",
      `The provider chose \`${package_}\` \`${version}\`, which is not in \`${range}\``,
    );
  }
}

/** The resolution was stopped through the abort signal or `shouldCancel`. */
export class CancelledError extends UvError {
  constructor(cause?: unknown) {
    super("pubgrub.cancelled", "The resolution was cancelled", { cause });
  }
}
