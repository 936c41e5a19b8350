import type { IncomingHttpHeaders } from "node:http";
import type { FaultKind } from "./faults.ts";

/** One request the index server received, for tests to assert on. */
export interface RequestLog {
  readonly method: string;
  /** The request target as sent: path and query. */
  readonly path: string;
  /** The decoded-free path part, without the query. */
  readonly pathname: string;
  readonly headers: IncomingHttpHeaders;
  readonly range: string | undefined;
  readonly accept: string | undefined;
  /** The status sent, filled in when the headers go out; `undefined` if they never did. */
  readonly status: number | undefined;
  /** When the request arrived (epoch ms). */
  readonly receivedAt: number;
  /** The faults that affected this request, in the order they were installed. */
  readonly faults: readonly FaultKind[];
}
