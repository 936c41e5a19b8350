import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { hostDigest, processStartToken, processStat, removeAll } from "@uv-ts/fs";

/**
 * Temp directories at the cache root carry their owner in the name,
 * `.tmp-<pid>-<start>-<host>-XXXXXX`, so that a later run can tell the leftovers of a killed
 * process (safe to remove) from the work of a live one (never touched). `<start>` is the process
 * start time from `/proc` (`0` where unknown) and tells a reused pid apart; `<host>` is a digest
 * of the host name, so that a cache on a disk shared between machines is never judged remotely.
 */
const OWNED = /^\.tmp-(\d+)-(\d+)-([0-9a-f]{8})-/;

/** The name prefix of this process's temp directories (`mkdtemp` appends six characters). */
export function ownedTempPrefix(): string {
  const start = processStartToken(process.pid);
  return `.tmp-${process.pid}-${start}-${hostDigest()}-`;
}

/** Whether the owner a temp directory's name records is certainly gone. */
function ownerIsDead(name: string, host: string): boolean {
  const match = OWNED.exec(name);
  if (match === null || match[3] !== host) return false;
  const pid = Number(match[1]);
  const start = match[2] as string;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  const stat = processStat(pid);
  if (stat === undefined) return false;
  // Killed but not yet reaped, or the pid now belongs to a newer process.
  if (stat[0] === "Z" || stat[0] === "X") return true;
  return start !== "0" && stat[19] !== undefined && stat[19] !== start;
}

/**
 * Removes the temp directories at `root` whose owning process is dead (a run killed mid-download
 * or mid-unpack), so that they do not pile up until `cache prune`. Directories of live processes,
 * of other hosts, and unowned ones (`.tmpXXXXXX` from older versions) are left alone. Best
 * effort: a failure to list or remove is not an error of the command that tidies up.
 */
export async function removeOrphanedTempDirs(root: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  const candidates = names.filter((name) => OWNED.test(name));
  if (candidates.length === 0) return;
  const host = hostDigest();
  for (const name of candidates) {
    if (!ownerIsDead(name, host)) continue;
    try {
      await removeAll(join(root, name));
    } catch {
      // Another process may be removing it at the same time; `cache prune` remains the backstop.
    }
  }
}
