// Shared by the reliability tests: a raw ZIP writer whose local headers and central directory can
// disagree, malicious wheels built with it, and the invariant checks every test ends with.
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import type { IndexFile, TestContext } from "@uv-ts/test-kit";

/** One ZIP member; every field the tests corrupt can be set on its own. */
export interface ZipMember {
  readonly name: string;
  readonly data?: Buffer | string;
  /** 0 (stored) or 8 (deflate, the default). */
  readonly method?: 0 | 8;
  /** The name in the local header, when it should differ from the central directory's. */
  readonly localName?: string;
  /** A CRC-32 to write (both headers) instead of the real one. */
  readonly crc?: number;
  /** Declared uncompressed size (both headers), written as a ZIP64 extra field. */
  readonly zip64UncompressedSize?: number;
  /** Unix mode (external attributes); `0o100755` marks an executable file. */
  readonly unixMode?: number;
}

/** Archive-level options of {@link rawZip}. */
export interface RawZipOptions {
  /** Write ZIP64 end records (needed for more than 65535 members). */
  readonly zip64End?: boolean;
}

const u16 = (value: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
};
const u32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
};
const u64 = (value: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
};

/** Writes `members` as a ZIP archive, exactly as described (no validation, no deduplication). */
export function rawZip(members: readonly ZipMember[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  for (const m of members) {
    const data = typeof m.data === "string" ? Buffer.from(m.data) : (m.data ?? Buffer.alloc(0));
    const method = m.method ?? 8;
    const compressed = method === 8 ? deflateRawSync(data) : data;
    const crc = m.crc ?? crc32(data);
    const utf8 = /[^\x00-\x7f]/.test(m.name) ? 0x800 : 0;
    const zip64 = m.zip64UncompressedSize !== undefined;
    const usize = m.zip64UncompressedSize ?? data.length;
    const extra = zip64
      ? Buffer.concat([u16(1), u16(16), u64(usize), u64(compressed.length)])
      : Buffer.alloc(0);
    const localName = Buffer.from(m.localName ?? m.name);
    const centralName = Buffer.from(m.name);
    const localOffset = offset;
    push(
      Buffer.concat([
        u32(0x04034b50),
        u16(zip64 ? 45 : 20),
        u16(utf8),
        u16(method),
        u16(0),
        u16(0x21),
        u32(crc),
        u32(zip64 ? 0xffffffff : compressed.length),
        u32(zip64 ? 0xffffffff : usize),
        u16(localName.length),
        u16(extra.length),
        localName,
        extra,
      ]),
    );
    push(compressed);
    const centralExtra = zip64
      ? Buffer.concat([u16(1), u16(16), u64(usize), u64(compressed.length)])
      : Buffer.alloc(0);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(m.unixMode === undefined ? 20 : (3 << 8) | 20),
        u16(zip64 ? 45 : 20),
        u16(utf8),
        u16(method),
        u16(0),
        u16(0x21),
        u32(crc),
        u32(zip64 ? 0xffffffff : compressed.length),
        u32(zip64 ? 0xffffffff : usize),
        u16(centralName.length),
        u16(centralExtra.length),
        u16(0),
        u16(0),
        u16(0),
        u32(m.unixMode === undefined ? 0 : (m.unixMode << 16) >>> 0),
        u32(localOffset),
        centralName,
        centralExtra,
      ]),
    );
  }
  const cdOffset = offset;
  const cd = Buffer.concat(central);
  push(cd);
  const count = central.length;
  if (options.zip64End === true) {
    const recordOffset = offset;
    push(
      Buffer.concat([
        u32(0x06064b50),
        u64(44),
        u16(45),
        u16(45),
        u32(0),
        u32(0),
        u64(count),
        u64(count),
        u64(cd.length),
        u64(cdOffset),
      ]),
    );
    push(Buffer.concat([u32(0x07064b50), u32(0), u64(recordOffset), u32(1)]));
  }
  const big = options.zip64End === true;
  push(
    Buffer.concat([
      u32(0x06054b50),
      u16(0),
      u16(0),
      u16(big ? 0xffff : count),
      u16(big ? 0xffff : count),
      u32(big ? 0xffffffff : cd.length),
      u32(big ? 0xffffffff : cdOffset),
      u16(0),
    ]),
  );
  return Buffer.concat(parts);
}

/** The RECORD hash of `data`: `sha256=<urlsafe base64, no padding>`. */
function recordHash(data: Buffer | string): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

/** A hand-made wheel for the index: well-formed unless a field below says otherwise. */
export interface CraftedWheel {
  /** Project name; the file name uses its escaped form. */
  readonly name: string;
  readonly version: string;
  /** The version in the file name (and on the index), when METADATA should disagree (B5). */
  readonly filenameVersion?: string;
  /** Payload members (path → text); default one `<name>/__init__.py`. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra `.dist-info/` files (`entry_points.txt`). */
  readonly distInfo?: Readonly<Record<string, string>>;
  /** `.data/` members (`scripts/python` → text). */
  readonly data?: Readonly<Record<string, string>>;
  /** Lines appended to the computed RECORD (`../../victim,,`). */
  readonly extraRecord?: readonly string[];
  /** Payload paths left out of RECORD. */
  readonly unrecorded?: readonly string[];
  /** Rewrites the member list just before it is written (corruptions the fields above lack). */
  readonly tamper?: (members: ZipMember[]) => ZipMember[];
  readonly zip?: RawZipOptions;
}

/** `<name>-<version>` as wheel file names and `.dist-info` directories spell it. */
export function distPrefix(name: string, version: string): string {
  return `${name.replace(/[-_.]+/g, "_").toLowerCase()}-${version}`;
}

/**
 * Builds `wheel` into the file the index serves. The index advertises (and serves as PEP 658
 * metadata) the file name's version, so resolution succeeds and the wheel itself is what fails.
 */
export function craftWheel(wheel: CraftedWheel): IndexFile {
  const module = wheel.name.replace(/[-.]+/g, "_").toLowerCase();
  const indexVersion = wheel.filenameVersion ?? wheel.version;
  const prefix = distPrefix(wheel.name, wheel.version);
  const distInfo = `${prefix}.dist-info`;
  const metadataOf = (version: string) =>
    `Metadata-Version: 2.3\nName: ${wheel.name}\nVersion: ${version}\n\n`;
  const payload: [string, string][] = Object.entries(
    wheel.files ?? { [`${module}/__init__.py`]: `__version__ = "${wheel.version}"\n` },
  );
  for (const [key, text] of Object.entries(wheel.data ?? {})) {
    payload.push([`${prefix}.data/${key}`, text]);
  }
  payload.push([`${distInfo}/METADATA`, metadataOf(wheel.version)]);
  payload.push([
    `${distInfo}/WHEEL`,
    "Wheel-Version: 1.0\nGenerator: uv-ts-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  ]);
  for (const [file, text] of Object.entries(wheel.distInfo ?? {})) {
    payload.push([`${distInfo}/${file}`, text]);
  }
  const skip = new Set(wheel.unrecorded ?? []);
  const record = [
    ...payload
      .filter(([path]) => !skip.has(path))
      .map(([path, text]) => `${path},${recordHash(text)},${Buffer.byteLength(text)}`),
    ...(wheel.extraRecord ?? []),
    `${distInfo}/RECORD,,`,
  ].join("\n");
  let members: ZipMember[] = [
    ...payload.map(([name, data]) => ({
      name,
      data,
      ...(name.includes(".data/scripts/") ? { unixMode: 0o100755 } : {}),
    })),
    { name: `${distInfo}/RECORD`, data: `${record}\n` },
  ];
  if (wheel.tamper !== undefined) members = wheel.tamper(members);
  const bytes = rawZip(members, wheel.zip);
  const filename = `${distPrefix(wheel.name, indexVersion)}-py3-none-any.whl`;
  return {
    kind: "wheel",
    filename,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    metadata: metadataOf(indexVersion),
    project: wheel.name.replace(/[-_.]+/g, "-").toLowerCase(),
    projectName: wheel.name,
    version: indexVersion,
    yanked: false,
  };
}

/** Every path below `root` (directories with a trailing `/`), sorted, minus `skip`ped subtrees. */
export function listTree(root: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (skip(rel)) continue;
      if (entry.isDirectory()) {
        out.push(`${rel}/`);
        walk(full);
      } else {
        out.push(rel);
      }
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

/**
 * The sandbox outside the cache: the temp dir (with the venv), the fake home, and the root's
 * other directories. A failed install must leave it exactly as it was.
 */
export function sandboxTree(ctx: TestContext): string[] {
  const cache = relative(ctx.root, ctx.cacheDir);
  return listTree(ctx.root, (rel) => rel === cache);
}

/** The archive ids in the cache's store. */
export function archiveIds(ctx: TestContext): string[] {
  const store = join(ctx.cacheDir, "archive-v0");
  return existsSync(store) ? readdirSync(store).sort() : [];
}

/** Leftovers of interrupted work: `.tmp*` dirs at the cache root, hidden staging in `dir`. */
export function strays(ctx: TestContext): { cache: string[]; sitePackages: string[] } {
  const cache = existsSync(ctx.cacheDir)
    ? readdirSync(ctx.cacheDir).filter((n) => n.startsWith(".tmp"))
    : [];
  const site = ctx.sitePackages();
  const sitePackages = existsSync(site) ? readdirSync(site).filter((n) => n.startsWith(".")) : [];
  return { cache, sitePackages };
}

/** `.dist-info` directories in site-packages, sorted. */
export function distInfos(ctx: TestContext): string[] {
  return readdirSync(ctx.sitePackages())
    .filter((n) => n.endsWith(".dist-info"))
    .sort();
}
