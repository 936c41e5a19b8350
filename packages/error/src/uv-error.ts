/** Options accepted by every {@link UvError}. */
export interface UvErrorOptions {
  /** Shown after a blank line as `hint: ...`. */
  readonly hint?: string | undefined;
  /** The error this one adds context to; rendered as `  Caused by: ...`. */
  readonly cause?: unknown;
}

/**
 * The base of every error uv-ts raises on purpose.
 *
 * `code` is stable and machine-readable (`pep440.invalid-version`); `message` is the sentence the
 * user reads, in uv's style (no trailing period, backticks around names). The chain of causes is
 * the standard ES2022 `cause`.
 */
export class UvError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: UvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** The causes of `error`, outermost first, not including `error` itself. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const seen = new Set<unknown>([error]);
  let current: unknown = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && current !== null && !seen.has(current)) {
    chain.push(current);
    seen.add(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** The hints carried anywhere along an error's chain, outermost first. */
export function collectHints(error: unknown): string[] {
  const hints: string[] = [];
  for (const e of [error, ...causeChain(error)]) {
    if (e instanceof UvError && e.hint !== undefined) hints.push(e.hint);
  }
  return hints;
}
