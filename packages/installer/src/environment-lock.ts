import { join } from "node:path";
import { LockedFile, type LockOptions, userDisplay } from "@uv-ts/fs";

/**
 * The environment lock's path. uv locks `<prefix>/.lock` with `flock`, a plain file; `LockedFile`
 * is a directory of holder entries, and a directory at uv's path would break uv (and a file of
 * uv's would break us), so uv-ts uses its own name next to it. The two tools therefore do not
 * exclude each other; two uv-ts processes do.
 */
export function environmentLockPath(prefix: string): string {
  return join(prefix, ".uv-ts.lock");
}

/**
 * Takes the exclusive lock of an environment (a venv, `--target` or `--prefix` root) for the
 * duration of an install or uninstall, so two uv-ts processes never write it at once. The
 * resource named in uv's waiting and timeout messages is the environment's path.
 */
export async function lockEnvironment(
  prefix: string,
  options: LockOptions = {},
): Promise<LockedFile> {
  return LockedFile.acquire(
    environmentLockPath(prefix),
    "exclusive",
    userDisplay(prefix, options.cwd ?? process.cwd()),
    options,
  );
}
