import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { normalizeName } from "@uv-ts/normalize";
import type { BuildOptions } from "../fixtures/extension.ts";
import { FixtureError } from "../fixtures/fixture-error.ts";
import { sha256Hex } from "../fixtures/hash.ts";
import { buildIndexFiles } from "../fixtures/index-files.ts";
import { loadScenario, mergePackages, type Scenario } from "../fixtures/scenario.ts";
import type { IndexFile, PackageSpec } from "../fixtures/spec.ts";
import {
  type FaultHandle,
  type FaultKind,
  type FaultRule,
  FaultSet,
  type InstalledFault,
  MAX_FAULT_DELAY_MS,
  REQUEST_FAULT_KINDS,
} from "./faults.ts";
import { negotiateSimpleMediaType, type SimpleMediaType } from "./negotiate.ts";
import { type FileLink, projectHtml, projectJson, rootHtml, rootJson } from "./pages.ts";
import { parseRange } from "./range.ts";
import type { RequestLog } from "./request-log.ts";

/** What the local index serves and how it behaves. */
export interface IndexServerOptions extends BuildOptions {
  /** Scenario names (`basic`), paths to scenario files, or parsed scenarios. */
  readonly scenarios?: readonly (string | Scenario)[];
  /** Packages given directly, merged with the scenarios' packages. */
  readonly packages?: readonly PackageSpec[];
  /** Already built files, served as they are. */
  readonly files?: readonly IndexFile[];
  /** Faults installed from the start (see {@link IndexServer.setFault}). */
  readonly misbehave?: readonly FaultRule[];
  /** Whether page links are absolute (the default, as on PyPI) or relative to the page. */
  readonly fileUrls?: "absolute" | "relative";
  /**
   * The `Cache-Control` of pages (default `max-age=600`, as PyPI's); `no-cache` has every run
   * revalidate them, as behind a proxy that strips the header.
   */
  readonly pageCacheControl?: string;
}

/** A running local package index on 127.0.0.1. */
export interface IndexServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** `<url>/simple/`, for `--index-url`. */
  readonly simpleUrl: string;
  /** `<url>/links/`, a flat page of every file, for `--find-links`. */
  readonly linksUrl: string;
  /** Every file the index serves. */
  readonly files: readonly IndexFile[];
  /** Requests received so far, oldest first. */
  readonly requests: readonly RequestLog[];
  /** When each connection was accepted (epoch ms), oldest first. */
  readonly connectionTimes: readonly number[];
  /** The URL of a served file. */
  fileUrl(filename: string): string;
  /** The served file named `filename`; throws when there is none. */
  file(filename: string): IndexFile;
  /** Installs a fault; later requests matching it misbehave. */
  setFault(rule: FaultRule): FaultHandle;
  /** Removes every fault. */
  clearFaults(): void;
  /** Stops listening, drops every open connection and cancels pending delays. */
  close(): Promise<void>;
}

interface MutableLog {
  method: string;
  path: string;
  pathname: string;
  headers: RequestLog["headers"];
  range: string | undefined;
  accept: string | undefined;
  status: number | undefined;
  receivedAt: number;
  faults: FaultKind[];
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Set on 200 replies that honour `If-None-Match`. */
  etag?: string;
  /** Whether `Range` applies (files and metadata). */
  rangeable?: boolean;
}

const PAGE_CACHE_CONTROL = "max-age=600";
const FILE_CACHE_CONTROL = "max-age=365000000, immutable, public";

function textReply(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
    body: Buffer.from(`${text}\n`, "utf8"),
  };
}

function redirect(location: string): Reply {
  return textReply(301, "Moved Permanently", { Location: location });
}

function contentTypeHeader(type: SimpleMediaType): string {
  return type === "text/html" ? "text/html; charset=utf-8" : type;
}

function etagOf(body: Uint8Array): string {
  return `"${sha256Hex(body).slice(0, 32)}"`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** A wrong but well-formed digest, derived from the real one so it is stable across runs. */
function wrongDigest(sha256: string): string {
  return sha256Hex(`wrong:${sha256}`);
}

function flipBytes(body: Buffer, offset: number | undefined): Buffer {
  const copy = Buffer.from(body);
  if (copy.length === 0) return copy;
  const start = Math.min(Math.max(offset ?? Math.floor(copy.length / 2), 0), copy.length - 1);
  for (let i = start; i < Math.min(start + 16, copy.length); i++) {
    copy[i] = (copy[i] as number) ^ 0xff;
  }
  return copy;
}

class LocalIndex implements IndexServer {
  readonly url: string;
  readonly simpleUrl: string;
  readonly linksUrl: string;
  readonly files: readonly IndexFile[];
  readonly requests: MutableLog[] = [];
  readonly connectionTimes: number[] = [];
  readonly #byFilename: Map<string, IndexFile>;
  readonly #projects: Map<string, { name: string; files: IndexFile[] }>;
  readonly #faults = new FaultSet();
  readonly #relative: boolean;
  readonly #pageCacheControl: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #closing = new AbortController();

  constructor(
    server: Server,
    port: number,
    files: readonly IndexFile[],
    relative: boolean,
    faults: readonly FaultRule[],
    pageCacheControl: string,
  ) {
    this.#pageCacheControl = pageCacheControl;
    this.url = `http://127.0.0.1:${port}`;
    this.simpleUrl = `${this.url}/simple/`;
    this.linksUrl = `${this.url}/links/`;
    this.files = files;
    this.#relative = relative;
    this.#byFilename = new Map();
    this.#projects = new Map();
    for (const file of files) {
      if (this.#byFilename.has(file.filename)) {
        throw new FixtureError("fixtures.index", `File \`${file.filename}\` is served twice`);
      }
      this.#byFilename.set(file.filename, file);
      const project = this.#projects.get(file.project) ?? { name: file.projectName, files: [] };
      project.files.push(file);
      this.#projects.set(file.project, project);
    }
    for (const rule of faults) this.#faults.add(rule);
    this.#server = server;
    server.on("connection", (socket: Socket) => {
      this.connectionTimes.push(Date.now());
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  fileUrl(filename: string): string {
    return `${this.url}/files/${encodeURIComponent(filename)}`;
  }

  file(filename: string): IndexFile {
    const file = this.#byFilename.get(filename);
    if (file === undefined) {
      throw new FixtureError("fixtures.index", `The index serves no file \`${filename}\``);
    }
    return file;
  }

  setFault(rule: FaultRule): FaultHandle {
    return this.#faults.add(rule);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  async close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#server.closeAllConnections();
    await closed;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? "/";
    const entry: MutableLog = {
      method: req.method ?? "GET",
      path: target,
      pathname: new URL(target, this.url).pathname,
      headers: { ...req.headers },
      range: req.headers.range,
      accept: req.headers.accept,
      status: undefined,
      receivedAt: Date.now(),
      faults: [],
    };
    this.requests.push(entry);
    const aborted = new AbortController();
    res.on("close", () => aborted.abort());
    const signal = AbortSignal.any([aborted.signal, this.#closing.signal]);
    this.#handle(req, res, entry, signal).catch((error: unknown) => {
      if (signal.aborted) return;
      if (!res.headersSent) {
        const reply = textReply(500, `Internal Server Error: ${String(error)}`);
        entry.status = 500;
        res.writeHead(500, { ...reply.headers, "Content-Length": String(reply.body.length) });
        res.end(reply.body);
      } else {
        res.destroy();
      }
    });
  }

  async #handle(
    req: IncomingMessage,
    res: ServerResponse,
    entry: MutableLog,
    signal: AbortSignal,
  ): Promise<void> {
    const faults = this.#faults.find(entry.pathname, REQUEST_FAULT_KINDS);
    this.#faults.consume(faults);
    entry.faults.push(...faults.map((f) => f.rule.kind));
    const rule = <K extends FaultKind>(kind: K) =>
      faults.find((f) => f.rule.kind === kind)?.rule as Extract<FaultRule, { kind: K }> | undefined;

    if (rule("dropConnection") !== undefined) {
      req.socket.resetAndDestroy();
      return;
    }
    const slow = rule("slow");
    if (slow?.headersDelayMs !== undefined) {
      await sleep(Math.min(slow.headersDelayMs, MAX_FAULT_DELAY_MS), undefined, { signal });
    }
    const status = rule("status");
    const reply =
      status !== undefined
        ? textReply(status.status, `Injected status ${status.status}`, { ...status.headers })
        : this.#route(req, entry);

    const head = req.method === "HEAD";
    let body = reply.body;
    let code = reply.status;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.etag !== undefined) headers.ETag = reply.etag;
    if (reply.etag !== undefined && etagMatches(req.headers["if-none-match"], reply.etag)) {
      code = 304;
      body = Buffer.alloc(0);
    } else if (reply.rangeable === true && rule("noRange") === undefined) {
      headers["Accept-Ranges"] = "bytes";
      const range = parseRange(req.headers.range, body.length);
      if (range === "unsatisfiable") {
        code = 416;
        headers["Content-Range"] = `bytes */${body.length}`;
        body = Buffer.alloc(0);
      } else if (range !== undefined) {
        code = 206;
        headers["Content-Range"] = `bytes ${range.start}-${range.end}/${body.length}`;
        body = body.subarray(range.start, range.end + 1);
      }
    }
    const corrupt = rule("corrupt");
    if (corrupt !== undefined) body = flipBytes(body, corrupt.offset);
    if (code !== 304) headers["Content-Length"] = String(body.length);

    entry.status = code;
    res.writeHead(code, headers);
    if (head || code === 304 || body.length === 0) {
      res.end();
      return;
    }
    const truncate = rule("truncate");
    if (truncate !== undefined) {
      const keep = Math.min(truncate.afterBytes ?? Math.floor(body.length / 2), body.length);
      res.write(body.subarray(0, keep), () => res.destroy());
      return;
    }
    if (slow !== undefined) {
      await this.#slowBody(res, body, slow, signal);
      return;
    }
    res.end(body);
  }

  async #slowBody(
    res: ServerResponse,
    body: Buffer,
    slow: Extract<FaultRule, { kind: "slow" }>,
    signal: AbortSignal,
  ): Promise<void> {
    res.flushHeaders();
    if (slow.bodyDelayMs !== undefined) {
      await sleep(Math.min(slow.bodyDelayMs, MAX_FAULT_DELAY_MS), undefined, { signal });
    }
    const size = Math.max(1, slow.chunkSize ?? body.length);
    const pause = Math.min(slow.chunkDelayMs ?? 0, MAX_FAULT_DELAY_MS);
    let waited = 0;
    for (let at = 0; at < body.length; at += size) {
      const last = at + size >= body.length;
      res.write(body.subarray(at, at + size));
      // The total throttle is capped too, so a tiny chunk size cannot stall a test for hours.
      if (!last && pause > 0 && waited + pause <= MAX_FAULT_DELAY_MS) {
        await sleep(pause, undefined, { signal });
        waited += pause;
      }
    }
    res.end();
  }

  #route(req: IncomingMessage, entry: MutableLog): Reply {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return textReply(405, "Method Not Allowed", { Allow: "GET, HEAD" });
    }
    const url = new URL(entry.path, this.url);
    const path = url.pathname;
    if (path === "/simple") return redirect(`/simple/${url.search}`);
    if (path === "/simple/") return this.#rootPage(req, url);
    const project = /^\/simple\/([^/]+)(\/?)$/.exec(path);
    if (project !== null) {
      const requested = decodeURIComponent(project[1] as string);
      const name = normalizeName(requested);
      if (!this.#projects.has(name)) return textReply(404, "Not Found");
      // PyPI redirects every spelling but the normalised one, with the trailing slash.
      if (name !== requested || project[2] === "") return redirect(`/simple/${name}/${url.search}`);
      return this.#projectPage(req, url, name, entry);
    }
    if (path === "/links") return redirect("/links/");
    if (path === "/links/") return this.#linksPage(entry);
    const file = /^\/files\/([^/]+)$/.exec(path);
    if (file !== null) return this.#fileReply(decodeURIComponent(file[1] as string), entry);
    return textReply(404, "Not Found");
  }

  #pageReply(req: IncomingMessage, url: URL, html: () => string, json: () => string): Reply {
    const type = negotiateSimpleMediaType(req.headers.accept, url.searchParams.get("format"));
    if (type === undefined) return textReply(406, "Not Acceptable", { Vary: "Accept" });
    const body = Buffer.from(type.endsWith("+json") ? json() : html(), "utf8");
    return {
      status: 200,
      headers: {
        "Content-Type": contentTypeHeader(type),
        "Cache-Control": this.#pageCacheControl,
        Vary: "Accept",
      },
      body,
      etag: etagOf(body),
    };
  }

  #rootPage(req: IncomingMessage, url: URL): Reply {
    const projects = [...this.#projects.keys()].sort().map((name) => ({
      name,
      href: this.#relative ? `${name}/` : `${this.simpleUrl}${name}/`,
    }));
    return this.#pageReply(
      req,
      url,
      () => rootHtml(projects),
      () => rootJson(projects),
    );
  }

  /** The links of `files`, applying `wrongHash` and `noMetadata` faults. */
  #links(files: readonly IndexFile[], fromDepth: number, entry: MutableLog): FileLink[] {
    const hit = new Set<InstalledFault>();
    const links = files.map((file) => {
      const filePath = `/files/${file.filename}`;
      const wrong = this.#faults.find(filePath, ["wrongHash"]);
      const noMeta = this.#faults.find(filePath, ["noMetadata"]);
      for (const f of [...wrong, ...noMeta]) hit.add(f);
      const href = this.#relative
        ? `${"../".repeat(fromDepth)}files/${encodeURIComponent(file.filename)}`
        : this.fileUrl(file.filename);
      const offersMetadata = file.kind === "wheel" && noMeta.length === 0;
      return {
        file,
        url: href,
        sha256: wrong.length > 0 ? wrongDigest(file.sha256) : file.sha256,
        metadataSha256: offersMetadata ? sha256Hex(file.metadata) : undefined,
      };
    });
    this.#faults.consume(hit);
    entry.faults.push(...[...hit].map((f) => f.rule.kind));
    return links;
  }

  #projectPage(req: IncomingMessage, url: URL, name: string, entry: MutableLog): Reply {
    const project = this.#projects.get(name);
    if (project === undefined) return textReply(404, "Not Found");
    const links = this.#links(project.files, 2, entry);
    return this.#pageReply(
      req,
      url,
      () => projectHtml(`Links for ${project.name}`, links),
      () => projectJson(name, links),
    );
  }

  #linksPage(entry: MutableLog): Reply {
    const body = Buffer.from(projectHtml("Links", this.#links(this.files, 1, entry)), "utf8");
    return {
      status: 200,
      headers: {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": this.#pageCacheControl,
      },
      body,
      etag: etagOf(body),
    };
  }

  #fileReply(filename: string, entry: MutableLog): Reply {
    const direct = this.#byFilename.get(filename);
    const metadataOf = filename.endsWith(".metadata")
      ? this.#byFilename.get(filename.slice(0, -".metadata".length))
      : undefined;
    if (direct === undefined && metadataOf?.kind === "wheel") {
      const noMeta = this.#faults.find(`/files/${metadataOf.filename}`, ["noMetadata"]);
      if (noMeta.length > 0) {
        this.#faults.consume(noMeta);
        entry.faults.push("noMetadata");
        return textReply(404, "Not Found");
      }
      const body = Buffer.from(metadataOf.metadata, "utf8");
      return this.#binary(body, sha256Hex(body));
    }
    if (direct === undefined) return textReply(404, "Not Found");
    return this.#binary(direct.bytes, direct.sha256);
  }

  #binary(body: Buffer, sha256: string): Reply {
    return {
      status: 200,
      headers: { "Content-Type": "application/octet-stream", "Cache-Control": FILE_CACHE_CONTROL },
      body,
      etag: `"${sha256}"`,
      rangeable: true,
    };
  }
}

/**
 * Starts a local package index on `127.0.0.1:0` serving PEP 503 HTML and PEP 691 JSON pages,
 * the files with PEP 658 metadata, and a flat `/links/` page, built from scenarios and packages.
 */
export async function startIndexServer(options: IndexServerOptions = {}): Promise<IndexServer> {
  const scenarios = await Promise.all(
    (options.scenarios ?? []).map((s) => (typeof s === "string" ? loadScenario(s) : s)),
  );
  const packages = mergePackages(...scenarios.map((s) => s.packages), options.packages ?? []);
  const built = await buildIndexFiles(
    packages,
    options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir },
  );
  // Pages carry absolute URLs with the port, which is only known once the socket is bound.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  try {
    return new LocalIndex(
      server,
      port,
      [...built, ...(options.files ?? [])],
      options.fileUrls === "relative",
      options.misbehave ?? [],
      options.pageCacheControl ?? PAGE_CACHE_CONTROL,
    );
  } catch (error) {
    server.close();
    throw error;
  }
}
