import { normalizeName } from "@uv-ts/normalize";
import { Version, type VersionSpecifier } from "@uv-ts/pep440";
import { compareCodePoints } from "./chars.ts";
import type { MarkerEnvironment } from "./marker-environment.ts";
import {
  pythonVersionToFullVersion,
  releaseSpecifierContains,
  toReleaseSpecifier,
} from "./marker-version.ts";

/** Marker variables holding PEP 440 versions. */
export type MarkerVersionKey = "implementation_version" | "python_full_version" | "python_version";

/** Marker variables holding arbitrary strings (deprecated dotted aliases map onto these). */
export type MarkerStringKey =
  | "implementation_name"
  | "os_name"
  | "platform_machine"
  | "platform_python_implementation"
  | "platform_release"
  | "platform_system"
  | "platform_version"
  | "sys_platform";

/** PEP 751 list-valued marker variables, only usable as `'...' in <key>`. */
export type MarkerListKey = "extras" | "dependency_groups";

/**
 * Operators of string comparisons. `contains` and `not contains` are `'...' in <key>` and
 * `'...' not in <key>` after the operands were swapped into `<key> <op> '...'` order.
 */
export type MarkerStringOperator =
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "not in"
  | "contains"
  | "not contains";

/** One comparison of a marker, normalised to `<variable> <op> '<value>'` order where possible. */
export type MarkerExpression =
  | {
      readonly kind: "version";
      readonly key: MarkerVersionKey;
      readonly specifier: VersionSpecifier;
    }
  | {
      readonly kind: "version-in";
      readonly key: MarkerVersionKey;
      readonly versions: readonly Version[];
      readonly negated: boolean;
    }
  | {
      readonly kind: "string";
      readonly key: MarkerStringKey;
      readonly operator: MarkerStringOperator;
      readonly value: string;
    }
  | {
      readonly kind: "list";
      readonly key: MarkerListKey;
      /** Normalised when `valid`, verbatim otherwise. */
      readonly value: string;
      readonly valid: boolean;
      readonly negated: boolean;
    }
  | {
      readonly kind: "extra";
      /** Normalised when `valid`, verbatim otherwise. */
      readonly name: string;
      readonly valid: boolean;
      readonly negated: boolean;
    };

/** What marker evaluation compares `extra`, `extras` and `dependency_groups` against. */
export interface ExtrasContext {
  /** Extras for `extra == '...'`, normalised. */
  readonly extra: readonly string[];
  /** PEP 751 `extras`, normalised. */
  readonly extras: readonly string[];
  /** PEP 751 `dependency_groups`, normalised. */
  readonly groups: readonly string[];
}

// uv evaluates these `platform_system` values as the equivalent `sys_platform` ones.
const PLATFORM_SYSTEM_TO_SYS_PLATFORM: ReadonlyMap<string, string> = new Map([
  ["Windows", "win32"],
  ["Darwin", "darwin"],
  ["Linux", "linux"],
  ["AIX", "aix"],
  ["Emscripten", "emscripten"],
  ["Android", "android"],
]);

function quote(value: string): string {
  // uv always writes single quotes; fall back to double quotes so the output parses again.
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/** uv's display of one expression, e.g. `python_version >= '3.8'` or `'nt' in os_name`. */
export function formatMarkerExpression(expr: MarkerExpression): string {
  switch (expr.kind) {
    case "version": {
      const { operator, version } = expr.specifier;
      const star = operator === "==*" || operator === "!=*";
      return `${expr.key} ${star ? operator.slice(0, 2) : operator} ${quote(star ? `${version}.*` : String(version))}`;
    }
    case "version-in":
      return `${expr.key} ${expr.negated ? "not in" : "in"} ${quote(expr.versions.map(String).join(" "))}`;
    case "string":
      if (expr.operator === "contains") return `${quote(expr.value)} in ${expr.key}`;
      if (expr.operator === "not contains") return `${quote(expr.value)} not in ${expr.key}`;
      return `${expr.key} ${expr.operator} ${quote(expr.value)}`;
    case "list":
      return `${quote(expr.value)} ${expr.negated ? "not in" : "in"} ${expr.key}`;
    case "extra":
      return `extra ${expr.negated ? "!=" : "=="} ${quote(expr.name)}`;
  }
}

function envVersion(env: MarkerEnvironment, key: MarkerVersionKey): Version | undefined {
  return Version.tryParse(env[key]);
}

function compareStrings(op: MarkerStringOperator, actual: string, value: string): boolean {
  switch (op) {
    case "==":
      return actual === value;
    case "!=":
      return actual !== value;
    case "<":
      return compareCodePoints(actual, value) < 0;
    case "<=":
      return compareCodePoints(actual, value) <= 0;
    case ">":
      return compareCodePoints(actual, value) > 0;
    case ">=":
      return compareCodePoints(actual, value) >= 0;
    case "in":
      return value.includes(actual);
    case "not in":
      return !value.includes(actual);
    case "contains":
      return actual.includes(value);
    case "not contains":
      return !actual.includes(value);
  }
}

/** Evaluates one expression the way uv's marker algebra does (see the package README). */
export function evaluateMarkerExpression(
  expr: MarkerExpression,
  env: MarkerEnvironment,
  extras: ExtrasContext,
): boolean {
  switch (expr.kind) {
    case "version": {
      let spec = toReleaseSpecifier(expr.specifier);
      let key = expr.key;
      if (key === "python_version") {
        const full = pythonVersionToFullVersion(spec);
        if (typeof full === "boolean") return full;
        spec = full;
        key = "python_full_version";
      }
      const actual = envVersion(env, key);
      return actual !== undefined && releaseSpecifierContains(spec, actual);
    }
    case "version-in": {
      const actual = envVersion(
        env,
        expr.key === "python_version" ? "python_full_version" : expr.key,
      );
      if (actual === undefined) return false;
      let found = false;
      for (const version of expr.versions) {
        if (expr.key === "python_version") {
          const full = pythonVersionToFullVersion({ operator: "==", release: version.release });
          // uv turns the whole expression into this constant, whatever the other versions are.
          if (typeof full === "boolean") return full;
          if (releaseSpecifierContains(full, actual)) found = true;
        } else if (actual.compare(version) === 0) {
          found = true;
        }
      }
      return found !== expr.negated;
    }
    case "string": {
      let key = expr.key;
      let value = expr.value;
      const sysPlatform =
        key === "platform_system" ? PLATFORM_SYSTEM_TO_SYS_PLATFORM.get(value) : undefined;
      if (
        sysPlatform !== undefined &&
        expr.operator !== "in" &&
        expr.operator !== "not in" &&
        expr.operator !== "contains" &&
        expr.operator !== "not contains"
      ) {
        key = "sys_platform";
        value = sysPlatform;
      }
      return compareStrings(expr.operator, env[key], value);
    }
    case "list": {
      if (!expr.valid) return false;
      const pool = expr.key === "extras" ? extras.extras : extras.groups;
      return pool.includes(expr.value) !== expr.negated;
    }
    case "extra":
      // uv turns a comparison with an invalid extra name into `false`, for `!=` too.
      if (!expr.valid) return false;
      return extras.extra.includes(expr.name) !== expr.negated;
  }
}

/** Normalises the extras a caller passes in for evaluation. */
export function normalizeExtras(names: readonly string[]): string[] {
  return names.map(normalizeName);
}
