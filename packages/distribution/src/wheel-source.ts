import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Cache } from "@uv-ts/cache";
import { type IndexUrl, stripCredentials, urlDigest } from "@uv-ts/client";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import type { PackageName } from "@uv-ts/normalize";
import type { SimpleFile } from "@uv-ts/pypi-types";

/** Where a wheel comes from. */
export type WheelSource =
  /** A file listed by an index (Simple API or `--find-links`). */
  | {
      readonly kind: "registry";
      readonly index: IndexUrl;
      readonly file: SimpleFile;
      readonly filename: WheelFilename;
    }
  /** A wheel at a direct URL (`name @ https://.../name-1.0-py3-none-any.whl`). */
  | { readonly kind: "url"; readonly url: string; readonly filename: WheelFilename }
  /** A wheel file on disk (absolute path). */
  | { readonly kind: "path"; readonly path: string; readonly filename: WheelFilename };

/** The URL a source downloads from (a `file://` URL for a path). */
export function wheelSourceUrl(source: WheelSource): string {
  switch (source.kind) {
    case "registry":
      return source.file.url;
    case "url":
      return source.url;
    case "path":
      return pathToFileURL(source.path).href;
  }
}

function withoutFragment(url: string): string {
  const parsed = stripCredentials(url);
  parsed.hash = "";
  return parsed.href;
}

/**
 * The directory holding the pointers of `name`'s wheels from the registry `index` (see
 * {@link wheelPointerPath}); it exists once any of them was unpacked.
 */
export function registryWheelsDir(cache: Cache, index: IndexUrl, name: PackageName): string {
  // A normalised package name holds no separator: appended as `join` would.
  return `${registryWheelsRoot(cache, index)}${sep}${name}`;
}

/**
 * The directory of the registry `index`'s wheels, one {@link registryWheelsDir} per package
 * below it: worked out once for a loop over many names (each costs a digest of the URL).
 */
export function registryWheelsRoot(cache: Cache, index: IndexUrl): string {
  return cache.entry("wheels", urlDigest(index.bareHref()));
}

/**
 * The pointer file of a wheel in the cache. Registry wheels sit under the digest of their index
 * (the shard the client uses for the same wheel's metadata), so one wheel from two indexes is two
 * entries, as in uv; URL and path wheels under the digest of their location.
 */
export function wheelPointerPath(cache: Cache, source: WheelSource): string {
  const stem = `${source.filename.stem()}.pointer`;
  const name = source.filename.name;
  switch (source.kind) {
    case "registry":
      // A wheel's stem holds no separator either.
      return `${registryWheelsDir(cache, source.index, name)}${sep}${stem}`;
    case "url":
      return cache.entry("wheels", "url", urlDigest(withoutFragment(source.url)), name, stem);
    case "path":
      return join(
        cache.entry("wheels", "path", urlDigest(pathToFileURL(source.path).href), name),
        stem,
      );
  }
}
