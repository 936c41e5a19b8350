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
import { redactUrl, stripCredentials } from "./redact.ts";
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
 */
type MetadataPayload = (
  | {
      readonly format: typeof METADATA_FORMAT;
      readonly digest: string;
      readonly record: ResolutionMetadataRecord;
    }
  | { readonly format: typeof METADATA_FORMAT; readonly digest: string; readonly metadata: string }
) & { readonly range?: RangeHint };

// Bumped when the stored form changes: older entries are dropped and fetched again.
const METADATA_FORMAT = 1;

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

  constructor(filename: WheelFilename, shownUrl: string) {
    this.#filename = filename;
    this.#shownUrl = shownUrl;
  }

  /**
   * The payload to store for a `METADATA` document; `previous` is the cached one, if any, and
   * `range` what reading the document by range requests needed.
   */
  make(text: string, previous: unknown, range?: RangeHint): MetadataPayload {
    const digest = createHash("sha256")
      .update(`${METADATA_FORMAT}\n`)
      .update(text)
      .digest("base64url");
    const withRange: { readonly range?: RangeHint } = range === undefined ? {} : { range };
    const cached = previous as Partial<
      Record<"format" | "digest" | "record" | "range", unknown>
    > | null;
    if (
      typeof cached === "object" &&
      cached !== null &&
      cached.format === METADATA_FORMAT &&
      cached.digest === digest &&
      cached.record !== undefined
    ) {
      try {
        const metadata = resolutionMetadataFromRecord(cached.record);
        // Only a new hint makes a new payload (and a rewrite); the record is known good.
        const payload: MetadataPayload = sameRangeHint(parseRangeHint(cached.range), range)
          ? (previous as MetadataPayload)
          : {
              format: METADATA_FORMAT,
              digest,
              record: cached.record as ResolutionMetadataRecord,
              ...withRange,
            };
        this.#reused = { payload, metadata };
        return payload;
      } catch {
        // A damaged entry: replaced by the document's own record below.
      }
    }
    try {
      const { record } = parseResolutionMetadataRecord(text);
      return { format: METADATA_FORMAT, digest, record, ...withRange };
    } catch {
      // Reported by `decode`, as for a document read from the cache.
      return { format: METADATA_FORMAT, digest, metadata: text, ...withRange };
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

async function fromZip(
  source: ByteSource,
  filename: WheelFilename,
  shownUrl: string,
  tailHint: number,
): Promise<WheelMetadataMember> {
  try {
    return await readWheelMetadataMember(source, filename, { tailHint });
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
    const { metadata } = await fromZip(source, filename, path, TAIL_RANGE_BYTES);
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
    if (entry === undefined || entry.policy.url !== stripCredentials(url).href) return undefined;
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
        request: { url: metadataUrl },
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
        request: { url, headers: identity },
        read: async (res, previous) =>
          payloads.make(
            (await fromZip(bufferSource(await readBody(res)), filename, shown, defaultTail))
              .metadata,
            previous,
          ),
      },
      decode,
    );
  if (!ctx.rangeRequests) return wholeWheel();
  const tail = (await storedRangeHint(ctx, url))?.tail ?? defaultTail;

  const fetchRange = (start: number, end: number) =>
    http.fetch(
      { url, headers: { ...identity, range: `bytes=${start}-${end - 1}` } },
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
        request: { url, headers: { ...identity, range: `bytes=-${tail}` } },
        read: async (res, previous) => {
          const body = Buffer.from(await res.body.arrayBuffer());
          if (res.status === 200) {
            // The server ignored `Range` and sent the whole wheel: use it as it is.
            ctx.onRangeUnsupported?.();
            return payloads.make(
              (await fromZip(bufferSource(body), filename, shown, tail)).metadata,
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
          const member = await fromZip(reader, filename, shown, body.length);
          const hint = rangeHintAfterRead(
            range.size,
            member.start,
            body.length + reader.fetchedBytes,
          );
          return payloads.make(member.metadata, previous, hint);
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
