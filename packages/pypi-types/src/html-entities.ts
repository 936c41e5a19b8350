// The named references that appear in Simple API pages; numeric references cover the rest.
const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  plus: "+",
  equals: "=",
  excl: "!",
  tilde: "~",
  comma: ",",
  period: ".",
  colon: ":",
  semi: ";",
  sol: "/",
  num: "#",
  percnt: "%",
  lowbar: "_",
  hyphen: "-",
  dash: "-",
  ast: "*",
  quest: "?",
  commat: "@",
  lpar: "(",
  rpar: ")",
  lsqb: "[",
  rsqb: "]",
  lbrack: "[",
  rbrack: "]",
  Hat: "^",
};

/**
 * Decodes HTML character references (`&gt;`, `&#43;`, `&#x2B;`). Unknown or unterminated
 * references are left as written, as browsers and uv's decoder do.
 */
export function decodeHtmlEntities(text: string): string {
  let amp = text.indexOf("&");
  if (amp === -1) return text;
  // Scanned by hand (this runs for most attributes of an index page): a reference is `&`, then
  // 1-7 decimal digits after `#`, 1-6 hex digits after `#x`, or a name of 1-32 ASCII letters and
  // digits starting with a letter, then `;`. Anything else stays as written.
  let out = "";
  let copied = 0;
  while (amp !== -1) {
    const end = referenceEnd(text, amp);
    if (end === -1) {
      amp = text.indexOf("&", amp + 1);
      continue;
    }
    const replacement = referenceValue(text.slice(amp + 1, end));
    if (replacement !== undefined) {
      out += text.slice(copied, amp) + replacement;
      copied = end + 1;
    }
    amp = text.indexOf("&", end + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiAlphanumeric(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c);
}

/** The index of the `;` closing a well-formed reference that starts at `amp`, or -1. */
function referenceEnd(text: string, amp: number): number {
  let i = amp + 1;
  let min: number;
  let max: number;
  let accepts: (c: number) => boolean;
  const first = text.charCodeAt(i);
  if (first === 35 /* # */) {
    i++;
    const x = text.charCodeAt(i);
    if (x === 120 || x === 88 /* x X */) {
      i++;
      min = 1;
      max = 6;
      accepts = isHexDigit;
    } else {
      min = 1;
      max = 7;
      accepts = isDigit;
    }
  } else if (isAsciiLetter(first)) {
    i++;
    min = 0;
    max = 31;
    accepts = isAsciiAlphanumeric;
  } else {
    return -1;
  }
  const start = i;
  while (i < text.length && i - start < max && accepts(text.charCodeAt(i))) i++;
  if (i - start < min || text.charCodeAt(i) !== 59 /* ; */) return -1;
  return i;
}

/** What a reference (between `&` and `;`) stands for, or `undefined` to keep it as written. */
function referenceValue(ref: string): string | undefined {
  if (ref.charCodeAt(0) === 35 /* # */) {
    const hex = ref[1] === "x" || ref[1] === "X";
    const code = hex ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
    return String.fromCodePoint(code);
  }
  return Object.hasOwn(NAMED, ref) ? NAMED[ref] : undefined;
}
