import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { bufferSource, readWheelMetadataFromZip } from "@uv-ts/client";
import { WheelFilename } from "@uv-ts/distribution-filename";
import type { ExtraName, PackageName } from "@uv-ts/normalize";
import { Version, VersionRange, type VersionSpecifiers } from "@uv-ts/pep440";
import { type MarkerEnvironment, MarkerTree, type Requirement } from "@uv-ts/pep508";
import type { Tags } from "@uv-ts/platform-tags";
import { CancelledError, Incompatibility, type PackageId, SolverState, Term } from "@uv-ts/pubgrub";
import {
  type Hashes,
  parseResolutionMetadata,
  type ResolutionMetadata,
  type SimpleFile,
} from "@uv-ts/pypi-types";
import { type Candidate, CandidateSelector, namesPrerelease } from "./candidate-selector.ts";
import { UnsupportedRequirementError } from "./errors.ts";
import type { IncompatibleDist } from "./incompatibility.ts";
import { type Manifest, ManifestRules, requirementsFor } from "./manifest.ts";
import {
  MetadataIndex,
  type ResolverClient,
  type SourceMetadataProvider,
  type VersionsResponse,
} from "./metadata-index.ts";
import { NoSolutionError, type ReportContext } from "./no-solution-error.ts";
import { type ResolverOptions, selects } from "./options.ts";
import {
  basePackage,
  INSTALLED_PYTHON,
  type PythonPackage,
  packageFor,
  packageKey,
  packageName,
  proxyBase,
  ROOT_PACKAGE,
  TARGET_PYTHON,
} from "./package.ts";
import type { Preference } from "./preferences.ts";
import {
  type PrefetchPlan,
  type PrefetchPlanStore,
  parsePlan,
  planDocument,
  planKey,
  samePlan,
} from "./prefetch-plan.ts";
import { Priorities } from "./priorities.ts";
import type { PythonRequirement } from "./python-requirement.ts";
import { Resolution, type ResolvedPackage } from "./resolution.ts";
import type { UnavailablePackage, UnavailableReason, UnavailableVersion } from "./unavailable.ts";
import { gapBetween, widenToGap } from "./version-gaps.ts";
import {
  type CompatibleDist,
  type FileFilter,
  requiresPythonOf,
  type VersionMap,
} from "./version-map.ts";

/** The environment a resolution is for (single-platform: markers are evaluated, not forked). */
export interface ResolverTarget {
  /** The marker environment requirements are evaluated in (`--python-version` applied). */
  readonly markerEnv: MarkerEnvironment;
  /** Compatible wheel tags; `undefined` accepts every wheel (no platform check). */
  readonly tags: Tags | undefined;
  /** The Python versions the result must support. */
  readonly python: PythonRequirement;
}

/** Progress callbacks (all optional). */
export interface ResolverReporter {
  /** A version was chosen for a package (it may still be backtracked). */
  onProgress?(name: PackageName, version: Version): void;
  /**
   * The distribution a registry package's chosen version would be installed from, as the
   * resolution will carry it if the choice stands (it may still be backtracked, or the
   * resolution fail). Called as soon as the version is chosen, before its dependencies are read.
   */
  onChoice?(name: PackageName, version: Version, dist: CompatibleDist): void;
  /**
   * The distribution the resolver guesses a required registry package will be installed from,
   * as soon as the package's versions are known and before the solver reaches it: the version
   * the solver would choose within the range first required, unless something narrows it later
   * (a guess may never be chosen). A package may be guessed more than once.
   */
  onGuess?(name: PackageName, version: Version, dist: CompatibleDist): void;
}

/** The inputs of {@link resolve}. */
export interface ResolveRequest {
  readonly manifest: Manifest;
  readonly options?: ResolverOptions;
  readonly target: ResolverTarget;
  readonly client: ResolverClient;
  /** Produces metadata for source distributions; absent, an sdist-only release is an error. */
  readonly sourceMetadata?: SourceMetadataProvider;
  readonly signal?: AbortSignal;
  readonly reporter?: ResolverReporter;
  /**
   * A client that answers from the cache alone, however old (offline, on the same cache as
   * `client`). A wheel's metadata never changes, so what an earlier run stored tells which
   * packages a likely version needs before this run's own request for it returns: their pages
   * are requested that much sooner. Nothing is decided from its answers.
   */
  readonly cachedClient?: ResolverClient;
}

type SolverTerm = Term<Version, VersionRange>;
type State = SolverState<PythonPackage, Version, VersionRange, UnavailableReason>;
type Dependency = readonly [PythonPackage, VersionRange];

type Dependencies =
  | { readonly kind: "available"; readonly dependencies: readonly Dependency[] }
  | { readonly kind: "unavailable"; readonly reason: UnavailableVersion };

type Choice =
  | { readonly kind: "none" }
  | { readonly kind: "version"; readonly version: Version }
  | { readonly kind: "unavailable"; readonly version: Version; readonly dist: IncompatibleDist }
  | {
      readonly kind: "requires-python";
      readonly version: Version;
      readonly requiresPython: VersionSpecifiers;
    };

/** A requirement given as a URL to a wheel (`name @ https://.../x.whl`, or a local path). */
interface UrlDist {
  readonly given: string;
  readonly url: URL;
  readonly filename: WheelFilename;
  metadata?: Promise<ResolutionMetadata>;
}

const ROOT_VERSION = Version.parse("0a0.dev0");
/** The most versions of one package prefetched in one batch (uv's cap). */
const BATCH_PREFETCH_SIZE = 50;
/** Conflicts after which a package is re-prioritised (uv's `CONFLICT_THRESHOLD`). */
const CONFLICT_THRESHOLD = 5;

/**
 * Resolves `request.manifest` for one target environment with PubGrub, fetching package pages and
 * metadata through the client (prefetched in the background, each fetched once per run). Returns
 * the {@link Resolution}; throws {@link NoSolutionError} (exit code 1) when the requirements
 * cannot be satisfied, with uv's explanation.
 */
export async function resolve(request: ResolveRequest): Promise<Resolution> {
  return new PythonResolver(request).run();
}

class PythonResolver {
  readonly #request: ResolveRequest;
  readonly #options: ResolverOptions;
  readonly #env: MarkerEnvironment;
  readonly #python: PythonRequirement;
  readonly #rules: ManifestRules;
  readonly #selector: CandidateSelector;
  readonly #index: MetadataIndex;
  readonly #preferences = new Map<PackageName, Preference[]>();
  readonly #allowedYanks = new Map<PackageName, Version[]>();
  readonly #urls = new Map<PackageName, UrlDist>();
  readonly #priorities = new Priorities();
  readonly #state: State;
  /** The distribution chosen for `name==version`. */
  readonly #pins = new Map<string, CompatibleDist>();
  /** The dependencies returned for a package version (for `# via` edges). */
  readonly #dependencies = new Map<string, readonly Dependency[]>();
  readonly #added = new Map<PackageId, Set<string>>();
  readonly #unavailablePackages = new Map<PackageName, UnavailablePackage>();
  readonly #visited = new Set<PackageName>();
  /** Packages whose versions (and likely candidate's metadata) were requested in advance. */
  readonly #discovered = new Set<string>();
  /** The distinct versions tried per package, for batch prefetching (uv's `tried_versions`). */
  readonly #tried = new Map<PackageName, Set<string>>();
  /** How many versions had been tried when a package's last batch was prefetched. */
  readonly #lastPrefetch = new Map<PackageName, number>();
  readonly #culprit = new Map<PackageId, number>();
  readonly #affected = new Map<PackageId, number>();
  readonly #knownVersions = new Map<PackageName, readonly Version[]>();
  #next: PackageId = 0;

  constructor(request: ResolveRequest) {
    this.#request = request;
    this.#options = request.options ?? {};
    this.#env = request.target.markerEnv;
    this.#python = request.target.python;
    const manifest = request.manifest;
    this.#rules = new ManifestRules(manifest, this.#env);
    const options = this.#options;

    const upgrade = options.upgrade;
    for (const preference of manifest.preferences ?? []) {
      if (upgrade === true || (upgrade instanceof Set && upgrade.has(preference.name))) continue;
      push(this.#preferences, preference.name, preference);
      push(this.#allowedYanks, preference.name, preference.version);
    }

    const selectionRequirements = [
      ...manifest.requirements,
      ...(manifest.constraints ?? []),
      ...(manifest.overrides ?? []),
    ].filter((r) => r.evaluateMarker(this.#env, []));
    const explicitPrerelease = new Set<PackageName>();
    for (const r of selectionRequirements) {
      if (namesPrerelease(r.version)) explicitPrerelease.add(r.name);
      const only = r.version?.specifiers;
      if (only?.length === 1 && (only[0]!.operator === "==" || only[0]!.operator === "===")) {
        push(this.#allowedYanks, r.name, only[0]!.version);
      }
      if (r.verbatimUrl !== undefined) this.#registerUrl(r);
    }
    this.#selector = new CandidateSelector({
      resolution: options.resolution ?? "highest",
      prerelease: options.prerelease ?? "if-necessary",
      prereleasePackages: options.prereleasePackages ?? new Map(),
      direct: new Set(manifest.requirements.map((r) => r.name)),
      explicitPrerelease,
    });
    this.#index = new MetadataIndex({
      client: request.client,
      filterFor: (name) => this.#filterFor(name),
      sourceMetadata: request.sourceMetadata,
      concurrency: options.concurrency,
      cachedClient: request.cachedClient,
    });
    this.#state = new SolverState(ROOT_PACKAGE, ROOT_VERSION, {
      sets: VersionRange,
      key: packageKey,
    });
  }

  #filterFor(name: PackageName): FileFilter {
    const options = this.#options;
    const cutoff = options.excludeNewerPackages?.get(name) ?? options.excludeNewer;
    const allowed = this.#allowedYanks.get(name) ?? [];
    return {
      tags: this.#request.target.tags,
      noBuild: selects(options.noBuild, name),
      noBinary: selects(options.noBinary, name),
      excludeNewer: cutoff?.getTime(),
      allowYanked: (version) => allowed.some((v) => v.equals(version)),
    };
  }

  #registerUrl(requirement: Requirement): void {
    const verbatim = requirement.verbatimUrl!;
    const url = verbatim.url;
    const last = decodeURIComponent(url.pathname.split("/").pop() ?? "");
    const filename = last.endsWith(".whl") ? WheelFilename.tryParse(last) : undefined;
    if (filename === undefined) {
      throw new UnsupportedRequirementError(
        `${requirement.name} @ ${verbatim.given}`,
        "only wheel URLs can be resolved until building source distributions is supported",
      );
    }
    const existing = this.#urls.get(requirement.name);
    if (existing !== undefined && existing.url.href !== url.href) {
      throw new UnsupportedRequirementError(
        requirement.name,
        `requirements contain conflicting URLs for package \`${requirement.name}\`:\n- ${existing.given}\n- ${verbatim.given}`,
      );
    }
    this.#urls.set(requirement.name, { given: verbatim.given, url, filename });
  }

  async run(): Promise<Resolution> {
    const plans = await this.#startPlan();
    const resolution = await this.#solve();
    if (plans !== undefined) await this.#savePlan(plans);
    return resolution;
  }

  /**
   * Sends the requests the last resolution with the same inputs made, before the solver starts
   * (see {@link PrefetchPlan}). Plans are read through the cache-only client: offline there is
   * none, and nothing to send ahead either.
   */
  async #startPlan(): Promise<
    | { readonly store: PrefetchPlanStore; readonly key: string; readonly plan?: PrefetchPlan }
    | undefined
  > {
    const store = this.#request.cachedClient?.prefetchPlans;
    if (store === undefined) return undefined;
    const { target, manifest, sourceMetadata } = this.#request;
    const key = planKey({
      manifest,
      options: this.#options,
      markerEnv: target.markerEnv,
      tags: target.tags,
      python: target.python,
      sourceBuilds: sourceMetadata !== undefined,
    });
    const plan = parsePlan(store.read(key));
    if (plan === undefined) return { store, key };
    // The solver starts once every planned request is out: its own start would hold them back.
    await this.#index.prefetchPlan(plan, (href) => store.indexFor(href));
    return { store, key, plan };
  }

  /** Keeps this run's requests for the next one, unless they are the plan it read. */
  async #savePlan(plans: {
    readonly store: PrefetchPlanStore;
    readonly key: string;
    readonly plan?: PrefetchPlan;
  }): Promise<void> {
    const plan = this.#index.plan();
    if (plans.plan !== undefined && samePlan(plans.plan, plan)) return;
    try {
      await plans.store.write(plans.key, planDocument(plan));
    } catch {
      // A plan only saves time; a cache that cannot take one costs the next run that time.
    }
  }

  async #solve(): Promise<Resolution> {
    const state = this.#state;
    const signal = this.#request.signal;
    this.#next = state.root;
    for (;;) {
      if (signal?.aborted === true) throw new CancelledError(signal.reason);
      const propagated = state.unitPropagation(this.#next);
      if (!propagated.ok) throw this.#noSolution(propagated.tree);
      for (const { package: affected, incompatibility } of propagated.satisfierCauses) {
        this.#recordConflict(affected, incompatibility);
      }

      const picked = state.pickHighestPriority((pkg) => this.#priorities.get(state.package(pkg)));
      if (picked === undefined) return this.#resolution();
      const [id, range] = picked;
      this.#next = id;
      const pkg = state.package(id);

      const choice = await this.#chooseVersion(pkg, range);
      if (choice.kind === "none") {
        const name = packageName(pkg);
        const unavailable = name === undefined ? undefined : this.#unavailablePackages.get(name);
        if (pkg.kind === "package" && unavailable !== undefined) {
          state.addIncompatibility(
            Incompatibility.custom(id, range, { type: "package", reason: unavailable }),
          );
        } else {
          state.addIncompatibility(Incompatibility.noVersions(id, range));
        }
        continue;
      }
      if (choice.kind === "unavailable") {
        state.addIncompatibility(
          Incompatibility.custom(id, this.#widen(pkg, choice.version), {
            type: "version",
            reason: { kind: "incompatible-dist", dist: choice.dist },
          }),
        );
        continue;
      }
      if (choice.kind === "requires-python") {
        // Recorded as a dependency on Python, so reports say which Python the release needs.
        const python = state.intern(this.#pythonPackage());
        state.addIncompatibility(
          Incompatibility.fromDependency(
            id,
            this.#widen(pkg, choice.version),
            python,
            VersionRange.fromSpecifiers(choice.requiresPython),
          ),
        );
        state.addDecision(id, choice.version);
        continue;
      }

      const { version } = choice;
      const name = packageName(pkg);
      if (name !== undefined) this.#request.reporter?.onProgress?.(name, version);
      const versionKey = version.hashKey();
      const added = this.#added.get(id);
      if (added?.has(versionKey) === true) {
        state.addDecision(id, version);
        continue;
      }

      const dependencies = await this.#getDependencies(pkg, version);
      if (dependencies.kind === "unavailable") {
        state.addIncompatibility(
          Incompatibility.custom(id, this.#widen(pkg, version), {
            type: "version",
            reason: dependencies.reason,
          }),
        );
        continue;
      }
      if (added === undefined) this.#added.set(id, new Set([versionKey]));
      else added.add(versionKey);
      this.#dependencies.set(`${packageKey(pkg)}@${versionKey}`, dependencies.dependencies);
      this.#addDependencies(id, pkg, version, dependencies.dependencies);
    }
  }

  #pythonPackage(): PythonPackage {
    return this.#python.isInstalledTarget() ? INSTALLED_PYTHON : TARGET_PYTHON;
  }

  /** The known versions of a registry package (for widening), or `undefined`. */
  #known(pkg: PythonPackage): readonly Version[] | undefined {
    const name = packageName(pkg);
    if (name === undefined || this.#urls.has(name)) return undefined;
    const response = this.#index.versionsIfReady(name);
    if (response?.kind !== "found") return undefined;
    // Asked at every decision and conflict; the maps never change once they arrived.
    let known = this.#knownVersions.get(name);
    if (known === undefined) {
      known = knownVersions(response.maps);
      this.#knownVersions.set(name, known);
    }
    return known;
  }

  #widen(pkg: PythonPackage, version: Version): VersionRange {
    const name = packageName(pkg);
    if (name !== undefined && !this.#urls.has(name)) {
      const response = this.#index.versionsIfReady(name);
      // One index (the usual case): only the neighbours matter, not every version's dates.
      if (response?.kind === "found" && response.maps.length === 1) {
        const [below, above] = response.maps[0]!.includedNeighbours(version);
        if (below !== undefined || above !== undefined) return gapBetween(below, above);
      }
    }
    return widenToGap(version, this.#known(pkg));
  }

  async #chooseVersion(pkg: PythonPackage, range: VersionRange): Promise<Choice> {
    if (pkg.kind === "root") return { kind: "version", version: ROOT_VERSION };
    if (pkg.kind === "python") return { kind: "none" };
    const name = pkg.name;
    const url = this.#urls.get(name);
    if (url !== undefined) return this.#chooseUrlVersion(url, range);

    const response = await this.#index.versions(name);
    this.#visited.add(name);
    let maps: readonly VersionMap[] = [];
    if (response.kind === "found") maps = response.maps;
    else this.#unavailablePackages.set(name, response.reason);

    const candidate = this.#selector.select(name, range, maps, this.#preferences.get(name) ?? []);
    if (candidate === undefined) return { kind: "none" };
    const dist = candidate.dist;
    if (dist === undefined) {
      return {
        kind: "unavailable",
        version: candidate.version,
        dist: candidate.prioritized.incompatibility(),
      };
    }
    const requiresPython = requiresPythonOf(dist);
    if (requiresPython !== undefined && !this.#python.admits(requiresPython)) {
      return { kind: "requires-python", version: candidate.version, requiresPython };
    }
    this.#pins.set(`${name}@${candidate.version.hashKey()}`, dist);
    this.#request.reporter?.onChoice?.(name, candidate.version, dist);
    if (pkg.kind === "package") this.#prefetchMetadata(dist);
    if (pkg.kind === "package" && pkg.extra === undefined && pkg.marker.isTrue()) {
      this.#batchPrefetch(name, candidate.version, range, maps);
      const tried = this.#tried.get(name);
      if (tried === undefined) this.#tried.set(name, new Set([candidate.version.hashKey()]));
      else tried.add(candidate.version.hashKey());
    }
    return { kind: "version", version: candidate.version };
  }

  async #chooseUrlVersion(url: UrlDist, range: VersionRange): Promise<Choice> {
    const metadata = await this.#urlMetadata(url);
    if (!range.contains(metadata.version)) return { kind: "none" };
    if (metadata.requiresPython !== undefined && !this.#python.admits(metadata.requiresPython)) {
      return {
        kind: "unavailable",
        version: metadata.version,
        dist: { type: "requires-python", requiresPython: metadata.requiresPython, dist: "wheel" },
      };
    }
    return { kind: "version", version: metadata.version };
  }

  #urlMetadata(url: UrlDist): Promise<ResolutionMetadata> {
    let metadata = url.metadata;
    if (metadata === undefined) {
      metadata =
        url.url.protocol === "file:"
          ? readFile(fileURLToPath(url.url))
              .then((bytes) => readWheelMetadataFromZip(bufferSource(bytes), url.filename))
              .then((text) => parseResolutionMetadata(text))
          : this.#request.client.wheelMetadata({ url: url.url.href }, url.filename);
      url.metadata = metadata;
    }
    return metadata;
  }

  /**
   * Starts fetching a registry distribution's metadata, unless dependencies are not wanted
   * (`--no-deps`, `pip sync`): then, as in uv's direct mode, nothing reads it, and fetching it
   * would cost a read and a parse (or a request) per package.
   */
  #prefetchMetadata(dist: CompatibleDist): void {
    if (this.#options.noDeps === true) return;
    this.#index.prefetchMetadata(dist);
  }

  /**
   * After 5, 10 and 20 distinct versions of a package were tried (backtracking through it), and
   * every 20 after that, fetch the metadata of as many of the next candidates (at most 50) in one
   * batch rather than one round trip per attempt, as uv's batch prefetcher does: first the
   * versions left in `range`, then, those exhausted, the versions beyond `current` that the
   * root's requirements (level 0, which no backtrack widens) still allow. Source distributions
   * and releases whose `Requires-Python` excludes the target are skipped.
   */
  #batchPrefetch(
    name: PackageName,
    current: Version,
    range: VersionRange,
    maps: readonly VersionMap[],
  ): void {
    const tried = this.#tried.get(name)?.size ?? 0;
    const previous = this.#lastPrefetch.get(name) ?? 0;
    const due =
      (tried >= 5 && previous < 5) ||
      (tried >= 10 && previous < 10) ||
      (tried >= 20 && (previous < 20 || tried - previous >= 20));
    if (!due) return;
    this.#lastPrefetch.set(name, tried);
    const highest = this.#selector.useHighest(name);
    const unchanging = this.#state.partialSolution.unchangingTermOf(this.#next);
    let compatible: VersionRange | undefined = range;
    let last = current;
    for (let i = 0; i < Math.min(tried, BATCH_PREFETCH_SIZE); i++) {
      let candidate: Candidate | undefined;
      if (compatible !== undefined) {
        candidate = this.#selector.selectNoPreference(name, compatible, maps);
        if (candidate === undefined) {
          compatible = undefined;
          continue;
        }
        compatible = compatible.difference(VersionRange.singleton(candidate.version));
      } else {
        let beyond = highest
          ? VersionRange.strictlyLowerThan(last)
          : VersionRange.strictlyHigherThan(last);
        if (unchanging !== undefined) {
          beyond = unchanging.positive
            ? beyond.intersection(unchanging.set)
            : beyond.difference(unchanging.set);
        }
        candidate = this.#selector.selectNoPreference(name, beyond, maps);
        if (candidate === undefined) return;
      }
      last = candidate.version;
      const dist = candidate.dist;
      if (dist?.kind !== "wheel") continue;
      const requiresPython = requiresPythonOf(dist);
      if (requiresPython !== undefined && !this.#python.admits(requiresPython)) continue;
      this.#prefetchMetadata(dist);
    }
  }

  async #getDependencies(pkg: PythonPackage, version: Version): Promise<Dependencies> {
    switch (pkg.kind) {
      case "root":
        return this.#toDependencies(this.#rootRequirements());
      case "python":
        return { kind: "available", dependencies: [] };
      case "extra": {
        const singleton = VersionRange.singleton(version);
        const markers = pkg.marker.isTrue() ? [pkg.marker] : [MarkerTree.TRUE, pkg.marker];
        const dependencies: Dependency[] = [];
        for (const marker of markers) {
          for (const extra of [undefined, pkg.extra]) {
            dependencies.push([{ kind: "package", name: pkg.name, extra, marker }, singleton]);
          }
        }
        return { kind: "available", dependencies };
      }
      case "marker": {
        const singleton = VersionRange.singleton(version);
        return {
          kind: "available",
          dependencies: [
            [basePackage(pkg.name), singleton],
            [{ kind: "package", name: pkg.name, extra: undefined, marker: pkg.marker }, singleton],
          ],
        };
      }
      case "package":
        return this.#packageDependencies(pkg.name, pkg.extra, version);
    }
  }

  async #packageDependencies(
    name: PackageName,
    extra: ExtraName | undefined,
    version: Version,
  ): Promise<Dependencies> {
    if (this.#options.noDeps === true) return { kind: "available", dependencies: [] };
    const url = this.#urls.get(name);
    let metadata: ResolutionMetadata;
    if (url !== undefined) {
      metadata = await this.#urlMetadata(url);
    } else {
      const dist = this.#pins.get(`${name}@${version.hashKey()}`);
      if (dist === undefined) {
        throw new Error(`resolver: no distribution was pinned for ${name}==${version}`);
      }
      metadata = await this.#index.metadata(dist);
      if (metadata.name !== name || !metadata.version.equals(version)) {
        return { kind: "unavailable", reason: { kind: "inconsistent-metadata" } };
      }
    }
    if (metadata.requiresPython !== undefined && !this.#python.admits(metadata.requiresPython)) {
      return {
        kind: "unavailable",
        reason: {
          kind: "incompatible-dist",
          dist: {
            type: "requires-python",
            requiresPython: metadata.requiresPython,
            dist: "wheel",
          },
        },
      };
    }
    const requirements = this.#requirementsOf(name, extra, metadata);
    for (const r of requirements) {
      if (
        r.verbatimUrl !== undefined &&
        this.#urls.get(r.name)?.url.href !== r.verbatimUrl.url.href
      ) {
        throw new UnsupportedRequirementError(
          `${r.name} @ ${r.verbatimUrl.given}`,
          `Package \`${r.name}\` was included as a URL dependency. URL dependencies must be expressed as direct requirements or constraints. Consider adding \`${r.name} @ ${r.verbatimUrl.given}\` to your dependencies or constraints file.`,
        );
      }
    }
    return this.#toDependencies(requirements);
  }

  /** The requirements of the root: the manifest's, with overrides and constraints applied. */
  #rootRequirements(): Requirement[] {
    return this.#rules.applyConstraints(
      this.#rules
        .applyOverrides(this.#request.manifest.requirements)
        .filter((r) => r.evaluateMarker(this.#env, [])),
    );
  }

  /**
   * What a version the solver has not picked yet would require, for fetching ahead; `undefined`
   * when it would be rejected before its dependencies count (its `Requires-Python`).
   */
  #likelyRequirements(
    name: PackageName,
    extra: ExtraName | undefined,
    metadata: ResolutionMetadata,
  ): Requirement[] | undefined {
    if (metadata.requiresPython !== undefined && !this.#python.admits(metadata.requiresPython)) {
      return undefined;
    }
    return this.#requirementsOf(name, extra, metadata);
  }

  /** What `name` (or its `extra`) requires here, overrides and constraints applied. */
  #requirementsOf(
    name: PackageName,
    extra: ExtraName | undefined,
    metadata: ResolutionMetadata,
  ): Requirement[] {
    return this.#rules.applyConstraints(
      requirementsFor(name, extra, this.#rules.applyOverrides(metadata.requiresDist), this.#env),
    );
  }

  #toDependencies(requirements: readonly Requirement[]): Dependencies {
    const dependencies: Dependency[] = [];
    for (const r of requirements) {
      const range =
        r.verbatimUrl !== undefined || r.version === undefined
          ? VersionRange.full()
          : VersionRange.fromSpecifiers(r.version);
      if (range.isEmpty()) {
        return {
          kind: "unavailable",
          reason: { kind: "unsatisfiable-dependency", requirement: r },
        };
      }
      if (r.extras.length === 0) {
        dependencies.push([packageFor(r.name, undefined, r.marker), range]);
      } else {
        for (const extra of r.extras)
          dependencies.push([packageFor(r.name, extra, r.marker), range]);
      }
    }
    return { kind: "available", dependencies };
  }

  /**
   * Records a version's dependencies, each from the version widened over the gap around it, and
   * decides the version unless one of them already conflicts (the next propagation rules it out).
   */
  #addDependencies(
    id: PackageId,
    pkg: PythonPackage,
    version: Version,
    dependencies: readonly Dependency[],
  ): void {
    const state = this.#state;
    for (const [dependency, range] of dependencies) {
      const name = packageName(dependency);
      const isUrl = name !== undefined && this.#urls.has(name);
      this.#priorities.insert(dependency, range, isUrl);
      const base = proxyBase(dependency);
      if (base !== undefined) {
        this.#priorities.insert(base, range, isUrl);
        const proxyId = state.intern(dependency);
        const baseId = state.intern(base);
        state.addIncompatibility(Incompatibility.fromDependency(proxyId, range, baseId, range));
      }
      if (name !== undefined && !isUrl) {
        this.#discover(name, range, dependency.kind === "extra" ? dependency.extra : undefined);
      }
    }

    // Without dependencies there is nothing to widen (`--no-deps`, `pip sync`): widening sorts
    // every known version of the package.
    const versions =
      pkg.kind === "root" || dependencies.length === 0
        ? VersionRange.singleton(version)
        : this.#widen(pkg, version);
    const added: Incompatibility<Version, VersionRange, UnavailableReason>[] = [];
    for (const [dependency, range] of dependencies) {
      const incompat = Incompatibility.fromDependency<Version, VersionRange, UnavailableReason>(
        id,
        versions,
        state.intern(dependency),
        range,
      );
      if (incompat.isVacuous()) continue;
      state.addIncompatibility(incompat);
      added.push(incompat);
    }
    const partial = state.partialSolution;
    if (partial.hasBacktracked()) {
      const decided = Term.positive<Version, VersionRange>(VersionRange.singleton(version));
      for (const incompat of added) {
        const satisfied = incompat.packages.every((p, i) => {
          const assigned: SolverTerm | undefined = p === id ? decided : partial.termOf(p);
          return (
            assigned !== undefined && incompat.terms[i]!.relationWith(assigned) === "satisfied"
          );
        });
        if (satisfied) {
          this.#recordDependencyConflict(id, incompat.packages);
          return;
        }
      }
    }
    state.addDecision(id, version);
  }

  /**
   * Starts fetching a newly required package (or extra) and the metadata of its likely version,
   * and, once that metadata is in, the same for its own dependencies. The solver reaches a
   * package only after deciding everything ahead of it, one level of the graph per round of
   * requests; following the likely versions' dependencies as soon as they are known keeps the
   * network working on the next levels meanwhile. The likely version is first taken from the
   * page an earlier run stored, and its dependencies from the metadata it stored, so that on a
   * warm cache the whole graph's requests go out at once rather than a level per page; the fresh
   * page is followed as well, when it makes another version likely. Nothing here decides
   * anything: a guess the solver does not follow only costs requests.
   */
  #discover(name: PackageName, range: VersionRange, extra?: ExtraName): void {
    const key = extra === undefined ? name : `${name}[${extra}]`;
    if (this.#discovered.has(key)) return;
    this.#discovered.add(key);
    const fresh = this.#index.versions(name);
    let guessed: string | undefined;
    const guess = (response: VersionsResponse | undefined): string | undefined => {
      if (response?.kind !== "found") return undefined;
      const candidate = this.#selector.select(
        name,
        range,
        response.maps,
        this.#preferences.get(name) ?? [],
      );
      const dist = candidate?.dist;
      if (candidate === undefined || dist === undefined) return undefined;
      const url = dist.kind === "wheel" ? dist.wheel.file.url : dist.sdist.file.url;
      if (url === guessed) return url;
      if (extra === undefined) this.#request.reporter?.onGuess?.(name, candidate.version, dist);
      this.#prefetchMetadata(dist);
      // Source distributions would be built to learn their dependencies: only for a version
      // the solver actually picks.
      if (dist.kind !== "wheel" || this.#options.noDeps === true) return url;
      // Whichever comes first: this run's answer, or what an earlier run stored.
      let followed = false;
      const follow = (metadata: ResolutionMetadata) => {
        if (followed || metadata.name !== name || !metadata.version.equals(candidate.version)) {
          return;
        }
        followed = true;
        this.#discoverDependencies(name, extra, metadata);
      };
      this.#index
        .storedMetadata(dist)
        ?.then(follow)
        .catch(() => {});
      this.#index
        .metadata(dist)
        .then(follow)
        // A guess that fails costs nothing: the solver meets the error if it needs the answer.
        .catch(() => {});
      return url;
    };
    const stored = this.#index.storedVersions(name);
    let storedMaps: readonly VersionMap[] | undefined;
    const followFresh = () => {
      fresh
        .then((response) => {
          // The fetched page is the stored one (unchanged): the guess stands.
          const maps = response.kind === "found" ? response.maps : undefined;
          if (maps !== undefined && storedMaps !== undefined && sameMaps(maps, storedMaps)) return;
          guess(response);
        })
        .catch(() => {});
    };
    if (stored === undefined) {
      followFresh();
      return;
    }
    const fromStored = (response: VersionsResponse | undefined) => {
      if (response?.kind === "found") storedMaps = response.maps;
      try {
        guessed = guess(response);
      } catch {
        // A stored page that cannot be judged is no guess; the fresh one still is.
      }
      followFresh();
    };
    // Each guess waits for a turn of the event loop: read from disk, a whole graph of them would
    // otherwise run before any of the requests they start could be sent.
    stored.then(
      (response) => setImmediate(fromStored, response),
      () => setImmediate(followFresh),
    );
  }

  /** {@link #discover}s what a likely version of `name` (or of its `extra`) requires. */
  #discoverDependencies(
    name: PackageName,
    extra: ExtraName | undefined,
    metadata: ResolutionMetadata,
  ): void {
    for (const r of this.#likelyRequirements(name, extra, metadata) ?? []) {
      if (r.verbatimUrl !== undefined || this.#urls.has(r.name)) continue;
      const range =
        r.version === undefined ? VersionRange.full() : VersionRange.fromSpecifiers(r.version);
      if (range.isEmpty()) continue;
      this.#discover(r.name, range);
      for (const e of r.extras) this.#discover(r.name, range, e);
    }
  }

  #recordConflict(affected: PackageId, incompatId: number): void {
    this.#recordDependencyConflict(affected, this.#state.incompatibility(incompatId).packages);
  }

  /**
   * uv's conflict tracking: a package that keeps being ruled out is decided earlier, one that
   * keeps ruling others out later (and its decision is undone).
   */
  #recordDependencyConflict(affected: PackageId, packages: readonly PackageId[]): void {
    const state = this.#state;
    const affectedName = packageName(state.package(affected));
    let real = false;
    const late: PackageId[] = [];
    for (const p of packages) {
      if (p === affected) continue;
      if (affectedName !== undefined && packageName(state.package(p)) === affectedName) continue;
      real = true;
      const count = (this.#culprit.get(p) ?? 0) + 1;
      this.#culprit.set(p, count);
      if (count === CONFLICT_THRESHOLD) late.push(p);
    }
    if (!real) return;
    const next = this.#next;
    const count = (this.#affected.get(next) ?? 0) + 1;
    this.#affected.set(next, count);
    if (count === CONFLICT_THRESHOLD) {
      const name = packageName(state.package(next));
      if (name !== undefined) this.#priorities.markConflictEarly(name);
    }
    for (const p of late) {
      const name = packageName(state.package(p));
      if (name !== undefined && this.#priorities.markConflictLate(name)) state.backtrackPackage(p);
    }
  }

  #resolution(): Resolution {
    const solution = this.#state.solution();
    const versions = new Map<PackageName, Version>();
    const extras = new Map<PackageName, Set<ExtraName>>();
    for (const [pkg, version] of solution) {
      const name = packageName(pkg);
      if (name === undefined) continue;
      versions.set(name, version);
      if ((pkg.kind === "package" || pkg.kind === "extra") && pkg.extra !== undefined) {
        let set = extras.get(name);
        if (set === undefined) {
          set = new Set();
          extras.set(name, set);
        }
        set.add(pkg.extra);
      }
    }
    const packages: ResolvedPackage[] = [];
    for (const [name, version] of versions) {
      packages.push(this.#resolvedPackage(name, version, [...(extras.get(name) ?? [])].sort()));
    }
    const edges: [PackageName | undefined, PackageName][] = [];
    for (const [pkg, version] of solution) {
      const deps = this.#dependencies.get(`${packageKey(pkg)}@${version.hashKey()}`);
      if (deps === undefined) continue;
      const from = packageName(pkg);
      for (const [dependency, range] of deps) {
        const to = packageName(dependency);
        if (to === undefined || to === from) continue;
        const chosen = versions.get(to);
        if (chosen === undefined || !range.contains(chosen)) continue;
        edges.push([from, to]);
      }
    }
    return new Resolution(packages, edges);
  }

  #resolvedPackage(name: PackageName, version: Version, extras: ExtraName[]): ResolvedPackage {
    const url = this.#urls.get(name);
    if (url !== undefined) {
      return {
        name,
        version,
        extras,
        dist: { kind: "url", given: url.given, url: url.url.href, filename: url.filename },
        hashes: [],
        yanked: false,
      };
    }
    const dist = this.#pins.get(`${name}@${version.hashKey()}`);
    if (dist === undefined)
      throw new Error(`resolver: no distribution was pinned for ${name}==${version}`);
    const chosen = dist.kind === "wheel" ? dist.wheel : dist.sdist;
    const prioritized = this.#index.versionsIfReady(name);
    const map =
      prioritized?.kind === "found"
        ? prioritized.maps.find((m) => m.index === chosen.index)
        : undefined;
    // Every file of the version, read when asked for (`--generate-hashes`): most of a release's
    // wheels are for other platforms, and reading them in full is what they would cost.
    let installable: readonly SimpleFile[] | undefined;
    const files = (): readonly SimpleFile[] => {
      if (installable === undefined) {
        const all = map?.get(version)?.files() ?? [];
        installable = all.length === 0 ? [chosen.file] : all;
      }
      return installable;
    };
    let hashes: readonly Hashes[] | undefined;
    return {
      name,
      version,
      extras,
      dist: {
        kind: "registry",
        index: chosen.index,
        file: chosen.file,
        filename: chosen.filename,
        get files() {
          return files();
        },
      },
      get hashes() {
        hashes ??= files().map((f) => f.hashes);
        return hashes;
      },
      yanked: chosen.file.yanked,
    };
  }

  #noSolution(tree: Parameters<typeof NoSolutionError.create>[0]): NoSolutionError {
    const included = new Map<PackageName, Version[]>();
    const available = new Map<PackageName, Version[]>();
    const known = new Map<PackageName, readonly Version[]>();
    for (const name of this.#visited) {
      const response = this.#index.versionsIfReady(name);
      if (response?.kind !== "found") continue;
      included.set(name, dedupe(response.maps.flatMap((m) => m.includedVersions())));
      available.set(name, dedupe(response.maps.flatMap((m) => [...m.versions])));
      known.set(name, knownVersions(response.maps));
    }
    const context: ReportContext = {
      python: this.#python,
      tags: this.#request.target.tags,
      includedVersions: included,
      availableVersions: available,
      knownVersions: known,
      urlPackages: new Set(this.#urls.keys()),
      unavailablePackages: this.#unavailablePackages,
      selector: this.#selector,
      options: this.#options,
      versionMaps: (name) => {
        const response = this.#index.versionsIfReady(name);
        return response?.kind === "found" ? response.maps : [];
      },
    };
    return NoSolutionError.create(tree, context);
  }
}

/** Every version the indexes list (exclude-newer'd ones dropped), ascending, deduplicated. */
function knownVersions(maps: readonly VersionMap[]): readonly Version[] {
  // One index (the usual case): its versions are already ascending and distinct.
  if (maps.length === 1) return maps[0]!.includedVersions();
  return dedupe(maps.flatMap((m) => m.includedVersions()));
}

function dedupe(versions: Version[]): Version[] {
  const sorted = versions.sort((a, b) => a.compare(b));
  return sorted.filter((v, i) => i === 0 || !v.equals(sorted[i - 1]!));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Whether two lists hold the same version maps, in order. */
function sameMaps(a: readonly VersionMap[], b: readonly VersionMap[]): boolean {
  return a.length === b.length && a.every((map, i) => map === b[i]);
}
