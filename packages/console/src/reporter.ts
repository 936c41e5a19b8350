/**
 * What library packages call to report progress. Only the CLI implements it (and draws bars,
 * on a terminal only); libraries never print.
 */
export interface Reporter {
  /** A unit of work started, e.g. `{ kind: "download", name: "anyio", total: 1234 }`. */
  onStart?(event: { kind: string; name: string; total?: number }): number;
  /** Progress on a unit started by `onStart`. */
  onProgress?(id: number, done: number): void;
  /** A unit finished. */
  onComplete?(id: number): void;
}

/** A reporter that ignores everything: for tests and for `--no-progress`. */
export const silentReporter: Reporter = Object.freeze({});
