import type { WheelFilename } from "@uv-ts/distribution-filename";
import { planWheelInstall, type WheelInstallPlan, type WheelPlanOptions } from "./install-wheel.ts";
import type { Layout } from "./layout.ts";

/**
 * How long one turn of the event loop plans wheels (~0.2-2 ms each). Measured, warm trio sync:
 * one wheel a turn left 18-31 of 37 unplanned at the seal in most runs, as the turns are long
 * while the pages come in.
 */
const TURN_BUDGET_MS = 2;

/** A wheel waiting to be planned. */
interface Queued {
  readonly name: string;
  readonly unpackedDir: string;
  readonly filename: WheelFilename;
  readonly files: readonly string[] | undefined;
}

/**
 * Plans installs ahead of time (see {@link planWheelInstall}): the part of an install that
 * reads and validates a wheel and composes its RECORD, done while a resolution waits for the
 * index rather than after it. A few milliseconds' worth per turn of the event loop, so that the
 * pages coming in meanwhile are not held up for long.
 *
 * A plan is only a head start: the install checks that it was made for the very same wheel,
 * files and options (`planFits`), and plans again otherwise. A wheel whose planning fails or
 * warns gets no plan: its install then fails, or warns, itself, in its place in the run.
 */
export class InstallPlanner {
  readonly #layout: Layout;
  readonly #options: WheelPlanOptions;
  readonly #queue: Queued[] = [];
  readonly #plans = new Map<string, WheelInstallPlan>();
  /** The unpacked wheel each name was added with: a second add of the same is no new work. */
  readonly #added = new Map<string, string>();
  #scheduled = false;
  #sealed = false;

  /** `options` are those the installs will be given (see `installWheel`). */
  constructor(layout: Layout, options: WheelPlanOptions = {}) {
    this.#layout = layout;
    this.#options = options;
  }

  /**
   * Plans the install of `name` from the unpacked wheel at `unpackedDir` (listing `files`), once:
   * the same wheel added again (a wheel fetched ahead, then by the install) is planned already.
   */
  add(
    name: string,
    unpackedDir: string,
    filename: WheelFilename,
    files?: readonly string[] | undefined,
  ): void {
    if (this.#sealed || this.#added.get(name) === unpackedDir) return;
    this.#added.set(name, unpackedDir);
    this.#plans.delete(name);
    this.#queue.push({ name, unpackedDir, filename, files });
    this.#schedule();
  }

  /** The plan made for `name`, if any, now out of the planner. */
  take(name: string): WheelInstallPlan | undefined {
    const plan = this.#plans.get(name);
    this.#plans.delete(name);
    return plan;
  }

  /** Plans nothing more: what is still queued is dropped. */
  seal(): void {
    this.#sealed = true;
    this.#queue.length = 0;
  }

  /** Whether wheels are still queued (for tests). */
  get pending(): number {
    return this.#queue.length;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // Wheels for up to `TURN_BUDGET_MS` of a turn: a turn that the pages keep busy plans a
      // wheel or a few, an idle one a batch.
      const start = performance.now();
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        this.#plan(next);
        if (performance.now() - start >= TURN_BUDGET_MS) break;
      }
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  #plan(next: Queued): void {
    let warned = false;
    try {
      const plan = planWheelInstall(next.unpackedDir, next.filename, this.#layout, {
        ...this.#options,
        ...(next.files === undefined ? {} : { files: next.files }),
        onWarning: () => {
          warned = true;
        },
      });
      if (!warned) this.#plans.set(next.name, plan);
    } catch {
      // The install plans again, and fails in its own place.
    }
  }
}
