// Most Simple API pages link their files with absolute `https://` URLs that the URL parser would
// give back unchanged. Recognising those with a regular expression spares a `new URL()` per
// file, which was most of the cost of reading a big page for the first time.

/**
 * A lowercase `http`/`https` scheme; a host of lowercase ASCII labels whose last one starts with
 * a letter (so never an IPv4 address), without user or port; then a path of the characters the
 * parser keeps in a special URL's path (printable ASCII but `"#<>?\`{}` and `\`), so no query or
 * fragment either.
 */
const CANONICAL_SHAPE =
  /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\/[!$%&'()*+,\-./0-9:;=@A-Z[\]^_a-z|~]*$/;

/**
 * What the shape lets through that the parser would still rewrite: `.` and `..` segments (`%2e`
 * counts as a dot there), and `xn--` labels, which it checks as punycode. Matched anywhere, so a
 * path that merely contains them is parsed too.
 */
const REWRITTEN = /\/\.\.?(?:\/|$)|%2e|[/.]xn--/i;

/**
 * Whether `href` is an `http:`/`https:` URL that `new URL(href).href` returns unchanged, judged
 * conservatively: `false` only means "not known", and the caller parses the URL then.
 */
export function isCanonicalHttpUrl(href: string): boolean {
  return CANONICAL_SHAPE.test(href) && !mayBeRewritten(href);
}

/**
 * `REWRITTEN.test(href)`, which only matches around a `/.`, a `%` or a `n--` (any case): three
 * literal searches rule most URLs out faster than the expression, whose alternatives start with
 * characters a URL is full of.
 */
function mayBeRewritten(href: string): boolean {
  if (
    href.indexOf("/.") === -1 &&
    href.indexOf("%") === -1 &&
    href.indexOf("n--") === -1 &&
    href.indexOf("N--") === -1
  ) {
    return false;
  }
  return REWRITTEN.test(href);
}
