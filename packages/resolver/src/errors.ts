import { UvError } from "@uv-ts/error";

/**
 * A release can only be used through its source distribution, and building source
 * distributions is not supported yet. Exit code 1: the user's requirements caused it.
 */
export class SourceBuildUnsupportedError extends UvError {
  readonly exitCode = 1;

  constructor(name: string, version: string, filename: string) {
    super("resolver.source-build-unsupported", `Failed to build \`${name}==${version}\``, {
      cause: new UvError(
        "resolver.source-build-unsupported-reason",
        `Building source distributions is not supported yet, and \`${filename}\` is the only usable distribution`,
      ),
      hint: "Use `--no-build` to only consider versions that ship wheels",
    });
  }
}

/** A requirement the resolver cannot handle (a non-wheel URL, conflicting URLs, ...). */
export class UnsupportedRequirementError extends UvError {
  readonly exitCode = 2;

  constructor(requirement: string, message: string) {
    super("resolver.unsupported-requirement", message, {
      cause: new UvError("resolver.requirement", `In requirement \`${requirement}\``),
    });
  }
}
