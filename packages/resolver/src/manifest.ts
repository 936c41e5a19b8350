import type { PackageName } from "@uv-ts/normalize";
import { type MarkerEnvironment, Requirement } from "@uv-ts/pep508";
import type { Preference } from "./preferences.ts";

/** What the user asked for: requirements, `-c` constraints, `--overrides`, and pins to keep. */
export interface Manifest {
  readonly requirements: readonly Requirement[];
  readonly constraints?: readonly Requirement[];
  readonly overrides?: readonly Requirement[];
  readonly preferences?: readonly Preference[];
}

/**
 * Requirements with constraints and overrides applied, for one target environment. Overrides
 * replace every requirement on their package (anywhere in the graph); constraints are added next
 * to every requirement on their package, so they only narrow what is already required.
 */
export class ManifestRules {
  readonly #constraints = new Map<PackageName, Requirement[]>();
  readonly #overrides = new Map<PackageName, Requirement[]>();
  readonly #env: MarkerEnvironment;

  constructor(manifest: Manifest, env: MarkerEnvironment) {
    this.#env = env;
    for (const c of manifest.constraints ?? []) push(this.#constraints, c.name, c);
    for (const o of manifest.overrides ?? []) push(this.#overrides, o.name, o);
  }

  /** The overrides of `name`, if any. */
  overridesOf(name: PackageName): readonly Requirement[] | undefined {
    return this.#overrides.get(name);
  }

  /** `requirements` with overrides swapped in. */
  applyOverrides(requirements: readonly Requirement[]): Requirement[] {
    const out: Requirement[] = [];
    for (const r of requirements) {
      const overrides = this.#overrides.get(r.name);
      if (overrides === undefined) out.push(r);
      else out.push(...overrides);
    }
    return out;
  }

  /** `requirements` followed, each, by the constraints on its package that apply here. */
  applyConstraints(requirements: readonly Requirement[]): Requirement[] {
    const out: Requirement[] = [];
    for (const r of requirements) {
      out.push(r);
      for (const c of this.#constraints.get(r.name) ?? []) {
        if (c.evaluateMarker(this.#env, [])) out.push(c);
      }
    }
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * The requirements of `name` (or of its `extra`) among `requiresDist` that apply in `env`: for
 * the package itself those whose marker holds without extras, for an extra those that hold only
 * with it. A package naming its own extras (`foo[all]` → `foo[fast]`) is flattened: the extras'
 * requirements are included and the self-reference dropped, keeping any version bound it carried.
 */
export function requirementsFor(
  name: PackageName,
  extra: string | undefined,
  requiresDist: readonly Requirement[],
  env: MarkerEnvironment,
): Requirement[] {
  const applies = (r: Requirement, e: string | undefined): boolean =>
    e === undefined
      ? r.evaluateMarker(env, [])
      : r.evaluateMarker(env, [e]) && !r.evaluateMarker(env, []);
  const out = requiresDist.filter((r) => applies(r, extra));
  if (!out.some((r) => r.name === name && r.extras.length > 0)) return out;
  const seen = new Set<string>(extra === undefined ? [] : [extra]);
  const queue = out.filter((r) => r.name === name).flatMap((r) => r.extras);
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const r of requiresDist) {
      if (!applies(r, next)) continue;
      if (r.name === name) queue.push(...r.extras);
      out.push(r);
    }
  }
  // Self-references go; their version bounds (`foo[bar]>1` still means `foo>1`) come last.
  const flattened = out.filter((r) => r.name !== name || r.extras.length === 0);
  for (const r of out) {
    if (r.name === name && r.extras.length > 0 && (r.version?.specifiers.length ?? 0) > 0) {
      flattened.push(withoutExtras(r));
    }
  }
  return flattened;
}

function withoutExtras(r: Requirement): Requirement {
  return new Requirement({
    name: r.name,
    extras: [],
    version: r.version,
    url: r.verbatimUrl,
    marker: r.marker,
  });
}
