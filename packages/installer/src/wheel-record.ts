import { RecordError } from "./install-error.ts";
import { parseRecord, type RecordEntry } from "./record.ts";

/**
 * A character that can make a path's row sort differently from the path: anything up to `,`
 * (which ends the path in its row, and below which characters order before the end of a
 * shorter path; `,`, `"` and line ends also get the row quoted), or a surrogate (UTF-16 order
 * differs from UTF-8 byte order there).
 */
const UNSAFE_IN_PATH = /[\x00-\x2c\ud800-\udfff]/;

/**
 * The same for the text of a whole RECORD without quotes, whose `,` and line feeds separate
 * fields and rows (and are in no path).
 */
const UNSAFE_IN_TEXT = /[\x00-\x09\x0b-\x2b\ud800-\udfff]/;

/** Whether the row of `path` sorts among other such rows as `path` does among their paths. */
export function sortsAsRow(path: string): boolean {
  return !UNSAFE_IN_PATH.test(path);
}

const DIGITS = /^\d+$/;

/**
 * A wheel's own `RECORD`, indexed by path (without the leading `/` and `./` some wheels write),
 * the last row of a path winning. Rows already in the form uv writes (`path,hash,size`, nothing
 * to quote or normalise) are kept as their text, so that the installed RECORD reuses them
 * without parsing and serialising thousands of entries again; the rest are parsed entries.
 *
 * Rows are checked as {@link parseRecord} checks them, with the same errors.
 */
export class WheelRecord {
  readonly #rows = new Map<string, string | RecordEntry>();
  /** Every path sorts like its row (see {@link sortsAsRow}). */
  readonly rowsSortByPath: boolean;

  constructor(text: string) {
    if (text.includes('"')) {
      // Quoted fields: the general CSV reader.
      for (const entry of parseRecord(text)) this.#rows.set(stripDotSlash(entry.path), entry);
      this.rowsSortByPath = false;
      return;
    }
    this.rowsSortByPath = !UNSAFE_IN_TEXT.test(text);
    const lines = text.includes("\r") ? text.split(/\r\n|\r|\n/) : text.split("\n");
    for (const line of lines) {
      if (line === "") continue;
      const c1 = line.indexOf(",");
      const c2 = c1 === -1 ? -1 : line.indexOf(",", c1 + 1);
      if (c2 !== -1 && isCanonicalRow(line, c1, c2)) {
        // What the general path below makes of it, without taking the row apart.
        this.#rows.set(line.slice(0, c1), line);
        continue;
      }
      if (c2 !== -1 && line.indexOf(",", c2 + 1) !== -1) {
        throw new RecordError(
          `found record with ${line.split(",").length} fields, but expected at most 3`,
        );
      }
      const raw = c1 === -1 ? line : line.slice(0, c1);
      const hash = c1 === -1 ? "" : c2 === -1 ? line.slice(c1 + 1) : line.slice(c1 + 1, c2);
      const size = c2 === -1 ? "" : line.slice(c2 + 1);
      if (size !== "" && !DIGITS.test(size)) {
        throw new RecordError(`invalid size \`${size}\` for \`${raw}\``);
      }
      const path = raw.startsWith("/") ? raw.replace(/^\/+/, "") : raw;
      const key = stripDotSlash(path);
      const canonical =
        key === raw &&
        hash !== "" &&
        size !== "" &&
        (size.length === 1 || (size[0] !== "0" && size.length < 16));
      this.#rows.set(
        key,
        canonical
          ? line
          : {
              path,
              hash: hash === "" ? undefined : hash,
              size: size === "" ? undefined : Number(size),
            },
      );
    }
  }

  /** The row of `path` as uv would write it for that same path, when it is kept as text. */
  row(path: string): string | undefined {
    const row = this.#rows.get(path);
    return typeof row === "string" ? row : undefined;
  }

  /** The entry of `path`, if listed. */
  entry(path: string): RecordEntry | undefined {
    const row = this.#rows.get(path);
    if (typeof row !== "string") return row;
    const c1 = row.indexOf(",");
    const c2 = row.indexOf(",", c1 + 1);
    return { path, hash: row.slice(c1 + 1, c2), size: Number(row.slice(c2 + 1)) };
  }
}

/**
 * Whether `line` (commas at `c1` and `c2`) is `path,hash,size` in uv's form, its path needing no
 * normalisation: a path without leading `/` or `./`, a hash, a size of plain digits without
 * leading zeros (and short enough to be exact), no fourth field.
 */
function isCanonicalRow(line: string, c1: number, c2: number): boolean {
  const sizeStart = c2 + 1;
  const sizeLength = line.length - sizeStart;
  if (c1 === 0 || c2 === c1 + 1 || sizeLength === 0 || sizeLength >= 16) return false;
  const first = line.charCodeAt(0);
  if (first === 0x2f || (first === 0x2e && line.charCodeAt(1) === 0x2f)) return false;
  if (sizeLength > 1 && line.charCodeAt(sizeStart) === 0x30) return false;
  for (let i = sizeStart; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function stripDotSlash(path: string): string {
  return path.startsWith("./") ? path.replace(/^(\.\/)+/, "") : path;
}
