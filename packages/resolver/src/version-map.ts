import type { RegistryDist, SimpleMetadata } from "@uv-ts/client";
import { type SourceDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import { type Version, VersionSpecifiers } from "@uv-ts/pep440";
import type { Tags } from "@uv-ts/platform-tags";
import type { SimpleFile } from "@uv-ts/pypi-types";
import {
  type IncompatibleDist,
  type IncompatibleSource,
  type IncompatibleWheel,
  sourceCloser,
  wheelCloser,
} from "./incompatibility.ts";

/** A wheel of a version and whether it can be used. */
export interface WheelCandidate {
  readonly filename: WheelFilename;
  readonly file: SimpleFile;
  readonly index: SimpleMetadata["index"];
  /** Tag priority when usable (higher is better), else why not. */
  readonly compatibility:
    | { readonly ok: true; readonly priority: number }
    | { readonly ok: false; readonly reason: IncompatibleWheel };
}

/** A source distribution of a version and whether it can be used. */
export interface SourceCandidate {
  readonly filename: SourceDistFilename;
  readonly file: SimpleFile;
  readonly index: SimpleMetadata["index"];
  readonly compatibility:
    | { readonly ok: true }
    | { readonly ok: false; readonly reason: IncompatibleSource };
}

/** The distribution the resolver would use for a version: a wheel if one fits, else the sdist. */
export type CompatibleDist =
  | { readonly kind: "wheel"; readonly wheel: WheelCandidate }
  | { readonly kind: "source"; readonly sdist: SourceCandidate };

/** Every file of one version, with the best of each kind. */
export class PrioritizedDist {
  readonly version: Version;
  readonly wheels: WheelCandidate[] = [];
  sdist: SourceCandidate | undefined;
  #best: WheelCandidate | undefined;

  constructor(version: Version) {
    this.version = version;
  }

  addWheel(wheel: WheelCandidate): void {
    this.wheels.push(wheel);
    const best = this.#best;
    if (best === undefined || wheelBetter(wheel, best)) this.#best = wheel;
  }

  addSource(sdist: SourceCandidate): void {
    const current = this.sdist;
    if (current === undefined || sourceBetter(sdist, current)) this.sdist = sdist;
  }

  /** The best wheel, usable or not. */
  get bestWheel(): WheelCandidate | undefined {
    return this.#best;
  }

  /** The distribution to resolve with, or `undefined` when nothing can be used. */
  compatible(): CompatibleDist | undefined {
    const wheel = this.#best;
    if (wheel?.compatibility.ok === true) return { kind: "wheel", wheel };
    if (this.sdist?.compatibility.ok === true) return { kind: "source", sdist: this.sdist };
    return undefined;
  }

  /** Why nothing can be used: the sdist's problem when there is one, as uv reports it. */
  incompatibility(): IncompatibleDist {
    const source = this.sdist?.compatibility;
    if (source !== undefined && !source.ok) return { type: "source", source: source.reason };
    const wheel = this.#best?.compatibility;
    if (wheel !== undefined && !wheel.ok) return { type: "wheel", wheel: wheel.reason };
    return { type: "unavailable" };
  }

  /** Whether every file was excluded by `--exclude-newer` (the version does not exist then). */
  excludedByDate(): boolean {
    const all: {
      compatibility: WheelCandidate["compatibility"] | SourceCandidate["compatibility"];
    }[] = [...this.wheels, ...(this.sdist === undefined ? [] : [this.sdist])];
    return (
      all.length > 0 &&
      all.every((d) => !d.compatibility.ok && d.compatibility.reason.kind === "exclude-newer")
    );
  }

  /** Every file (wheels, then the sdist). */
  files(): SimpleFile[] {
    return [
      ...this.wheels.map((w) => w.file),
      ...(this.sdist === undefined ? [] : [this.sdist.file]),
    ];
  }
}

function wheelBetter(a: WheelCandidate, b: WheelCandidate): boolean {
  const x = a.compatibility;
  const y = b.compatibility;
  if (x.ok && y.ok) {
    if (x.priority !== y.priority) return x.priority > y.priority;
    const ta = a.filename.buildTag;
    const tb = b.filename.buildTag;
    if (ta === undefined || tb === undefined) return ta !== undefined;
    return ta.compare(tb) > 0;
  }
  if (x.ok) return true;
  if (y.ok) return false;
  return wheelCloser(x.reason, y.reason);
}

function sourceBetter(a: SourceCandidate, b: SourceCandidate): boolean {
  const x = a.compatibility;
  const y = b.compatibility;
  if (x.ok) return !y.ok;
  if (y.ok) return false;
  return sourceCloser(x.reason, y.reason);
}

/** What decides whether a file can be used. */
export interface FileFilter {
  readonly tags: Tags | undefined;
  readonly noBuild: boolean;
  readonly noBinary: boolean;
  /** Files uploaded at or after this instant (epoch ms) are excluded. */
  readonly excludeNewer: number | undefined;
  /** Versions pinned with `==`, which may be used even when yanked. */
  readonly allowYanked: (version: Version) => boolean;
}

/** The versions of a package on one index, oldest first, with their distributions. */
export class VersionMap {
  readonly name: PackageName;
  readonly index: SimpleMetadata["index"];
  /** Every listed version, ascending. */
  readonly versions: readonly Version[];
  readonly #dists: Map<string, PrioritizedDist>;

  private constructor(
    name: PackageName,
    index: SimpleMetadata["index"],
    dists: Map<string, PrioritizedDist>,
  ) {
    this.name = name;
    this.index = index;
    this.#dists = dists;
    this.versions = [...dists.values()].map((d) => d.version).sort((a, b) => a.compare(b));
  }

  /** Sorts one index's files into versions, judging each file with `filter`. */
  static fromSimple(name: PackageName, metadata: SimpleMetadata, filter: FileFilter): VersionMap {
    const dists = new Map<string, PrioritizedDist>();
    for (const dist of metadata.dists) addFile(dists, dist, metadata.index, filter);
    return new VersionMap(name, metadata.index, dists);
  }

  /** The distributions of `version`. */
  get(version: Version): PrioritizedDist | undefined {
    return this.#dists.get(version.hashKey());
  }

  /** Versions that survive `--exclude-newer` (what the resolver may pick from), ascending. */
  includedVersions(): Version[] {
    return this.versions.filter((v) => this.get(v)?.excludedByDate() !== true);
  }
}

function addFile(
  dists: Map<string, PrioritizedDist>,
  { filename, file }: RegistryDist,
  index: SimpleMetadata["index"],
  filter: FileFilter,
): void {
  const version = filename.version;
  const key = version.hashKey();
  let dist = dists.get(key);
  if (dist === undefined) {
    dist = new PrioritizedDist(version);
    dists.set(key, dist);
  }
  const uploadTime = file.uploadTime?.getTime();
  const excluded =
    filter.excludeNewer !== undefined &&
    (uploadTime === undefined || uploadTime >= filter.excludeNewer);
  const yanked = file.yanked !== false && !filter.allowYanked(version);
  const yankReason =
    typeof file.yanked === "string" && file.yanked.length > 0 ? file.yanked : undefined;
  if (filename instanceof WheelFilename) {
    let compatibility: WheelCandidate["compatibility"];
    if (filter.noBinary) compatibility = { ok: false, reason: { kind: "no-binary" } };
    else if (excluded) compatibility = { ok: false, reason: { kind: "exclude-newer", uploadTime } };
    else if (yanked) compatibility = { ok: false, reason: { kind: "yanked", reason: yankReason } };
    else if (filter.tags === undefined) compatibility = { ok: true, priority: 0 };
    else {
      const tag = filename.compatibility(filter.tags);
      compatibility = tag.compatible
        ? { ok: true, priority: tag.priority }
        : { ok: false, reason: { kind: "tag", tag: tag.reason } };
    }
    dist.addWheel({ filename, file, index, compatibility });
  } else {
    let compatibility: SourceCandidate["compatibility"];
    if (filter.noBuild) compatibility = { ok: false, reason: { kind: "no-build" } };
    else if (excluded) compatibility = { ok: false, reason: { kind: "exclude-newer", uploadTime } };
    else if (yanked) compatibility = { ok: false, reason: { kind: "yanked", reason: yankReason } };
    else compatibility = { ok: true };
    dist.addSource({ filename, file, index, compatibility });
  }
}

/** The `Requires-Python` of a distribution, as the index page gives it. */
export function requiresPythonOf(dist: CompatibleDist): VersionSpecifiers | undefined {
  const file = dist.kind === "wheel" ? dist.wheel.file : dist.sdist.file;
  const text = file.requiresPython;
  if (text === undefined || text.trim() === "") return undefined;
  return VersionSpecifiers.tryParse(text);
}
