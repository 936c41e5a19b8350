// Most Simple API pages link their files with absolute `https://` URLs that the URL parser would
// give back unchanged. Recognising those with one scan spares a `new URL()` per file, which is
// most of the cost of reading a big page for the first time.

function isLowerAlpha(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Whether a path code unit is one the URL parser keeps as it is in a special URL's path: not a
 * control, space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`, `\` or anything beyond ASCII.
 */
function isKeptPathChar(c: number): boolean {
  if (c <= 0x20 || c >= 0x7f) return false;
  return (
    c !== 0x22 &&
    c !== 0x23 &&
    c !== 0x3c &&
    c !== 0x3e &&
    c !== 0x3f &&
    c !== 0x60 &&
    c !== 0x7b &&
    c !== 0x7d &&
    c !== 0x5c
  );
}

/**
 * Whether `href` is an `http:`/`https:` URL that `new URL(href).href` returns unchanged, judged
 * conservatively: a lowercase scheme, a host of lowercase ASCII labels (the last one starting with
 * a letter, so never an IPv4 address; no `xn--` label) and no port, user, query or fragment, and
 * a path of characters the parser keeps, with no `.`/`..` segment (or `%2e` anywhere). `false`
 * only means "not known": the caller parses the URL then.
 */
export function isCanonicalHttpUrl(href: string): boolean {
  let i: number;
  if (href.startsWith("https://")) i = 8;
  else if (href.startsWith("http://")) i = 7;
  else return false;
  const n = href.length;
  // The host: labels of [a-z0-9-], separated by single dots.
  const hostStart = i;
  let labelStart = i;
  for (; i < n; i++) {
    const c = href.charCodeAt(i);
    if (c === 0x2f /* / */) break;
    if (c === 0x2e /* . */) {
      if (i === labelStart) return false;
      labelStart = i + 1;
      continue;
    }
    if (!isLowerAlpha(c) && !isDigit(c) && c !== 0x2d /* - */) return false;
    if (i === labelStart && href.startsWith("xn--", i)) return false;
  }
  if (i === hostStart || i === n || labelStart >= i) return false;
  if (!isLowerAlpha(href.charCodeAt(labelStart))) return false;
  // The path, from its first `/`.
  for (let j = i; j < n; j++) {
    const c = href.charCodeAt(j);
    if (!isKeptPathChar(c)) return false;
    // `%2e` (`%2E`) counts as a dot for the dot-segment rules.
    if (
      c === 0x25 /* % */ &&
      href.charCodeAt(j + 1) === 0x32 /* 2 */ &&
      (href.charCodeAt(j + 2) | 0x20) === 0x65 /* e */
    ) {
      return false;
    }
    if (c === 0x2f && href.charCodeAt(j + 1) === 0x2e /* . */) {
      const next = j + 2 < n ? href.charCodeAt(j + 2) : -1;
      if (next === -1 || next === 0x2f) return false;
      if (next === 0x2e) {
        const after = j + 3 < n ? href.charCodeAt(j + 3) : -1;
        if (after === -1 || after === 0x2f) return false;
      }
    }
  }
  return true;
}
