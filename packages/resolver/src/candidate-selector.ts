import type { PackageName } from "@uv-ts/normalize";
import type { Version, VersionRange, VersionSpecifiers } from "@uv-ts/pep440";
import type { PrereleaseMode, ResolutionMode } from "./options.ts";
import type { Preference } from "./preferences.ts";
import type { CompatibleDist, PrioritizedDist, VersionMap } from "./version-map.ts";

/** How pre-releases of one package take part in selection. */
export type PrereleaseSelection = "disallow" | "allow" | "prefer-stable";

/** A version chosen for a package, with the distribution that would be used (if any). */
export interface Candidate {
  readonly version: Version;
  readonly prioritized: PrioritizedDist;
  /** `undefined` when no file of the version can be used. */
  readonly dist: CompatibleDist | undefined;
  readonly map: VersionMap;
  readonly kind: "preference" | "compatible";
}

/**
 * Picks versions as uv does: a preference (an existing pin) when it fits, else the newest (or
 * oldest) version in range, stable versions before pre-releases unless pre-releases are allowed.
 * The first version in range is returned even when none of its files can be used, so the
 * resolver can record why and move on (exclude-newer'd versions are skipped: they do not exist).
 */
export class CandidateSelector {
  readonly #resolution: ResolutionMode;
  readonly #prerelease: PrereleaseMode;
  readonly #prereleasePackages: ReadonlyMap<PackageName, PrereleaseMode>;
  readonly #direct: ReadonlySet<PackageName>;
  readonly #explicitPrerelease: ReadonlySet<PackageName>;

  constructor(options: {
    readonly resolution: ResolutionMode;
    readonly prerelease: PrereleaseMode;
    readonly prereleasePackages: ReadonlyMap<PackageName, PrereleaseMode>;
    /** Names of the direct requirements (for `lowest-direct`). */
    readonly direct: ReadonlySet<PackageName>;
    /** Packages whose requirements name a pre-release (for `explicit`). */
    readonly explicitPrerelease: ReadonlySet<PackageName>;
  }) {
    this.#resolution = options.resolution;
    this.#prerelease = options.prerelease;
    this.#prereleasePackages = options.prereleasePackages;
    this.#direct = options.direct;
    this.#explicitPrerelease = options.explicitPrerelease;
  }

  /** The pre-release policy for `name`. */
  prereleaseSelection(name: PackageName): PrereleaseSelection {
    const mode = this.#prereleasePackages.get(name) ?? this.#prerelease;
    switch (mode) {
      case "disallow":
        return "disallow";
      case "allow":
        return "allow";
      case "if-necessary":
      case "if-necessary-or-explicit":
        return "prefer-stable";
      case "explicit":
        return this.#explicitPrerelease.has(name) ? "prefer-stable" : "disallow";
    }
  }

  /** Whether `name` is resolved to its highest version (else its lowest). */
  useHighest(name: PackageName): boolean {
    switch (this.#resolution) {
      case "highest":
        return true;
      case "lowest":
        return false;
      case "lowest-direct":
        return !this.#direct.has(name);
    }
  }

  /** The version to try for `name` in `range`, or `undefined` when none is left. */
  select(
    name: PackageName,
    range: VersionRange,
    maps: readonly VersionMap[],
    preferences: readonly Preference[],
  ): Candidate | undefined {
    const selection = this.prereleaseSelection(name);
    const preferred = this.#preferred(name, range, maps, preferences, selection);
    if (preferred !== undefined) return preferred;
    return this.selectNoPreference(name, range, maps);
  }

  /** {@link select} without preferences (also used to word hints). */
  selectNoPreference(
    name: PackageName,
    range: VersionRange,
    maps: readonly VersionMap[],
  ): Candidate | undefined {
    const selection = this.prereleaseSelection(name);
    if (selection === "allow") return this.#selectFrom(name, range, maps, "all");
    if (selection === "disallow") return this.#selectFrom(name, range, maps, "stable");
    return (
      this.#selectFrom(name, range, maps, "stable") ?? this.#selectFrom(name, range, maps, "pre")
    );
  }

  #preferred(
    name: PackageName,
    range: VersionRange,
    maps: readonly VersionMap[],
    preferences: readonly Preference[],
    selection: PrereleaseSelection,
  ): Candidate | undefined {
    if (preferences.length === 0) return undefined;
    const highest = this.useHighest(name);
    const ordered = [...preferences].sort((a, b) =>
      highest ? b.version.compare(a.version) : a.version.compare(b.version),
    );
    for (const { version, source } of ordered) {
      if (!range.contains(version)) continue;
      if (version.isPrerelease()) {
        const allowed =
          selection === "allow" || (selection === "prefer-stable" && source !== "resolver");
        if (!allowed) continue;
      }
      for (const map of maps) {
        const prioritized = map.get(version);
        if (prioritized === undefined) continue;
        // A pinned public version prefers its newest local variant in range (`torch==2.0+cpu`).
        const locals = map.localsOf(version);
        for (let i = locals.length - 1; i >= 0; i--) {
          const local = locals[i]!;
          if (!range.contains(local)) continue;
          const localDist = map.get(local);
          if (localDist !== undefined) return candidate(local, localDist, map, "preference");
        }
        return candidate(version, prioritized, map, "preference");
      }
    }
    return undefined;
  }

  #selectFrom(
    name: PackageName,
    range: VersionRange,
    maps: readonly VersionMap[],
    which: "all" | "stable" | "pre",
  ): Candidate | undefined {
    const highest = this.useHighest(name);
    for (const map of maps) {
      let found: Candidate | undefined;
      let incompatible: Candidate | undefined;
      // Only what lies between the range's bounds: a pin looks at its own version alone.
      map.walkWithin(range, highest, (version) => {
        if (incompatible !== undefined && !version.equals(incompatible.version)) return true;
        const pre = version.isPrerelease();
        if ((which === "stable" && pre) || (which === "pre" && !pre)) return false;
        if (!range.contains(version)) return false;
        if (map.excludedByDate(version)) return false;
        const prioritized = map.get(version);
        if (prioritized === undefined) return false;
        const next = candidate(version, prioritized, map, "compatible");
        if (next.dist === undefined) {
          incompatible ??= next;
          return false;
        }
        found = next;
        return true;
      });
      if (found !== undefined) return found;
      if (incompatible !== undefined) return incompatible;
    }
    return undefined;
  }
}

function candidate(
  version: Version,
  prioritized: PrioritizedDist,
  map: VersionMap,
  kind: Candidate["kind"],
): Candidate {
  return { version, prioritized, dist: prioritized.compatible(), map, kind };
}

/** Whether specifiers name a pre-release (`!=` exclusions do not count), for `explicit`. */
export function namesPrerelease(specifiers: VersionSpecifiers | undefined): boolean {
  if (specifiers === undefined) return false;
  return specifiers.specifiers.some(
    (s) => s.operator !== "!=" && s.operator !== "!=*" && s.version.isPrerelease(),
  );
}
