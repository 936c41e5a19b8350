import { compareVersions, PythonVersion } from "./python-version.ts";

/** One comparison of a specifier set: `>=3.11`, `==3.12.*`, `~=3.10`. */
export interface PythonSpecifier {
  readonly operator: "==" | "!=" | "<=" | ">=" | "<" | ">" | "~=" | "===";
  readonly version: PythonVersion;
  /** `==3.12.*` / `!=3.12.*`. */
  readonly wildcard: boolean;
}

/**
 * A comma-separated PEP 440 specifier set, restricted to what Python version requests and
 * `requires-python` use. Kept local to this package so that discovery does not wait on the full
 * `@uv-ts/pep440` algebra; it agrees with PEP 440 for release and pre-release versions.
 */
export class PythonSpecifiers {
  readonly specifiers: readonly PythonSpecifier[];

  constructor(specifiers: readonly PythonSpecifier[]) {
    this.specifiers = specifiers;
  }

  /** Parses `>=3.11, <3.13`; `undefined` when any part is not a specifier. */
  static parse(text: string): PythonSpecifiers | undefined {
    const parts = text.split(",").map((p) => p.trim());
    if (parts.length === 1 && parts[0] === "") return new PythonSpecifiers([]);
    const specifiers: PythonSpecifier[] = [];
    for (const part of parts) {
      const m = /^(===|==|!=|<=|>=|~=|<|>)\s*(.+)$/.exec(part);
      if (m === null) return undefined;
      const operator = m[1] as PythonSpecifier["operator"];
      let raw = m[2]!.trim();
      let wildcard = false;
      if (raw.endsWith(".*")) {
        if (operator !== "==" && operator !== "!=") return undefined;
        wildcard = true;
        raw = raw.slice(0, -2);
      }
      const version = PythonVersion.parse(raw);
      if (version === undefined) return undefined;
      if (operator === "~=" && version.release.length < 2) return undefined;
      specifiers.push({ operator, version, wildcard });
    }
    return new PythonSpecifiers(specifiers);
  }

  /** Whether `version` satisfies every specifier. */
  contains(version: PythonVersion): boolean {
    return this.specifiers.every((s) => specifierContains(s, version));
  }

  /** Whether any specifier names a pre-release (then pre-releases are compared in full). */
  anyPrerelease(): boolean {
    return this.specifiers.some((s) => s.version.pre !== undefined || s.version.dev !== undefined);
  }

  get isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  toString(): string {
    return this.specifiers
      .map((s) => `${s.operator}${s.version.toString()}${s.wildcard ? ".*" : ""}`)
      .join(", ");
  }
}

function prefixMatches(prefix: readonly number[], version: PythonVersion): boolean {
  return prefix.every((n, i) => (version.release[i] ?? 0) === n);
}

function specifierContains(s: PythonSpecifier, v: PythonVersion): boolean {
  const cmp = compareVersions(v, s.version);
  switch (s.operator) {
    case "==":
      return s.wildcard ? prefixMatches(s.version.release, v) : cmp === 0;
    case "!=":
      return s.wildcard ? !prefixMatches(s.version.release, v) : cmp !== 0;
    case "===":
      return v.toString() === s.version.toString();
    case ">=":
      return cmp >= 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case "<":
      // `<3.13` must not admit `3.13.0rc1` unless the bound itself is a pre-release.
      if (cmp >= 0) return false;
      if (s.version.pre === undefined && v.pre !== undefined) {
        return compareVersions(v.onlyRelease(), s.version.onlyRelease()) < 0;
      }
      return true;
    case "~=":
      return cmp >= 0 && prefixMatches(s.version.release.slice(0, -1), v);
  }
}
