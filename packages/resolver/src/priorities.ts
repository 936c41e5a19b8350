import type { PackageName } from "@uv-ts/normalize";
import type { VersionRange } from "@uv-ts/pep440";
import type { Priority } from "@uv-ts/pubgrub";
import { type PythonPackage, packageKey, packageName } from "./package.ts";

/** uv's priority classes, least urgent first. */
const UNSPECIFIED = 0;
const CONFLICT_LATE = 1;
const CONFLICT_EARLY = 2;
const SINGLETON = 3;
const DIRECT_URL = 4;
const ROOT = 5;

interface NamePriority {
  kind: number;
  /** Order of first sight: earlier names are decided first among equals. */
  readonly index: number;
}

/**
 * Which package to decide next, as uv orders them: the root and Python first, then URL
 * requirements, then `==` pins, then packages that caused many conflicts, then everything else
 * in the order it was discovered (breadth-first). A package seen in many conflicts as the one
 * being ruled out moves up ("conflict early"); one that keeps causing them moves down.
 */
export class Priorities {
  readonly #byName = new Map<PackageName, NamePriority>();
  readonly #tiebreaker = new Map<string, number>();

  /** Records that `pkg` is required within `range` (a dependency was added). */
  insert(pkg: PythonPackage, range: VersionRange, isUrl: boolean): void {
    const key = packageKey(pkg);
    if (!this.#tiebreaker.has(key)) this.#tiebreaker.set(key, this.#tiebreaker.size);
    const name = packageName(pkg);
    if (name === undefined) return;
    const existing = this.#byName.get(name);
    const kind = isUrl ? DIRECT_URL : isSingletonConstraint(range) ? SINGLETON : UNSPECIFIED;
    if (existing === undefined) {
      this.#byName.set(name, { kind, index: this.#byName.size });
      return;
    }
    if (
      kind === UNSPECIFIED &&
      (existing.kind === CONFLICT_EARLY || existing.kind === CONFLICT_LATE)
    ) {
      return;
    }
    if (kind > existing.kind) existing.kind = kind;
  }

  /** The priority of `pkg` (higher is decided first). */
  get(pkg: PythonPackage): Priority {
    switch (pkg.kind) {
      case "root":
        return [ROOT, 0, 0];
      case "python":
        return [ROOT, 0, pkg.python === "installed" ? -1 : -2];
      default: {
        const p = this.#byName.get(pkg.name);
        const tie = this.#tiebreaker.get(packageKey(pkg)) ?? Number.MAX_SAFE_INTEGER;
        if (p === undefined) return [UNSPECIFIED, -Number.MAX_SAFE_INTEGER, -tie];
        return [p.kind, -p.index, -tie];
      }
    }
  }

  /** Moves a package that is often ruled out up; `false` when it already was. */
  markConflictEarly(name: PackageName): boolean {
    const p = this.#byName.get(name);
    if (p === undefined) {
      this.#byName.set(name, { kind: CONFLICT_EARLY, index: this.#byName.size });
      return true;
    }
    if (p.kind === CONFLICT_EARLY) return false;
    p.kind = CONFLICT_EARLY;
    return true;
  }

  /** Moves a package that often rules others out down; `false` when it already was. */
  markConflictLate(name: PackageName): boolean {
    const p = this.#byName.get(name);
    if (p === undefined) {
      this.#byName.set(name, { kind: CONFLICT_LATE, index: this.#byName.size });
      return true;
    }
    if (p.kind === CONFLICT_LATE || p.kind === CONFLICT_EARLY) return false;
    p.kind = CONFLICT_LATE;
    return true;
  }
}

/**
 * Whether a range pins one public version: a singleton, or `==V` (which also admits `V+local`).
 */
export function isSingletonConstraint(range: VersionRange): boolean {
  if (range.asSingleton() !== undefined) return true;
  const intervals = range.intervals;
  if (intervals.length === 0) return false;
  return intervals.every(({ lower, upper }) => {
    if (lower === undefined || upper === undefined || !lower.inclusive || upper.inclusive) {
      return false;
    }
    const v = lower.version;
    if (v.isLocal()) return false;
    const next =
      v.dev !== undefined
        ? v.with({ dev: v.dev + 1, local: [] })
        : v.post !== undefined
          ? v.with({ post: v.post + 1, dev: 0, local: [] })
          : v.with({ post: 0, dev: 0, local: [] });
    return next.equals(upper.version);
  });
}
