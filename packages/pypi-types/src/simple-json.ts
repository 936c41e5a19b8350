import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import { type Hashes, isHashAlgorithm } from "./hashes.ts";
import {
  type ProjectStatus,
  projectStatusKind,
  resolvesWithoutError,
  resolveUrl,
  SimpleApiError,
  type SimpleFile,
  type SimpleFileRecord,
} from "./simple-file.ts";
import { decodeUtf8 } from "./text.ts";
import { parseTimestampMillis } from "./upload-time.ts";

/** The media type of PEP 691 JSON pages. */
export const SIMPLE_JSON_MEDIA_TYPE = "application/vnd.pypi.simple.v1+json";

/** A PEP 691 project page. */
export interface SimpleJsonProject {
  /** The project name as the index wrote it (PEP 691 requires it; uv does not). */
  readonly name?: string;
  readonly files: readonly SimpleFile[];
  /** PEP 700: every version the project has, including ones without files. */
  readonly versions?: readonly string[];
  readonly meta: { readonly apiVersion?: string };
  readonly projectStatus: ProjectStatus;
}

// `core-metadata` (PEP 714) first; the PEP 658 spellings are older aliases. The first key that
// is present and not null wins, as uv reads them.
const CORE_METADATA_KEYS = ["core-metadata", "dist-info-metadata", "data-dist-info-metadata"];

/** {@link SimpleJsonProject} with upload times as epoch milliseconds ({@link SimpleFileRecord}). */
export interface SimpleJsonRecords extends Omit<SimpleJsonProject, "files"> {
  readonly files: readonly SimpleFileRecord[];
}

/**
 * Parses a PEP 691 JSON project page (`application/vnd.pypi.simple.v1+json`). File URLs are
 * resolved against `baseUrl` (the page URL). Files keep the index's order.
 */
export function parseSimpleJson(
  body: string | Uint8Array,
  baseUrl: string | URL,
): SimpleJsonProject {
  return parseProject(body, baseUrl, true) as SimpleJsonProject;
}

/**
 * {@link parseSimpleJson}, upload times left as epoch milliseconds: for a page that is cached as
 * it was read, and of which a run looks at a few versions.
 */
export function parseSimpleJsonRecords(
  body: string | Uint8Array,
  baseUrl: string | URL,
): SimpleJsonRecords {
  return parseProject(body, baseUrl, false) as SimpleJsonRecords;
}

/** The fields of a page other than its files, checked in the order the files' checks come after. */
function projectFields(obj: Record<string, unknown>): Omit<SimpleJsonProject, "files"> {
  const name = optionalString(obj.name, "name");
  const versions =
    obj.versions === undefined || obj.versions === null
      ? undefined
      : expectArray(obj.versions, "versions").map((v, i) => expectString(v, `versions[${i}]`));
  const metaObj = obj.meta === undefined || obj.meta === null ? {} : expectObject(obj.meta, "meta");
  const apiVersion = optionalString(metaObj["api-version"], "meta.api-version");
  return {
    ...(name === undefined ? {} : { name }),
    ...(versions === undefined ? {} : { versions }),
    meta: apiVersion === undefined ? {} : { apiVersion },
    projectStatus: parseProjectStatus(obj["project-status"]),
  };
}

/** A page, its files' upload times as `Date`s (`dates`) or as epoch milliseconds. */
function parseProject(
  body: string | Uint8Array,
  baseUrl: string | URL,
  dates: boolean,
): Omit<SimpleJsonProject, "files"> & {
  readonly files: readonly (SimpleFile | SimpleFileRecord)[];
} {
  const root = parseJson(body);
  const obj = expectObject(root, "");
  const files = expectArray(obj.files, "files").map((f, i) =>
    parseFile(f, `files[${i}]`, baseUrl, dates),
  );
  return { ...projectFields(obj), files };
}

/** A file of a JSON page, read only as far as grouping needs. */
export interface LazyJsonFile {
  /** {@link SimpleFile.filename}. */
  readonly filename: string;
  /** {@link SimpleFile.uploadTime} as epoch milliseconds. */
  readonly uploadTime: number | undefined;
  /** The file's object as the page has it; {@link parseSimpleJsonFile} reads the rest. */
  readonly raw: unknown;
}

/** {@link SimpleJsonProject} with its files as {@link LazyJsonFile}s. */
export interface LazyJsonProject extends Omit<SimpleJsonProject, "files"> {
  readonly files: readonly LazyJsonFile[];
}

/**
 * Reads a JSON project page as {@link parseSimpleJson} does, but builds of each file only its
 * filename and upload time: `parseSimpleJsonFile(file.raw, baseUrl)` gives the rest, once a
 * resolution asks for the file's version. Every file is still checked in full, so a malformed
 * page throws the same error here as in `parseSimpleJson`.
 */
export function scanSimpleJson(body: string | Uint8Array, baseUrl: string | URL): LazyJsonProject {
  const base = baseUrl.toString();
  const root = parseJson(body);
  const obj = expectObject(root, "");
  const files = expectArray(obj.files, "files").map((f, i) => checkFile(f, i, base));
  return { ...projectFields(obj), files };
}

/**
 * The file a {@link LazyJsonFile.raw} object stands for, as {@link parseSimpleJson} gives it;
 * `baseUrl` is the page's. Only for objects {@link scanSimpleJson} accepted.
 */
export function parseSimpleJsonFile(raw: unknown, baseUrl: string | URL): SimpleFile {
  return parseFile(raw, "file", baseUrl, true) as SimpleFile;
}

/**
 * `parseFile`'s checks, in its order, without building the file. Each check is made inline and
 * only a failing one spells its field's path (`files[3].url`) and calls the check that throws:
 * a page of thousands of files otherwise builds ten paths per file that nobody reads.
 */
function checkFile(value: unknown, index: number, base: string): LazyJsonFile {
  const f = isObject(value) ? value : expectObject(value, filePath(index, ""));
  const filename =
    typeof f.filename === "string"
      ? f.filename
      : expectString(f.filename, filePath(index, "filename"));
  const url = typeof f.url === "string" ? f.url : expectString(f.url, filePath(index, "url"));
  if (!resolvesWithoutError(url, base)) resolveUrl(url, base);
  if (f.hashes === undefined)
    throw invalid(`missing field \`hashes\` in \`${filePath(index, "")}\``);
  checkFileHashes(f.hashes, index, "hashes");
  const requiresPython = f["requires-python"];
  if (
    requiresPython !== undefined &&
    requiresPython !== null &&
    typeof requiresPython !== "string"
  ) {
    expectString(requiresPython, filePath(index, "requires-python"));
  }
  const yanked = f.yanked;
  if (
    yanked !== undefined &&
    yanked !== null &&
    typeof yanked !== "boolean" &&
    typeof yanked !== "string"
  ) {
    parseYanked(yanked, filePath(index, "yanked"));
  }
  for (const key of CORE_METADATA_KEYS) {
    const value = f[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") break;
    if (typeof value === "object" && !Array.isArray(value)) {
      checkFileHashes(value, index, key);
      break;
    }
    throw invalid(`\`${filePath(index, key)}\` must be a boolean or a hash object`);
  }
  const size = f.size;
  if (
    size !== undefined &&
    size !== null &&
    !(typeof size === "number" && Number.isSafeInteger(size) && size >= 0)
  ) {
    parseSize(size, filePath(index, "size"));
  }
  const time = f["upload-time"];
  const uploadTime = typeof time === "string" ? parseTimestampMillis(time) : undefined;
  // Not a string, or not a timestamp: the check that throws.
  if (uploadTime === undefined && time !== undefined && time !== null) {
    parseUploadTime(f, filePath(index, ""));
  }
  return { filename, uploadTime, raw: value };
}

/** The path of field `key` of the page's file `index` in messages; `""`: the file itself. */
function filePath(index: number, key: string): string {
  return key === "" ? `files[${index}]` : `files[${index}].${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A file's `upload-time` as epoch milliseconds; `undefined` when absent. */
function parseUploadTime(f: Record<string, unknown>, path: string): number | undefined {
  const text = optionalString(f["upload-time"], `${path}.upload-time`);
  if (text === undefined) return undefined;
  const uploadTime = parseTimestampMillis(text);
  if (uploadTime === undefined) {
    throw invalid(`\`${path}.upload-time\` is not an RFC 3339 timestamp: \`${text}\``);
  }
  return uploadTime;
}

/** `parseHashes`'s checks of field `key` of file `index`, its paths spelt only for an error. */
function checkFileHashes(value: unknown, index: number, key: string): void {
  if (!isObject(value)) expectObject(value, filePath(index, key));
  const obj = value as Record<string, unknown>;
  for (const algorithm of Object.keys(obj)) {
    const digest = obj[algorithm];
    if (typeof digest === "string" || digest === null || !isHashAlgorithm(algorithm)) continue;
    expectString(digest, `${filePath(index, key)}.${algorithm}`);
  }
}

/** Parses the PEP 691 JSON index root (`{"projects": [{"name": ...}]}`) into package names. */
export function parseSimpleIndexJson(body: string | Uint8Array): PackageName[] {
  const obj = expectObject(parseJson(body), "");
  return expectArray(obj.projects, "projects").map((entry, i) => {
    const name = expectString(expectObject(entry, `projects[${i}]`).name, `projects[${i}].name`);
    try {
      return parsePackageName(name);
    } catch (error) {
      throw invalid(`\`projects[${i}].name\` is not a valid package name: \`${name}\``, error);
    }
  });
}

function parseFile(
  value: unknown,
  path: string,
  baseUrl: string | URL,
  dates: boolean,
): SimpleFile | SimpleFileRecord {
  const f = expectObject(value, path);
  const filename = expectString(f.filename, `${path}.filename`);
  const url = resolveUrl(expectString(f.url, `${path}.url`), baseUrl);
  if (f.hashes === undefined) throw invalid(`missing field \`hashes\` in \`${path}\``);
  const hashes = parseHashes(f.hashes, `${path}.hashes`);
  const requiresPython = optionalString(f["requires-python"], `${path}.requires-python`);
  const yanked = parseYanked(f.yanked, `${path}.yanked`);
  const coreMetadata = parseCoreMetadataField(f, path);
  const size = parseSize(f.size, `${path}.size`);
  const uploadTime = parseUploadTime(f, path);
  // Built field by field rather than with conditional spreads (much slower in V8), in the same
  // key order: absent fields stay absent.
  type Fields = Omit<SimpleFileRecord, "uploadTime">;
  const file: { -readonly [K in keyof Fields]?: Fields[K] } & { uploadTime?: number | Date } = {
    filename,
    url,
    hashes,
  };
  if (requiresPython !== undefined) file.requiresPython = requiresPython;
  file.yanked = yanked;
  file.coreMetadata = coreMetadata;
  if (size !== undefined) file.size = size;
  if (uploadTime !== undefined) file.uploadTime = dates ? new Date(uploadTime) : uploadTime;
  return file as SimpleFile | SimpleFileRecord;
}

function parseCoreMetadataField(f: Record<string, unknown>, path: string): boolean | Hashes {
  for (const key of CORE_METADATA_KEYS) {
    const value = f[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") return value;
    if (typeof value === "object" && !Array.isArray(value))
      return parseHashes(value, `${path}.${key}`);
    throw invalid(`\`${path}.${key}\` must be a boolean or a hash object`);
  }
  return false;
}

function parseYanked(value: unknown, path: string): boolean | string {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  // An empty reason still means yanked (uv keeps it as a reason); there is nothing to show.
  if (typeof value === "string") return value === "" ? true : value;
  throw invalid(`\`${path}\` must be a boolean or a string`);
}

function parseSize(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalid(`\`${path}\` must be a non-negative integer`);
}

/** Reads a hash object, keeping the algorithms uv knows and ignoring the rest. */
function parseHashes(value: unknown, path: string): Hashes {
  const obj = expectObject(value, path);
  const hashes: Record<string, string> = {};
  for (const [algorithm, digest] of Object.entries(obj)) {
    if (!isHashAlgorithm(algorithm) || digest === null) continue;
    hashes[algorithm] = expectString(digest, `${path}.${algorithm}`);
  }
  return hashes;
}

function parseProjectStatus(value: unknown): ProjectStatus {
  if (value === undefined || value === null) return { status: "active" };
  const obj = expectObject(value, "project-status");
  const status = projectStatusKind(optionalString(obj.status, "project-status.status")) ?? "active";
  const reason = optionalString(obj.reason, "project-status.reason");
  return reason === undefined ? { status } : { status, reason };
}

function parseJson(body: string | Uint8Array): unknown {
  let text: string | undefined;
  if (typeof body === "string") text = body;
  else text = decodeUtf8(body);
  if (text === undefined) throw invalid("the body is not valid UTF-8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
}

function invalid(detail: string, cause?: unknown): SimpleApiError {
  return new SimpleApiError("invalid-json", `Invalid Simple API JSON response: ${detail}`, {
    cause,
  });
}

function describe(path: string): string {
  return path === "" ? "the document" : `\`${path}\``;
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${describe(path)} must be an object`);
  }
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(`${describe(path)} must be an array`);
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") throw invalid(`${describe(path)} must be a string`);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}
