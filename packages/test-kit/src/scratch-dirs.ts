import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Temporary directories a test file makes and removes when it is done: create one per file
 * (`const scratch = new ScratchDirs("uv-ts-x-")`), register `afterAll(() => scratch.removeAll())`,
 * and call {@link make} wherever a test needs a fresh directory. Without it, every run of the
 * suite leaves its directories in the system's temporary directory.
 */
export class ScratchDirs {
  readonly #prefix: string;
  readonly #made: string[] = [];

  /** `prefix` names the directories (`<tmpdir>/<prefix>XXXXXX`). */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** A new empty directory, removed by {@link removeAll}. */
  make(prefix: string = this.#prefix): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.#made.push(dir);
    return dir;
  }

  /** Removes every directory made so far (a missing one is not an error). */
  removeAll(): void {
    for (const dir of this.#made.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
