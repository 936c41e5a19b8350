import { causeChain, collectHints } from "@uv-ts/error";
import type { Styler } from "./style.ts";

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.trim();
  return String(error).trim();
}

/**
 * Renders an error as uv prints it on stderr:
 *
 * ```
 * error: <message>
 *   Caused by: <cause>
 *   Caused by: <cause of cause>
 *
 * hint: <hint>
 * ```
 *
 * Returns the text with a trailing newline.
 */
export function renderError(error: unknown, style: Styler): string {
  const lines = [`${style.bold(style.red("error"))}: ${messageOf(error)}`];
  for (const cause of causeChain(error)) {
    lines.push(`  ${style.bold(style.red("Caused by"))}: ${messageOf(cause)}`);
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
