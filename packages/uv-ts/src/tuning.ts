import { availableParallelism } from "node:os";

/**
 * Process-wide settings a run may change for the work ahead. Only the process's own entry
 * (`runFromProcess`) makes one; tests and library callers run without, and nothing changes.
 */
export interface ProcessTuning {
  /**
   * The run is about to download and unpack many wheels at once (a cold install): favour
   * throughput over warming up. Later calls do nothing.
   */
  bulkInstall(): void;
  /**
   * Puts back what {@link bulkInstall} changed. Call it when the run's work is done, before the
   * launcher writes its V8 code caches at exit (see below).
   */
  restore(): void;
}

/** The tuning of a run that changes nothing. */
export const NO_TUNING: ProcessTuning = { bulkInstall() {}, restore() {} };

/**
 * V8's default interrupt budget (66 KB) in the releases where it was measured: V8 11.3, Node
 * 20's. It is what {@link ProcessTuning.restore} puts back, so it must be exact (see below).
 */
const DEFAULT_INTERRUPT_BUDGET: ReadonlyMap<string, number> = new Map([["11.3", 66 * 1024]]);

/** The interrupt budget of a bulk install: about 15 times the default. */
export const BULK_INTERRUPT_BUDGET = 1_000_000;

/** What {@link v8Tuning} reads of the process, and how it sets V8's flags (tests pass theirs). */
export interface V8TuningOptions {
  /** `process.versions.v8`. */
  readonly v8Version?: string;
  readonly cores?: () => number;
  readonly setFlags?: (flags: string) => void;
  /** `UV_TS_BULK_TUNING=0` turns the tuning off. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Tuning through V8's flags, on machines of at most two cores.
 *
 * In a cold install every core is busy: the main thread downloads, hashes and checks wheels
 * while an unpacking thread inflates and writes their files. V8 meanwhile optimizes each
 * function that has run a little (its interrupt budget, 66 KB of bytecode executed, is spent),
 * on background threads that take those same cores: ~150 functions and 250-300 ms of CPU
 * (perf) in a cold 37-wheel sync, more than the functions gain back in a run of a second.
 * {@link bulkInstall} raises the budget to {@link BULK_INTERRUPT_BUDGET}, so that only what
 * runs long is optimized. Measured on this project's 2-core machine, cold trio sync, 8
 * interleaved runs: wall 910 → 830 ms, user CPU 1145 → 1010 ms. Raised for the whole run
 * instead (at start), it also slowed warm installs, whose main thread is the critical path and
 * whose second core is free for the compiler: 240 → 260 ms, hence only for bulk installs.
 *
 * The flag must be put back before the process exits: V8 rejects a code cache made under other
 * flags (it keeps a hash of the flags that differ from their defaults), so the launcher's caches
 * written at exit would be rejected by the next run, and rewritten by every run. Setting the
 * exact default value back restores the hash; hence only V8 releases whose default is known
 * here are tuned. Elsewhere, and on machines with more cores (where the compiler has cores of
 * its own), this tuning changes nothing, and so it does with `UV_TS_BULK_TUNING=0`.
 */
export function v8Tuning(options: V8TuningOptions = {}): ProcessTuning {
  const version = options.v8Version ?? process.versions.v8;
  const release = /^(\d+\.\d+)\./u.exec(version)?.[1];
  const defaultBudget = release === undefined ? undefined : DEFAULT_INTERRUPT_BUDGET.get(release);
  const cores = options.cores ?? availableParallelism;
  if (defaultBudget === undefined || options.env?.UV_TS_BULK_TUNING === "0" || cores() > 2) {
    return NO_TUNING;
  }
  const setFlags =
    options.setFlags ??
    ((flags: string) => process.getBuiltinModule("node:v8").setFlagsFromString(flags));
  let changed = false;
  return {
    bulkInstall() {
      if (changed) return;
      changed = true;
      setFlags(`--interrupt-budget=${BULK_INTERRUPT_BUDGET}`);
    },
    restore() {
      if (!changed) return;
      changed = false;
      setFlags(`--interrupt-budget=${defaultBudget}`);
    },
  };
}
