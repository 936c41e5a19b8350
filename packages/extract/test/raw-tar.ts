/**
 * A raw tar writer for tests: headers are written field by field, so checksums, magic, prefix,
 * sizes and extension headers can be set to anything, including lies.
 */
export interface TarEntry {
  name: string;
  /** Tar type flag, default `0`. */
  type?: string;
  data?: Buffer | string;
  linkName?: string;
  mode?: number;
  /** Size written in the header (default: the data length). */
  size?: number;
  prefix?: string;
  magic?: "ustar" | "gnu" | "v7";
  checksum?: number;
  /** Bytes written at absolute header offsets after everything else (before the checksum). */
  patch?: [number, Buffer][];
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** One header block plus its data, padded to 512. */
export function tarEntry(entry: TarEntry): Buffer {
  const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? "");
  const header = Buffer.alloc(512);
  header.write(entry.name, 0, 100, "utf8");
  header.write(octal(entry.mode ?? 0o644, 8), 100, "latin1");
  header.write(octal(0, 8), 108, "latin1");
  header.write(octal(0, 8), 116, "latin1");
  header.write(octal(entry.size ?? data.length, 12), 124, "latin1");
  header.write(octal(0, 12), 136, "latin1");
  header.write(entry.type ?? "0", 156, "latin1");
  header.write(entry.linkName ?? "", 157, 100, "utf8");
  const magic = entry.magic ?? "ustar";
  if (magic === "ustar") header.write("ustar\x0000", 257, "latin1");
  if (magic === "gnu") header.write("ustar  \x00", 257, "latin1");
  if (entry.prefix !== undefined) header.write(entry.prefix, 345, 155, "utf8");
  for (const [offset, bytes] of entry.patch ?? []) bytes.copy(header, offset);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(entry.checksum ?? sum, 7), 148, "latin1");
  header[155] = 0x20;
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([header, data, Buffer.alloc(pad)]);
}

/** PAX extended-header data for `records`. */
export function paxData(records: [string, string][]): Buffer {
  return Buffer.concat(
    records.map(([key, value]) => {
      const body = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(body) + 1;
      while (String(length).length + Buffer.byteLength(body) !== length) {
        length = String(length).length + Buffer.byteLength(body);
      }
      return Buffer.from(`${length}${body}`);
    }),
  );
}

/** A whole archive: the entries, then two zero blocks (unless `end: false`), then `trailing`. */
export function buildTar(
  entries: TarEntry[],
  options: { end?: boolean; trailing?: Buffer } = {},
): Buffer {
  return Buffer.concat([
    ...entries.map(tarEntry),
    options.end === false ? Buffer.alloc(0) : Buffer.alloc(1024),
    options.trailing ?? Buffer.alloc(0),
  ]);
}
