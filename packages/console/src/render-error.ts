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
    lines.push(`  ${style.bold(style.red("cause"))}${style.bold(":")} ${messageOf(cause)}`);
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
