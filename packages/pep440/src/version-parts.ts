/** The kind of a pre-release, normalised (`alpha` is `a`, `c`/`pre`/`preview` are `rc`). */
export type PreKind = "a" | "b" | "rc";

/** A pre-release segment such as `rc1`. */
export interface PreRelease {
  readonly kind: PreKind;
  readonly number: number;
}

/** The parts of a version, as {@link Version.fromParts} takes them. */
export interface VersionParts {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: PreRelease | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: readonly (string | number)[];
}
