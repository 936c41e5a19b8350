import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  createSecureContext,
  type DetailedPeerCertificate,
  type SecureContext,
  type TLSSocket,
} from "node:tls";
import type { buildConnector as BuildConnector } from "undici";
import { connectTcp, type SocketConnectorOptions, socketConnector } from "./socket-connector.ts";
import { type AnchorRecord, type BundleIdentity, TlsAnchorStore } from "./tls-anchor-store.ts";
import { derFingerprint, pemFingerprint, splitPemCertificates } from "./tls-bundle.ts";
import type { TlsGate } from "./tls-gate.ts";

/** A TLS context the connector built: from the whole bundle, or from remembered anchors only. */
export interface SecureContextEvent {
  readonly kind: "bundle" | "anchors";
  /** Certificates handed to it (for `bundle`, the `CERTIFICATE` blocks of the bundle). */
  readonly certificates: number;
}

/** Options of {@link TrustConnector}. */
export interface TrustConnectorOptions {
  /** Options every connection shares (timeout, DNS lookup, ALPN). */
  readonly connect: SocketConnectorOptions;
  /** The trusted roots as PEM text; nothing is remembered across runs for these. */
  readonly ca?: string;
  /** A file of trusted roots (`SSL_CERT_FILE`), read on the first TLS connection. */
  readonly caFile?: string;
  /** The cache root, to remember which certificates of `caFile` anchor each origin. */
  readonly cacheDir?: string;
  /** Called for each TLS context built (diagnostics and tests). */
  readonly onSecureContext?: (event: SecureContextEvent) => void;
  /**
   * Holds connections before the first context is made until that no longer waits (the TCP
   * connection goes on meanwhile; see {@link TlsGate}).
   */
  readonly gate?: TlsGate | undefined;
}

// OpenSSL's chain verification results as Node reports them (`error.code`). Any of these can
// come from a trust store that lacks the right anchor, so the whole bundle gets a second try; a
// hostname mismatch cannot, and a bad handshake or network error is no question of trust.
const VERIFY_ERRORS = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CRL_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CRL_NOT_YET_VALID",
  "CRL_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "ERROR_IN_CRL_LAST_UPDATE_FIELD",
  "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
]);

function isVerifyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && VERIFY_ERRORS.has(code);
}

/** The bundle of one run: its certificates, and what is known of the anchors of each origin. */
class Bundle {
  readonly text: string;
  readonly blocks: readonly string[];
  readonly store: TlsAnchorStore | undefined;
  /** Anchors per origin: those remembered (still in the bundle) and those learnt this run. */
  readonly origins: Map<string, readonly AnchorRecord[]>;
  #fingerprints: Map<string, number> | undefined;

  constructor(text: string, store: TlsAnchorStore | undefined) {
    this.text = text;
    this.blocks = splitPemCertificates(text);
    this.store = store;
    this.origins = new Map();
    for (const [origin, records] of store?.load() ?? []) {
      const found = this.#locate(records);
      if (found !== undefined) this.origins.set(origin, found);
    }
  }

  /** Every block's index by fingerprint, computed once (~1 ms for a system bundle). */
  fingerprints(): Map<string, number> {
    if (this.#fingerprints === undefined) {
      this.#fingerprints = new Map();
      this.blocks.forEach((pem, index) => {
        const sha256 = pemFingerprint(pem);
        if (!this.#fingerprints?.has(sha256)) this.#fingerprints?.set(sha256, index);
      });
    }
    return this.#fingerprints;
  }

  /**
   * The blocks of the bundle that `records` name, by fingerprint: the index only saves hashing
   * the other blocks. `undefined` when one is missing, since a partial set (a root without the
   * intermediate the server omits) would not verify.
   */
  #locate(records: readonly AnchorRecord[]): AnchorRecord[] | undefined {
    const found: AnchorRecord[] = [];
    for (const record of records) {
      const hinted = this.blocks[record.index];
      if (hinted !== undefined && pemFingerprint(hinted) === record.sha256) {
        found.push(record);
        continue;
      }
      const index = this.fingerprints().get(record.sha256);
      if (index === undefined) return undefined;
      found.push({ sha256: record.sha256, index });
    }
    return found;
  }

  /** The remembered anchors of every origin, each certificate once, in bundle order. */
  anchorPems(): string[] {
    const indexes = new Set<number>();
    for (const records of this.origins.values()) for (const r of records) indexes.add(r.index);
    return [...indexes].sort((a, b) => a - b).map((i) => this.blocks[i] ?? "");
  }
}

function sameAnchors(a: readonly AnchorRecord[], b: readonly AnchorRecord[]): boolean {
  return a.length === b.length && a.every((r) => b.some((s) => s.sha256 === r.sha256));
}

/**
 * Connects with a custom bundle of trusted roots without parsing all of it on every run.
 *
 * OpenSSL parses each certificate of a context (~0.17 ms each, ~25 ms for a system bundle of
 * 144). After a connection verified with the whole bundle, the bundle certificates in its chain
 * (the root, and any intermediate the bundle supplied) are remembered per origin in the cache,
 * keyed by the bundle's path, size, mtime and inode. Later runs first try a context of only the
 * remembered certificates: a subset of the user's bundle, so it trusts nothing the bundle does
 * not. A chain it cannot verify (a rotated CA, an origin behind another root) is retried with
 * the whole bundle, whose outcome and errors are exactly those without this cache, and what
 * that connection shows is remembered instead.
 */
export class TrustConnector {
  readonly #options: TrustConnectorOptions;
  /** `null`: no usable bundle, connect with Node's default roots. */
  #bundle: Bundle | null | undefined;
  #plain: BuildConnector.connector | undefined;
  #full: BuildConnector.connector | undefined;
  /** `null`: nothing remembered. */
  #anchors: BuildConnector.connector | null | undefined;
  /** Origins whose chain the anchors did not verify this run: straight to the whole bundle. */
  readonly #needsBundle = new Set<string>();
  /** Origins whose chain was already looked at this run. */
  readonly #learnt = new Set<string>();
  #saving: Promise<void> = Promise.resolve();

  constructor(options: TrustConnectorOptions) {
    this.#options = options;
  }

  /** An undici connector (`connect` option of an agent). */
  readonly connect: BuildConnector.connector = (opts, callback) => {
    if (opts.protocol !== "https:") {
      this.#plainConnector()(opts, callback);
      return;
    }
    // The TCP connection starts first, so that its DNS lookup and connect overlap reading the
    // bundle and making the TLS context (the first of a process costs tens of ms of CPU).
    const tcp = opts.httpSocket === undefined ? connectTcp(opts, this.#options.connect) : undefined;
    const first = tcp === undefined ? opts : { ...opts, httpSocket: tcp };
    const connectOver = () => {
      try {
        this.#connectOver(opts, first, callback);
      } catch (error) {
        tcp?.destroy();
        throw error;
      }
    };
    const made = this.#anchors !== undefined || this.#full !== undefined;
    const gate = this.#options.gate;
    if (made || gate === undefined) {
      connectOver();
      return;
    }
    gate.through(tcp, callback, connectOver);
  };

  /** Connects `first` (`opts` over the TCP connection started for it), retrying as `opts`. */
  #connectOver(
    opts: BuildConnector.Options,
    first: BuildConnector.Options,
    callback: BuildConnector.Callback,
  ): void {
    this.#bundle ??= this.#load();
    const bundle = this.#bundle;
    if (bundle === null) {
      this.#plainConnector()(first, callback);
      return;
    }
    const origin = `${opts.hostname}:${opts.port || "443"}`;
    const anchors = this.#anchorsConnector(bundle);
    // A socket handed in (a tunnel) is spent by a failed handshake, so it gets no second try.
    if (anchors === null || this.#needsBundle.has(origin) || opts.httpSocket !== undefined) {
      this.#connectFull(bundle, origin, first, callback);
      return;
    }
    anchors(first, (error, socket) => {
      if (error !== null) {
        if (!isVerifyError(error)) {
          callback(error, null);
          return;
        }
        // A connection of its own: the first one is spent.
        this.#needsBundle.add(origin);
        this.#connectFull(bundle, origin, opts, callback);
        return;
      }
      if (!bundle.origins.has(origin)) this.#learn(bundle, origin, socket as TLSSocket);
      callback(null, socket);
    });
  }

  /** Resolves once what was learnt has been written (or failed to be). */
  flush(): Promise<void> {
    return this.#saving;
  }

  #plainConnector(): BuildConnector.connector {
    this.#plain ??= socketConnector(this.#options.connect);
    return this.#plain;
  }

  #load(): Bundle | null {
    const { ca, caFile, cacheDir } = this.#options;
    if (ca !== undefined) return new Bundle(ca, undefined);
    if (caFile === undefined) return null;
    const path = resolve(caFile);
    let text: string;
    let identity: BundleIdentity;
    try {
      // One descriptor for both, so the identity is that of the text read.
      const fd = openSync(path, "r");
      try {
        const stat = fstatSync(fd, { bigint: true });
        identity = {
          path,
          size: String(stat.size),
          mtimeNs: String(stat.mtimeNs),
          ino: String(stat.ino),
        };
        text = readFileSync(fd, "utf8");
      } finally {
        closeSync(fd);
      }
    } catch {
      // An unreadable certificate file leaves the default roots in place.
      return null;
    }
    const store =
      cacheDir === undefined
        ? undefined
        : new TlsAnchorStore(cacheDir, identity, derFingerprint(Buffer.from(path)));
    return new Bundle(text, store);
  }

  #anchorsConnector(bundle: Bundle): BuildConnector.connector | null {
    if (this.#anchors === undefined) {
      const pems = bundle.anchorPems();
      this.#anchors = pems.length === 0 ? null : this.#connector(createSecureContext({ ca: pems }));
      if (this.#anchors !== null) {
        this.#options.onSecureContext?.({ kind: "anchors", certificates: pems.length });
      }
    }
    return this.#anchors;
  }

  #connector(secureContext: SecureContext): BuildConnector.connector {
    return socketConnector({ ...this.#options.connect, secureContext });
  }

  #connectFull(
    bundle: Bundle,
    origin: string,
    opts: BuildConnector.Options,
    callback: BuildConnector.Callback,
  ): void {
    if (this.#full === undefined) {
      this.#full = this.#connector(createSecureContext({ ca: bundle.text }));
      this.#options.onSecureContext?.({ kind: "bundle", certificates: bundle.blocks.length });
    }
    this.#full(opts, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      this.#learn(bundle, origin, socket as TLSSocket);
      callback(null, socket);
    });
  }

  /** Remembers the bundle certificates that the verified chain of `socket` runs through. */
  #learn(bundle: Bundle, origin: string, socket: TLSSocket): void {
    const store = bundle.store;
    if (store === undefined || this.#learnt.has(origin)) return;
    // A resumed session may come without its chain; the first full handshake tells it all.
    if (!socket.authorized || socket.isSessionReused()) return;
    this.#learnt.add(origin);
    const fingerprints = bundle.fingerprints();
    const found: AnchorRecord[] = [];
    const seen = new Set<DetailedPeerCertificate>();
    // Node completes the chain from the context's store, so its root (and any intermediate the
    // server left out) is here even though the server never sent it.
    let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    while (cert?.raw !== undefined && !seen.has(cert)) {
      seen.add(cert);
      const sha256 = derFingerprint(cert.raw);
      const index = fingerprints.get(sha256);
      if (index !== undefined && !found.some((r) => r.index === index)) {
        found.push({ sha256, index });
      }
      cert = cert.issuerCertificate;
    }
    if (found.length === 0) return;
    const known = bundle.origins.get(origin);
    if (known !== undefined && sameAnchors(known, found)) return;
    bundle.origins.set(origin, found);
    const snapshot = new Map(bundle.origins);
    this.#saving = this.#saving.then(() =>
      store.save(snapshot).catch(() => {
        // Only a speed-up: a cache that cannot be written means the whole bundle next time.
      }),
    );
  }
}
