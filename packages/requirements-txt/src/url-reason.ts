/**
 * The reason Rust's `url` crate gives for a string it rejects, as far as the WHATWG parser's
 * failure can be told apart: uv shows it as the cause of an invalid `--index-url`.
 */
export function invalidUrlReason(text: string): string {
  const trimmed = text.trim();
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)) return "relative URL without a base";
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/*([^/?#]*)/.exec(trimmed)?.[1] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    const port = close === -1 ? "" : hostPort.slice(close + 1);
    return close === -1 || port === "" || /^:\d{0,5}$/.test(port)
      ? "invalid IPv6 address"
      : "invalid port number";
  }
  const colon = hostPort.lastIndexOf(":");
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const port = colon === -1 ? "" : hostPort.slice(colon + 1);
  if (!/^\d*$/.test(port) || (port !== "" && Number(port) > 65535)) return "invalid port number";
  if (host === "") return "empty host";
  return "invalid international domain name";
}
