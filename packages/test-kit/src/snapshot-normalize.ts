/**
 * Normalises an inline snapshot as insta does, so that the test can indent it with the code:
 * CRLF becomes LF; a multi-line text loses the indentation common to its non-blank lines; then
 * leading newlines and all trailing whitespace go. The actual value goes through the same
 * normalisation, so a missing trailing newline never matters.
 */
export function normalizeSnapshot(text: string): string {
  let out = text.replace(/\r\n/g, "\n");
  const lines = out.trimEnd().split("\n");
  if (lines.length > 1) {
    const indents = lines
      .filter((l) => l.trim() !== "")
      .map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
    const indent = indents.length === 0 ? 0 : Math.min(...indents);
    if (indent > 0) {
      out = out
        .split("\n")
        .map((l) => l.slice(indent))
        .join("\n");
    }
  }
  return out.replace(/^[\r\n]+/, "").trimEnd();
}
