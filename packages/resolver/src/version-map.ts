import type { RegistryDist, SimpleMetadata, VersionUploads } from "@uv-ts/client";
import { type SourceDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import { compareVersions, Version, VersionSpecifiers } from "@uv-ts/pep440";
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
  return sourceCompatibilityBetter(a.compatibility, b.compatibility);
}

function sourceCompatibilityBetter(
  x: SourceCandidate["compatibility"],
  y: SourceCandidate["compatibility"],
): boolean {
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

/** One version of the page; its files are decoded and judged only when the resolver asks. */
interface VersionEntry {
  readonly version: Version;
  /** The page's texts of the version (one, unless a page groups by something finer). */
  readonly texts: string[];
  /** Built on first use. */
  dist: PrioritizedDist | undefined;
  /** {@link PrioritizedDist.excludedByDate}, worked out without judging wheel tags. */
  excluded: boolean | undefined;
}

/**
 * The versions of a package on one index, oldest first, with their distributions. The page
 * comes grouped by version; a version's files are decoded and judged (tags, yanks,
 * `--exclude-newer`) only when the resolver asks about it: most of a popular package's hundreds
 * of versions are never looked at.
 */
export class VersionMap {
  readonly name: PackageName;
  readonly index: SimpleMetadata["index"];
  /** Every listed version, ascending. */
  readonly versions: readonly Version[];
  readonly #metadata: SimpleMetadata;
  readonly #entries: Map<string, VersionEntry>;
  readonly #filter: FileFilter;
  #included: readonly Version[] | undefined;

  private constructor(
    name: PackageName,
    metadata: SimpleMetadata,
    entries: Map<string, VersionEntry>,
    filter: FileFilter,
  ) {
    this.name = name;
    this.index = metadata.index;
    this.#metadata = metadata;
    this.#entries = entries;
    this.#filter = filter;
    const versions: Version[] = [];
    for (const entry of entries.values()) versions.push(entry.version);
    // Pages list their versions in order already, which makes this a single pass.
    this.versions = versions.sort(compareVersions);
  }

  /** One index's versions, whose files are judged with `filter` when first asked for. */
  static fromSimple(name: PackageName, metadata: SimpleMetadata, filter: FileFilter): VersionMap {
    const entries = new Map<string, VersionEntry>();
    for (const text of metadata.distVersions) {
      const version = Version.tryParse(text);
      if (version === undefined) continue;
      const key = version.hashKey();
      const entry = entries.get(key);
      if (entry === undefined) {
        entries.set(key, { version, texts: [text], dist: undefined, excluded: undefined });
      } else {
        entry.texts.push(text);
      }
    }
    return new VersionMap(name, metadata, entries, filter);
  }

  /** The distributions of `version`. */
  get(version: Version): PrioritizedDist | undefined {
    const entry = this.#entries.get(version.hashKey());
    return entry === undefined ? undefined : this.#prioritized(entry);
  }

  /** Whether every file of `version` was excluded by `--exclude-newer` (it does not exist then). */
  excludedByDate(version: Version): boolean {
    const entry = this.#entries.get(version.hashKey());
    return entry !== undefined && this.#excluded(entry);
  }

  /** Versions that survive `--exclude-newer` (what the resolver may pick from), ascending. */
  includedVersions(): readonly Version[] {
    if (this.#included === undefined) {
      this.#included = this.versions.filter((v) => !this.excludedByDate(v));
    }
    return this.#included;
  }

  /**
   * The nearest versions below and above `version` that survive `--exclude-newer` (what
   * {@link includedVersions} would hold next to it), judging only the versions passed over: a
   * decision needs its neighbours, not the dates of every version of the package.
   */
  includedNeighbours(version: Version): readonly [Version | undefined, Version | undefined] {
    const versions = this.versions;
    let lo = 0;
    let hi = versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (versions[mid]!.compare(version) < 0) lo = mid + 1;
      else hi = mid;
    }
    let below: Version | undefined;
    for (let i = lo - 1; i >= 0; i--) {
      const v = versions[i]!;
      if (!this.excludedByDate(v)) {
        below = v;
        break;
      }
    }
    let above: Version | undefined;
    for (let i = lo; i < versions.length; i++) {
      const v = versions[i]!;
      if (v.compare(version) > 0 && !this.excludedByDate(v)) {
        above = v;
        break;
      }
    }
    return [below, above];
  }

  #files(entry: VersionEntry): readonly RegistryDist[] {
    const [text, ...more] = entry.texts;
    if (text === undefined) return [];
    const files = this.#metadata.distsOf(text);
    return more.length === 0
      ? files
      : [...files, ...more.flatMap((t) => this.#metadata.distsOf(t))];
  }

  #prioritized(entry: VersionEntry): PrioritizedDist {
    let dist = entry.dist;
    if (dist === undefined) {
      dist = new PrioritizedDist(entry.version);
      for (const file of this.#files(entry)) addFile(dist, file, this.index, this.#filter);
      entry.dist = dist;
    }
    return dist;
  }

  #excluded(entry: VersionEntry): boolean {
    if (entry.excluded === undefined) {
      const cutoff = this.#filter.excludeNewer;
      if (entry.dist !== undefined) entry.excluded = entry.dist.excludedByDate();
      // Without a cut-off nothing is excluded by date: no need to decode the files.
      else if (cutoff === undefined) entry.excluded = false;
      else {
        // The page's summary decides for every version but those straddling the cut-off.
        const uploads = this.#uploads(entry);
        entry.excluded =
          (uploads === undefined ? undefined : excludedByUploads(uploads, cutoff, this.#filter)) ??
          excludedWithoutTags(entry.version, this.#files(entry), this.#filter);
      }
    }
    return entry.excluded;
  }

  #uploads(entry: VersionEntry): VersionUploads | undefined {
    let all: VersionUploads | undefined;
    for (const text of entry.texts) {
      const uploads = this.#metadata.uploadsOf(text);
      if (uploads === undefined) return undefined;
      all = all === undefined ? uploads : mergeUploads(all, uploads);
    }
    return all;
  }
}

function mergeUploads(a: VersionUploads, b: VersionUploads): VersionUploads {
  const min = (x: number | undefined, y: number | undefined) =>
    x === undefined ? y : y === undefined ? x : Math.min(x, y);
  const max = (x: number | undefined, y: number | undefined) =>
    x === undefined ? y : y === undefined ? x : Math.max(x, y);
  return {
    firstWheel: min(a.firstWheel, b.firstWheel),
    firstSdist: min(a.firstSdist, b.firstSdist),
    lastSdist: max(a.lastSdist, b.lastSdist),
  };
}

/**
 * {@link excludedWithoutTags} from the upload times alone; `undefined` when they do not decide
 * (some sdists are before the cut-off and some not: which one the version keeps depends on yanks).
 */
function excludedByUploads(
  uploads: VersionUploads,
  cutoff: number,
  filter: FileFilter,
): boolean | undefined {
  const { firstWheel, firstSdist, lastSdist } = uploads;
  const hasWheel = firstWheel !== undefined;
  const hasSdist = firstSdist !== undefined && lastSdist !== undefined;
  // A `--no-binary` wheel or a `--no-build` sdist is out for that, not for its date.
  if (hasWheel && filter.noBinary) return false;
  if (hasSdist && filter.noBuild) return false;
  // A wheel from before the cut-off.
  if (hasWheel && firstWheel < cutoff) return false;
  if (!hasSdist) return hasWheel;
  if (lastSdist < cutoff) return false;
  if (firstSdist >= cutoff) return true;
  return undefined;
}

/**
 * {@link PrioritizedDist.excludedByDate} for files not yet judged: every wheel is out for its
 * upload time alone (a wheel's tags are looked at only after its date), and so is the sdist the
 * version would keep (sdists need no tags).
 */
function excludedWithoutTags(
  version: Version,
  files: readonly RegistryDist[],
  filter: FileFilter,
): boolean {
  let sdist: SourceCandidate["compatibility"] | undefined;
  for (const { filename, file } of files) {
    if (filename instanceof WheelFilename) {
      if (filter.noBinary || !excludedByCutoff(file, filter)) return false;
    } else {
      const compatibility = sourceCompatibility(file, version, filter);
      if (sdist === undefined || sourceCompatibilityBetter(compatibility, sdist)) {
        sdist = compatibility;
      }
    }
  }
  if (sdist === undefined) return files.length > 0;
  return !sdist.ok && sdist.reason.kind === "exclude-newer";
}

function excludedByCutoff(file: SimpleFile, filter: FileFilter): boolean {
  if (filter.excludeNewer === undefined) return false;
  const uploadTime = file.uploadTime?.getTime();
  return uploadTime === undefined || uploadTime >= filter.excludeNewer;
}

function yankReasonOf(file: SimpleFile): string | undefined {
  return typeof file.yanked === "string" && file.yanked.length > 0 ? file.yanked : undefined;
}

function sourceCompatibility(
  file: SimpleFile,
  version: Version,
  filter: FileFilter,
): SourceCandidate["compatibility"] {
  if (filter.noBuild) return { ok: false, reason: { kind: "no-build" } };
  if (excludedByCutoff(file, filter)) {
    return { ok: false, reason: { kind: "exclude-newer", uploadTime: file.uploadTime?.getTime() } };
  }
  if (file.yanked !== false && !filter.allowYanked(version)) {
    return { ok: false, reason: { kind: "yanked", reason: yankReasonOf(file) } };
  }
  return { ok: true };
}

function addFile(
  dist: PrioritizedDist,
  { filename, file }: RegistryDist,
  index: SimpleMetadata["index"],
  filter: FileFilter,
): void {
  const version = dist.version;
  if (filename instanceof WheelFilename) {
    let compatibility: WheelCandidate["compatibility"];
    if (filter.noBinary) compatibility = { ok: false, reason: { kind: "no-binary" } };
    else if (excludedByCutoff(file, filter)) {
      compatibility = {
        ok: false,
        reason: { kind: "exclude-newer", uploadTime: file.uploadTime?.getTime() },
      };
    } else if (file.yanked !== false && !filter.allowYanked(version)) {
      compatibility = { ok: false, reason: { kind: "yanked", reason: yankReasonOf(file) } };
    } else if (filter.tags === undefined) compatibility = { ok: true, priority: 0 };
    else {
      const tag = filename.compatibility(filter.tags);
      compatibility = tag.compatible
        ? { ok: true, priority: tag.priority }
        : { ok: false, reason: { kind: "tag", tag: tag.reason } };
    }
    dist.addWheel({ filename, file, index, compatibility });
  } else {
    dist.addSource({
      filename,
      file,
      index,
      compatibility: sourceCompatibility(file, version, filter),
    });
  }
}

/** The `Requires-Python` of a distribution, as the index page gives it. */
export function requiresPythonOf(dist: CompatibleDist): VersionSpecifiers | undefined {
  const file = dist.kind === "wheel" ? dist.wheel.file : dist.sdist.file;
  const text = file.requiresPython;
  if (text === undefined || text.trim() === "") return undefined;
  return VersionSpecifiers.tryParse(text);
}
