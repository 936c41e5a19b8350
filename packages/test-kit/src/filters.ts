import { realpathSync } from "node:fs";

/**
 * One snapshot filter: every match of `pattern` is replaced by `replacement` (which may use
 * `$1`-style group references). Filters run in order, each over the output of the previous one,
 * as insta's filters do in uv's test suite.
 */
export interface Filter {
  readonly pattern: RegExp;
  readonly replacement: string;
}

/** Builds a {@link Filter}, making the pattern global so that every occurrence is replaced. */
export function filter(pattern: RegExp | string, replacement: string): Filter {
  const source = typeof pattern === "string" ? pattern : pattern.source;
  const flags = typeof pattern === "string" ? "g" : pattern.flags;
  return {
    pattern: new RegExp(source, flags.includes("g") ? flags : `${flags}g`),
    replacement,
  };
}

/** Escapes `text` so that it matches itself literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * The regular expression sources that match `path`: its canonical form (symlinks resolved, when
 * it exists) first, then the form as given, each followed by an optional trailing separator so
 * that `[TEMP_DIR]/` swallows it. Both are needed because the temp directory itself may sit
 * behind a symlink (macOS `/var` → `/private/var`) and the CLI prints whichever form it was given.
 */
export function pathPatterns(path: string): string[] {
  const forms: string[] = [];
  try {
    forms.push(realpathSync(path));
  } catch {
    // Only existing paths can be canonicalised; the given form is still matched below.
  }
  forms.push(path);
  return [...new Set(forms.map((p) => p.replace(/\/+$/, "")))].map(
    (p) => `${escapeRegExp(p)}\\\\?/?`,
  );
}

/** One filter per form of `path` (see {@link pathPatterns}). */
export function pathFilters(path: string, replacement: string, suffix = ""): Filter[] {
  return pathPatterns(path).map((p) => filter(`${p}${suffix}`, replacement));
}

/** The shared test timestamp, as uv's `TEST_TIMESTAMP`, for deterministic index snapshots. */
export const TEST_TIMESTAMP = "2024-03-25T00:00:00Z";

/**
 * Filters that apply to every snapshot regardless of the test context, in uv's order (its
 * `INSTA_FILTERS`); they run after the context's path filters so that those see whole paths.
 */
export const STANDARD_FILTERS: readonly Filter[] = [
  filter(/--cache-dir [^\s]+/, "--cache-dir [CACHE_DIR]"),
  // Operation times: `in 12ms`, `(1.02s)`, `1m 05s`.
  filter(/(\s|\()(\d+m )?(\d+\.)?\d+(ms|s)/, "$1[TIME]"),
  filter(/tv_sec: \d+/, "tv_sec: [TIME]"),
  filter(/tv_nsec: \d+/, "tv_nsec: [TIME]"),
  // Our own version, so that bumping it does not break every `--version` snapshot.
  filter(/uv-ts \d+\.\d+\.\d+(-(alpha|beta|rc)\.\d+)?(\+\d+)?( \([^)]*\))?/, "uv-ts [VERSION]"),
  // Trailing whitespace, so that editors that strip it on save do not break snapshots.
  filter(/([^\s])[ \t]+(\r?\n)/, "$1$2"),
];

/** Applies `filters` in order to `text`. */
export function applyFilters(text: string, filters: readonly Filter[]): string {
  let out = text;
  for (const f of filters) {
    f.pattern.lastIndex = 0;
    out = out.replace(f.pattern, f.replacement);
  }
  return out;
}
