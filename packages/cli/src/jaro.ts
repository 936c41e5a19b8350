/**
 * The Jaro similarity of two strings (0 = nothing in common, 1 = equal), computed over code
 * points as `strsim::jaro` does; clap uses it to suggest similar subcommands, flags and values.
 */
export function jaro(a: string, b: string): number {
  const as = [...a];
  const bs = [...b];
  if (as.length === 0 && bs.length === 0) return 1;
  if (as.length === 0 || bs.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(as.length, bs.length) / 2) - 1);
  const aMatched = new Array<boolean>(as.length).fill(false);
  const bMatched = new Array<boolean>(bs.length).fill(false);
  let matches = 0;
  for (let i = 0; i < as.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(bs.length, i + range + 1);
    for (let j = lo; j < hi; j++) {
      if (!bMatched[j] && as[i] === bs[j]) {
        aMatched[i] = true;
        bMatched[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < as.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (as[i] !== bs[j]) transpositions++;
    j++;
  }
  const t = Math.floor(transpositions / 2);
  return (matches / as.length + matches / bs.length + (matches - t) / matches) / 3;
}

/**
 * The candidates more than 0.7 similar to `input`, least similar first (ties keep their
 * order), as clap's `did_you_mean` returns them: callers wanting one suggestion take the last.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string[] {
  const scored: { score: number; value: string }[] = [];
  for (const value of candidates) {
    const score = jaro(input, value);
    if (score <= 0.7) continue;
    // Insert after every entry with a lower or equal score, before the first higher one.
    let at = scored.findIndex((s) => s.score > score);
    if (at < 0) at = scored.length;
    scored.splice(at, 0, { score, value });
  }
  return scored.map((s) => s.value);
}
