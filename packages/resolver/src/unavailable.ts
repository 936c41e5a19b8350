import type { Requirement } from "@uv-ts/pep508";
import {
  type IncompatibleDist,
  incompatibleDistText,
  incompatibleDistVerb,
} from "./incompatibility.ts";

/** Why a whole package cannot be used. */
export type UnavailablePackage = "not-found" | "no-index" | "offline";

/** Why one version (or a run of versions) cannot be used. */
export type UnavailableVersion =
  | { readonly kind: "incompatible-dist"; readonly dist: IncompatibleDist }
  /** A requirement of the version allows no version at all (`foo>2,<1`). */
  | { readonly kind: "unsatisfiable-dependency"; readonly requirement: Requirement }
  | { readonly kind: "invalid-metadata" }
  | { readonly kind: "inconsistent-metadata" };

/** The reason carried by the resolver's own incompatibilities. */
export type UnavailableReason =
  | { readonly type: "package"; readonly reason: UnavailablePackage }
  | { readonly type: "version"; readonly reason: UnavailableVersion };

/** `was not found in the package registry`. */
export function unavailablePackageMessage(reason: UnavailablePackage): string {
  switch (reason) {
    case "not-found":
      return "was not found in the package registry";
    case "no-index":
      return "was not found in the provided package locations";
    case "offline":
      return "was not found in the cache";
  }
}

/** The text after the version(s): `has no usable wheels`, `were yanked`, `depends on ...`. */
export function unavailableVersionMessage(reason: UnavailableVersion, plural: boolean): string {
  switch (reason.kind) {
    case "incompatible-dist":
      return `${incompatibleDistVerb(reason.dist, plural)} ${incompatibleDistText(reason.dist)}`;
    case "unsatisfiable-dependency":
      return `${plural ? "depend" : "depends"} on ${unsatisfiableText(reason.requirement)}`;
    case "invalid-metadata":
      return `${plural ? "have" : "has"} invalid metadata`;
    case "inconsistent-metadata":
      return `${plural ? "have" : "has"} inconsistent metadata`;
  }
}

/** `foo>2 and foo<1, which are incompatible` / `foo<0, which does not allow any versions`. */
export function unsatisfiableText(requirement: Requirement): string {
  const extras = requirement.extras.length === 0 ? "" : `[${requirement.extras.join(",")}]`;
  const specifiers = requirement.version?.specifiers ?? [];
  const parts = specifiers.map((s) => `${requirement.name}${extras}${s}`);
  return `${parts.join(" and ")}, ${specifiers.length > 1 ? "which are incompatible" : "which does not allow any versions"}`;
}

/** Two reasons are the same statement (so their version sets can be merged in a report). */
export function sameReason(a: UnavailableReason, b: UnavailableReason): boolean {
  return reasonKey(a) === reasonKey(b);
}

function reasonKey(r: UnavailableReason): string {
  if (r.type === "package") return `p:${r.reason}`;
  const v = r.reason;
  switch (v.kind) {
    case "incompatible-dist":
      return `v:dist:${incompatibleDistText(v.dist)}:${incompatibleDistVerb(v.dist, false)}`;
    case "unsatisfiable-dependency":
      return `v:unsat:${unsatisfiableText(v.requirement)}`;
    default:
      return `v:${v.kind}`;
  }
}
