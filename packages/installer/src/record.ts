import { createHash } from "node:crypto";
import { RecordError } from "./install-error.ts";

/** One `RECORD` line: a path relative to site-packages, its `sha256=` digest and its size. */
export interface RecordEntry {
  readonly path: string;
  /** `sha256=<urlsafe base64, no padding>`, absent for `RECORD` itself and healed entries. */
  readonly hash?: string | undefined;
  readonly size?: number | undefined;
}

/** The `RECORD` form of a digest: `sha256=<urlsafe base64 without padding>`. */
export function recordHash(bytes: Uint8Array): string {
  return `sha256=${createHash("sha256").update(bytes).digest("base64url")}`;
}

/**
 * Parses `RECORD` (CSV, `"` quoting). Leading `/` are stripped from paths as uv does (some
 * wheels record absolute-looking paths). Rows with fewer than three fields are read with the
 * missing fields empty, which is more lenient than uv's strict CSV reader.
 */
export function parseRecord(text: string): RecordEntry[] {
  const entries: RecordEntry[] = [];
  for (const row of parseCsv(text)) {
    if (row.length === 1 && row[0] === "") continue;
    if (row.length > 3) {
      throw new RecordError(`found record with ${row.length} fields, but expected at most 3`);
    }
    const [path = "", hash = "", size = ""] = row;
    let parsedSize: number | undefined;
    if (size !== "") {
      if (!/^\d+$/.test(size)) throw new RecordError(`invalid size \`${size}\` for \`${path}\``);
      parsedSize = Number(size);
    }
    entries.push({
      path: path.replace(/^\/+/, ""),
      hash: hash === "" ? undefined : hash,
      size: parsedSize,
    });
  }
  return entries;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
      fieldStarted = false;
    } else if (c === "\n" || c === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStarted = false;
      if (c === "\r" && text[i + 1] === "\n") i++;
    } else {
      field += c;
      fieldStarted = true;
    }
    i++;
  }
  if (quoted) throw new RecordError("unterminated quoted field");
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Orders entries as uv's `RECORD` writer does: by path bytes, then hash, then size. */
export function compareRecordEntries(a: RecordEntry, b: RecordEntry): number {
  const byPath = Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
  if (byPath !== 0) return byPath;
  // `None` sorts before `Some` in Rust.
  if (a.hash !== b.hash) {
    if (a.hash === undefined) return -1;
    if (b.hash === undefined) return 1;
    return Buffer.compare(Buffer.from(a.hash), Buffer.from(b.hash));
  }
  if (a.size === b.size) return 0;
  if (a.size === undefined) return -1;
  if (b.size === undefined) return 1;
  return a.size - b.size;
}

/** Serialises `RECORD` exactly as uv writes it: sorted, `\n`-terminated, quoted only when needed. */
export function formatRecord(entries: readonly RecordEntry[]): string {
  return [...entries]
    .sort(compareRecordEntries)
    .map((e) => `${csvField(e.path)},${csvField(e.hash ?? "")},${e.size ?? ""}\n`)
    .join("");
}
