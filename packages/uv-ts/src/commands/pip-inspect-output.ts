import { UvError } from "@uv-ts/error";
import { type PackageName, parsePackageName } from "@uv-ts/normalize";
import type { CommandContext } from "../context.ts";
import type { InspectEnvironment } from "./pip-inspect-environment.ts";
import { environmentDiagnostics } from "./pip-inspect-metadata.ts";
import type { InspectedDist } from "./pip-inspect-site-packages.ts";

/** Parses `--exclude` (and other package-name) values; an invalid name is a usage error. */
export function packageNames(values: readonly string[]): Set<PackageName> {
  const names = new Set<PackageName>();
  for (const value of values) {
    try {
      names.add(parsePackageName(value));
    } catch (error) {
      throw new UvError("pip.invalid-package-name", `Invalid package name: \`${value}\``, {
        cause: error,
      });
    }
  }
  return names;
}

/**
 * Runs `--strict`'s checks over each group of distributions (one per site-packages root) and
 * prints uv's `warning: <message>` lines (silenced by `--quiet`).
 */
export async function printStrictDiagnostics(
  ctx: CommandContext,
  env: InspectEnvironment,
  groups: readonly (readonly InspectedDist[])[],
): Promise<void> {
  const { wheelTagsCheck } = await import("./pip-inspect-tags.ts");
  const checkTags = wheelTagsCheck(env.interpreter.info);
  const markers = env.interpreter.markers;
  const version = env.interpreter.version.toString();
  for (const group of groups) {
    printDiagnostics(ctx, environmentDiagnostics(group, markers, version, checkTags));
  }
}

function printDiagnostics(ctx: CommandContext, messages: readonly string[]): void {
  const { style } = ctx;
  for (const message of messages) {
    ctx.printer.stderr(
      `${style.bold(style.yellow("warning"))}${style.bold(":")} ${style.bold(message)}\n`,
    );
  }
}

// Terminal columns of a string: wide East Asian characters take two, combining marks none.
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(char)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** A table column: a header and one cell per row. */
export interface Column {
  readonly header: string;
  readonly rows: readonly string[];
}

/**
 * Renders columns as `pip list` does: each padded to its widest cell, a rule of dashes under
 * the headers, cells joined by one space and trailing spaces trimmed.
 */
export function renderColumns(columns: readonly Column[]): string {
  const formatted = columns.map((column) => {
    const width = Math.max(displayWidth(column.header), ...column.rows.map(displayWidth));
    const pad = (text: string) => text + " ".repeat(Math.max(0, width - displayWidth(text)));
    return [pad(column.header), "-".repeat(width), ...column.rows.map(pad)];
  });
  const height = Math.min(...formatted.map((cells) => cells.length));
  let out = "";
  for (let i = 0; i < height; i++) {
    out += `${formatted
      .map((cells) => cells[i]!)
      .join(" ")
      .trimEnd()}\n`;
  }
  return out;
}
