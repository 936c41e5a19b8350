import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { WheelFilename } from "@uv-ts/distribution-filename";
import {
  parseResolutionMetadata,
  parseResolutionMetadataRecord,
  type ResolutionMetadata,
  type ResolutionMetadataRecord,
  resolutionMetadataFromRecord,
} from "@uv-ts/pypi-types";
import { readBody } from "./body.ts";
import type { CachedClient } from "./cached-client.ts";
import { FetchError, HttpStatusError, WheelMetadataError } from "./errors.ts";
import type { CacheEntryKey, HttpCacheStore } from "./http-cache/store.ts";
import { type HttpResponse, headerValue } from "./http-client.ts";
import { parseRangeHint, type RangeHint, rangeHintAfterRead, sameRangeHint } from "./range-hint.ts";
import { credentialFreeHref, redactUrl } from "./redact.ts";
import {
  type ByteSource,
  bufferSource,
  DistInfoError,
  RangeMismatchError,
  readWheelMetadataMember,
  SparseRangeReader,
  type WheelMetadataMember,
  ZipFormatError,
} from "./zip-metadata.ts";

/** How many trailing bytes the first range request asks for (uv's central directory guess). */
export const TAIL_RANGE_BYTES = 16_384;

/**
 * What the wheel-metadata cache entry holds: the metadata as parsed, which reads back without
 * parsing the document again; or, when it could not be parsed, the document itself, so that
 * every read reports the same error as the first. `digest` identifies the document. `range`,
 * when the metadata came from range requests, is what the read needed (see {@link RangeHint});
 * entries without it (older ones too) are read as before and gain it on their next fetch.
 * `member`, likewise, is the fingerprint of the zip member the document was read from, so that
 * the next range read of the same member recognises it without inflating it.
 */
type MetadataPayload = (
  | {
      readonly format: typeof METADATA_FORMAT;
      readonly digest: string;
      readonly record: ResolutionMetadataRecord;
    }
  | { readonly format: typeof METADATA_FORMAT; readonly digest: string; readonly metadata: string }
) & { readonly range?: RangeHint; readonly member?: string };

// Bumped when the stored form changes: older entries are dropped and fetched again.
const METADATA_FORMAT = 1;

/** A cached payload of this format with a record (not checked yet). */
interface CachedRecord {
  readonly payload: {
    readonly digest: string;
    readonly record: unknown;
    readonly range?: unknown;
    readonly member?: unknown;
  };
}

/** `previous` as a {@link CachedRecord}, when it has that shape. */
function reusableRecord(previous: unknown): CachedRecord | undefined {
  const cached = previous as Partial<
    Record<"format" | "digest" | "record" | "range" | "member", unknown>
  > | null;
  if (
    typeof cached !== "object" ||
    cached === null ||
    cached.format !== METADATA_FORMAT ||
    typeof cached.digest !== "string" ||
    cached.record === undefined
  ) {
    return undefined;
  }
  return { payload: cached as CachedRecord["payload"] };
}

/**
 * Makes the payloads of one wheel's metadata and decodes them. A document served again byte
 * for byte (a server or proxy without validators answers each revalidation with the whole file)
 * gives back the cached payload, which is then neither parsed nor stored again.
 */
class MetadataPayloads {
  readonly #filename: WheelFilename;
  readonly #shownUrl: string;
  /** A cached payload handed back by {@link make}, with what it decoded to. */
  #reused: { readonly payload: unknown; readonly metadata: ResolutionMetadata } | undefined;
  /** The last cached record decoded, so that recognising and reusing it decode it once. */
  #decoded: { readonly record: unknown; readonly metadata: ResolutionMetadata } | undefined;

  constructor(filename: WheelFilename, shownUrl: string) {
    this.#filename = filename;
    this.#shownUrl = shownUrl;
  }

  /**
   * The payload to store for a `METADATA` document; `previous` is the cached one, if any, and
   * `range` what reading the document by range requests needed.
   */
  make(text: string, previous: unknown, range?: RangeHint, member?: string): MetadataPayload {
    const digest = createHash("sha256")
      .update(`${METADATA_FORMAT}\n`)
      .update(text)
      .digest("base64url");
    const cached = reusableRecord(previous);
    if (cached !== undefined && cached.payload.digest === digest) {
      const payload = this.#adopt(cached, range, member);
      if (payload !== undefined) return payload;
    }
    const extra = {
      ...(range === undefined ? {} : { range }),
      ...(member === undefined ? {} : { member }),
    };
    try {
      const { record } = parseResolutionMetadataRecord(text);
      return { format: METADATA_FORMAT, digest, record, ...extra };
    } catch {
      // Reported by `decode`, as for a document read from the cache.
      return { format: METADATA_FORMAT, digest, metadata: text, ...extra };
    }
  }

  /**
   * Whether `previous` was read from the zip member with fingerprint `member` and holds a
   * record that still decodes: {@link reuse} can then stand in for reading the member.
   */
  knows(previous: unknown, member: string): boolean {
    const cached = reusableRecord(previous);
    if (cached === undefined || cached.payload.member !== member) return false;
    return this.#decodeRecord(cached) !== undefined;
  }

  /** The payload for a member {@link knows} recognised, read with the range hint `range`. */
  reuse(previous: unknown, range: RangeHint | undefined, member: string): MetadataPayload {
    const cached = reusableRecord(previous);
    const payload = cached === undefined ? undefined : this.#adopt(cached, range, member);
    if (payload === undefined) throw new Error("a recognised metadata entry went missing");
    return payload;
  }

  /**
   * The cached payload for the same document, or a copy of it when the range hint or member
   * fingerprint is new (only then is the entry rewritten); `undefined` when its record is
   * damaged (the document's own record replaces it).
   */
  #adopt(
    cached: CachedRecord,
    range: RangeHint | undefined,
    member: string | undefined,
  ): MetadataPayload | undefined {
    const metadata = this.#decodeRecord(cached);
    if (metadata === undefined) return undefined;
    const previous = cached.payload;
    const sameMember = member === undefined || previous.member === member;
    const payload: MetadataPayload =
      sameRangeHint(parseRangeHint(previous.range), range) && sameMember
        ? (previous as MetadataPayload)
        : {
            format: METADATA_FORMAT,
            digest: previous.digest,
            record: previous.record as ResolutionMetadataRecord,
            ...(range === undefined ? {} : { range }),
            ...(member === undefined ? {} : { member }),
          };
    this.#reused = { payload, metadata };
    return payload;
  }

  /** The metadata `cached`'s record decodes to (once per record), `undefined` if damaged. */
  #decodeRecord(cached: CachedRecord): ResolutionMetadata | undefined {
    const known = this.#decoded;
    if (known !== undefined && known.record === cached.payload.record) return known.metadata;
    try {
      const metadata = resolutionMetadataFromRecord(cached.payload.record);
      this.#decoded = { record: cached.payload.record, metadata };
      return metadata;
    } catch {
      return undefined;
    }
  }

  /** The metadata a payload holds; throws uv's errors for a document that does not parse. */
  decode(payload: MetadataPayload): ResolutionMetadata {
    const reused = this.#reused;
    if (reused !== undefined && reused.payload === payload) {
      return checkName(reused.metadata, this.#filename);
    }
    const stored = payload as Partial<Record<"format" | "record" | "metadata", unknown>>;
    if (stored.format !== METADATA_FORMAT) throw new Error("not a stored wheel metadata entry");
    if (typeof stored.metadata === "string") {
      return parseMetadata(stored.metadata, this.#filename, this.#shownUrl);
    }
    return checkName(resolutionMetadataFromRecord(stored.record), this.#filename);
  }
}

/** Everything {@link fetchWheelMetadata} needs from the client. */
export interface WheelMetadataContext {
  readonly client: CachedClient;
  readonly key: CacheEntryKey | undefined;
  readonly refresh: boolean;
  readonly cacheControlOverride?: string | undefined;
  /** Whether range requests may be tried (false once an index proved it cannot do them). */
  readonly rangeRequests: boolean;
  /** Called when the server cannot serve usable ranges, so later wheels skip straight to GET. */
  readonly onRangeUnsupported?: () => void;
  readonly tailBytes?: number;
  /**
   * The store behind `client`: the first range request asks for the tail the last read of the
   * same wheel needed (kept in its entry under `key`), which is read before the request is sent.
   */
  readonly store?: HttpCacheStore | undefined;
}

function parseMetadata(
  text: string,
  filename: WheelFilename,
  shownUrl: string,
): ResolutionMetadata {
  let metadata: ResolutionMetadata;
  try {
    metadata = parseResolutionMetadata(text);
  } catch (error) {
    throw new WheelMetadataError(
      "metadata-parse",
      `Couldn't parse metadata of ${filename} from ${shownUrl}`,
      { cause: error },
    );
  }
  return checkName(metadata, filename);
}

function checkName(metadata: ResolutionMetadata, filename: WheelFilename): ResolutionMetadata {
  if (metadata.name !== filename.name) {
    throw new WheelMetadataError(
      "name-mismatch",
      `Package metadata name \`${metadata.name}\` does not match given name \`${filename.name}\``,
    );
  }
  return metadata;
}

/** The wheel's `METADATA` document, read through `source`, with uv's errors. */
async function fromZip(
  source: ByteSource,
  filename: WheelFilename,
  shownUrl: string,
  tailHint: number,
): Promise<string> {
  const { metadata } = await readMember(source, filename, shownUrl, tailHint);
  if (metadata === undefined) throw new Error("a wheel's metadata member was not read");
  return metadata;
}

/** {@link readWheelMetadataMember} with uv's errors; `known` as that function takes it. */
async function readMember(
  source: ByteSource,
  filename: WheelFilename,
  shownUrl: string,
  tailHint: number,
  known?: (fingerprint: string) => boolean,
): Promise<WheelMetadataMember> {
  try {
    return await readWheelMetadataMember(
      source,
      filename,
      known === undefined ? { tailHint } : { tailHint, known },
    );
  } catch (error) {
    if (error instanceof DistInfoError) {
      throw new WheelMetadataError("dist-info", `Failed to read metadata: \`${shownUrl}\``, {
        cause: error,
      });
    }
    if (error instanceof ZipFormatError) {
      throw new WheelMetadataError("zip", `Failed to unzip wheel: ${filename}`, { cause: error });
    }
    throw error;
  }
}

function contentRange(res: HttpResponse): { start: number; end: number; size: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headerValue(res, "content-range")?.trim() ?? "");
  if (m === null) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), size: Number(m[3]) };
}

/** Reads a wheel's METADATA from a local file, seeking instead of reading it all. */
async function localWheelMetadata(url: URL, filename: WheelFilename): Promise<ResolutionMetadata> {
  const path = fileURLToPath(url);
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const source: ByteSource = {
      size,
      read: async (start, end) => {
        const buffer = Buffer.alloc(end - start);
        const { bytesRead } = await handle.read(buffer, 0, end - start, start);
        return buffer.subarray(0, bytesRead);
      },
    };
    const metadata = await fromZip(source, filename, path, TAIL_RANGE_BYTES);
    return parseMetadata(metadata, filename, path);
  } finally {
    await handle.close();
  }
}

/**
 * The tail the last range read of this wheel needed, from its cache entry. Anything unusable
 * (no entry, another URL, an entry from before hints or a damaged one) is no hint.
 */
async function storedRangeHint(
  ctx: WheelMetadataContext,
  url: URL,
): Promise<RangeHint | undefined> {
  const { store, key } = ctx;
  // Offline, the cached client answers from the entry without sending anything.
  if (store === undefined || key === undefined || ctx.client.http.offline) return undefined;
  try {
    const entry = await store.read(key);
    if (entry === undefined || entry.policy.url !== credentialFreeHref(url)) return undefined;
    const payload = entry.payload as { readonly range?: unknown } | null;
    return typeof payload === "object" && payload !== null
      ? parseRangeHint(payload.range)
      : undefined;
  } catch {
    // The cached client reads (and, if need be, drops) the entry itself; a hint is optional.
    return undefined;
  }
}

/**
 * A wheel's core metadata without downloading the wheel when possible, as uv does: the PEP
 * 658/714 `.metadata` file when the index offers it; otherwise HTTP range requests (one
 * request for the archive's tail in the common case, since small wheels and the usual layout
 * put the central directory and `METADATA` there); otherwise the whole wheel. Results are
 * cached under `ctx.key`, with the tail the range reads needed: the next revalidation asks for
 * that tail at once, so it takes one request whatever the wheel's size. When the central
 * directory is not in the first tail, it is fetched with a margin before it that usually holds
 * `METADATA` too (two requests rather than three). `file://` wheels are read in place.
 */
export async function fetchWheelMetadata(
  ctx: WheelMetadataContext,
  file: { readonly url: string; readonly coreMetadata?: unknown },
  filename: WheelFilename,
): Promise<ResolutionMetadata> {
  const url = new URL(file.url);
  url.hash = "";
  if (url.protocol === "file:") return localWheelMetadata(url, filename);
  const shown = redactUrl(url);
  const defaultTail = ctx.tailBytes ?? TAIL_RANGE_BYTES;
  const payloads = new MetadataPayloads(filename, shown);
  const decode = (payload: MetadataPayload) => payloads.decode(payload);
  const base = {
    key: ctx.key,
    refresh: ctx.refresh,
    cacheControlOverride: ctx.cacheControlOverride,
  };

  if (file.coreMetadata !== undefined && file.coreMetadata !== false) {
    const metadataUrl = new URL(url.href);
    metadataUrl.pathname = `${metadataUrl.pathname}.metadata`;
    return ctx.client.get(
      {
        ...base,
        request: { url: metadataUrl, hedge: true },
        read: async (res, previous) =>
          payloads.make((await readBody(res)).toString("utf8"), previous),
      },
      decode,
    );
  }

  const http = ctx.client.http;
  const identity = { "accept-encoding": "identity" };
  const wholeWheel = () =>
    ctx.client.get(
      {
        ...base,
        request: { url, headers: identity, hedge: true },
        read: async (res, previous) =>
          payloads.make(
            await fromZip(bufferSource(await readBody(res)), filename, shown, defaultTail),
            previous,
          ),
      },
      decode,
    );
  if (!ctx.rangeRequests) return wholeWheel();
  const tail = (await storedRangeHint(ctx, url))?.tail ?? defaultTail;

  const fetchRange = (start: number, end: number) =>
    http.fetch(
      { url, headers: { ...identity, range: `bytes=${start}-${end - 1}` }, hedge: true },
      async (res) => {
        const body = Buffer.from(await res.body.arrayBuffer());
        if (res.status === 200) return body.subarray(start, end);
        const range = contentRange(res);
        if (res.status !== 206 || range === undefined || range.start !== start) {
          throw new RangeMismatchError(`unexpected answer to a range request (${res.status})`);
        }
        return body;
      },
    );
  try {
    return await ctx.client.get(
      {
        ...base,
        request: { url, headers: { ...identity, range: `bytes=-${tail}` }, hedge: true },
        read: async (res, previous) => {
          const body = Buffer.from(await res.body.arrayBuffer());
          if (res.status === 200) {
            // The server ignored `Range` and sent the whole wheel: use it as it is.
            ctx.onRangeUnsupported?.();
            return payloads.make(
              await fromZip(bufferSource(body), filename, shown, tail),
              previous,
            );
          }
          const range = contentRange(res);
          if (
            res.status !== 206 ||
            range === undefined ||
            range.end - range.start + 1 !== body.length
          ) {
            throw new RangeMismatchError(`unexpected answer to a range request (${res.status})`);
          }
          const reader = new SparseRangeReader(range.size, fetchRange, {
            start: range.start,
            bytes: body,
          });
          // A member read before (a server without validators sends the same bytes again) is
          // recognised by its stored bytes, and neither inflated nor parsed again.
          const member = await readMember(reader, filename, shown, body.length, (fingerprint) =>
            payloads.knows(previous, fingerprint),
          );
          const hint = rangeHintAfterRead(
            range.size,
            member.start,
            body.length + reader.fetchedBytes,
          );
          if (member.metadata === undefined) {
            return payloads.reuse(previous, hint, member.fingerprint);
          }
          return payloads.make(member.metadata, previous, hint, member.fingerprint);
        },
      },
      decode,
    );
  } catch (error) {
    const unsatisfiable =
      error instanceof FetchError &&
      error.cause instanceof HttpStatusError &&
      [405, 416, 501].includes(error.cause.status);
    if (error instanceof RangeMismatchError || unsatisfiable) {
      ctx.onRangeUnsupported?.();
      return wholeWheel();
    }
    throw error;
  }
}
