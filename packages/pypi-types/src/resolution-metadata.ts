import { type ExtraName, type PackageName, parseExtraName } from "@uv-ts/normalize";
import { type Version, VersionSpecifiers } from "@uv-ts/pep440";
import { Requirement } from "@uv-ts/pep508";
import {
  type CoreMetadata,
  type MetadataParseOptions,
  parseName,
  parseProvidesExtra,
  parseRequiresDist,
  parseRequiresPython,
  parseVersion,
  required,
} from "./core-metadata.ts";
import { HeaderLookup, parseHeaderDocument } from "./headers.ts";
import { MetadataError } from "./metadata-error.ts";

/** The part of core metadata the resolver uses (uv's `ResolutionMetadata`). */
export interface ResolutionMetadata {
  readonly name: PackageName;
  readonly version: Version;
  readonly requiresDist: readonly Requirement[];
  readonly requiresPython: VersionSpecifiers | undefined;
  readonly providesExtra: readonly ExtraName[];
  /** Whether `Version` is declared dynamic (the sdist filename fixes it anyway). */
  readonly dynamic: boolean;
}

/**
 * Reads the resolver's fields from a wheel's `METADATA` (uv's `parse_metadata`): `Name` and
 * `Version` are required, `Metadata-Version` is not looked at, the body is ignored.
 */
export function parseResolutionMetadata(
  text: string | Uint8Array,
  options: MetadataParseOptions = {},
): ResolutionMetadata {
  return readResolutionMetadata(text, options).metadata;
}

/**
 * {@link parseResolutionMetadata}, and a {@link ResolutionMetadataRecord} of the result: the
 * form to store, which reads back ({@link resolutionMetadataFromRecord}) into the same values
 * without the header parser or uv's repairs.
 */
export function parseResolutionMetadataRecord(
  text: string | Uint8Array,
  options: MetadataParseOptions = {},
): { readonly metadata: ResolutionMetadata; readonly record: ResolutionMetadataRecord } {
  return readResolutionMetadata(text, options);
}

function readResolutionMetadata(
  text: string | Uint8Array,
  options: MetadataParseOptions,
): { metadata: ResolutionMetadata; record: ResolutionMetadataRecord } {
  const h = new HeaderLookup(parseHeaderDocument(text).fields);
  const rawName = required(h, "Name");
  const rawVersion = required(h, "Version");
  const name = parseName(rawName);
  const version = parseVersion(rawVersion);
  const requiresDistTexts: string[] = [];
  const requiresDist = parseRequiresDist(h, options, requiresDistTexts);
  let requiresPythonText: string | null = null;
  const requiresPython = parseRequiresPython(h, options, (t) => {
    requiresPythonText = t;
  });
  const providesExtra = parseProvidesExtra(h, options);
  const dynamic = h.all("Dynamic").includes("Version");
  return {
    metadata: { name, version, requiresDist, requiresPython, providesExtra, dynamic },
    record: {
      name: rawName,
      version: rawVersion,
      requiresDist: requiresDistTexts,
      requiresPython: requiresPythonText,
      providesExtra,
      dynamic,
    },
  };
}

/**
 * {@link ResolutionMetadata} as JSON-ready text: each field as it parsed (`Requires-Dist` and
 * `Requires-Python` after uv's repairs, `Provides-Extra` normalised), so that reading it back is
 * a strict parse of each value.
 */
export interface ResolutionMetadataRecord {
  readonly name: string;
  readonly version: string;
  readonly requiresDist: readonly string[];
  readonly requiresPython: string | null;
  readonly providesExtra: readonly string[];
  readonly dynamic: boolean;
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/**
 * Reads a {@link ResolutionMetadataRecord} (untrusted JSON) back; throws `MetadataError` when
 * it is not one.
 */
export function resolutionMetadataFromRecord(value: unknown): ResolutionMetadata {
  const record = (value ?? {}) as Partial<Record<keyof ResolutionMetadataRecord, unknown>>;
  const { name, version, requiresDist, requiresPython, providesExtra, dynamic } = record;
  if (
    typeof name !== "string" ||
    typeof version !== "string" ||
    !isStringArray(requiresDist) ||
    (requiresPython !== null && typeof requiresPython !== "string") ||
    !isStringArray(providesExtra) ||
    typeof dynamic !== "boolean"
  ) {
    throw new MetadataError("invalid-record", "Not a stored metadata record");
  }
  return {
    name: parseName(name),
    version: parseVersion(version),
    requiresDist: requiresDist.map((text) => Requirement.parse(text)),
    requiresPython: requiresPython === null ? undefined : VersionSpecifiers.parse(requiresPython),
    providesExtra: providesExtra.map((extra) => parseExtraName(extra)),
    dynamic,
  };
}

/** The fields an sdist's `PKG-INFO` must not mark dynamic to stand in for a build. */
const RESOLUTION_FIELDS = ["Requires-Python", "Requires-Dist", "Provides-Extra"] as const;

/**
 * Reads the resolver's fields from an sdist's `PKG-INFO` (uv's fast path that skips a build).
 * Throws when the document cannot be trusted: `Metadata-Version` below 2.2 (or 3.0 and above),
 * or one of `Requires-Python`, `Requires-Dist`, `Provides-Extra` listed in `Dynamic`.
 */
export function parsePkgInfoResolutionMetadata(
  text: string | Uint8Array,
  options: MetadataParseOptions = {},
): ResolutionMetadata {
  const h = new HeaderLookup(parseHeaderDocument(text).fields);
  const metadataVersion = required(h, "Metadata-Version");
  if (!isSupportedPkgInfoVersion(parseMetadataVersion(metadataVersion))) {
    throw new MetadataError(
      "unsupported-metadata-version",
      `Reading metadata from \`PKG-INFO\` requires Metadata 2.2 or later (found: ${metadataVersion})`,
    );
  }
  let dynamic = false;
  for (const field of h.all("Dynamic")) {
    if ((RESOLUTION_FIELDS as readonly string[]).includes(field)) {
      throw new MetadataError(
        "dynamic-field",
        `The following field was marked as dynamic: ${field}`,
        { field },
      );
    }
    if (field === "Version") dynamic = true;
  }
  const name = parseName(required(h, "Name"));
  const version = parseVersion(required(h, "Version"));
  return {
    name,
    version,
    requiresDist: parseRequiresDist(h, options),
    requiresPython: parseRequiresPython(h, options),
    providesExtra: parseProvidesExtra(h, options),
    dynamic,
  };
}

/**
 * Whether an sdist's already-parsed `PKG-INFO` is authoritative for resolution: metadata 2.2+
 * (below 3.0) and none of `Requires-Python`, `Requires-Dist`, `Provides-Extra` dynamic. A
 * dynamic `Version` is fine, since the sdist filename fixes it.
 */
export function isStaticForResolution(meta: CoreMetadata): boolean {
  let version: readonly [number, number];
  try {
    version = parseMetadataVersion(meta.metadataVersion);
  } catch {
    return false;
  }
  return (
    isSupportedPkgInfoVersion(version) &&
    !meta.dynamic.some((field) => (RESOLUTION_FIELDS as readonly string[]).includes(field))
  );
}

/** The subset of {@link CoreMetadata} the resolver uses. */
export function toResolutionMetadata(meta: CoreMetadata): ResolutionMetadata {
  return {
    name: meta.name,
    version: meta.version,
    requiresDist: meta.requiresDist,
    requiresPython: meta.requiresPython,
    providesExtra: meta.providesExtra,
    dynamic: meta.dynamic.includes("Version"),
  };
}

function isSupportedPkgInfoVersion([major, minor]: readonly [number, number]): boolean {
  return (major > 2 || (major === 2 && minor >= 2)) && major < 3;
}

// uv reads `major.minor` as two `u8`s: `2.2` works, `2`, `2.x`, `2.2.1` and `2.300` do not.
/** `Metadata-Version` as `[major, minor]`; throws uv's `Invalid \`Metadata-Version\` field`. */
export function parseMetadataVersion(value: string): readonly [number, number] {
  const dot = value.indexOf(".");
  const parts = dot === -1 ? undefined : [value.slice(0, dot), value.slice(dot + 1)];
  const nums = parts?.map(parseU8);
  if (nums === undefined || nums[0] === undefined || nums[1] === undefined) {
    throw new MetadataError(
      "invalid-metadata-version",
      `Invalid \`Metadata-Version\` field: ${value}`,
    );
  }
  return [nums[0], nums[1]];
}

function parseU8(s: string): number | undefined {
  // Rust's `u8::from_str` takes an optional `+` and ASCII digits only.
  if (!/^\+?[0-9]+$/.test(s)) return undefined;
  const n = Number.parseInt(s, 10);
  return n <= 255 ? n : undefined;
}
