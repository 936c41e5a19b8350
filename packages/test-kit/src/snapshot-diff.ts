/** One line of a line diff: kept (` `), removed from the old text (`-`) or added (`+`). */
export interface DiffLine {
  readonly kind: " " | "-" | "+";
  readonly text: string;
}

/** Above this many cells the LCS table is skipped and the middle reads as replaced wholesale. */
const MAX_TABLE = 4_000_000;

/** A minimal line diff of `oldText` against `newText` (longest common subsequence). */
export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = oldText === "" ? [] : oldText.split("\n");
  const b = newText === "" ? [] : newText.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ kind: " ", text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if ((n + 1) * (m + 1) > MAX_TABLE) {
    for (const text of midA) out.push({ kind: "-", text });
    for (const text of midB) out.push({ kind: "+", text });
  } else {
    // lcs[i * (m + 1) + j]: the LCS length of midA[i..] and midB[j..].
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] =
          midA[i] === midB[j]
            ? (lcs[(i + 1) * (m + 1) + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * (m + 1) + j] ?? 0, lcs[i * (m + 1) + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        out.push({ kind: " ", text: midA[i] ?? "" });
        i++;
        j++;
      } else if (
        i < n &&
        (j >= m || (lcs[(i + 1) * (m + 1) + j] ?? 0) >= (lcs[i * (m + 1) + j + 1] ?? 0))
      ) {
        // Removals before additions, as unified diffs conventionally read.
        out.push({ kind: "-", text: midA[i] ?? "" });
        i++;
      } else {
        out.push({ kind: "+", text: midB[j] ?? "" });
        j++;
      }
    }
  }
  for (const text of a.slice(endA)) out.push({ kind: " ", text });
  return out;
}

/** How {@link formatDiff} renders. */
export interface FormatDiffOptions {
  /** Unchanged lines shown around each change (default 3). */
  readonly context?: number;
  /** Colour removed lines red and added lines green with ANSI escapes. */
  readonly color?: boolean;
}

/**
 * A unified diff (`@@ -1,3 +1,4 @@` hunks) of `oldText` against `newText`, without file headers;
 * empty when they are equal.
 */
export function formatDiff(
  oldText: string,
  newText: string,
  options: FormatDiffOptions = {},
): string {
  const context = options.context ?? 3;
  const lines = diffLines(oldText, newText);
  const paint = (kind: DiffLine["kind"], text: string): string => {
    if (!options.color || kind === " ") return text;
    return kind === "-" ? `\x1b[31m${text}\x1b[0m` : `\x1b[32m${text}\x1b[0m`;
  };
  const changed = lines.map((l, i) => (l.kind === " " ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  // Group changes whose context windows touch into one hunk.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(lines.length, i + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else hunks.push([lo, hi]);
  }
  const out: string[] = [];
  for (const [lo, hi] of hunks) {
    let oldStart = 1;
    let newStart = 1;
    for (const l of lines.slice(0, lo)) {
      if (l.kind !== "+") oldStart++;
      if (l.kind !== "-") newStart++;
    }
    const body = lines.slice(lo, hi);
    const oldCount = body.filter((l) => l.kind !== "+").length;
    const newCount = body.filter((l) => l.kind !== "-").length;
    out.push(
      paint(
        " ",
        `@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`,
      ),
    );
    for (const l of body) out.push(paint(l.kind, `${l.kind}${l.text}`));
  }
  return out.join("\n");
}
