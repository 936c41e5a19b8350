import { readFileSync } from "node:fs";
import { hostname } from "node:os";

// What names a process in files that other processes judge later (lock entries, temp
// directories): its pid, its start time (which tells a reused pid apart) and its host.

/** A short digest of the host name: a name from another machine is never judged locally. */
export function hostDigest(): string {
  // Fetched lazily: `node:crypto` costs start-up time for commands that never need it.
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
}

/**
 * `/proc/<pid>/stat` fields after the command name (so index 0 is the state, 19 the start time),
 * or `undefined` off Linux or for no such process.
 */
export function processStat(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name (field 2) is parenthesised and may itself contain spaces and parentheses.
  return text
    .slice(text.lastIndexOf(")") + 2)
    .trim()
    .split(" ");
}

/** The start time of process `pid` (field 22 of its stat), `"0"` where unknown. */
export function processStartToken(pid: number): string {
  return processStat(pid)?.[19] ?? "0";
}
