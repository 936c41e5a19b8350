/** Which requests a fault applies to, and how often. */
export interface FaultScope {
  /**
   * A URL path (`/files/a-1.0-py3-none-any.whl`), a glob where `*` matches anything
   * (`/simple/*`), or a regular expression tested against the path. Omitted: every request.
   * `wrongHash` and `noMetadata` match the path of the file they change (`/files/<filename>`).
   */
  readonly path?: string | RegExp;
  /** How many requests the fault affects before it switches off; omitted means always. */
  readonly times?: number;
}

/** The misbehaviours the index server can be told to show. */
export type FaultRule = FaultScope &
  (
    | {
        /** Answer with this status (and a short text body) instead of the real response. */
        readonly kind: "status";
        readonly status: number;
        readonly headers?: Readonly<Record<string, string>>;
      }
    | {
        /** Send the full `Content-Length`, then close the socket after `afterBytes` body bytes. */
        readonly kind: "truncate";
        /** Defaults to half the body. */
        readonly afterBytes?: number;
      }
    | {
        /** Pages advertise a different sha256 for the matching files. */
        readonly kind: "wrongHash";
      }
    | {
        /**
         * Delays, each capped at {@link MAX_FAULT_DELAY_MS}: before the headers, between the
         * headers and the body (a stall), and between `chunkSize`-byte body chunks (a throttle).
         */
        readonly kind: "slow";
        readonly headersDelayMs?: number;
        readonly bodyDelayMs?: number;
        readonly chunkSize?: number;
        readonly chunkDelayMs?: number;
      }
    | {
        /** Reset the connection without answering. */
        readonly kind: "dropConnection";
      }
    | {
        /** Flip bytes of the body (same length), starting at `offset` (default: the middle). */
        readonly kind: "corrupt";
        readonly offset?: number;
      }
    | {
        /** Ignore `Range` headers and never advertise `Accept-Ranges`. */
        readonly kind: "noRange";
      }
    | {
        /** Offer no PEP 658 metadata for the matching files, and 404 their `.metadata` URLs. */
        readonly kind: "noMetadata";
      }
  );

/** The name of a fault kind. */
export type FaultKind = FaultRule["kind"];

/** The cap on any single delay, and on a throttled body's total delay. */
export const MAX_FAULT_DELAY_MS = 30_000;

/** A fault that has been installed, to observe or remove it. */
export interface FaultHandle {
  readonly rule: FaultRule;
  /** How many requests the fault has affected so far. */
  readonly hits: number;
  /** Whether the fault still applies (its `times` are not used up and it was not removed). */
  readonly active: boolean;
  remove(): void;
}

/** A fault as the server keeps it: the rule plus its hit count. */
export class InstalledFault implements FaultHandle {
  readonly rule: FaultRule;
  readonly #matcher: (path: string) => boolean;
  hits = 0;
  removed = false;

  constructor(rule: FaultRule) {
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
      throw new RangeError(`fault \`times\` must be a non-negative integer, got ${rule.times}`);
    }
    this.rule = rule;
    this.#matcher = compileMatcher(rule.path);
  }

  get active(): boolean {
    return !this.removed && (this.rule.times === undefined || this.hits < this.rule.times);
  }

  matches(path: string): boolean {
    return this.active && this.#matcher(path);
  }

  remove(): void {
    this.removed = true;
  }
}

function compileMatcher(path: string | RegExp | undefined): (path: string) => boolean {
  if (path === undefined) return () => true;
  if (path instanceof RegExp) {
    // A fresh, stateless copy: a shared /g regex would make `test` depend on its lastIndex.
    const re = new RegExp(path.source, path.flags.replace(/[gy]/g, ""));
    return (p) => re.test(p);
  }
  if (!path.includes("*")) return (p) => p === path;
  const source = path
    .split("*")
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${source}$`);
  return (p) => re.test(p);
}

/** The faults one server currently applies, in installation order. */
export class FaultSet {
  readonly #faults: InstalledFault[] = [];

  add(rule: FaultRule): FaultHandle {
    const fault = new InstalledFault(rule);
    this.#faults.push(fault);
    return fault;
  }

  clear(): void {
    for (const f of this.#faults) f.remove();
    this.#faults.length = 0;
  }

  /** The active faults of `kinds` matching `path`, without consuming them. */
  find(path: string, kinds: readonly FaultKind[]): InstalledFault[] {
    return this.#faults.filter((f) => kinds.includes(f.rule.kind) && f.matches(path));
  }

  /** Counts one affected request for each fault (once each, even if it matched many files). */
  consume(faults: Iterable<InstalledFault>): void {
    for (const f of new Set(faults)) f.hits += 1;
  }
}

/** Kinds that change how a request is answered, matched against the request's own path. */
export const REQUEST_FAULT_KINDS: readonly FaultKind[] = [
  "status",
  "truncate",
  "slow",
  "dropConnection",
  "corrupt",
  "noRange",
];
