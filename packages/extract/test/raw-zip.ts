import { crc32, deflateRawSync } from "node:zlib";

/**
 * A deliberately low-level ZIP writer for tests: every field of the local header, central
 * directory, data descriptor and end records can be set independently, so each can be corrupted
 * on its own.
 */
export interface RawEntry {
  name: string;
  data?: Buffer | string;
  /** 0 (stored) or 8 (deflate, the default). */
  method?: number;
  /** Name bytes written to the local header / central directory (default: `name`). */
  localName?: string;
  centralName?: string;
  /** Raw name bytes, overriding both names (for non-UTF-8 tests). */
  nameBytes?: Buffer;
  utf8Flag?: boolean;
  extraFlags?: number;
  localFlags?: number;
  localMethod?: number;
  crc?: number;
  localCrc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  localCompressedSize?: number;
  localUncompressedSize?: number;
  /** Replaces the compressed bytes entirely. */
  compressedData?: Buffer;
  /** Writes bit 3 and a descriptor after the data (local sizes and CRC become 0). */
  dataDescriptor?: boolean;
  /** Set bit 3 but write no descriptor. */
  omitDescriptor?: boolean;
  /** Write a descriptor although bit 3 is not set. */
  strayDescriptor?: boolean;
  descriptorSignature?: boolean;
  descriptorCrc?: number;
  /** Unix mode in the external attributes (also marks "made by Unix"). */
  unixMode?: number;
  localExtra?: Buffer;
  centralExtra?: Buffer;
  /** Use ZIP64 extra fields (with 0xffffffff sentinels) for this entry. */
  zip64?: boolean;
  omitFromCentral?: boolean;
  /** Central record points at this offset instead of the real local header. */
  offsetOverride?: number;
  /** Bytes written after this entry's data (and descriptor). */
  after?: Buffer;
}

export interface RawZipOptions {
  eocdEntries?: number;
  comment?: Buffer | string;
  trailing?: Buffer;
  prefix?: Buffer;
  /** Write ZIP64 end records. */
  zip64End?: boolean;
  /** Append extensible data to the ZIP64 end record. */
  zip64Extensible?: Buffer;
  /** Adds to the central directory size written in the end record. */
  cdSizeDelta?: number;
  /** The central records in this order of entry indexes (default: file order). */
  centralOrder?: number[];
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}
function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}
function u64(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
}

/** Builds the archive described by `entries` and `options`. */
export function buildZip(entries: RawEntry[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (options.prefix) push(options.prefix);
  const central: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? "");
    const method = e.method ?? 8;
    const compressed = e.compressedData ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = e.crc ?? crc32(data);
    const csize = e.compressedSize ?? compressed.length;
    const usize = e.uncompressedSize ?? data.length;
    const utf8 = e.utf8Flag ?? /[^\x00-\x7f]/.test(e.name);
    const dd = e.dataDescriptor === true || e.omitDescriptor === true;
    const flags = (utf8 ? 0x800 : 0) | (dd ? 0x8 : 0) | (e.extraFlags ?? 0);
    const localNameBytes = e.nameBytes ?? Buffer.from(e.localName ?? e.name);
    const centralNameBytes = e.nameBytes ?? Buffer.from(e.centralName ?? e.name);
    const localOffset = offset;
    const localCrc = e.localCrc ?? (dd ? 0 : crc);
    let localCsize = e.localCompressedSize ?? (dd ? 0 : csize);
    let localUsize = e.localUncompressedSize ?? (dd ? 0 : usize);
    let localExtra = e.localExtra ?? Buffer.alloc(0);
    if (e.zip64) {
      localExtra = Buffer.concat([u16(1), u16(16), u64(localUsize), u64(localCsize), localExtra]);
      localCsize = 0xffffffff;
      localUsize = 0xffffffff;
    }
    push(
      Buffer.concat([
        u32(0x04034b50),
        u16(20),
        u16(e.localFlags ?? flags),
        u16(e.localMethod ?? method),
        u16(0),
        u16(0x21),
        u32(localCrc),
        u32(localCsize),
        u32(localUsize),
        u16(localNameBytes.length),
        u16(localExtra.length),
        localNameBytes,
        localExtra,
      ]),
    );
    push(compressed);
    if (e.dataDescriptor || e.strayDescriptor) {
      const sig = e.descriptorSignature ?? true;
      const body = e.zip64
        ? Buffer.concat([u32(e.descriptorCrc ?? crc), u64(csize), u64(usize)])
        : Buffer.concat([u32(e.descriptorCrc ?? crc), u32(csize), u32(usize)]);
      push(sig ? Buffer.concat([u32(0x08074b50), body]) : body);
    }
    if (e.after) push(e.after);
    if (e.omitFromCentral) continue;
    let cCsize = csize;
    let cUsize = usize;
    let cOffset = e.offsetOverride ?? localOffset;
    let centralExtra = e.centralExtra ?? Buffer.alloc(0);
    if (e.zip64) {
      centralExtra = Buffer.concat([
        u16(1),
        u16(24),
        u64(cUsize),
        u64(cCsize),
        u64(cOffset),
        centralExtra,
      ]);
      cCsize = 0xffffffff;
      cUsize = 0xffffffff;
      cOffset = 0xffffffff;
    }
    const madeBy = e.unixMode === undefined ? 20 : (3 << 8) | 20;
    const external = e.unixMode === undefined ? 0 : (e.unixMode << 16) >>> 0;
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(madeBy),
        u16(20),
        u16(flags),
        u16(method),
        u16(0),
        u16(0x21),
        u32(crc),
        u32(cCsize),
        u32(cUsize),
        u16(centralNameBytes.length),
        u16(centralExtra.length),
        u16(0),
        u16(0),
        u16(0),
        u32(external),
        u32(cOffset),
        centralNameBytes,
        centralExtra,
      ]),
    );
  }
  const cdOffset = offset;
  const cd = Buffer.concat(
    options.centralOrder === undefined
      ? central
      : options.centralOrder.map((i) => central[i] as Buffer),
  );
  push(cd);
  const count = options.eocdEntries ?? central.length;
  const cdSize = cd.length + (options.cdSizeDelta ?? 0);
  if (options.zip64End) {
    const extensible = options.zip64Extensible ?? Buffer.alloc(0);
    const recordOffset = offset;
    push(
      Buffer.concat([
        u32(0x06064b50),
        u64(44 + extensible.length),
        u16(45),
        u16(45),
        u32(0),
        u32(0),
        u64(count),
        u64(count),
        u64(cdSize),
        u64(cdOffset),
        extensible,
      ]),
    );
    push(Buffer.concat([u32(0x07064b50), u32(0), u64(recordOffset), u32(1)]));
  }
  const comment = Buffer.isBuffer(options.comment)
    ? options.comment
    : Buffer.from(options.comment ?? "");
  push(
    Buffer.concat([
      u32(0x06054b50),
      u16(0),
      u16(0),
      u16(options.zip64End ? 0xffff : count),
      u16(options.zip64End ? 0xffff : count),
      u32(options.zip64End ? 0xffffffff : cdSize),
      u32(options.zip64End ? 0xffffffff : cdOffset),
      u16(comment.length),
      comment,
    ]),
  );
  if (options.trailing) push(options.trailing);
  return Buffer.concat(parts);
}
