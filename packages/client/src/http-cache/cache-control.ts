/** The `Cache-Control` directives the HTTP cache acts on. */
export interface CacheControlDirectives {
  readonly maxAge?: number;
  readonly noCache: boolean;
  readonly noStore: boolean;
  readonly mustRevalidate: boolean;
  readonly immutable: boolean;
  readonly public: boolean;
  readonly private: boolean;
}

/** No directives at all: what most answers of a server without cache headers come to. */
const NO_DIRECTIVES: CacheControlDirectives = Object.freeze({
  noCache: false,
  noStore: false,
  mustRevalidate: false,
  immutable: false,
  public: false,
  private: false,
});

/** Parses one or more `Cache-Control` header values; unknown directives are ignored. */
export function parseCacheControl(value: string | undefined): CacheControlDirectives {
  // Asked several times per request, about responses that mostly carry no header at all.
  if (value === undefined || value === "") return NO_DIRECTIVES;
  const d: { -readonly [K in keyof CacheControlDirectives]: CacheControlDirectives[K] } = {
    ...NO_DIRECTIVES,
  };
  for (const part of (value ?? "").split(",")) {
    const [rawName = "", ...rest] = part.split("=");
    const name = rawName.trim().toLowerCase();
    const arg = rest
      .join("=")
      .trim()
      .replace(/^"(.*)"$/, "$1");
    switch (name) {
      case "max-age": {
        const n = /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
        // An unparsable max-age means "stale" (RFC 9111 §4.2.1), not "no max-age".
        d.maxAge = Number.isFinite(n) ? n : 0;
        break;
      }
      case "no-cache":
        d.noCache = true;
        break;
      case "no-store":
        d.noStore = true;
        break;
      case "must-revalidate":
        d.mustRevalidate = true;
        break;
      case "immutable":
        d.immutable = true;
        break;
      case "public":
        d.public = true;
        break;
      case "private":
        d.private = true;
        break;
    }
  }
  const { maxAge, ...flags } = d;
  return maxAge === undefined ? flags : { ...flags, maxAge };
}
