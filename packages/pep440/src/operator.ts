/**
 * A version specifier operator. The wildcard forms are separate operators, as in uv:
 * `==1.2.*` is `"==*"` with version `1.2`, and `!=1.2.*` is `"!=*"`. They print as `==`/`!=`
 * followed by `<version>.*`.
 */
export type Operator = "==" | "!=" | "<=" | ">=" | "<" | ">" | "~=" | "===" | "==*" | "!=*";

/** The operators as written, before any wildcard; longest first where one prefixes another. */
export const WRITTEN_OPERATORS: readonly string[] = ["===", "==", "!=", "~=", "<=", ">=", "<", ">"];

/** How an operator is written in front of its version (the wildcard ones lose their `*`). */
export function operatorText(op: Operator): string {
  return op === "==*" ? "==" : op === "!=*" ? "!=" : op;
}

/** Whether the operator accepts a version with a local label (`==1.0+abc`). */
export function allowsLocal(op: Operator): boolean {
  return op === "==" || op === "!=" || op === "===";
}

// uv's `Operator` enum order, used to sort specifiers with equal versions.
const ORDER: Readonly<Record<Operator, number>> = {
  "==": 0,
  "==*": 1,
  "===": 2,
  "!=": 3,
  "!=*": 4,
  "~=": 5,
  "<": 6,
  "<=": 7,
  ">": 8,
  ">=": 9,
};

/** The rank of an operator in uv's `Operator` enum. */
export function operatorRank(op: Operator): number {
  return ORDER[op];
}
