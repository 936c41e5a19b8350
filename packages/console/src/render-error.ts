import { causeChain, collectHints } from "@uv-ts/error";
import type { Styler } from "./style.ts";

const CAUSE_INDENT = "  cause: ".length;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.trim();
  return String(error).trim();
}

/**
 * Renders an error as uv prints it on stderr:
 *
 * ```
 * error: <message>
 *   cause: <cause>
 *   cause: <cause of cause>
 *
 * hint: <hint>
 * ```
 *
 * Returns the text with a trailing newline.
 */
export function renderError(error: unknown, style: Styler): string {
  // uv 0.13 labels each cause `cause:` (older releases said `Caused by:`).
  const lines = [`${style.bold(style.red("error"))}${style.bold(":")} ${messageOf(error)}`];
  for (const cause of causeChain(error)) {
    // A multi-line cause (a TOML error frame, a subprocess's stderr) continues under its first
    // line, indented by the width of the `  cause: ` label, as uv prints it.
    // Blank lines stay empty.
    const text = messageOf(cause)
      .split("\n")
      .map((line, i) => (i === 0 || line === "" ? line : `${" ".repeat(CAUSE_INDENT)}${line}`))
      .join("\n");
    lines.push(`  ${style.bold(style.red("cause"))}${style.bold(":")} ${text}`);
  }
  let text = `${lines.join("\n")}\n`;
  for (const hint of collectHints(error)) {
    text += `\n${style.bold(style.cyan("hint"))}${style.bold(":")} ${hint}\n`;
  }
  return text;
}

/** Renders a warning line as uv does: `warning: <message>`. */
export function renderWarning(message: string, style: Styler): string {
  return `${style.bold(style.yellow("warning"))}${style.bold(":")} ${message}\n`;
}
