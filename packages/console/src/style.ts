/** Whether colour is on, decided once per run by the CLI and passed down. */
export type ColorChoice = "auto" | "always" | "never";

/** A minimal ANSI styler: every function is the identity when colour is off. */
export interface Styler {
  readonly enabled: boolean;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

/**
 * Resolves `--color` against the stream and the environment: `NO_COLOR` turns colour off,
 * `FORCE_COLOR` turns it on, otherwise colour follows whether the stream is a terminal.
 */
export function createStyler(
  choice: ColorChoice,
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
): Styler {
  let enabled: boolean;
  if (choice === "always") enabled = true;
  else if (choice === "never") enabled = false;
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") enabled = false;
  else if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0")
    enabled = true;
  else enabled = stream.isTTY === true && env.TERM !== "dumb";
  if (!enabled) {
    const id = (text: string) => text;
    return { enabled, bold: id, red: id, green: id, yellow: id, cyan: id, dim: id };
  }
  return {
    enabled,
    bold: wrap(1, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
  };
}
