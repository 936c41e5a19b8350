import type { RegistryDist, SimpleMetadata, VersionUploads } from "@uv-ts/client";
import { type SourceDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import { Version, type VersionRange, VersionSpecifiers } from "@uv-ts/pep440";
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

/** A file whose judgement waits: its candidate, or `undefined` to drop it. */
type Pending<T> = () => T | undefined;

/**
 * Every file of one version, with the best of each kind.
 *
 * Files can be added unjudged, to be judged the first time something needs them, in page
 * order, with the outcome that adding them all up front gives. Wheels known not to be usable
 * from their names alone (tags of other platforms, `--no-binary`) are set aside this way: a
 * usable wheel beats them all, and when there is none they cannot make the version usable
 * either, so only reports and lists of every file need them. Sdists are only needed when no
 * wheel is usable (or for reports and lists).
 */
export class PrioritizedDist {
  readonly version: Version;
  /** The wheels in page order; a function for each wheel set aside and not yet judged. */
  readonly #wheels: (WheelCandidate | Pending<WheelCandidate>)[] = [];
  #wheelsPending = 0;
  #best: WheelCandidate | undefined;
  /** The sdists in page order, as {@link #wheels}. */
  readonly #sources: (SourceCandidate | Pending<SourceCandidate>)[] = [];
  #sourcesPending = 0;
  #sdist: SourceCandidate | undefined;

  constructor(version: Version) {
    this.version = version;
  }

  addWheel(wheel: WheelCandidate): void {
    this.#wheels.push(wheel);
    const best = this.#best;
    // With wheels pending, the best is made again when they are judged.
    if (best === undefined || wheelBetter(wheel, best)) this.#best = wheel;
  }

  /**
   * Adds a wheel that cannot be used, judged (`judge`) only when something needs every wheel or
   * the reason no wheel can be used.
   */
  setAside(judge: Pending<WheelCandidate>): void {
    this.#wheels.push(judge);
    this.#wheelsPending++;
  }

  addSource(sdist: SourceCandidate): void {
    this.#sources.push(sdist);
    if (this.#sourcesPending > 0) return;
    const current = this.#sdist;
    if (current === undefined || sourceBetter(sdist, current)) this.#sdist = sdist;
  }

  /** Adds an sdist judged (`judge`) only when it is first needed. */
  addSourceLater(judge: Pending<SourceCandidate>): void {
    this.#sources.push(judge);
    this.#sourcesPending++;
  }

  /** The best sdist, usable or not (judges those not judged yet). */
  get sdist(): SourceCandidate | undefined {
    if (this.#sourcesPending > 0) {
      const sources = judgeAll(this.#sources);
      this.#sourcesPending = 0;
      // The fold `addSource` makes, over the page order: ties keep the first.
      let best: SourceCandidate | undefined;
      for (const sdist of sources)
        if (best === undefined || sourceBetter(sdist, best)) best = sdist;
      this.#sdist = best;
    }
    return this.#sdist;
  }

  /** Every wheel, in page order (judges those set aside). */
  get wheels(): readonly WheelCandidate[] {
    return this.#judged();
  }

  /** The best wheel, usable or not. */
  get bestWheel(): WheelCandidate | undefined {
    if (this.#best?.compatibility.ok !== true) this.#judged();
    return this.#best;
  }

  /** The distribution to resolve with, or `undefined` when nothing can be used. */
  compatible(): CompatibleDist | undefined {
    // Wheels set aside are never usable: the best usable wheel is among those judged.
    const wheel = this.#best;
    if (wheel?.compatibility.ok === true) return { kind: "wheel", wheel };
    if (this.sdist?.compatibility.ok === true) return { kind: "source", sdist: this.sdist };
    return undefined;
  }

  /** Why nothing can be used: the sdist's problem when there is one, as uv reports it. */
  incompatibility(): IncompatibleDist {
    const source = this.sdist?.compatibility;
    if (source !== undefined && !source.ok) return { type: "source", source: source.reason };
    const wheel = this.bestWheel?.compatibility;
    if (wheel !== undefined && !wheel.ok) return { type: "wheel", wheel: wheel.reason };
    return { type: "unavailable" };
  }

  /** Whether every file was excluded by `--exclude-newer` (the version does not exist then). */
  excludedByDate(): boolean {
    if (this.#best?.compatibility.ok === true || this.sdist?.compatibility.ok === true) {
      return false;
    }
    const all: {
      compatibility: WheelCandidate["compatibility"] | SourceCandidate["compatibility"];
    }[] = [...this.#judged(), ...(this.sdist === undefined ? [] : [this.sdist])];
    return (
      all.length > 0 &&
      all.every((d) => !d.compatibility.ok && d.compatibility.reason.kind === "exclude-newer")
    );
  }

  /** Every file (wheels, then the sdist). */
  files(): SimpleFile[] {
    return [
      ...this.#judged().map((w) => w.file),
      ...(this.sdist === undefined ? [] : [this.sdist.file]),
    ];
  }

  /** The wheels with those set aside judged, and the best wheel among them all. */
  #judged(): readonly WheelCandidate[] {
    if (this.#wheelsPending > 0) {
      const wheels = judgeAll(this.#wheels);
      this.#wheelsPending = 0;
      // The fold `addWheel` makes, over the page order: ties keep the first.
      let best: WheelCandidate | undefined;
      for (const wheel of wheels) if (best === undefined || wheelBetter(wheel, best)) best = wheel;
      this.#best = best;
    }
    return this.#wheels as WheelCandidate[];
  }
}

/** Judges the pending entries of `entries` in place, in order, dropping those that say so. */
function judgeAll<T extends object>(entries: (T | Pending<T>)[]): readonly T[] {
  let at = 0;
  for (const entry of entries) {
    const judged = typeof entry === "function" ? (entry as Pending<T>)() : entry;
    if (judged !== undefined) entries[at++] = judged;
  }
  entries.length = at;
  return entries as T[];
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

/**
 * The versions of a package on one index, oldest first, with their distributions. The page
 * comes grouped by version; a version's files are decoded and judged (tags, yanks,
 * `--exclude-newer`) only when the resolver asks about it: most of a popular package's hundreds
 * of versions are never looked at.
 *
 * Versions are parsed lazily too. A page lists its versions ascending and distinct
 * ({@link SimpleMetadata.distVersions}), so looking one up, or the few a narrow range holds (a
 * pin), is a binary search that parses a handful of them: `pip sync` pins every package, and
 * parsing every version of every page would cost more than everything else it decides. Only
 * {@link versions} and what needs all of them parse the rest; should a page turn out not to be
 * in order then, it is sorted from there on.
 */
export class VersionMap {
  readonly name: PackageName;
  readonly index: SimpleMetadata["index"];
  readonly #metadata: SimpleMetadata;
  readonly #filter: FileFilter;
  // Position `i` is one version: its page texts, its parsed version (`null` when the text is
  // not one), and once asked for, its distributions and whether `--exclude-newer` removes it.
  #texts: readonly (string | readonly string[])[];
  #parsedAt: (Version | null | undefined)[];
  #distAt = new Map<number, PrioritizedDist>();
  #excludedAt = new Map<number, boolean>();
  #versions: readonly Version[] | undefined;
  #included: readonly Version[] | undefined;
  #parsed = 0;
  /** A position likely asked for next (see {@link #find}). */
  #hint = 0;

  private constructor(name: PackageName, metadata: SimpleMetadata, filter: FileFilter) {
    this.name = name;
    this.index = metadata.index;
    this.#metadata = metadata;
    this.#filter = filter;
    this.#texts = metadata.distVersions;
    this.#parsedAt = new Array(this.#texts.length);
  }

  /** One index's versions, whose files are judged with `filter` when first asked for. */
  static fromSimple(name: PackageName, metadata: SimpleMetadata, filter: FileFilter): VersionMap {
    return new VersionMap(name, metadata, filter);
  }

  /** Every listed version, ascending (parses them all). */
  get versions(): readonly Version[] {
    if (this.#versions === undefined) {
      const versions: Version[] = [];
      let ordered = true;
      for (let i = 0; i < this.#texts.length; i++) {
        const version = this.#at(i);
        if (version === null) continue;
        const last = versions[versions.length - 1];
        if (last !== undefined && last.compare(version) >= 0) ordered = false;
        versions.push(version);
      }
      if (!ordered) this.#reorder();
      this.#versions = ordered ? versions : (this.#parsedAt as Version[]);
    }
    return this.#versions;
  }

  /** @internal How many version texts were parsed so far (tests count what a lookup costs). */
  get parsedCount(): number {
    return this.#parsed;
  }

  /** The distributions of `version`. */
  get(version: Version): PrioritizedDist | undefined {
    const i = this.#find(version);
    return i === undefined ? undefined : this.#prioritized(i);
  }

  /** Whether every file of `version` was excluded by `--exclude-newer` (it does not exist then). */
  excludedByDate(version: Version): boolean {
    const i = this.#find(version);
    return i !== undefined && this.#excluded(i);
  }

  /** Versions that survive `--exclude-newer` (what the resolver may pick from), ascending. */
  includedVersions(): readonly Version[] {
    if (this.#included === undefined) {
      const included: Version[] = [];
      // Once every version is parsed the positions are in order: no lookups needed.
      if (this.versions.length > 0) {
        for (let i = 0; i < this.#texts.length; i++) {
          const version = this.#parsedAt[i];
          if (version && !this.#excluded(i)) included.push(version);
        }
      }
      this.#included = included;
    }
    return this.#included;
  }

  /**
   * The listed versions that may be in `range`, ascending: those between its lowest and highest
   * bound (some may still fall in a gap between its intervals). A pin's range holds a version
   * or two, found without parsing the others.
   */
  versionsWithin(range: VersionRange): readonly Version[] {
    const versions: Version[] = [];
    this.walkWithin(range, false, (version) => {
      versions.push(version);
      return false;
    });
    return versions;
  }

  /**
   * Visits {@link versionsWithin} in order (`descending`: highest first), parsing each only when
   * reached, until `visit` returns `true`. `visit` may look versions up, but not list them all.
   */
  walkWithin(range: VersionRange, descending: boolean, visit: (version: Version) => boolean): void {
    const intervals = range.intervals;
    const first = intervals[0];
    const last = intervals[intervals.length - 1];
    if (first === undefined || last === undefined) return;
    // Even an unbounded range (a requirement without specifiers) trusts the page's order, as
    // lookups do: listing every version to check it would parse hundreds of them to use one.
    const start =
      first.lower === undefined
        ? 0
        : this.#search(first.lower.version, first.lower.inclusive ? 0 : 1);
    const end =
      last.upper === undefined
        ? this.#texts.length
        : this.#search(last.upper.version, last.upper.inclusive ? 1 : 0);
    for (let step = 0; step < end - start; step++) {
      const i = descending ? end - 1 - step : start + step;
      const version = this.#at(i);
      if (version === null) continue;
      this.#hint = i;
      if (visit(version)) return;
    }
  }

  /**
   * The local versions of `version` (`1.0+cpu` for `1.0`), ascending. They sort right after it
   * and before anything else, so they are found next to it.
   */
  localsOf(version: Version): readonly Version[] {
    if (version.isLocal()) return [];
    const locals: Version[] = [];
    for (let i = this.#search(version, 1); i < this.#texts.length; i++) {
      const local = this.#at(i);
      if (local === null) continue;
      if (!local.isLocal() || !local.withoutLocal().equals(version)) break;
      locals.push(local);
    }
    return locals;
  }

  /**
   * The nearest versions below and above `version` that survive `--exclude-newer` (what
   * {@link includedVersions} would hold next to it), judging only the versions passed over: a
   * decision needs its neighbours, not the dates of every version of the package.
   */
  includedNeighbours(version: Version): readonly [Version | undefined, Version | undefined] {
    const lo = this.#search(version, 0);
    let below: Version | undefined;
    for (let i = lo - 1; i >= 0; i--) {
      const v = this.#at(i);
      if (v !== null && !this.#excluded(i)) {
        below = v;
        break;
      }
    }
    let above: Version | undefined;
    for (let i = lo; i < this.#texts.length; i++) {
      const v = this.#at(i);
      if (v !== null && v.compare(version) > 0 && !this.#excluded(i)) {
        above = v;
        break;
      }
    }
    return [below, above];
  }

  /** The version at `i`, parsed now if need be; `null` when its text is not a version. */
  #at(i: number): Version | null {
    let version = this.#parsedAt[i];
    if (version === undefined) {
      this.#parsed++;
      version = Version.tryParse(firstText(this.#texts[i]!)) ?? null;
      this.#parsedAt[i] = version;
    }
    return version;
  }

  /**
   * The first position whose version is at least `version` (`bias` 0), or above it (`bias` 1):
   * a binary search that parses only what it probes, stepping over texts that are not versions.
   */
  #search(version: Version, bias: 0 | 1): number {
    let lo = 0;
    let hi = this.#texts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      let probe = mid;
      let found = this.#at(probe);
      while (found === null && probe + 1 < hi) found = this.#at(++probe);
      if (found === null) hi = mid;
      else if (found.compare(version) < bias) lo = probe + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The position of `version`, if listed. */
  #find(version: Version): number | undefined {
    // The version a walk is at, or was last found, is looked up again next (its date, its files).
    const hint = this.#hint;
    if (this.#parsedAt[hint] === version) return hint;
    // A page out of order is only found out by parsing it all; lookups before that trust it.
    for (let i = this.#search(version, 0); i < this.#texts.length; i++) {
      const found = this.#at(i);
      if (found === null) continue;
      if (!found.equals(version)) return undefined;
      this.#hint = i;
      return i;
    }
    return undefined;
  }

  /** Sorts a page that was not in order (all parsed), merging the texts of equal versions. */
  #reorder(): void {
    const order: number[] = [];
    for (let i = 0; i < this.#texts.length; i++) if (this.#parsedAt[i] !== null) order.push(i);
    order.sort((a, b) => this.#parsedAt[a]!.compare(this.#parsedAt[b]!));
    const texts: (string | readonly string[])[] = [];
    const parsed: Version[] = [];
    for (const i of order) {
      const version = this.#parsedAt[i]!;
      const last = parsed.length - 1;
      if (last >= 0 && parsed[last]!.equals(version)) {
        texts[last] = [...allTexts(texts[last]!), ...allTexts(this.#texts[i]!)];
      } else {
        texts.push(this.#texts[i]!);
        parsed.push(version);
      }
    }
    this.#texts = texts;
    this.#parsedAt = parsed;
    this.#hint = 0;
    this.#distAt = new Map();
    this.#excludedAt = new Map();
    this.#included = undefined;
  }

  #files(i: number): readonly RegistryDist[] {
    const texts = this.#texts[i]!;
    if (typeof texts === "string") return this.#metadata.distsOf(texts);
    return texts.flatMap((t) => this.#metadata.distsOf(t));
  }

  #prioritized(i: number): PrioritizedDist {
    let dist = this.#distAt.get(i);
    if (dist === undefined) {
      dist = new PrioritizedDist(this.#parsedAt[i]!);
      const filter = this.#filter;
      for (const file of this.#files(i)) {
        if (file.name !== undefined && unusableWheel(file.name, filter)) {
          const index = this.index;
          const version = dist.version;
          // Only reports and lists of every file read it: its tag and name stay unparsed.
          dist.setAside(() => setAsideCandidate(file, version, index, filter));
        } else if (file.name !== undefined && !file.name.endsWith(".whl")) {
          const index = this.index;
          const version = dist.version;
          // Needed only when no wheel is usable: read then.
          dist.addSourceLater(() => laterSourceCandidate(file, version, index, filter));
        } else addFile(dist, file, this.index, filter);
      }
      this.#distAt.set(i, dist);
    }
    return dist;
  }

  #excluded(i: number): boolean {
    let excluded = this.#excludedAt.get(i);
    if (excluded === undefined) {
      const cutoff = this.#filter.excludeNewer;
      const dist = this.#distAt.get(i);
      if (dist !== undefined) excluded = dist.excludedByDate();
      // Without a cut-off nothing is excluded by date: no need to decode the files.
      else if (cutoff === undefined) excluded = false;
      else {
        // The page's summary decides for every version but those straddling the cut-off.
        const uploads = this.#uploads(i);
        excluded =
          (uploads === undefined ? undefined : excludedByUploads(uploads, cutoff, this.#filter)) ??
          excludedWithoutTags(this.#parsedAt[i]!, this.#files(i), this.#filter);
      }
      this.#excludedAt.set(i, excluded);
    }
    return excluded;
  }

  #uploads(i: number): VersionUploads | undefined {
    let all: VersionUploads | undefined;
    for (const text of allTexts(this.#texts[i]!)) {
      const uploads = this.#metadata.uploadsOf(text);
      if (uploads === undefined) return undefined;
      all = all === undefined ? uploads : mergeUploads(all, uploads);
    }
    return all;
  }
}

function firstText(texts: string | readonly string[]): string {
  return typeof texts === "string" ? texts : (texts[0] ?? "");
}

function allTexts(texts: string | readonly string[]): readonly string[] {
  return typeof texts === "string" ? [texts] : texts;
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

/**
 * Whether a file is a wheel that `filter` rules out whatever else is known of it, read from its
 * name alone: `--no-binary`, or tags that do not fit. Then whether it is also too new or yanked
 * only changes the reason it is reported with, and reading that can wait.
 */
function unusableWheel(name: string, filter: FileFilter): boolean {
  if (!name.endsWith(".whl")) return false;
  if (filter.noBinary) return true;
  if (filter.tags === undefined) return false;
  return WheelFilename.fitsTags(name, filter.tags) === false;
}

/** A wheel judged for use: `--no-binary`, `--exclude-newer`, yanks, then its tags. */
function wheelCandidate(
  filename: WheelFilename,
  file: SimpleFile,
  version: Version,
  index: SimpleMetadata["index"],
  filter: FileFilter,
): WheelCandidate {
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
  return { filename, file, index, compatibility };
}

/** {@link wheelCandidate} of a file set aside; `undefined` should its name not be a wheel's. */
function setAsideCandidate(
  dist: RegistryDist,
  version: Version,
  index: SimpleMetadata["index"],
  filter: FileFilter,
): WheelCandidate | undefined {
  const filename = dist.filename;
  if (!(filename instanceof WheelFilename)) return undefined;
  return wheelCandidate(filename, dist.file, version, index, filter);
}

/** The sdist candidate of a file added for later; `undefined` should it be a wheel after all. */
function laterSourceCandidate(
  dist: RegistryDist,
  version: Version,
  index: SimpleMetadata["index"],
  filter: FileFilter,
): SourceCandidate | undefined {
  const filename = dist.filename;
  if (filename instanceof WheelFilename) return undefined;
  const file = dist.file;
  return { filename, file, index, compatibility: sourceCompatibility(file, version, filter) };
}

function addFile(
  dist: PrioritizedDist,
  { filename, file }: RegistryDist,
  index: SimpleMetadata["index"],
  filter: FileFilter,
): void {
  const version = dist.version;
  if (filename instanceof WheelFilename) {
    dist.addWheel(wheelCandidate(filename, file, version, index, filter));
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
