import { normalizeName } from "@uv-ts/normalize";
import type { MarkerEnvironment } from "./marker-environment.ts";
import {
  type ExtrasContext,
  evaluateMarkerExpression,
  formatMarkerExpression,
  type MarkerExpression,
} from "./marker-expression.ts";
import { parseMarkers } from "./marker-parse.ts";

/** The shape of a marker tree: a constant, one expression, or a conjunction or disjunction. */
export type MarkerNode =
  | { readonly kind: "true" }
  | { readonly kind: "false" }
  | { readonly kind: "expression"; readonly expression: MarkerExpression }
  | { readonly kind: "and" | "or"; readonly children: readonly MarkerNode[] };

const TRUE_NODE: MarkerNode = { kind: "true" };
const FALSE_NODE: MarkerNode = { kind: "false" };

/**
 * An immutable environment marker: `and`/`or` over comparisons, evaluated as uv does.
 *
 * This is a plain expression tree. uv's canonical marker algebra (decision diagrams with
 * simplification, so equivalent markers compare equal) can replace the internals later: callers
 * only see `parse`, `and`, `or`, `evaluate`, `isTrue`, `isFalse`, `toString` and `node`.
 */
export class MarkerTree {
  /** The marker that always holds (an absent marker). */
  static readonly TRUE: MarkerTree = new MarkerTree(TRUE_NODE);
  /** The marker that never holds. */
  static readonly FALSE: MarkerTree = new MarkerTree(FALSE_NODE);

  /** The tree's structure, for inspection. */
  readonly node: MarkerNode;

  private constructor(node: MarkerNode) {
    this.node = node;
  }

  /** Parses a marker expression such as `python_version >= '3.8' and os_name == 'nt'`. */
  static parse(s: string): MarkerTree {
    return parseMarkers(s);
  }

  /** A marker holding exactly one expression. */
  static expression(expression: MarkerExpression): MarkerTree {
    return new MarkerTree({ kind: "expression", expression });
  }

  /**
   * A marker with the given structure. Callers must keep `and`/`or` children flat (no `and`
   * directly under `and`) and free of constants, as `and` and `or` do.
   */
  static fromNode(node: MarkerNode): MarkerTree {
    if (node.kind === "true") return MarkerTree.TRUE;
    if (node.kind === "false") return MarkerTree.FALSE;
    return new MarkerTree(node);
  }

  /** Both markers hold. */
  and(other: MarkerTree): MarkerTree {
    return combine("and", this, other);
  }

  /** Either marker holds. */
  or(other: MarkerTree): MarkerTree {
    return combine("or", this, other);
  }

  /** Whether this is known to always hold. */
  isTrue(): boolean {
    return this.node.kind === "true";
  }

  /** Whether this is known to never hold. */
  isFalse(): boolean {
    return this.node.kind === "false";
  }

  /** Whether the marker holds in `env` with the given extras active (`extra == '...'`). */
  evaluate(env: MarkerEnvironment, extras: readonly string[]): boolean {
    return evaluateNode(this.node, env, {
      extra: extras.map(normalizeName),
      extras: [],
      groups: [],
    });
  }

  /**
   * Evaluation in a PEP 751 lockfile, where `'...' in extras` and `'...' in dependency_groups`
   * refer to the selected extras and groups and `extra` is never set.
   */
  evaluatePep751(
    env: MarkerEnvironment,
    extras: readonly string[],
    groups: readonly string[],
  ): boolean {
    return evaluateNode(this.node, env, {
      extra: [],
      extras: extras.map(normalizeName),
      groups: groups.map(normalizeName),
    });
  }

  /** Structural equality of the normalised forms. */
  equals(other: MarkerTree): boolean {
    return this.toString() === other.toString();
  }

  /**
   * The normalised form, e.g. `python_version >= '3.8' and (os_name == 'nt' or sys_platform ==
   * 'win32')`. `TRUE` is the empty string; `FALSE` is `python_version < '0'`, as in uv.
   */
  toString(): string {
    return formatNode(this.node, true);
  }
}

function combine(kind: "and" | "or", left: MarkerTree, right: MarkerTree): MarkerTree {
  const absorbing = kind === "and" ? "false" : "true";
  const neutral = kind === "and" ? "true" : "false";
  if (left.node.kind === absorbing || right.node.kind === neutral) return left;
  if (right.node.kind === absorbing || left.node.kind === neutral) return right;
  const children = [left.node, right.node].flatMap((n) => (n.kind === kind ? n.children : [n]));
  return MarkerTree.fromNode({ kind, children });
}

function evaluateNode(node: MarkerNode, env: MarkerEnvironment, extras: ExtrasContext): boolean {
  switch (node.kind) {
    case "true":
      return true;
    case "false":
      return false;
    case "expression":
      return evaluateMarkerExpression(node.expression, env, extras);
    case "and":
      return node.children.every((c) => evaluateNode(c, env, extras));
    case "or":
      return node.children.some((c) => evaluateNode(c, env, extras));
  }
}

function formatNode(node: MarkerNode, top: boolean): string {
  switch (node.kind) {
    case "true":
      return "";
    case "false":
      return "python_version < '0'";
    case "expression":
      return formatMarkerExpression(node.expression);
    case "and":
      return node.children.map((c) => formatNode(c, false)).join(" and ");
    case "or": {
      const text = node.children.map((c) => formatNode(c, true)).join(" or ");
      return top ? text : `(${text})`;
    }
  }
}
