import { type DistFilename, parseDistFilename, WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import type { Version } from "@uv-ts/pep440";
import type { SimpleFile } from "@uv-ts/pypi-types";

/** A file on an index page whose name parsed as a distribution of the package. */
export interface RegistryDist {
  readonly filename: DistFilename;
  readonly file: SimpleFile;
}

/**
 * The distributions of one index page, grouped by version. A resolution looks at a few versions
 * of each package, so files are only turned into {@link RegistryDist}s (filenames parsed, upload
 * times made `Date`s) when their version is asked for.
 */
export interface PageDists {
  /**
   * The distinct versions of the page's distributions, ascending: each the normalised text of
   * the version of its first file on the page (`1.0` and `1.0.0` are one version).
   */
  readonly versions: readonly string[];
  /** The distributions of one of {@link versions}, in page order; empty for any other text. */
  distsOf(version: string): readonly RegistryDist[];
  /**
   * When the files of one of {@link versions} were uploaded, known without decoding them;
   * `undefined` for any other text, or when the page cannot say.
   */
  uploadsOf(version: string): VersionUploads | undefined;
}

/**
 * The upload times (epoch ms) that bound a version's wheels and its sdists: what
 * `--exclude-newer` needs to decide whether the version exists, for all but the versions whose
 * files straddle the cutoff. A file without an upload time counts as `Infinity`, since every
 * cutoff excludes it.
 */
export interface VersionUploads {
  /** The earliest of the wheels; `undefined` without wheels. */
  readonly firstWheel: number | undefined;
  /** The earliest of the sdists; `undefined` without sdists. */
  readonly firstSdist: number | undefined;
  /** The latest of the sdists; `undefined` without sdists. */
  readonly lastSdist: number | undefined;
}

/** {@link VersionUploads} of `dists`; `undefined` when an upload time is not a time. */
export function uploadsOfDists(dists: readonly RegistryDist[]): VersionUploads | undefined {
  let firstWheel: number | undefined;
  let firstSdist: number | undefined;
  let lastSdist: number | undefined;
  for (const { filename, file } of dists) {
    const time =
      file.uploadTime === undefined ? Number.POSITIVE_INFINITY : file.uploadTime.getTime();
    // An invalid date is never excluded, unlike a missing one; leave such pages to the files.
    if (Number.isNaN(time)) return undefined;
    if (filename instanceof WheelFilename) {
      if (firstWheel === undefined || time < firstWheel) firstWheel = time;
    } else {
      if (firstSdist === undefined || time < firstSdist) firstSdist = time;
      if (lastSdist === undefined || time > lastSdist) lastSdist = time;
    }
  }
  return { firstWheel, firstSdist, lastSdist };
}

/** Groups files into versions now, in memory (local and find-links pages, fresh downloads). */
export class GroupedDists implements PageDists {
  readonly versions: readonly string[];
  readonly #groups: ReadonlyMap<string, readonly RegistryDist[]>;

  private constructor(versions: readonly string[], groups: ReadonlyMap<string, RegistryDist[]>) {
    this.versions = versions;
    this.#groups = groups;
  }

  /** The files of `name` among `files` (others are skipped, as uv does), by version. */
  static fromFiles(files: Iterable<SimpleFile>, name: PackageName): GroupedDists {
    const byKey = new Map<string, { readonly version: Version; readonly dists: RegistryDist[] }>();
    for (const file of files) {
      const filename = parseDistFilename(file.filename, name);
      if (filename === undefined) continue;
      // Grouped by equality (`1.0` is `1.0.0`), as the resolver looks versions up.
      const key = filename.version.hashKey();
      const group = byKey.get(key);
      if (group === undefined)
        byKey.set(key, { version: filename.version, dists: [{ filename, file }] });
      else group.dists.push({ filename, file });
    }
    const sorted = [...byKey.values()].sort((a, b) => a.version.compare(b.version));
    const groups = new Map<string, RegistryDist[]>();
    for (const { version, dists } of sorted) groups.set(version.toString(), dists);
    return new GroupedDists([...groups.keys()], groups);
  }

  distsOf(version: string): readonly RegistryDist[] {
    return this.#groups.get(version) ?? [];
  }

  uploadsOf(version: string): VersionUploads | undefined {
    const dists = this.#groups.get(version);
    return dists === undefined ? undefined : uploadsOfDists(dists);
  }
}

/** A {@link SimpleFile} as stored: the upload time in epoch milliseconds. */
type StoredFile = Omit<SimpleFile, "uploadTime"> & { readonly uploadTime?: number };

/**
 * {@link VersionUploads} as stored: `[firstWheel, firstSdist, lastSdist]`, `null` for a kind the
 * version lacks and {@link UNDATED} for a file without an upload time (JSON has no `Infinity`).
 * A version stored as `null` has no summary.
 */
export type StoredUploads = readonly [number | null, number | null, number | null] | null;

// Later than any `Date` (at most 8.64e15 ms), so it never stands for a real upload time.
const UNDATED = Number.MAX_SAFE_INTEGER;

/** Where each version's files are in an encoded tail. */
export interface DistsIndex {
  /** {@link PageDists.versions}. */
  readonly versions: readonly string[];
  /** Byte offsets: version `i`'s files are `tail[offsets[i]..offsets[i + 1]]`. */
  readonly offsets: readonly number[];
  /** Version `i`'s {@link VersionUploads}. */
  readonly uploads: readonly StoredUploads[];
}

function storeTime(time: number | undefined): number | null {
  if (time === undefined) return null;
  return time === Number.POSITIVE_INFINITY ? UNDATED : time;
}

function storeUploads(uploads: VersionUploads | undefined): StoredUploads {
  if (uploads === undefined) return null;
  return [
    storeTime(uploads.firstWheel),
    storeTime(uploads.firstSdist),
    storeTime(uploads.lastSdist),
  ];
}

/** A stored time, or `false` when the value is not one. */
function loadTime(value: unknown): number | undefined | false {
  if (value === null) return undefined;
  if (typeof value !== "number") return false;
  return value === UNDATED ? Number.POSITIVE_INFINITY : value;
}

function loadUploads(value: unknown): VersionUploads | undefined {
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const firstWheel = loadTime(value[0]);
  const firstSdist = loadTime(value[1]);
  const lastSdist = loadTime(value[2]);
  if (firstWheel === false || firstSdist === false || lastSdist === false) return undefined;
  if ((firstSdist === undefined) !== (lastSdist === undefined)) return undefined;
  return { firstWheel, firstSdist, lastSdist };
}

const OPEN_BRACKET = 0x5b;
const NEWLINE = 0x0a;

/**
 * Encodes grouped distributions for storage: one JSON line per version (an array of its files)
 * and the index of where each line starts.
 */
export function encodeDists(dists: PageDists): { index: DistsIndex; tail: Buffer } {
  const lines: Buffer[] = [];
  const offsets = [0];
  const uploads: StoredUploads[] = [];
  let offset = 0;
  for (const version of dists.versions) {
    const group = dists.distsOf(version);
    uploads.push(storeUploads(uploadsOfDists(group)));
    const files = group.map(({ file }): StoredFile => {
      const { uploadTime, ...rest } = file;
      return uploadTime === undefined ? rest : { ...rest, uploadTime: uploadTime.getTime() };
    });
    const line = Buffer.from(`${JSON.stringify(files)}\n`, "utf8");
    lines.push(line);
    offset += line.length;
    offsets.push(offset);
  }
  return {
    index: { versions: dists.versions, offsets, uploads },
    tail: Buffer.concat(lines, offset),
  };
}

/** Distributions read from storage ({@link encodeDists}), a version's line decoded on demand. */
export class StoredDists implements PageDists {
  readonly versions: readonly string[];
  readonly #offsets: readonly number[];
  readonly #uploads: readonly unknown[];
  readonly #tail: Buffer;
  readonly #name: PackageName;
  #positions: Map<string, number> | undefined;
  readonly #decoded = new Map<string, readonly RegistryDist[]>();

  private constructor(
    index: { versions: string[]; offsets: number[]; uploads: unknown[] },
    tail: Buffer,
    name: PackageName,
  ) {
    this.versions = index.versions;
    this.#offsets = index.offsets;
    this.#uploads = index.uploads;
    this.#tail = tail;
    this.#name = name;
  }

  /**
   * Reads `index` (untrusted JSON) over `tail`; `undefined` when the two do not fit together.
   * The bytes themselves were checked by the store, so only the layout is checked here.
   */
  static open(index: unknown, tail: Buffer, name: PackageName): StoredDists | undefined {
    const { versions, offsets, uploads } = (index ?? {}) as Partial<
      Record<keyof DistsIndex, unknown>
    >;
    if (!Array.isArray(versions) || !Array.isArray(offsets)) return undefined;
    if (offsets.length !== versions.length + 1 || offsets[0] !== 0) return undefined;
    // Summaries are checked when asked for: a malformed one only means decoding the files.
    if (!Array.isArray(uploads) || uploads.length !== versions.length) return undefined;
    if (offsets[versions.length] !== tail.length) return undefined;
    for (let i = 0; i < versions.length; i++) {
      const start = offsets[i] as unknown;
      const end = offsets[i + 1] as unknown;
      if (typeof versions[i] !== "string" || typeof start !== "number") return undefined;
      if (typeof end !== "number" || !(end > start)) return undefined;
      if (tail[start] !== OPEN_BRACKET || tail[end - 1] !== NEWLINE) return undefined;
    }
    return new StoredDists(
      { versions: versions as string[], offsets: offsets as number[], uploads },
      tail,
      name,
    );
  }

  #position(version: string): number | undefined {
    this.#positions ??= new Map(this.versions.map((v, i) => [v, i]));
    return this.#positions.get(version);
  }

  uploadsOf(version: string): VersionUploads | undefined {
    const i = this.#position(version);
    return i === undefined ? undefined : loadUploads(this.#uploads[i]);
  }

  distsOf(version: string): readonly RegistryDist[] {
    const known = this.#decoded.get(version);
    if (known !== undefined) return known;
    const i = this.#position(version);
    if (i === undefined) return [];
    const text = this.#tail.toString("utf8", this.#offsets[i], this.#offsets[i + 1]);
    const dists: RegistryDist[] = [];
    for (const { uploadTime, ...rest } of JSON.parse(text) as StoredFile[]) {
      const filename = parseDistFilename(rest.filename, this.#name);
      if (filename === undefined) continue;
      const file: SimpleFile =
        uploadTime === undefined ? rest : { ...rest, uploadTime: new Date(uploadTime) };
      dists.push({ filename, file });
    }
    this.#decoded.set(version, dists);
    return dists;
  }
}
