import { IndexUrl } from "./index-url.ts";

/** How an index is read: a Simple API (PEP 503/691) or a flat page or directory of files. */
export type IndexFormat = "simple" | "flat";

/**
 * One index, shaped like a `[[tool.uv.index]]` entry so that table maps onto it directly;
 * `--index-url` is an index with `default: true`, `--extra-index-url` one without.
 */
export interface Index {
  readonly name?: string;
  readonly url: IndexUrl;
  /** Replaces PyPI as the lowest-priority index. */
  readonly default?: boolean;
  /** Only used for packages pinned to it through `tool.uv.sources`. */
  readonly explicit?: boolean;
  readonly format?: IndexFormat;
  /** `Cache-Control` values that override what the server sends, for pages and for files. */
  readonly cacheControl?: { readonly api?: string; readonly files?: string };
  /** Status codes that mean "not here, try the next index" (404 always does). */
  readonly ignoreErrorCodes?: readonly number[];
}

/** The pip-style flags, as the CLI gives them. */
export interface IndexArgs {
  /** `--index-url` / `-i` / `--default-index`. */
  readonly indexUrl?: string;
  /** `--extra-index-url`, earlier ones first. */
  readonly extraIndexUrls?: readonly string[];
  /** `--index` and `[[tool.uv.index]]` entries, already parsed. */
  readonly indexes?: readonly Index[];
  /** `--find-links` / `-f`: directories, HTML files or URLs of HTML pages. */
  readonly findLinks?: readonly string[];
  readonly noIndex?: boolean;
}

/**
 * Where packages come from: the indexes (searched in priority order), the `--find-links`
 * locations and `--no-index`. PyPI is the default index unless an index says `default`.
 */
export class IndexLocations {
  readonly #indexes: readonly Index[];
  readonly #flat: readonly Index[];
  readonly noIndex: boolean;
  readonly #pypi: Index = { url: IndexUrl.pypi(), default: true };

  constructor(
    options: {
      readonly indexes?: readonly Index[];
      readonly flatIndexes?: readonly Index[];
      readonly noIndex?: boolean;
    } = {},
  ) {
    this.#indexes = options.indexes ?? [];
    this.#flat = options.flatIndexes ?? [];
    this.noIndex = options.noIndex ?? false;
  }

  /**
   * Builds the locations from pip-style flags: `--index` entries, then `--extra-index-url`s,
   * then the `--index-url` (the default); relative paths resolve against `rootDir`.
   */
  static fromArgs(args: IndexArgs, rootDir: string = process.cwd()): IndexLocations {
    const indexes: Index[] = [...(args.indexes ?? [])];
    for (const url of args.extraIndexUrls ?? [])
      indexes.push({ url: IndexUrl.parse(url, rootDir) });
    if (args.indexUrl !== undefined) {
      indexes.push({ url: IndexUrl.parse(args.indexUrl, rootDir), default: true });
    }
    const flatIndexes = (args.findLinks ?? []).map(
      (f): Index => ({ url: IndexUrl.parse(f, rootDir), format: "flat" }),
    );
    return new IndexLocations({ indexes, flatIndexes, noIndex: args.noIndex ?? false });
  }

  /** Indexes in definition order, keeping only the first definition of each name. */
  #configured(): Index[] {
    const seen = new Set<string>();
    return this.#indexes.filter((index) => {
      if (index.name === undefined) return true;
      if (seen.has(index.name)) return false;
      seen.add(index.name);
      return true;
    });
  }

  /** The default index (PyPI unless one is marked `default`), or none under `--no-index`. */
  defaultIndex(): Index | undefined {
    if (this.noIndex) return undefined;
    return this.#configured().find((i) => i.default === true) ?? this.#pypi;
  }

  /** The non-default, non-explicit indexes, in priority order. */
  implicitIndexes(): Index[] {
    if (this.noIndex) return [];
    return this.#configured().filter((i) => i.default !== true && i.explicit !== true);
  }

  /** Explicit indexes, only used for packages pinned to them. */
  explicitIndexes(): Index[] {
    if (this.noIndex) return [];
    return this.#configured().filter((i) => i.explicit === true);
  }

  /** The indexes a package is searched in, highest priority first, without duplicate URLs. */
  fetchIndexes(): Index[] {
    const all = [...this.implicitIndexes()];
    const def = this.defaultIndex();
    if (def !== undefined && def.explicit !== true) all.push(def);
    const seen = new Set<string>();
    return all.filter((index) => {
      const key = index.url.bareHref();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** The `--find-links` locations. */
  flatIndexes(): readonly Index[] {
    return this.#flat;
  }

  /** Every index that may be used, for seeding credentials. */
  knownIndexes(): Index[] {
    return this.noIndex ? [...this.#flat] : [this.#pypi, ...this.#flat, ...this.#indexes];
  }

  /** The configured index for `url`, if any. */
  indexFor(url: IndexUrl): Index | undefined {
    return [...this.#indexes, ...this.#flat].find((i) => i.url.equals(url));
  }
}
