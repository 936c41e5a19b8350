import type { RegistryClient } from "@uv-ts/client";
import { isValidName, normalizeName } from "@uv-ts/normalize";
import type { Requirement } from "@uv-ts/pep508";
import type { Manifest } from "./manifest.ts";
import type { PackageSelection, ResolverOptions } from "./options.ts";
import type { PythonRequirement } from "./python-requirement.ts";

/** Where plans are kept (the registry client's store). */
export type PrefetchPlanStore = NonNullable<RegistryClient["prefetchPlans"]>;

/** A wheel whose metadata a resolution read: what the client needs to read it again. */
export interface PlannedWheel {
  /** The file's URL (never one carrying credentials). */
  readonly url: string;
  readonly filename: string;
  /** The index the file was listed by, credentials left out. */
  readonly index: string;
  /** Whether the index offers the metadata on its own (PEP 658). */
  readonly coreMetadata: boolean;
}

/**
 * The requests a successful resolution made, kept for the next one with the same inputs: it
 * sends them all as soon as it starts, rather than as the graph unfolds. Only a prefetch: the
 * resolver still asks for what it needs, and shares the answers of the same requests.
 */
export interface PrefetchPlan {
  /** The packages whose pages were read. */
  readonly pages: readonly string[];
  readonly wheels: readonly PlannedWheel[];
}

// Bumped when the stored form changes: older plans are then ignored.
const PLAN_FORMAT = 1;
/** The most entries a plan keeps of each kind: a stale plan costs at most its own requests. */
const MAX_PLAN_ENTRIES = 1000;

/** `value` as a plan, or `undefined` when it is missing, damaged or of another format. */
export function parsePlan(value: unknown): PrefetchPlan | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const doc = value as Partial<Record<"format" | "pages" | "wheels", unknown>>;
  if (doc.format !== PLAN_FORMAT || !Array.isArray(doc.pages) || !Array.isArray(doc.wheels)) {
    return undefined;
  }
  if (doc.pages.length > MAX_PLAN_ENTRIES || doc.wheels.length > MAX_PLAN_ENTRIES) {
    return undefined;
  }
  // Names as the resolver asked for them: valid and normalised (a page's name becomes a path).
  if (!doc.pages.every((p) => typeof p === "string" && isValidName(p) && normalizeName(p) === p)) {
    return undefined;
  }
  const wheels: PlannedWheel[] = [];
  for (const w of doc.wheels as unknown[]) {
    const wheel = w as Partial<Record<keyof PlannedWheel, unknown>> | null;
    if (
      typeof wheel !== "object" ||
      wheel === null ||
      typeof wheel.url !== "string" ||
      typeof wheel.filename !== "string" ||
      !wheel.filename.endsWith(".whl") ||
      typeof wheel.index !== "string" ||
      typeof wheel.coreMetadata !== "boolean"
    ) {
      return undefined;
    }
    wheels.push({
      url: wheel.url,
      filename: wheel.filename,
      index: wheel.index,
      coreMetadata: wheel.coreMetadata,
    });
  }
  return { pages: doc.pages as string[], wheels };
}

/** The JSON document a plan is stored as. */
export function planDocument(plan: PrefetchPlan): unknown {
  return {
    format: PLAN_FORMAT,
    pages: plan.pages.slice(0, MAX_PLAN_ENTRIES),
    wheels: plan.wheels.slice(0, MAX_PLAN_ENTRIES),
  };
}

/** Whether two plans list the same requests in the same order. */
export function samePlan(a: PrefetchPlan, b: PrefetchPlan): boolean {
  return (
    a.pages.length === b.pages.length &&
    a.wheels.length === b.wheels.length &&
    a.pages.every((p, i) => p === b.pages[i]) &&
    a.wheels.every((w, i) => {
      const o = b.wheels[i]!;
      return (
        w.url === o.url &&
        w.filename === o.filename &&
        w.index === o.index &&
        w.coreMetadata === o.coreMetadata
      );
    })
  );
}

/** What a resolution's requests depend on besides the indexes (which the store adds). */
export interface PlanInputs {
  readonly manifest: Manifest;
  readonly options: ResolverOptions;
  readonly markerEnv: object;
  readonly tags:
    | {
        readonly platform: object;
        readonly pythonVersion: readonly [number, number];
        readonly isCross: boolean;
        readonly isFreethreaded: boolean;
      }
    | undefined;
  readonly python: PythonRequirement;
  /** Whether source distributions can be built for their metadata. */
  readonly sourceBuilds: boolean;
}

function selection(value: PackageSelection | undefined): unknown {
  return value instanceof Set ? [...value].sort() : (value ?? false);
}

function requirements(list: readonly Requirement[] | undefined): string[] {
  return (list ?? []).map((r) => r.toString());
}

/**
 * The text that identifies a resolution's inputs: two runs with the same text (and indexes)
 * make the same requests as long as the indexes answer the same.
 */
export function planKey(inputs: PlanInputs): string {
  const { manifest, options, tags, python } = inputs;
  const sortedEntries = (map: ReadonlyMap<string, unknown> | undefined) =>
    [...(map ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const upgrade = options.upgrade;
  return JSON.stringify({
    requirements: requirements(manifest.requirements),
    constraints: requirements(manifest.constraints),
    overrides: requirements(manifest.overrides),
    preferences: (manifest.preferences ?? []).map((p) => `${p.name}==${p.version} ${p.source}`),
    resolution: options.resolution ?? "highest",
    prerelease: options.prerelease ?? "if-necessary",
    prereleasePackages: sortedEntries(options.prereleasePackages),
    excludeNewer: options.excludeNewer?.getTime() ?? null,
    excludeNewerPackages: sortedEntries(options.excludeNewerPackages).map(([name, date]) => [
      name,
      (date as Date).getTime(),
    ]),
    noBuild: selection(options.noBuild),
    noBinary: selection(options.noBinary),
    upgrade: upgrade instanceof Set ? [...upgrade].sort() : (upgrade ?? false),
    noDeps: options.noDeps ?? false,
    markerEnv: Object.entries(inputs.markerEnv).sort(([a], [b]) => (a < b ? -1 : 1)),
    tags:
      tags === undefined
        ? null
        : [tags.platform, tags.pythonVersion, tags.isCross, tags.isFreethreaded],
    python: [String(python.target), String(python.installed), String(python.exact), python.source],
    sourceBuilds: inputs.sourceBuilds,
  });
}
