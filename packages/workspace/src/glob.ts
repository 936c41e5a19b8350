import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import { UvError } from "@uv-ts/error";

/** A `members` or `exclude` glob that does not compile. */
export class GlobPatternError extends UvError {
  constructor(pattern: string, reason: string) {
    super("workspace.glob", `Failed to find directories for glob: \`${pattern}\``, {
      cause: new UvError("workspace.glob-syntax", reason),
    });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Compiles a glob in the syntax of Rust's `glob` crate (`?`, `*`, `**`, `[abc]`, `[!a-z]`) to a
 * regular expression over a whole path. With `literalSeparator` false (the crate's default for
 * `matches_path`, which uv uses for `exclude` and membership checks) `*` and `?` also match `/`.
 */
export function globToRegExp(pattern: string, options: { literalSeparator: boolean }): RegExp {
  const any = options.literalSeparator ? "[^/]" : ".";
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const atStart = i === 0 || pattern[i - 1] === "/";
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
        if (!atStart || !atEnd) {
          throw new GlobPatternError(
            pattern,
            "recursive wildcards must form a single path component",
          );
        }
        if (i + 2 === pattern.length) {
          out += ".*";
          i += 2;
        } else {
          out += "(?:.*/)?";
          i += 3;
        }
        continue;
      }
      out += `${any}*`;
      i++;
    } else if (c === "?") {
      out += any;
      i++;
    } else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) throw new GlobPatternError(pattern, "invalid range pattern");
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      const cls = [...body]
        .map((ch, k, all) => (ch === "-" && k > 0 && k < all.length - 1 ? "-" : escapeRegExp(ch)))
        .join("");
      out += negate ? `[^${cls}${options.literalSeparator ? "/" : ""}]` : `[${cls}]`;
      i = close + 1;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return new RegExp(`^${out}$`);
}

/** Whether `path` (relative, `/`-separated) matches `pattern` as uv's `exclude` checks do. */
export function globMatchesPath(pattern: string, path: string): boolean {
  return globToRegExp(pattern, { literalSeparator: false }).test(path);
}

/** `./a/../b` becomes `b`, like uv's `normalize_path` (lexical, no filesystem access). */
export function normalizeGlob(pattern: string): string {
  const normalized = normalize(pattern).split(sep).join("/");
  return normalized.endsWith("/") && normalized.length > 1 ? normalized.slice(0, -1) : normalized;
}

/**
 * The paths under `root` that a relative member glob names, walking one component at a time as
 * the `glob` crate does (so a component's `*` never crosses a `/`), sorted within each directory.
 * Paths need not exist when the glob has no wildcards, as with the crate.
 */
export async function expandGlob(root: string, pattern: string): Promise<string[]> {
  const components = normalizeGlob(pattern).split("/");
  if (isAbsolute(pattern)) components.shift();
  const results: string[] = [];
  const walk = async (dir: string, index: number): Promise<void> => {
    if (index === components.length) {
      results.push(dir);
      return;
    }
    const component = components[index]!;
    if (component === "**") {
      await walk(dir, index + 1);
      for (const entry of await listDirs(dir)) {
        await walk(join(dir, entry), index);
      }
      return;
    }
    if (!/[*?[]/.test(component)) {
      const next = join(dir, component);
      if (index === components.length - 1) {
        if (await exists(next)) results.push(next);
        return;
      }
      await walk(next, index + 1);
      return;
    }
    const re = globToRegExp(component, { literalSeparator: true });
    const entries = await listEntries(dir);
    for (const entry of entries.filter((e) => re.test(e))) {
      await walk(join(dir, entry), index + 1);
    }
  };
  await walk(isAbsolute(pattern) ? "/" : root, 0);
  return results;
}

async function listEntries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
