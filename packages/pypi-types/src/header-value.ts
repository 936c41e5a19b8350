import { isRustWhitespace, trimStartRust } from "./text.ts";

// How a raw (possibly folded) header value becomes the string a reader sees, the way uv's mail
// parser does it: each line loses its leading whitespace, lines join with one space, and RFC 2047
// encoded words (`=?utf-8?q?...?=`) are decoded, dropping whitespace between adjacent ones.

type Token =
  | { kind: "text"; text: string }
  | { kind: "space"; text: string }
  | { kind: "newline"; text: string | undefined }
  | { kind: "word"; text: string };

/** Unfolds and decodes a raw header value. */
export function unfoldHeaderValue(raw: string): string {
  // One line without encoded words (nearly every header): only its leading whitespace goes.
  if (!raw.includes("\n") && !raw.includes("=?")) {
    return trimStartRust(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
  }
  let out = "";
  for (const token of normalizeWhitespace(tokenize(raw))) {
    if (token.kind === "newline") out += token.text ?? "";
    else out += token.text;
  }
  return out;
}

function tokenize(raw: string): Token[] {
  const tokens: Token[] = [];
  const lines = splitLines(raw);
  lines.forEach((line, i) => {
    if (i > 0) tokens.push({ kind: "newline", text: undefined });
    tokens.push(...tokenizeLine(trimStartRust(line)));
  });
  return tokens;
}

/** Rust's `str::lines`: split on `\n`, drop one trailing `\r` per line, no final empty line. */
function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function textOrSpace(text: string): Token {
  return [...text].every(isRustWhitespace) ? { kind: "space", text } : { kind: "text", text };
}

function isBoundary(line: string, index: number): boolean {
  const ch = line[index];
  if (ch === undefined) return true;
  return isRustWhitespace(ch) || '"()<>,'.includes(ch);
}

function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  let search = 0;
  for (;;) {
    const start = line.indexOf("=?", search);
    if (start === -1) {
      tokens.push(textOrSpace(line.slice(search)));
      return tokens;
    }
    const begin = start + 2;
    if (start > 0 && !isBoundary(line, start - 1)) {
      tokens.push({ kind: "text", text: line.slice(search, begin) });
      search = begin;
      continue;
    }
    tokens.push(textOrSpace(line.slice(search, start)));
    let endSearch = begin;
    let end = -1;
    for (;;) {
      const candidate = line.indexOf("?=", endSearch);
      if (candidate === -1) break;
      if (!isBoundary(line, candidate + 2)) {
        endSearch = candidate + 2;
        continue;
      }
      end = candidate;
      break;
    }
    if (end === -1) {
      tokens.push({ kind: "text", text: "=?" });
      search = begin;
      continue;
    }
    const decoded = decodeEncodedWord(line.slice(begin, end));
    tokens.push(
      decoded === undefined
        ? { kind: "text", text: line.slice(start, end + 2) }
        : { kind: "word", text: decoded },
    );
    search = end + 2;
  }
}

// RFC 2047 6.2: whitespace between two encoded words (including a fold) is not part of the text.
function normalizeWhitespace(tokens: Token[]): Token[] {
  const result: Token[] = [];
  let saved: Token | undefined;
  for (const token of tokens) {
    switch (token.kind) {
      case "text":
        if (saved?.kind === "space" || (saved?.kind === "newline" && saved.text !== undefined)) {
          result.push(saved);
        }
        result.push(token);
        saved = undefined;
        break;
      case "space":
        if (saved?.kind === "word") {
          saved = token;
        } else {
          result.push(token);
          saved = undefined;
        }
        break;
      case "newline":
        if (saved?.kind === "space") {
          saved = { kind: "newline", text: `${saved.text} ` };
        } else if (saved?.kind === "word") {
          saved = { kind: "newline", text: " " };
        } else {
          result.push({ kind: "newline", text: " " });
          saved = undefined;
        }
        break;
      case "word":
        saved = { kind: "word", text: "" };
        result.push(token);
        break;
    }
  }
  return result;
}

/** Decodes the inside of `=?charset?encoding?text?=`, or `undefined` when it cannot be decoded. */
function decodeEncodedWord(encoded: string): string | undefined {
  const q1 = encoded.indexOf("?");
  if (q1 === -1) return undefined;
  const q2 = encoded.indexOf("?", q1 + 1);
  if (q2 === -1) return undefined;
  const charset = encoded.slice(0, q1);
  const coding = encoded.slice(q1 + 1, q2);
  const input = encoded.slice(q2 + 1);
  let bytes: Uint8Array;
  if (coding === "B" || coding === "b") {
    bytes = Buffer.from(input, "base64");
  } else if (coding === "Q" || coding === "q") {
    bytes = decodeQ(input.replaceAll("_", " "));
  } else {
    return undefined;
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset, { ignoreBOM: true });
  } catch {
    return undefined;
  }
  // The WHATWG "replacement" encoding decodes everything to U+FFFD; treat it as unknown.
  if (decoder.encoding === "replacement") return undefined;
  return decoder.decode(bytes);
}

/** Quoted-printable in its robust form: malformed `=` escapes pass through literally. */
function decodeQ(input: string): Uint8Array {
  const src = Buffer.from(input, "utf8");
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x3d) {
      const hex = String.fromCharCode(src[i + 1] ?? 0, src[i + 2] ?? 0);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(b);
  }
  return Uint8Array.from(out);
}
