import type { PackageName } from "@uv-ts/normalize";
import type { VerbatimUrl } from "@uv-ts/pep508";
import type { ParsedUrl } from "./parsed-url.ts";
import type { RequirementsTxtRequirement } from "./requirement.ts";

/** Where a requirement was written: the file (absolute, a URL, or `-` for stdin) and line. */
export interface RequirementSource {
  readonly file: string;
  readonly line: number;
}

/** One requirement line with what `requirements.txt` adds to PEP 508. */
export interface RequirementEntry {
  /** A named PEP 508 requirement, or an {@link UnnamedRequirement} (URL or path, no name). */
  readonly requirement: RequirementsTxtRequirement;
  /** What the direct reference points at; `undefined` for registry requirements. */
  readonly parsedUrl: ParsedUrl | undefined;
  /** `--hash` values as written (`sha256:...`), in order. */
  readonly hashes: readonly string[];
  /** Written with `-e`/`--editable` (then `parsedUrl` is an editable local directory). */
  readonly editable: boolean;
  readonly source: RequirementSource;
}

/** `--no-binary`/`--only-binary` as uv accumulates them: nothing, everything, or some names. */
export type PackageSelection =
  | { readonly kind: "none" }
  | { readonly kind: "all" }
  | { readonly kind: "packages"; readonly packages: readonly PackageName[] };

/** A `requirements.txt` with its includes flattened, as uv reads it. */
export interface RequirementsTxt {
  /** Requirements, from this file and `-r` includes, in file order. */
  readonly requirements: RequirementEntry[];
  /** Requirements from `-c` files (and anything those include); always named. */
  readonly constraints: RequirementEntry[];
  /** `-e` requirements. */
  readonly editables: RequirementEntry[];
  /** `-i`/`--index-url`; a nested file may repeat it but not change it. */
  indexUrl: VerbatimUrl | undefined;
  readonly extraIndexUrls: VerbatimUrl[];
  /** `-f`/`--find-links`: URLs, or local paths relative to the file that names them. */
  readonly findLinks: VerbatimUrl[];
  noIndex: boolean;
  requireHashes: boolean;
  noBinary: PackageSelection;
  onlyBinary: PackageSelection;
  /**
   * uv's warnings for options it ignores (`--pre`, `--trusted-host`, `--prefer-binary`,
   * `--use-feature`), without the `warning: ` prefix, for the caller to print.
   */
  readonly warnings: string[];
}

/** An empty result, the starting point of a parse. */
export function emptyRequirementsTxt(): RequirementsTxt {
  return {
    requirements: [],
    constraints: [],
    editables: [],
    indexUrl: undefined,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    requireHashes: false,
    noBinary: { kind: "none" },
    onlyBinary: { kind: "none" },
    warnings: [],
  };
}

/** uv's `extend`: `all` wins, `none` adds nothing, package lists are united. */
export function extendSelection(a: PackageSelection, b: PackageSelection): PackageSelection {
  if (a.kind === "all" || b.kind === "all") return { kind: "all" };
  if (b.kind === "none") return a;
  if (a.kind === "none") return b;
  const packages = [...a.packages];
  for (const name of b.packages) if (!packages.includes(name)) packages.push(name);
  return { kind: "packages", packages };
}

/** Adds a `-r` file's contents to `into`; the first `--index-url` is kept. */
export function mergeRequirementsTxt(into: RequirementsTxt, other: RequirementsTxt): void {
  into.requirements.push(...other.requirements);
  into.constraints.push(...other.constraints);
  into.editables.push(...other.editables);
  if (into.indexUrl === undefined) into.indexUrl = other.indexUrl;
  into.extraIndexUrls.push(...other.extraIndexUrls);
  into.findLinks.push(...other.findLinks);
  into.noIndex ||= other.noIndex;
  into.requireHashes ||= other.requireHashes;
  into.noBinary = extendSelection(into.noBinary, other.noBinary);
  into.onlyBinary = extendSelection(into.onlyBinary, other.onlyBinary);
  into.warnings.push(...other.warnings);
}
