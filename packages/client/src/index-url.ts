import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ClientError } from "./errors.ts";
import { redactText, redactUrl, stripCredentials } from "./redact.ts";

/** The default index, `https://pypi.org/simple`. */
export const PYPI_URL = "https://pypi.org/simple";

/** What an index URL points at: PyPI itself, another URL, or a local directory. */
export type IndexUrlKind = "pypi" | "url" | "path";

// A scheme is at least two characters, so `C:\wheels` stays a (Windows) path.
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

/**
 * The location of an index (`--index-url`, `--extra-index-url`, `--find-links`,
 * `[[tool.uv.index]]`): a URL or a local path, which is held as a `file://` URL.
 *
 * Credentials in the URL are kept for authentication but never displayed: `toString()` and
 * `toJSON()` redact them.
 */
export class IndexUrl {
  readonly kind: IndexUrlKind;
  readonly #url: URL;
  /** {@link bareHref}, once asked for. */
  #bareHref: string | undefined;

  private constructor(url: URL, kind: IndexUrlKind) {
    this.#url = url;
    this.kind = kind;
  }

  /**
   * Parses a URL, or a path (relative paths against `rootDir`, `~` against the home directory).
   * Throws {@link ClientError} `client.invalid-index-url` when it is neither.
   */
  static parse(text: string, rootDir: string = process.cwd()): IndexUrl {
    const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
    if (scheme !== undefined && scheme !== "file") {
      let url: URL;
      try {
        url = new URL(text);
      } catch (error) {
        throw new ClientError("invalid-index-url", `Invalid index URL: \`${redactText(text)}\``, {
          cause: error,
        });
      }
      return IndexUrl.fromUrl(url);
    }
    if (scheme === "file") return IndexUrl.fromUrl(new URL(text));
    const expanded =
      text === "~" ? homedir() : text.startsWith("~/") ? `${homedir()}${text.slice(1)}` : text;
    const path = isAbsolute(expanded) ? expanded : resolve(rootDir, expanded);
    return new IndexUrl(pathToFileURL(path), "path");
  }

  /** Wraps an already parsed URL. */
  static fromUrl(url: URL | string): IndexUrl {
    const copy = new URL(url.toString());
    if (copy.protocol === "file:") return new IndexUrl(copy, "path");
    const bare = stripCredentials(copy).href.replace(/\/+$/, "");
    return new IndexUrl(copy, bare === PYPI_URL ? "pypi" : "url");
  }

  /** The default index. */
  static pypi(): IndexUrl {
    return new IndexUrl(new URL(PYPI_URL), "pypi");
  }

  /** The URL including any credentials; never display it. */
  get secretUrl(): URL {
    return new URL(this.#url.href);
  }

  /** The URL without credentials: for cache keys, comparisons and lockfiles. */
  withoutCredentials(): URL {
    return stripCredentials(this.#url);
  }

  /**
   * The URL without credentials or trailing slashes: what tells two indexes apart (cache keys,
   * comparisons, the indexes a plan names).
   */
  bareHref(): string {
    // Worked out once (the URL never changes): cache keys and comparisons ask for it for every
    // package and wheel, and each time it cost parsing the URL again.
    this.#bareHref ??= this.withoutCredentials().href.replace(/\/+$/, "");
    return this.#bareHref;
  }

  /** Whether the URL carries a username or password. */
  get hasCredentials(): boolean {
    return this.#url.username !== "" || this.#url.password !== "";
  }

  /** The local directory or file, for `path` indexes. */
  get path(): string | undefined {
    return this.kind === "path" ? fileURLToPath(this.#url) : undefined;
  }

  /** Whether both point at the same place, ignoring credentials and a trailing slash. */
  equals(other: IndexUrl): boolean {
    return this.bareHref() === other.bareHref();
  }

  /** The redacted URL. */
  toString(): string {
    return redactUrl(this.#url);
  }

  /** Serialises redacted, so credentials cannot leak through `JSON.stringify`. */
  toJSON(): string {
    return this.toString();
  }
}
