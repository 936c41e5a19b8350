import { causeChain, collectHints } from "@uv-ts/error";

/**
 * Renders an error as uv 0.13 prints it (`error:`, one `  cause:` per cause with continuation
 * lines aligned under the text, then hints), so tests can compare with uv's real output.
 */
export function renderLikeUv(error: unknown): string {
  const text = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const lines = [`error: ${text(error)}`];
  for (const cause of causeChain(error)) {
    const [first, ...rest] = text(cause).split("\n");
    lines.push(`  cause: ${first}`, ...rest.map((line) => `         ${line}`));
  }
  for (const hint of collectHints(error)) lines.push("", `hint: ${hint}`);
  return lines.join("\n");
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected an error, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
}
