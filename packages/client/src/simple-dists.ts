import { isAscii } from "node:buffer";
import {
  type DistFilename,
  normalizedPackageNameMatches,
  parseDistFilename,
  SourceDistFilename,
  WheelFilename,
} from "@uv-ts/distribution-filename";
import { UvError } from "@uv-ts/error";
import type { PackageName } from "@uv-ts/normalize";
import { ParseMemo, Version } from "@uv-ts/pep440";
import {
  type HtmlPageLinks,
  type LazyHtmlFile,
  type LazyJsonFile,
  parseHtmlAnchor,
  parseSimpleJsonFile,
  type SimpleFile,
  type SimpleFileRecord,
} from "@uv-ts/pypi-types";

/** A file on an index page whose name parsed as a distribution of the package. */
export interface RegistryDist {
  readonly filename: DistFilename;
  readonly file: SimpleFile;
  /**
   * {@link SimpleFile.filename}, when known without reading `filename` and `file`: a file of a
   * page read lazily parses those two when first read, so a reader that can decide from the
   * name alone that the file does not matter (a wheel for another platform) never pays for them.
   */
  readonly name?: string;
}

/** Reads a stored file of a page (an HTML page's `<a>` tag, a JSON page's file object). */
type StoredFileReader = (source: unknown, base: string) => SimpleFile | undefined;

const readHtmlFile: StoredFileReader = (anchor, base) => parseHtmlAnchor(anchor as string, base);

/** Only for objects the page's scan accepted (see `scanSimpleJson`), as the cache holds. */
const readJsonFile: StoredFileReader = (raw, base) => {
  try {
    return parseSimpleJsonFile(raw, base);
  } catch {
    return undefined;
  }
};

/**
 * A file of a stored page, kept as it is stored (an HTML page's `<a>` tag, a JSON page's file
 * object) until its filename or its other fields are read: then it gives what reading the file
 * and parsing the name gives (`read`, {@link parseDistFilename}). Made only for files whose
 * name is known to parse: a reader that decides from the name alone that the file does not
 * matter (a wheel for another platform, most files of a release) never reads the rest.
 */
class LazyDist implements RegistryDist {
  readonly name: string;
  readonly #source: unknown;
  readonly #read: StoredFileReader;
  readonly #project: PackageName;
  readonly #base: string;
  #filename: DistFilename | undefined;
  #file: SimpleFile | undefined;

  constructor(
    name: string,
    source: unknown,
    read: StoredFileReader,
    project: PackageName,
    base: string,
  ) {
    this.name = name;
    this.#source = source;
    this.#read = read;
    this.#project = project;
    this.#base = base;
  }

  get filename(): DistFilename {
    if (this.#filename === undefined) {
      const filename = parseDistFilename(this.name, this.#project);
      if (filename === undefined) throw unreadable(this.name);
      this.#filename = filename;
    }
    return this.#filename;
  }

  get file(): SimpleFile {
    if (this.#file === undefined) {
      const file = this.#read(this.#source, this.#base);
      if (file === undefined) throw unreadable(this.name);
      this.#file = file;
    }
    return this.#file;
  }
}

/** A lazily read file turned out not to read as it did when the page was grouped (a bug). */
function unreadable(name: string): UvError {
  return new UvError(
    "client.unreadable-page-file",
    `The index page file \`${name}\` could not be read again`,
  );
}

/**
 * The filename of an `<a>` tag as indexes write it (`<a href="...">`, the name without
 * entities, escapes or a query), sliced out of the tag: what `parseHtmlAnchor(anchor,
 * base)?.filename` gives. `undefined` for any other tag, which is then read in full.
 */
export function plainAnchorFilename(anchor: string): string | undefined {
  if (!anchor.startsWith('<a href="')) return undefined;
  const start = 9;
  const end = anchor.indexOf('"', start);
  if (end <= start) return undefined;
  // Entities may spell any character, `/` and `#` too: leave such links to the full reading.
  const amp = anchor.indexOf("&", start);
  if (amp !== -1 && amp < end) return undefined;
  const hash = anchor.indexOf("#", start);
  const pathEnd = hash !== -1 && hash < end ? hash : end;
  const slash = anchor.lastIndexOf("/", pathEnd - 1);
  const name = anchor.slice(slash < start ? start : slash + 1, pathEnd);
  return PLAIN_FILENAME.test(name) ? name : undefined;
}

/** A filename that reads as written: no `%` escape, no query, no other character to decode. */
const PLAIN_FILENAME = /^[\w.+!-]+$/;

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

/** One version's files, before their filenames are parsed in full. */
interface VersionGroup<F> {
  /** The version of the group's first file on the page. */
  readonly version: Version;
  readonly files: F[];
  /** The {@link VersionUploads} so far; `undefined` once an upload time was not a time. */
  uploads: { firstWheel?: number; firstSdist?: number; lastSdist?: number } | undefined;
}

/**
 * Whether each wheel tail (build tag, tags, variant label) seen is valid, by text: a valid tail
 * is valid after any name and version, and pages of different projects share most of theirs
 * (`cp312-cp312-manylinux_2_17_x86_64...`). A cache of pure results, like `ParseMemo`.
 */
const WHEEL_TAILS = new ParseMemo<boolean>(4096);

/**
 * Three tag components (`py3-none-any`, `cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64`),
 * each a `.`-separated set of runs of ASCII letters, digits and `_`: a wheel tail without build
 * tag or variant label that `WheelFilename` accepts whatever the tags say (it drops tags it does
 * not understand), checked without its parser, which costs far more the first few hundred times
 * a run calls it.
 */
const PLAIN_TAGS = /^\w+(?:\.\w+)*-\w+(?:\.\w+)*-\w+(?:\.\w+)*$/;

/**
 * Finds the version of each file of a page without parsing its filename in full (tags, build
 * tags), yet exactly for the files that `parseDistFilename(filename, name)` accepts: only those
 * get a version. A wheel's name, version and the rest of its stem are valid or not each on its
 * own, and so are an sdist's name prefix and version, so each distinct piece is checked once per
 * page, by the real parser on a filename made of it and pieces known to be valid.
 */
class VersionReader<F extends { readonly filename: string }> {
  readonly #name: PackageName;
  readonly #groups = new Map<number | string, VersionGroup<F>>();
  /** The version of each version text seen (`null`: not a version). */
  readonly #byText = new Map<string, Version | null>();
  readonly #wheelNames = new Map<string, boolean>();
  readonly #sdistNames = new Map<string, boolean>();

  constructor(name: PackageName) {
    this.#name = name;
  }

  /** The groups, in the order their first files came. */
  groups(): IterableIterator<VersionGroup<F>> {
    return this.#groups.values();
  }

  /** The group `file` belongs to (created if new), or `undefined` when it is skipped. */
  groupOf(file: F): VersionGroup<F> | undefined {
    const version = this.versionOf(file.filename);
    return version === undefined ? undefined : this.#groupOfVersion(version);
  }

  /**
   * The version of a file (the same object for the same version text), or `undefined` when
   * `parseDistFilename(filename, name)` rejects it.
   */
  versionOf(filename: string): Version | undefined {
    // A `/` (from a percent-encoded one) changes which part of the name counts as the file's.
    if (filename.indexOf("/") === -1) {
      if (filename.length > 4 && filename.endsWith(".whl")) return this.#wheelVersion(filename);
      if (filename.length > 7 && filename.endsWith(".tar.gz")) return this.#sdistVersion(filename);
    }
    return parseDistFilename(filename, this.#name)?.version;
  }

  #wheelVersion(filename: string): Version | undefined {
    const stem = filename.slice(0, -4);
    const nameEnd = stem.indexOf("-");
    const versionEnd = nameEnd === -1 ? -1 : stem.indexOf("-", nameEnd + 1);
    if (versionEnd === -1) return undefined;
    const nameText = stem.slice(0, nameEnd);
    let nameOk = this.#wheelNames.get(nameText);
    if (nameOk === undefined) {
      // A name that matches the package's is taken as it without a parse, as the parser does.
      nameOk =
        normalizedPackageNameMatches(nameText, this.#name) ||
        WheelFilename.tryParse(`${nameText}-0-py3-none-any.whl`, this.#name) !== undefined;
      this.#wheelNames.set(nameText, nameOk);
    }
    if (!nameOk) return undefined;
    // Build tag, tags and variant label: the parts count and read the same after any version.
    const tail = stem.slice(versionEnd + 1);
    let tailOk = WHEEL_TAILS.get(tail);
    if (tailOk === undefined) {
      tailOk = WHEEL_TAILS.set(
        tail,
        PLAIN_TAGS.test(tail) || WheelFilename.tryParse(`a-0-${tail}.whl`) !== undefined,
      );
    }
    if (!tailOk) return undefined;
    return this.#versionOfText(stem.slice(nameEnd + 1, versionEnd));
  }

  #sdistVersion(filename: string): Version | undefined {
    // With the package name known, the name is the prefix of its length (names and versions
    // may both contain `-`).
    const stem = filename.slice(0, -7);
    const length = this.#name.length;
    if (stem.length <= length + 1 || stem.charCodeAt(length) !== 45 /* - */) return undefined;
    const nameText = stem.slice(0, length);
    let nameOk = this.#sdistNames.get(nameText);
    if (nameOk === undefined) {
      nameOk =
        normalizedPackageNameMatches(nameText, this.#name) ||
        SourceDistFilename.tryParse(`${nameText}-0.tar.gz`, this.#name) !== undefined;
      this.#sdistNames.set(nameText, nameOk);
    }
    return nameOk ? this.#versionOfText(stem.slice(length + 1)) : undefined;
  }

  #versionOfText(text: string): Version | undefined {
    let version = this.#byText.get(text);
    if (version === undefined) {
      version = Version.tryParse(text) ?? null;
      this.#byText.set(text, version);
    }
    return version ?? undefined;
  }

  #groupOfVersion(version: Version): VersionGroup<F> {
    const key = versionKey(version);
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { version, files: [], uploads: {} };
      this.#groups.set(key, group);
    }
    return group;
  }
}

/**
 * Equal for equal versions only: versions are grouped by equality (`1.0` is `1.0.0`), as the
 * resolver looks them up. Most versions have a fast key (equal for equal versions, and only such
 * versions have one), a number that costs nothing, where a hash key is a string built per
 * version.
 */
function versionKey(version: Version): number | string {
  return version.fastKey >= 0 ? version.fastKey : version.hashKey();
}

/** Adds a file's upload time (epoch ms; `undefined` when it has none) to its group's summary. */
function addUpload(
  uploads: NonNullable<VersionGroup<unknown>["uploads"]>,
  wheel: boolean,
  uploadTime: number | undefined,
): boolean {
  const time = uploadTime === undefined ? Number.POSITIVE_INFINITY : uploadTime;
  // An invalid date is never excluded, unlike a missing one; leave such pages to the files.
  if (Number.isNaN(time)) return false;
  if (wheel) {
    if (uploads.firstWheel === undefined || time < uploads.firstWheel) uploads.firstWheel = time;
  } else {
    if (uploads.firstSdist === undefined || time < uploads.firstSdist) uploads.firstSdist = time;
    if (uploads.lastSdist === undefined || time > uploads.lastSdist) uploads.lastSdist = time;
  }
  return true;
}

/**
 * How a page's files are held until their version is asked for, and stored: `files` as
 * {@link SimpleFile}s or {@link SimpleFileRecord}s, `html` as their `<a>` tags
 * ({@link LazyHtmlFile}), `json` as the page's objects ({@link LazyJsonFile}).
 */
export type PageForm = "files" | "html" | "json";

/** A file as grouped: the filename and upload time, which grouping reads, and the rest. */
type PageFile = SimpleFile | SimpleFileRecord | LazyHtmlFile | LazyJsonFile;

/**
 * Groups a page's files into versions in memory (fresh downloads, local and find-links pages).
 * Only what the grouping needs is read from each filename; a version's files are parsed in
 * full (and, for pages read lazily, their tags or objects read) when the version is asked for.
 */
export class GroupedDists implements PageDists {
  readonly versions: readonly string[];
  readonly #groups: ReadonlyMap<string, VersionGroup<PageFile>>;
  readonly #name: PackageName;
  readonly #form: PageForm;
  /** The URL the links of an `html` or `json` page are resolved against. */
  readonly #base: string;
  /** Whether `files` are {@link SimpleFileRecord}s (upload times in epoch ms). */
  readonly #records: boolean;
  readonly #decoded = new Map<string, readonly RegistryDist[]>();

  private constructor(
    groups: ReadonlyMap<string, VersionGroup<PageFile>>,
    name: PackageName,
    form: PageForm,
    base: string,
    records: boolean,
  ) {
    this.versions = [...groups.keys()];
    this.#groups = groups;
    this.#name = name;
    this.#form = form;
    this.#base = base;
    this.#records = records;
  }

  /** The files of `name` among `files` (others are skipped, as uv does), by version. */
  static fromFiles(files: Iterable<SimpleFile>, name: PackageName): GroupedDists {
    return GroupedDists.#group(files, name, "files", "", false);
  }

  /** {@link fromFiles} for files as the page parsers' record forms give them. */
  static fromRecords(files: Iterable<SimpleFileRecord>, name: PackageName): GroupedDists {
    return GroupedDists.#group(files, name, "files", "", true);
  }

  /**
   * {@link fromFiles} for a page read by `scanSimpleHtml`, its links relative to `base`: the
   * plain form of what {@link encodeHtmlLinks} stores in one pass, which its tests compare with.
   */
  static fromHtml(files: Iterable<LazyHtmlFile>, base: string, name: PackageName): GroupedDists {
    return GroupedDists.#group(files, name, "html", base, true);
  }

  /** {@link fromFiles} for a page read by `scanSimpleJson`, its links relative to `base`. */
  static fromJson(files: Iterable<LazyJsonFile>, base: string, name: PackageName): GroupedDists {
    return GroupedDists.#group(files, name, "json", base, true);
  }

  static #group(
    files: Iterable<PageFile>,
    name: PackageName,
    form: PageForm,
    base: string,
    records: boolean,
  ): GroupedDists {
    const reader = new VersionReader<PageFile>(name);
    for (const file of files) {
      const group = reader.groupOf(file);
      if (group === undefined) continue;
      group.files.push(file);
      if (group.uploads === undefined) continue;
      const time = records
        ? (file as SimpleFileRecord).uploadTime
        : (file as SimpleFile).uploadTime?.getTime();
      if (!addUpload(group.uploads, file.filename.endsWith(".whl"), time))
        group.uploads = undefined;
    }
    const sorted = [...reader.groups()].sort((a, b) => a.version.compare(b.version));
    const groups = new Map<string, VersionGroup<PageFile>>();
    for (const group of sorted) groups.set(group.version.toString(), group);
    return new GroupedDists(groups, name, form, base, records);
  }

  distsOf(version: string): readonly RegistryDist[] {
    const known = this.#decoded.get(version);
    if (known !== undefined) return known;
    const group = this.#groups.get(version);
    if (group === undefined) return [];
    const dists: RegistryDist[] = [];
    if (this.#form === "html" || this.#form === "json") {
      // The grouping kept only files whose names parse, the page reader only links, and the
      // JSON scan only file objects that read.
      const html = this.#form === "html";
      const read = html ? readHtmlFile : readJsonFile;
      for (const item of group.files) {
        const source = html ? (item as LazyHtmlFile).anchor : (item as LazyJsonFile).raw;
        dists.push(new LazyDist(item.filename, source, read, this.#name, this.#base));
      }
      this.#decoded.set(version, dists);
      return dists;
    }
    for (const item of group.files) {
      const filename = parseDistFilename(item.filename, this.#name);
      // Never skips: the grouping kept only files that parse.
      if (filename === undefined) continue;
      const file = this.#records ? fileOfRecord(item as SimpleFileRecord) : (item as SimpleFile);
      // Never skips either: the page reader kept only anchors that are links.
      if (file !== undefined) dists.push({ filename, file });
    }
    this.#decoded.set(version, dists);
    return dists;
  }

  uploadsOf(version: string): VersionUploads | undefined {
    const uploads = this.#groups.get(version)?.uploads;
    if (uploads === undefined) return undefined;
    return {
      firstWheel: uploads.firstWheel,
      firstSdist: uploads.firstSdist,
      lastSdist: uploads.lastSdist,
    };
  }

  /** {@link encodeDists} of these files, without parsing a filename or making a `Date`. */
  encode(): { index: DistsIndex; tail: Buffer } {
    const lines: string[] = [];
    const uploads: StoredUploads[] = [];
    for (const [version, group] of this.#groups) {
      uploads.push(storeUploads(this.uploadsOf(version)));
      lines.push(
        this.#form === "html"
          ? anchorLine(group.files as LazyHtmlFile[])
          : JSON.stringify(this.#storedLine(group.files)),
      );
    }
    const { tail, offsets } = joinLines(lines);
    const index: DistsIndex =
      this.#form === "files"
        ? { versions: this.versions, offsets, uploads }
        : { versions: this.versions, offsets, uploads, form: this.#form, base: this.#base };
    return { index, tail };
  }

  #storedLine(files: readonly PageFile[]): unknown[] {
    if (this.#form === "json") return files.map((file) => (file as LazyJsonFile).raw);
    // Records are the stored form already; `Date`s become epoch ms as in `encodeDists`.
    return this.#records ? (files as unknown[]) : files.map((f) => storedFile(f as SimpleFile));
  }
}

/**
 * `lines` encoded as UTF-8 into one buffer, each followed by a newline, and where each starts
 * (and the last ends). Each line is written straight into the buffer, sized beforehand: a page's
 * megabytes are neither joined into one string first nor measured as strings with a newline
 * appended (which V8 copies again to measure), and an ASCII line (nearly every one) is copied
 * as Latin-1, a byte per character, rather than encoded.
 */
function joinLines(lines: readonly string[]): { tail: Buffer; offsets: number[] } {
  const sizes = lines.map((line) => Buffer.byteLength(line, "utf8"));
  let total = 0;
  for (const size of sizes) total += size + 1;
  const tail = Buffer.allocUnsafe(total);
  const offsets = [0];
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const size = sizes[i] as number;
    // As many bytes as characters only when every character is ASCII.
    tail.write(line, at, size, size === line.length ? "latin1" : "utf8");
    at += size;
    tail[at++] = NEWLINE;
    offsets.push(at);
  }
  return { tail, offsets };
}

/** One version's files of a page read by `scanSimpleHtmlLinks`: their indices in page order. */
interface LinkGroup {
  /** The version of the group's first file. */
  readonly version: Version;
  /** Whether some file spells the version differently (another `Version` object). */
  mixed: boolean;
  readonly files: number[];
  uploads: { firstWheel?: number; firstSdist?: number; lastSdist?: number } | undefined;
}

/** How many bytes of a `page` tail's table each file takes: its tag's start and end. */
const RANGE_BYTES = 8;

/**
 * The stored form of a page read by `scanSimpleHtmlLinks` (form `page`): the versions, their
 * upload summaries and order are what `GroupedDists.fromHtml(...).encode()` gives for the same
 * page read by `scanSimpleHtml`, and each version's files are the same tags, read as that form
 * reads them. The tail is `table`, where each version's `<a>` tags are, in page order, then
 * `page`, the page's bytes as they came: nothing is copied, where cutting every tag out and
 * sorting each version's files by name cost more than anything else in reading a big page.
 * Files are sorted by name when their version is decoded ({@link StoredDists.distsOf}), a few
 * versions a run. `bytes` are the page's bytes, that `html` was decoded from.
 */
export function encodeHtmlLinks(
  links: HtmlPageLinks,
  html: string,
  bytes: Uint8Array | undefined,
  name: PackageName,
): { index: DistsIndex; table: Buffer; page: Buffer } {
  const { filenames, uploadTimes, starts, ends } = links;
  const reader = new VersionReader<{ readonly filename: string }>(name);
  const groups = new Map<number | string, LinkGroup>();
  let kept = 0;
  for (let i = 0; i < filenames.length; i++) {
    const filename = filenames[i] as string;
    const version = reader.versionOf(filename);
    if (version === undefined) continue;
    kept++;
    const key = versionKey(version);
    let group = groups.get(key);
    if (group === undefined) {
      group = { version, mixed: false, files: [], uploads: {} };
      groups.set(key, group);
    } else if (group.version !== version) {
      group.mixed = true;
    }
    group.files.push(i);
    if (
      group.uploads !== undefined &&
      !addUpload(group.uploads, filename.endsWith(".whl"), uploadTimes[i])
    ) {
      group.uploads = undefined;
    }
  }
  const versions: { version: Version; group: LinkGroup }[] = [];
  for (const group of groups.values()) {
    // A version is spelled as its first file in filename order spells it; when all its files
    // spell it alike, that is any of them.
    const version = group.mixed
      ? (reader.versionOf(filenames[firstByName(group.files, filenames)] as string) as Version)
      : group.version;
    versions.push({ version, group });
  }
  versions.sort((a, b) => a.version.compare(b.version));

  // Offsets count bytes: a page of ASCII (nearly all are) has a byte per character, any other
  // is stored as the text encodes, which is what its tags decode from again.
  const ascii = bytes !== undefined && isAscii(bytes);
  const page =
    bytes !== undefined && ascii
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      : Buffer.from(html, "utf8");
  const byteAt = ascii ? undefined : byteOffsets(html, starts, ends);
  const table = Buffer.allocUnsafe(kept * RANGE_BYTES);
  const offsets = [0];
  const uploads: StoredUploads[] = [];
  let at = 0;
  for (const { group } of versions) {
    for (const i of group.files) {
      const start = starts[i] as number;
      const end = ends[i] as number;
      table.writeUInt32LE(byteAt === undefined ? start : (byteAt.get(start) as number), at);
      table.writeUInt32LE(byteAt === undefined ? end : (byteAt.get(end) as number), at + 4);
      at += RANGE_BYTES;
    }
    offsets.push(at / RANGE_BYTES);
    const u = group.uploads;
    uploads.push(
      u === undefined
        ? null
        : storeUploads({
            firstWheel: u.firstWheel,
            firstSdist: u.firstSdist,
            lastSdist: u.lastSdist,
          }),
    );
  }
  const index: DistsIndex = {
    versions: versions.map(({ version }) => version.toString()),
    offsets,
    uploads,
    form: "page",
    base: links.base,
  };
  return { index, table, page };
}

/** The file of `files` (indices into `filenames`) first by name, the earliest of equal names. */
function firstByName(files: readonly number[], filenames: readonly string[]): number {
  let best = files[0] as number;
  for (const i of files) {
    const name = filenames[i] as string;
    const bestName = filenames[best] as string;
    if (name < bestName || (name === bestName && i < best)) best = i;
  }
  return best;
}

/** The UTF-8 byte offset of each of the tags' starts and ends (increasing) in `html`. */
function byteOffsets(
  html: string,
  starts: readonly number[],
  ends: readonly number[],
): Map<number, number> {
  const positions = [...starts, ...ends].sort((a, b) => a - b);
  const byteAt = new Map<number, number>();
  let char = 0;
  let byte = 0;
  for (const position of positions) {
    byte += Buffer.byteLength(html.slice(char, position), "utf8");
    char = position;
    byteAt.set(position, byte);
  }
  return byteAt;
}

/**
 * An `html` page's line, without its newline: the lengths of its files' `<a>` tags, `|`, the
 * tags one after the other. Tags are full of quotes, which a JSON string would escape one by one.
 */
function anchorLine(files: readonly LazyHtmlFile[]): string {
  let lengths = "";
  let anchors = "";
  for (const file of files) {
    lengths += lengths === "" ? `${file.anchor.length}` : `,${file.anchor.length}`;
    anchors += file.anchor;
  }
  return `${lengths}|${anchors}`;
}

/** The tags of an {@link anchorLine}; throws when it is not one. */
function anchorsOfLine(line: string): string[] {
  const bar = line.indexOf("|");
  const anchors: string[] = [];
  let at = bar + 1;
  for (const text of bar === -1 ? [] : line.slice(0, bar).split(",")) {
    const length = Number(text);
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > line.length) break;
    anchors.push(line.slice(at, at + length));
    at += length;
  }
  if (bar === -1 || at !== line.length) throw new SyntaxError("not a line of `<a>` tags");
  return anchors;
}

/** A record's file, its upload time made a `Date`. */
function fileOfRecord(record: SimpleFile | SimpleFileRecord): SimpleFile {
  const time = record.uploadTime;
  if (time === undefined || time instanceof Date) return record as SimpleFile;
  return { ...record, uploadTime: new Date(time) };
}

/** A file in its stored form: the upload time in epoch milliseconds, last. */
function storedFile(file: SimpleFile | SimpleFileRecord): StoredFile {
  const { uploadTime, ...rest } = file;
  if (uploadTime === undefined) return rest;
  return { ...rest, uploadTime: uploadTime instanceof Date ? uploadTime.getTime() : uploadTime };
}

/** A {@link SimpleFile} as stored: the upload time in epoch milliseconds. */
type StoredFile = SimpleFileRecord;

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
  /**
   * Byte offsets: version `i`'s files are `tail[offsets[i]..offsets[i + 1]]`; for a `page`,
   * positions in its table: version `i`'s tags are entries `offsets[i]..offsets[i + 1]`.
   */
  readonly offsets: readonly number[];
  /** Version `i`'s {@link VersionUploads}. */
  readonly uploads: readonly StoredUploads[];
  /**
   * What a line holds ({@link PageForm}); absent for `files`, a line of stored records. A `page`
   * tail is no lines but the table of its tags and the page ({@link encodeHtmlLinks}).
   */
  readonly form?: "html" | "json" | "page";
  /** The URL an `html`, `json` or `page` page's links are resolved against. */
  readonly base?: string;
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
const ZERO = 0x30;
const NINE = 0x39;
const NEWLINE = 0x0a;

/**
 * Encodes grouped distributions for storage: one JSON line per version (an array of its files)
 * and the index of where each line starts.
 */
export function encodeDists(dists: PageDists): { index: DistsIndex; tail: Buffer } {
  if (dists instanceof GroupedDists) return dists.encode();
  const lines: Buffer[] = [];
  const offsets = [0];
  const uploads: StoredUploads[] = [];
  let offset = 0;
  for (const version of dists.versions) {
    const group = dists.distsOf(version);
    uploads.push(storeUploads(uploadsOfDists(group)));
    const files = group.map(({ file }) => storedFile(file));
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
  /** A `page`'s bytes, when they are not in {@link #tail} after the table. */
  readonly #page: Buffer | undefined;
  readonly #name: PackageName;
  readonly #form: PageForm | "page";
  readonly #base: string;
  #positions: Map<string, number> | undefined;
  /** How many versions were looked up before {@link #positions} was made. */
  #lookups = 0;
  readonly #decoded = new Map<string, readonly RegistryDist[]>();
  /** Which names of an `html` page's files parse, checked without parsing them in full. */
  #reader: VersionReader<{ readonly filename: string }> | undefined;

  private constructor(
    index: { versions: string[]; offsets: number[]; uploads: unknown[] },
    tail: Buffer,
    name: PackageName,
    form: PageForm | "page",
    base: string,
    page?: Buffer,
  ) {
    this.versions = index.versions;
    this.#offsets = index.offsets;
    this.#uploads = index.uploads;
    this.#tail = tail;
    this.#page = page;
    this.#name = name;
    this.#form = form;
    this.#base = base;
  }

  /**
   * Reads `index` (untrusted JSON) over `tail`; `undefined` when the two do not fit together.
   * The bytes themselves were checked by the store, so only the layout is checked here.
   */
  static open(index: unknown, tail: Buffer, name: PackageName): StoredDists | undefined {
    const { versions, offsets, uploads, form, base } = (index ?? {}) as Partial<
      Record<keyof DistsIndex, unknown>
    >;
    if (!Array.isArray(versions) || !Array.isArray(offsets)) return undefined;
    if (offsets.length !== versions.length + 1 || offsets[0] !== 0) return undefined;
    // Summaries are checked when asked for: a malformed one only means decoding the files.
    if (!Array.isArray(uploads) || uploads.length !== versions.length) return undefined;
    if (form !== undefined && form !== "html" && form !== "json" && form !== "page") {
      return undefined;
    }
    if (form !== undefined && typeof base !== "string") return undefined;
    if (form === "page") {
      if (!StoredDists.#pageFits(versions, offsets, tail)) return undefined;
    } else if (!StoredDists.#linesFit(versions, offsets, tail, form)) {
      return undefined;
    }
    return new StoredDists(
      { versions: versions as string[], offsets: offsets as number[], uploads },
      tail,
      name,
      form ?? "files",
      form === undefined ? "" : (base as string),
    );
  }

  /** A page just encoded ({@link encodeHtmlLinks}), read from its table and its page as they are. */
  static openPage(
    index: DistsIndex,
    table: Buffer,
    page: Buffer,
    name: PackageName,
  ): StoredDists | undefined {
    if (index.form !== "page" || index.base === undefined) return undefined;
    if (!StoredDists.#pageFits(index.versions, index.offsets, table)) return undefined;
    const layout = {
      versions: [...index.versions],
      offsets: [...index.offsets],
      uploads: [...index.uploads],
    };
    return new StoredDists(layout, table, name, "page", index.base, page);
  }

  /** Whether a tail of lines fits `offsets`, each line of the form's kind. */
  static #linesFit(
    versions: unknown[],
    offsets: unknown[],
    tail: Buffer,
    form: "html" | "json" | undefined,
  ): boolean {
    if (offsets[versions.length] !== tail.length) return false;
    for (let i = 0; i < versions.length; i++) {
      const start = offsets[i] as unknown;
      const end = offsets[i + 1] as unknown;
      if (typeof versions[i] !== "string" || typeof start !== "number") return false;
      if (typeof end !== "number" || !(end > start)) return false;
      if (tail[end - 1] !== NEWLINE) return false;
      // A line of tags starts with a length, any other with a JSON array.
      const first = tail[start] as number;
      if (form === "html" ? first < ZERO || first > NINE : first !== OPEN_BRACKET) return false;
    }
    return true;
  }

  /**
   * Whether a `page` tail's table holds `offsets`'s entries, each version at least one; the
   * entries themselves are checked as a version is decoded.
   */
  static #pageFits(
    versions: readonly unknown[],
    offsets: readonly unknown[],
    tail: Buffer,
  ): boolean {
    const entries = offsets[versions.length];
    if (typeof entries !== "number" || tail.length < entries * RANGE_BYTES) return false;
    for (let i = 0; i < versions.length; i++) {
      const start = offsets[i] as unknown;
      const end = offsets[i + 1] as unknown;
      if (typeof versions[i] !== "string" || typeof start !== "number") return false;
      if (typeof end !== "number" || !(end > start) || !Number.isInteger(end)) return false;
    }
    return true;
  }

  #position(version: string): number | undefined {
    if (this.#positions === undefined) {
      // A run asks a page about a version or two, by the very strings of `versions`: a scan
      // finds them sooner than a map of hundreds of versions is built. The last of equal texts
      // counts, as in the map.
      if (this.#lookups < 8) {
        this.#lookups++;
        const i = this.versions.lastIndexOf(version);
        return i === -1 ? undefined : i;
      }
      const positions = new Map<string, number>();
      for (let i = 0; i < this.versions.length; i++) positions.set(this.versions[i] as string, i);
      this.#positions = positions;
    }
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
    if (this.#form === "page") {
      const dists = this.#pageDists(i);
      this.#decoded.set(version, dists);
      return dists;
    }
    const end = this.#offsets[i + 1] as number;
    const items: unknown[] =
      this.#form === "html"
        ? anchorsOfLine(this.#tail.toString("utf8", this.#offsets[i], end - 1))
        : JSON.parse(this.#tail.toString("utf8", this.#offsets[i], end));
    const dists: RegistryDist[] = [];
    for (const item of items) {
      const lazy =
        this.#form === "html"
          ? this.#lazyOf(item as string)
          : this.#form === "json"
            ? this.#lazyJsonOf(item)
            : undefined;
      if (lazy !== undefined) {
        dists.push(lazy);
        continue;
      }
      const dist = this.#distOf(item);
      if (dist !== undefined) dists.push(dist);
    }
    this.#decoded.set(version, dists);
    return dists;
  }

  /** The bytes of a stored `page` (after its table); `undefined` for any other form. */
  pageBytes(): Buffer | undefined {
    if (this.#form !== "page") return undefined;
    return this.#page ?? this.#tail.subarray((this.#offsets.at(-1) as number) * RANGE_BYTES);
  }

  /** The files of version `i` of a `page`, sorted by filename as the page's parser sorts them. */
  #pageDists(i: number): RegistryDist[] {
    const table = this.#tail;
    const first = this.#offsets[i] as number;
    const last = this.#offsets[i + 1] as number;
    const page = this.#page ?? table;
    // Stored, the page follows the table in the tail.
    const at = this.#page === undefined ? (this.#offsets.at(-1) as number) * RANGE_BYTES : 0;
    const dists: RegistryDist[] = [];
    const names: string[] = [];
    for (let k = first; k < last; k++) {
      const start = at + table.readUInt32LE(k * RANGE_BYTES);
      const end = at + table.readUInt32LE(k * RANGE_BYTES + 4);
      if (!(start < end && end <= page.length)) throw new SyntaxError("not a tag of the page");
      const anchor = page.toString("utf8", start, end);
      const lazy = this.#lazyOf(anchor);
      if (lazy !== undefined) {
        dists.push(lazy);
        names.push(lazy.name);
        continue;
      }
      const dist = this.#distOf(anchor);
      if (dist === undefined) continue;
      dists.push(dist);
      names.push(dist.file.filename);
    }
    if (dists.length < 2) return dists;
    // Stable: files of one name stay in page order.
    const order = dists.map((_, k) => k);
    order.sort((a, b) => {
      const x = names[a] as string;
      const y = names[b] as string;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    return order.map((k) => dists[k] as RegistryDist);
  }

  /**
   * A tag of a line as a {@link LazyDist}, when its filename is read without parsing the
   * tag and is one the page's grouping accepts (so it parses); `undefined` to read it now.
   */
  #lazyOf(anchor: string): LazyDist | undefined {
    const name = plainAnchorFilename(anchor);
    return name === undefined ? undefined : this.#lazy(name, anchor, readHtmlFile);
  }

  /**
   * A file object of a JSON line as a {@link LazyDist}, when its filename is one the page's
   * grouping accepts (so it parses); `undefined` to read it now. Profiled on a warm 37-wheel
   * sync, parsing every file of the versions looked at was the largest part of reading pages,
   * nearly all of it for wheels of other platforms.
   */
  #lazyJsonOf(item: unknown): LazyDist | undefined {
    const name = (item as { readonly filename?: unknown } | null)?.filename;
    return typeof name === "string" ? this.#lazy(name, item, readJsonFile) : undefined;
  }

  #lazy(name: string, source: unknown, read: StoredFileReader): LazyDist | undefined {
    this.#reader ??= new VersionReader(this.#name);
    if (this.#reader.versionOf(name) === undefined) return undefined;
    return new LazyDist(name, source, read, this.#name, this.#base);
  }

  /** The file of a stored item with its parsed name; `undefined` when it is not one of this package's. */
  #distOf(item: unknown): RegistryDist | undefined {
    const file = this.#fileOf(item);
    if (file === undefined) return undefined;
    const filename = parseDistFilename(file.filename, this.#name);
    return filename === undefined ? undefined : { filename, file };
  }

  #fileOf(item: unknown): SimpleFile | undefined {
    switch (this.#form) {
      case "html":
      case "page":
        return typeof item === "string" ? parseHtmlAnchor(item, this.#base) : undefined;
      case "json":
        return parseSimpleJsonFile(item, this.#base);
      default: {
        const { uploadTime, ...rest } = item as StoredFile;
        return uploadTime === undefined ? rest : { ...rest, uploadTime: new Date(uploadTime) };
      }
    }
  }
}
