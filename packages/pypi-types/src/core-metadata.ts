import {
  type ExtraName,
  type PackageName,
  parseExtraName,
  parsePackageName,
} from "@uv-ts/normalize";
import { Version, type VersionSpecifiers } from "@uv-ts/pep440";
import type { Requirement } from "@uv-ts/pep508";
import { HeaderLookup, parseHeaderDocument } from "./headers.ts";
import { lenientRequirement, lenientVersionSpecifiers } from "./lenient.ts";
import { MetadataError } from "./metadata-error.ts";
import { decodeUtf8, trimRust } from "./text.ts";

/**
 * Core metadata (`METADATA` in a wheel, `PKG-INFO` in an sdist), versions 1.0 to 2.5, with the
 * fields the resolver needs parsed into their types and the rest kept as text.
 */
export interface CoreMetadata {
  /** `Metadata-Version`, verbatim (`2.1`, `2.4`, ...). */
  readonly metadataVersion: string;
  readonly name: PackageName;
  readonly version: Version;
  /** `Requires-Dist`, each repaired the way uv repairs published metadata. */
  readonly requiresDist: readonly Requirement[];
  readonly requiresPython: VersionSpecifiers | undefined;
  /** `Provides-Extra`, normalised; names that are not valid extras are dropped (uv warns). */
  readonly providesExtra: readonly ExtraName[];
  /** `Dynamic`: names of fields a build may still fill in (sdists, metadata 2.2+). */
  readonly dynamic: readonly string[];
  readonly summary?: string;
  /** The body after the blank line, or the `Description` header when the body is empty. */
  readonly description?: string;
  readonly descriptionContentType?: string;
  readonly keywords?: readonly string[];
  readonly homePage?: string;
  readonly downloadUrl?: string;
  readonly author?: string;
  readonly authorEmail?: string;
  readonly maintainer?: string;
  readonly maintainerEmail?: string;
  readonly license?: string;
  readonly licenseExpression?: string;
  readonly licenseFiles: readonly string[];
  readonly classifiers: readonly string[];
  /** `Project-URL` as `[label, url]` pairs, in order. */
  readonly projectUrls: ReadonlyArray<readonly [string, string]>;
  readonly platforms: readonly string[];
  readonly supportedPlatforms: readonly string[];
  readonly providesDist: readonly string[];
  readonly obsoletesDist: readonly string[];
  readonly requiresExternal: readonly string[];
  readonly importNames: readonly string[];
  readonly importNamespaces: readonly string[];
}

/** Options for the metadata parsers. */
export interface MetadataParseOptions {
  /** Told about repaired requirements and dropped extras, in uv's words. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/**
 * Parses a `METADATA` or `PKG-INFO` document. Requires `Metadata-Version`, `Name` and `Version`
 * (uv's `Metadata field Name not found`), accepts CRLF, folded values and a missing final
 * newline, and repairs common mistakes in `Requires-Dist` and `Requires-Python` as uv does.
 */
export function parseCoreMetadata(
  text: string | Uint8Array,
  options: MetadataParseOptions = {},
): CoreMetadata {
  const doc = parseHeaderDocument(text);
  const h = new HeaderLookup(doc.fields);
  const metadataVersion = required(h, "Metadata-Version");
  const rawName = required(h, "Name");
  const rawVersion = required(h, "Version");

  const importNames = h.all("Import-Name");
  const importNamespaces = h.all("Import-Namespace");
  checkImportNameOverlap(importNames, importNamespaces);

  const body = decodeUtf8(doc.bytes.subarray(doc.bodyStart));
  if (body === undefined) {
    throw new MetadataError("description-encoding", "The description is not valid utf-8");
  }
  const description = trimRust(body) === "" ? h.first("Description") : body;

  const keywords = h.first("Keywords");
  return {
    metadataVersion,
    name: parseName(rawName),
    version: parseVersion(rawVersion),
    requiresDist: parseRequiresDist(h, options),
    requiresPython: parseRequiresPython(h, options),
    providesExtra: parseProvidesExtra(h, options),
    dynamic: h.all("Dynamic"),
    ...optional("summary", h.first("Summary")),
    ...optional("description", description),
    ...optional("descriptionContentType", h.first("Description-Content-Type")),
    ...optional("keywords", keywords?.split(",")),
    ...optional("homePage", h.first("Home-Page")),
    ...optional("downloadUrl", h.first("Download-URL")),
    ...optional("author", h.first("Author")),
    ...optional("authorEmail", h.first("Author-email")),
    ...optional("maintainer", h.first("Maintainer")),
    ...optional("maintainerEmail", h.first("Maintainer-email")),
    ...optional("license", h.first("License")),
    ...optional("licenseExpression", h.first("License-Expression")),
    licenseFiles: h.all("License-File"),
    classifiers: h.all("Classifier"),
    projectUrls: h.all("Project-URL").map(splitProjectUrl),
    platforms: h.all("Platform"),
    supportedPlatforms: h.all("Supported-Platform"),
    providesDist: h.all("Provides-Dist"),
    obsoletesDist: h.all("Obsoletes-Dist"),
    requiresExternal: h.all("Requires-External"),
    importNames,
    importNamespaces,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The first value of a mandatory field. */
export function required(h: HeaderLookup, field: string): string {
  const value = h.first(field);
  if (value === undefined) {
    throw new MetadataError("field-not-found", `Metadata field ${field} not found`, { field });
  }
  return value;
}

/** `Name`, validated and normalised; a bad name surfaces the name error's own message. */
export function parseName(raw: string): PackageName {
  try {
    return parsePackageName(raw);
  } catch (error) {
    throw new MetadataError("invalid-name", (error as Error).message, {
      cause: error,
      field: "Name",
    });
  }
}

/** `Version`, as uv reports a bad one: `Invalid version: ...`. */
export function parseVersion(raw: string): Version {
  try {
    return Version.parse(raw);
  } catch (error) {
    throw new MetadataError("invalid-version", `Invalid version: ${(error as Error).message}`, {
      cause: error,
      field: "Version",
    });
  }
}

/**
 * Every `Requires-Dist`, leniently; the first failure is reported with its parser's message.
 * `parsed` collects the text each one parsed from (after uv's repairs).
 */
export function parseRequiresDist(
  h: HeaderLookup,
  options: MetadataParseOptions,
  parsed?: string[],
): Requirement[] {
  return h.all("Requires-Dist").map((raw) => {
    try {
      const result = lenientRequirement(raw, options);
      parsed?.push(result.patched);
      return result.value;
    } catch (error) {
      throw new MetadataError("invalid-requires-dist", (error as Error).message, {
        cause: error,
        field: "Requires-Dist",
      });
    }
  });
}

/** The first `Requires-Python`, leniently; `parsed` is told the text it parsed from. */
export function parseRequiresPython(
  h: HeaderLookup,
  options: MetadataParseOptions,
  parsed?: (text: string) => void,
): VersionSpecifiers | undefined {
  const raw = h.first("Requires-Python");
  if (raw === undefined) return undefined;
  try {
    const result = lenientVersionSpecifiers(raw, options);
    parsed?.(result.patched);
    return result.value;
  } catch (error) {
    throw new MetadataError("invalid-requires-python", (error as Error).message, {
      cause: error,
      field: "Requires-Python",
    });
  }
}

/** `Provides-Extra`, normalised; invalid names are skipped with a warning, as uv does. */
export function parseProvidesExtra(h: HeaderLookup, options: MetadataParseOptions): ExtraName[] {
  const extras: ExtraName[] = [];
  for (const raw of h.all("Provides-Extra")) {
    try {
      extras.push(parseExtraName(raw));
    } catch (error) {
      options.onWarning?.(`Ignoring invalid extra: ${(error as Error).message}`);
    }
  }
  return extras;
}

// The spec says "label, url"; uv splits on the first comma and trims both halves.
function splitProjectUrl(value: string): readonly [string, string] {
  const comma = value.indexOf(",");
  if (comma === -1) return [value.trim(), ""];
  return [value.slice(0, comma).trim(), value.slice(comma + 1).trim()];
}

// PEP 794: a module may not be both an import name and an import namespace.
function checkImportNameOverlap(names: readonly string[], namespaces: readonly string[]): void {
  const base = (value: string): string => {
    const semicolon = value.indexOf(";");
    return semicolon === -1 ? value : value.slice(0, semicolon).trimEnd();
  };
  const nameSet = new Set(names.map(base));
  const overlap = namespaces.map(base).find((ns) => nameSet.has(ns));
  if (overlap !== undefined) {
    throw new MetadataError(
      "duplicate-import-name",
      `\`Import-Name\` and \`Import-Namespace\` must not both contain \`${overlap}\``,
    );
  }
}
