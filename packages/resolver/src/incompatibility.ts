import type { VersionSpecifiers } from "@uv-ts/pep440";
import type { IncompatibleTag } from "@uv-ts/platform-tags";

/** Why a wheel cannot be used. */
export type IncompatibleWheel =
  | { readonly kind: "exclude-newer"; readonly uploadTime: number | undefined }
  | { readonly kind: "tag"; readonly tag: IncompatibleTag }
  | { readonly kind: "yanked"; readonly reason: string | undefined }
  | { readonly kind: "no-binary" };

/** Why a source distribution cannot be used. */
export type IncompatibleSource =
  | { readonly kind: "exclude-newer"; readonly uploadTime: number | undefined }
  | { readonly kind: "yanked"; readonly reason: string | undefined }
  | { readonly kind: "no-build" };

/** Why no distribution of a version can be used: its sdist's reason first, as uv reports it. */
export type IncompatibleDist =
  | { readonly type: "wheel"; readonly wheel: IncompatibleWheel }
  | { readonly type: "source"; readonly source: IncompatibleSource }
  | { readonly type: "unavailable" }
  | {
      readonly type: "requires-python";
      readonly requiresPython: VersionSpecifiers;
      readonly dist: "wheel" | "source";
    };

const WHEEL_RANK: Readonly<Record<IncompatibleWheel["kind"], number>> = {
  "no-binary": 0,
  yanked: 1,
  tag: 2,
  "exclude-newer": 3,
};

const SOURCE_RANK: Readonly<Record<IncompatibleSource["kind"], number>> = {
  "no-build": 0,
  yanked: 1,
  "exclude-newer": 2,
};

/**
 * Whether `a` got closer to being usable than `b` (uv's `is_more_compatible`): reports explain
 * the version with its most telling problem.
 */
export function wheelCloser(a: IncompatibleWheel, b: IncompatibleWheel): boolean {
  if (a.kind === "exclude-newer" && b.kind === "exclude-newer") {
    if (a.uploadTime === undefined) return true;
    if (b.uploadTime === undefined) return false;
    return b.uploadTime < a.uploadTime;
  }
  if (a.kind === "tag" && b.kind === "tag") return TAG_RANK[a.tag] > TAG_RANK[b.tag];
  if (a.kind === "yanked" && b.kind === "yanked") return b.reason !== undefined;
  return WHEEL_RANK[a.kind] > WHEEL_RANK[b.kind];
}

/** See {@link wheelCloser}. */
export function sourceCloser(a: IncompatibleSource, b: IncompatibleSource): boolean {
  if (a.kind === "exclude-newer" && b.kind === "exclude-newer") {
    return (b.uploadTime ?? 0) < (a.uploadTime ?? 0);
  }
  if (a.kind === "yanked" && b.kind === "yanked") return b.reason !== undefined;
  return SOURCE_RANK[a.kind] > SOURCE_RANK[b.kind];
}

const TAG_RANK: Readonly<Record<IncompatibleTag, number>> = {
  invalid: 0,
  python: 1,
  abi: 2,
  "freethreaded-abi": 3,
  "abi-python-version": 4,
  platform: 5,
};

/** uv's words for the problem: `no usable wheels`, `yanked (reason: ...)`, `Python >=3.13`. */
export function incompatibleDistText(dist: IncompatibleDist): string {
  switch (dist.type) {
    case "unavailable":
      return "no available distributions";
    case "requires-python":
      return `Python ${dist.requiresPython}`;
    case "source":
      switch (dist.source.kind) {
        case "no-build":
          return "no usable wheels";
        case "yanked":
          return yankedText(dist.source.reason);
        case "exclude-newer":
          return dist.source.uploadTime === undefined
            ? "no publish time"
            : "published after the exclude newer time";
      }
      break;
    case "wheel":
      switch (dist.wheel.kind) {
        case "no-binary":
          return "no source distribution";
        case "yanked":
          return yankedText(dist.wheel.reason);
        case "exclude-newer":
          return dist.wheel.uploadTime === undefined
            ? "no publish time"
            : "published after the exclude newer time";
        case "tag":
          return TAG_TEXT[dist.wheel.tag];
      }
  }
}

const TAG_TEXT: Readonly<Record<IncompatibleTag, string>> = {
  invalid: "no wheels with valid tags",
  python: "no wheels with a matching Python implementation tag",
  abi: "no wheels with a matching Python ABI tag",
  "freethreaded-abi": "no wheels with a free-threading compatible ABI tag",
  "abi-python-version": "no wheels with a matching Python version tag",
  platform: "no wheels with a matching platform tag",
};

function yankedText(reason: string | undefined): string {
  if (reason === undefined) return "yanked";
  return `yanked (reason: ${reason.trim().replace(/\.+$/, "")})`;
}

/** The verb uv puts before {@link incompatibleDistText}, for one version or several. */
export function incompatibleDistVerb(dist: IncompatibleDist, plural: boolean): string {
  const kind =
    dist.type === "wheel"
      ? dist.wheel.kind === "yanked" ||
        (dist.wheel.kind === "exclude-newer" && dist.wheel.uploadTime !== undefined)
        ? "was"
        : "has"
      : dist.type === "source"
        ? dist.source.kind === "yanked" ||
          (dist.source.kind === "exclude-newer" && dist.source.uploadTime !== undefined)
          ? "was"
          : "has"
        : dist.type === "requires-python"
          ? "requires"
          : "has";
  if (!plural) return kind;
  return kind === "was" ? "were" : kind === "has" ? "have" : "require";
}
