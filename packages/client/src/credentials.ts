import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { type Netrc, netrcLookup, parseNetrc } from "./netrc.ts";

/** A username and password for HTTP Basic authentication. */
export interface Credentials {
  readonly username: string;
  readonly password: string | undefined;
}

/** Where to find credentials besides the URLs themselves. */
export interface CredentialStoreOptions {
  /** The `.netrc` file; `null` disables netrc. Default: `NETRC`, else `~/.netrc`. */
  readonly netrcPath?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** URLs (usually the index URLs) whose embedded credentials apply to their whole realm. */
  readonly seedUrls?: readonly URL[];
}

/** Scheme, host and port: credentials apply per realm, as in uv. */
export function realmOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function fromUrl(url: URL): Credentials | undefined {
  if (url.username === "" && url.password === "") return undefined;
  return {
    username: decode(url.username),
    password: url.password === "" ? undefined : decode(url.password),
  };
}

/** The `Authorization` header value for Basic authentication. */
export function basicAuthorization(credentials: Credentials): string {
  const raw = `${credentials.username}:${credentials.password ?? ""}`;
  return `Basic ${Buffer.from(raw, "utf8").toString("base64")}`;
}

/**
 * Finds the credentials for a request, in uv's order: the URL's own userinfo, then credentials
 * seen earlier for the same realm (for example on the index URL, applying to its files), then
 * `.netrc`. A URL with only a username takes its password from `.netrc`. Lives for one client.
 */
export class CredentialStore {
  readonly #byRealm = new Map<string, Credentials>();
  readonly #netrcPath: string | undefined;
  #netrc: Promise<Netrc | undefined> | undefined;

  constructor(options: CredentialStoreOptions = {}) {
    const env = options.env ?? process.env;
    if (options.netrcPath === null) this.#netrcPath = undefined;
    else
      this.#netrcPath =
        options.netrcPath ??
        (env.NETRC !== undefined && env.NETRC !== ""
          ? env.NETRC
          : join(env.HOME ?? homedir(), ".netrc"));
    for (const url of options.seedUrls ?? []) {
      const credentials = fromUrl(url);
      if (credentials?.password !== undefined) this.#byRealm.set(realmOf(url), credentials);
    }
  }

  #loadNetrc(): Promise<Netrc | undefined> {
    if (this.#netrcPath === undefined) return Promise.resolve(undefined);
    const path = this.#netrcPath;
    this.#netrc ??= readFile(path, "utf8").then(
      (text) => parseNetrc(text),
      () => undefined,
    );
    return this.#netrc;
  }

  /** The credentials to send to `url`, if any are known. */
  async credentialsFor(url: URL): Promise<Credentials | undefined> {
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    const own = fromUrl(url);
    if (own?.password !== undefined) {
      this.#byRealm.set(realmOf(url), own);
      return own;
    }
    const cached = this.#byRealm.get(realmOf(url));
    if (cached !== undefined && (own === undefined || own.username === cached.username)) {
      return cached;
    }
    const netrc = await this.#loadNetrc();
    const entry = netrc === undefined ? undefined : netrcLookup(netrc, url.hostname);
    if (entry?.password !== undefined) {
      if (own === undefined || entry.login === undefined || entry.login === own.username) {
        return { username: own?.username ?? entry.login ?? "", password: entry.password };
      }
    }
    return own;
  }
}
