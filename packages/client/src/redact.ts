const SENSITIVE_QUERY_PARAMETERS = ["x-amz-credential", "x-amz-security-token", "x-amz-signature"];

function isSshGitUser(url: URL): boolean {
  return (
    ["ssh:", "git+ssh:", "git+https:"].includes(url.protocol) &&
    url.username === "git" &&
    url.password === ""
  );
}

function redactQuery(search: string): string {
  if (search === "") return "";
  let changed = false;
  const parts = search
    .slice(1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replaceAll("+", " "));
      } catch {
        // A malformed escape is compared as written.
      }
      if (!SENSITIVE_QUERY_PARAMETERS.includes(key.toLowerCase())) return pair;
      changed = true;
      return `${key}=****`;
    });
  return changed ? `?${parts.join("&")}` : search;
}

/**
 * The URL as uv displays it: `user:pass@` becomes `user:****@`, `user@` becomes `****@`,
 * `:pass@` becomes `:****@` (`git@` on SSH URLs is kept), and pre-signed S3 query values are
 * masked. Text that is not a URL has anything that looks like userinfo masked instead.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return redactText(String(url));
  }
  let userinfo = "";
  if (parsed.username !== "" && parsed.password !== "") userinfo = `${parsed.username}:****@`;
  else if (parsed.username !== "" && isSshGitUser(parsed)) userinfo = `${parsed.username}@`;
  else if (parsed.username !== "") userinfo = "****@";
  else if (parsed.password !== "") userinfo = ":****@";
  const authority =
    parsed.host === "" && parsed.protocol !== "file:" ? "" : `//${userinfo}${parsed.host}`;
  return `${parsed.protocol}${authority}${parsed.pathname}${redactQuery(parsed.search)}${parsed.hash}`;
}

/** Masks userinfo in every `scheme://user:pass@` that appears in free text (error causes, logs). */
export function redactText(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/gi,
    (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(":");
      if (colon === -1) return `${scheme}${userinfo === "git" ? "git" : "****"}@`;
      return `${scheme}${userinfo.slice(0, colon)}:****@`;
    },
  );
}

/** A copy of `url` without username and password, for sending and for cache keys. */
export function stripCredentials(url: string | URL): URL {
  const copy = new URL(url.toString());
  // Each setter re-serialises the whole URL; most URLs have nothing to strip.
  if (copy.username !== "") copy.username = "";
  if (copy.password !== "") copy.password = "";
  return copy;
}

/**
 * `stripCredentials(url).href`, without parsing a URL again when there are no credentials to
 * strip (cache keys and policies ask for it several times per request).
 */
export function credentialFreeHref(url: string | URL): string {
  if (typeof url !== "string" && url.username === "" && url.password === "") return url.href;
  return stripCredentials(url).href;
}
