import ts from "typescript";
import { normalizeSnapshot } from "./snapshot-normalize.ts";

/** The function whose second argument is an inline snapshot. */
export const SNAPSHOT_FUNCTION = "assertSnapshot";

/** An accepted snapshot to write at a call site (1-based line and column, as in stack traces). */
export interface SnapshotEdit {
  readonly line: number;
  readonly column: number;
  /** The snapshot the call had when the test ran (normalised), `null` when it had none. */
  readonly old: string | null;
  /** The snapshot to write (normalised). */
  readonly new: string;
}

/** The outcome of {@link rewriteInlineSnapshots}. */
export interface RewriteResult {
  readonly source: string;
  readonly applied: readonly SnapshotEdit[];
  /** Edits left out because the file no longer matches what the test run saw. */
  readonly stale: readonly { readonly edit: SnapshotEdit; readonly reason: string }[];
}

/**
 * Escapes `text` for the inside of a template literal whose cooked value must be `text`:
 * backslashes, backticks and `${`, plus control characters other than newline and tab (which
 * would otherwise be invisible in the test file).
 */
export function escapeTemplateLiteral(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/`/g, "\\`")
    .replace(/\$\{/g, "\\${")
    .replace(/\r/g, "\\r")
    .replace(
      /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
}

/**
 * The template literal for snapshot `text`: one line as `` `text` ``; several lines as
 * `` ` `` + newline, each line prefixed with `indent` (blank lines left empty), then `indent`
 * and the closing backtick, which is the layout the formatter keeps.
 */
export function renderInlineSnapshot(text: string, indent: string): string {
  const escaped = escapeTemplateLiteral(text);
  if (!escaped.includes("\n")) return `\`${escaped}\``;
  const body = escaped
    .split("\n")
    .map((l) => (l === "" ? "" : `${indent}${l}`))
    .join("\n");
  return `\`\n${body}\n${indent}\``;
}

function isSnapshotCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === SNAPSHOT_FUNCTION;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === SNAPSHOT_FUNCTION;
}

/** The identifier a stack frame points at for this call: the function's name. */
function calleeName(call: ts.CallExpression): ts.Node {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? callee.name : callee;
}

function lineIndent(source: string, pos: number): string {
  const lineStart = source.lastIndexOf("\n", pos - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? "";
}

/**
 * Finds the snapshot call a stack frame points at: the call whose function name starts at
 * `line`:`column`, else the innermost call spanning that position, else the only call on that
 * line.
 */
function findCall(
  file: ts.SourceFile,
  calls: readonly ts.CallExpression[],
  line: number,
  column: number,
): ts.CallExpression | undefined {
  const lineCount = file.getLineStarts().length;
  if (line < 1 || line > lineCount) return undefined;
  const pos = file.getPositionOfLineAndCharacter(line - 1, column - 1);
  const exact = calls.find((c) => calleeName(c).getStart(file) === pos);
  if (exact) return exact;
  const spanning = calls
    .filter((c) => c.getStart(file) <= pos && pos < c.getEnd())
    .sort((a, b) => a.getEnd() - a.getStart(file) - (b.getEnd() - b.getStart(file)));
  if (spanning[0]) return spanning[0];
  const onLine = calls.filter(
    (c) => file.getLineAndCharacterOfPosition(calleeName(c).getStart(file)).line === line - 1,
  );
  return onLine.length === 1 ? onLine[0] : undefined;
}

interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Writes accepted snapshots into a test file's source: for each edit, finds the
 * `assertSnapshot(actual, expected?)` call at its position, checks that its current snapshot is
 * still the one the test run compared against (otherwise the edit is stale), and replaces the
 * second argument (or adds one). A multi-line snapshot puts the arguments on their own lines
 * first, as the formatter would. Edits apply back to front, so positions never shift.
 */
export function rewriteInlineSnapshots(
  source: string,
  fileName: string,
  edits: readonly SnapshotEdit[],
): RewriteResult {
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (isSnapshotCall(node)) calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);

  const applied: SnapshotEdit[] = [];
  const stale: { edit: SnapshotEdit; reason: string }[] = [];
  const textEdits: TextEdit[] = [];
  const used = new Set<ts.CallExpression>();
  for (const edit of edits) {
    const call = findCall(file, calls, edit.line, edit.column);
    if (!call) {
      stale.push({
        edit,
        reason: `no \`${SNAPSHOT_FUNCTION}\` call at ${edit.line}:${edit.column}`,
      });
      continue;
    }
    if (used.has(call)) {
      stale.push({ edit, reason: "another accepted snapshot already targets this call" });
      continue;
    }
    const [actualArg, expectedArg] = call.arguments;
    if (!actualArg) {
      stale.push({ edit, reason: "the call has no argument" });
      continue;
    }
    if (expectedArg) {
      if (!ts.isNoSubstitutionTemplateLiteral(expectedArg) && !ts.isStringLiteral(expectedArg)) {
        stale.push({ edit, reason: "the snapshot argument is not a plain literal" });
        continue;
      }
      if (edit.old === null || normalizeSnapshot(expectedArg.text) !== edit.old) {
        stale.push({ edit, reason: "the snapshot in the file changed since the test ran" });
        continue;
      }
    } else if (edit.old !== null) {
      stale.push({ edit, reason: "the snapshot was removed from the file since the test ran" });
      continue;
    }
    used.add(call);
    applied.push(edit);

    const callIndent = lineIndent(source, call.getStart(file));
    const openParen = source.indexOf("(", call.expression.getEnd());
    const argsBroken =
      file.getLineAndCharacterOfPosition(actualArg.getStart(file)).line >
      file.getLineAndCharacterOfPosition(openParen).line;
    const argIndent = argsBroken ? lineIndent(source, actualArg.getStart(file)) : `${callIndent}  `;
    const literal = renderInlineSnapshot(edit.new, argIndent);
    if (!edit.new.includes("\n") || argsBroken) {
      if (expectedArg) {
        textEdits.push({
          start: expectedArg.getStart(file),
          end: expectedArg.getEnd(),
          text: literal,
        });
      } else if (argsBroken) {
        // `assertSnapshot(\n  actual,\n)`: a new line of its own after the first argument.
        const comma = call.arguments.hasTrailingComma ? "," : "";
        textEdits.push({
          start: actualArg.getEnd(),
          end: actualArg.getEnd() + comma.length,
          text: `,\n${argIndent}${literal}${comma}`,
        });
      } else {
        textEdits.push({
          start: actualArg.getEnd(),
          end: actualArg.getEnd(),
          text: `, ${literal}`,
        });
      }
    } else {
      // Break `assertSnapshot(actual, ...)` into one argument per line around the new literal.
      textEdits.push({
        start: openParen + 1,
        end: call.getEnd() - 1,
        text: `\n${argIndent}${actualArg.getText(file)},\n${argIndent}${literal},\n${callIndent}`,
      });
    }
  }

  textEdits.sort((a, b) => b.start - a.start);
  let out = source;
  let limit = Number.POSITIVE_INFINITY;
  for (const e of textEdits) {
    // Edits target distinct calls; a nested call inside another's first argument would overlap.
    if (e.end > limit) throw new Error(`Overlapping snapshot edits in ${fileName}`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return { source: out, applied, stale };
}
