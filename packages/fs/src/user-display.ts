import { isAbsolute, relative, sep } from "node:path";

/**
 * A path as uv shows it to users: relative to `cwd` when it lies below it (`.venv`, not
 * `/home/me/project/.venv`), `.` for `cwd` itself, otherwise unchanged.
 */
export function userDisplay(path: string, cwd: string): string {
  if (!isAbsolute(path) || cwd === sep) return path;
  if (path === cwd) return ".";
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep;
  if (path.startsWith(prefix)) return relative(cwd, path);
  return path;
}
