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
      path: path.startsWith("/") ? path.replace(/^\/+/, "") : path,
      hash: hash === "" ? undefined : hash,
      size: parsedSize,
    });
  }
  return entries;
}

function parseCsv(text: string): string[][] {
  // Without quotes (nearly every RECORD) rows and fields are plain splits; empty rows come
  // out as `[""]`, which the caller skips, as it does the slow path's.
  if (!text.includes('"')) return text.split(/\r\n|\r|\n/).map((line) => line.split(","));
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

/**
 * A string whose UTF-16 order is the UTF-8 byte order of `text`: the text itself when it is
 * ASCII (the usual case), else its UTF-8 bytes as Latin-1 code units.
 */
export function byteOrderKey(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, "utf8").toString("latin1");
}

/**
 * `entries` ordered as {@link compareRecordEntries} orders them, computing each entry's byte
 * order key once rather than at every comparison (a RECORD can list thousands of files).
 */
export function sortRecord(entries: readonly RecordEntry[]): RecordEntry[] {
  const keyed = entries.map((entry) => ({ entry, key: byteOrderKey(entry.path) }));
  keyed.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : compareRecordEntries(a.entry, b.entry),
  );
  return keyed.map((k) => k.entry);
}

/** One `RECORD` row as uv writes it, without the line end. */
export function recordRow(entry: RecordEntry): string {
  return `${csvField(entry.path)},${csvField(entry.hash ?? "")},${entry.size ?? ""}`;
}

/** Serialises entries already in order (see {@link sortRecord}) as uv writes `RECORD`. */
export function writeRecord(sorted: readonly RecordEntry[]): string {
  let text = "";
  for (const e of sorted) text += `${recordRow(e)}\n`;
  return text;
}

/** Serialises `RECORD` exactly as uv writes it: sorted, `\n`-terminated, quoted only when needed. */
export function formatRecord(entries: readonly RecordEntry[]): string {
  return writeRecord(sortRecord(entries));
}
