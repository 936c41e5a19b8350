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
  if (!text.includes("&")) return text;
  return text.replace(
    /&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});/g,
    (all, ref: string) => {
      if (ref.startsWith("#")) {
        const code =
          ref[1] === "x" || ref[1] === "X"
            ? Number.parseInt(ref.slice(2), 16)
            : Number.parseInt(ref.slice(1), 10);
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
        return String.fromCodePoint(code);
      }
      return NAMED[ref] ?? all;
    },
  );
}
