/** The parts of a clap-style error message. */
export interface ClapErrorParts {
  /** The first line(s), after `error: `. */
  readonly message: string;
  /** `tip: a similar <kind> exists: '<value>'` (or `some similar <kind>s exist: ...`). */
  readonly similar?: {
    readonly kind: "subcommand" | "argument" | "value";
    readonly values: readonly string[];
  };
  /** Further `tip:` lines, e.g. `to pass '-x' as a value, use '-- -x'`. */
  readonly tips?: readonly string[];
  /** The usage line (without `Usage: `). */
  readonly usage?: string;
}

/**
 * Formats a command-line error exactly as clap does (uncoloured):
 *
 * ```
 * error: unexpected argument '--pythn' found
 *
 *   tip: a similar argument exists: '--python'
 *
 * Usage: uv-ts venv --python <PYTHON> [PATH]
 *
 * For more information, try '--help'.
 * ```
 */
export function formatClapError(parts: ClapErrorParts): string {
  let text = `error: ${parts.message}`;
  let suggested = false;
  if (parts.similar !== undefined && parts.similar.values.length > 0) {
    const { kind, values } = parts.similar;
    text += "\n\n";
    suggested = true;
    const quoted = values.map((v) => `'${v}'`).join(", ");
    text +=
      values.length === 1
        ? `  tip: a similar ${kind} exists: ${quoted}`
        : `  tip: some similar ${kind}s exist: ${quoted}`;
  }
  if (parts.tips !== undefined && parts.tips.length > 0) {
    if (!suggested) text += "\n";
    for (const tip of parts.tips) text += `\n  tip: ${tip}`;
  }
  if (parts.usage !== undefined) text += `\n\nUsage: ${parts.usage}`;
  return `${text}\n\nFor more information, try '--help'.\n`;
}
