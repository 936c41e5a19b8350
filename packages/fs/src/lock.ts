import { unlinkSync } from "node:fs";
import { lstat, mkdir, readdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UvError } from "@uv-ts/error";
import { hostDigest, processStartToken, processStat } from "./process-identity.ts";
import { userDisplay } from "./user-display.ts";

/** A shared (read) lock admits other shared holders; an exclusive (write) lock admits none. */
export type LockMode = "shared" | "exclusive";

/** uv's default for `UV_LOCK_TIMEOUT`: five minutes. */
export const DEFAULT_LOCK_TIMEOUT_MS = 300_000;

/** How {@link LockedFile.acquire} waits. */
export interface LockOptions {
  /** Give up after this long (default {@link DEFAULT_LOCK_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /**
   * Called once, when the lock is contended, with uv's message
   * `` Waiting to acquire exclusive lock for `<resource>` at `<path>` `` (uv logs it at info level).
   */
  readonly onWait?: (message: string) => void;
  /** Paths in messages are shown relative to this directory (default: the process cwd). */
  readonly cwd?: string;
  /** Stops waiting; the returned promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Waiting for a lock took longer than `UV_LOCK_TIMEOUT`; the message is uv's. */
export class LockTimeoutError extends UvError {
  constructor(timeoutMs: number, resource: string, path: string) {
    super(
      "fs.lock-timeout",
      `Timeout (${Math.floor(timeoutMs / 1000)}s) when waiting for lock on \`${resource}\` at \`${path}\`, is another uv process running? You can set \`UV_LOCK_TIMEOUT\` to increase the timeout.`,
    );
  }
}

/** The lock could not be taken for a reason other than contention (permissions, a file in the way). */
export class LockError extends UvError {
  constructor(resource: string, path: string, cause: unknown) {
    super("fs.lock", `Could not acquire lock for \`${resource}\` at \`${path}\``, { cause });
  }
}

/**
 * `UV_LOCK_TIMEOUT` (whole seconds) as milliseconds; unset or unparsable gives the default, the
 * latter with a warning as uv does.
 */
export function lockTimeoutFromEnv(
  env: NodeJS.ProcessEnv,
  warn?: (message: string) => void,
): number {
  const raw = env.UV_LOCK_TIMEOUT;
  if (raw === undefined) return DEFAULT_LOCK_TIMEOUT_MS;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  warn?.(`Could not parse value of UV_LOCK_TIMEOUT as integer: ${JSON.stringify(raw)}`);
  return DEFAULT_LOCK_TIMEOUT_MS;
}

/** Who holds an entry: a process on a host, told apart from a later process with the same pid. */
interface Holder {
  readonly pid: number;
  /** The process start time from `/proc` (clock ticks since boot), `0` where unknown. */
  readonly start: string;
  /** A short digest of the host name, so that a lock on a shared disk is never judged remotely. */
  readonly host: string;
}

// `node:crypto` and `node:timers/promises` are fetched when first needed: loading them costs every
// command that merely imports this package a few milliseconds of start-up.
const crypto = () => process.getBuiltinModule("node:crypto");
const sleep = (ms: number, options: { signal?: AbortSignal | undefined }) =>
  process.getBuiltinModule("node:timers/promises").setTimeout(ms, undefined, options);

const ENTRY = /^([sx])-(\d+)-(\d+)-([0-9a-f]{8})-[0-9a-f]+$/;

function isAlive(holder: Holder, self: Holder): boolean {
  // A lock on a disk shared between machines: we cannot see the other host's processes.
  if (holder.host !== self.host) return true;
  if (holder.pid === self.pid) return holder.start === self.start || holder.start === "0";
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const stat = processStat(holder.pid);
  if (stat === undefined) return true;
  // A killed process that its parent has not reaped yet still answers to kill(pid, 0).
  if (stat[0] === "Z" || stat[0] === "X") return false;
  // The pid was reused by a newer process.
  if (holder.start !== "0" && stat[19] !== undefined && stat[19] !== holder.start) return false;
  return true;
}

function parseEntry(name: string): (Holder & { readonly mode: LockMode }) | undefined {
  const match = ENTRY.exec(name);
  if (!match) return undefined;
  return {
    mode: match[1] === "s" ? "shared" : "exclusive",
    pid: Number(match[2]),
    start: match[3]!,
    host: match[4]!,
  };
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * A cross-process reader/writer lock, the counterpart of uv's `LockedFile`. Node has no `flock`,
 * so the lock is a directory of holder entries; see the "File locks" section of this package's
 * README for the protocol and its limits. Release it with {@link release} or `await using`.
 */
export class LockedFile {
  /** The lock directory. */
  readonly path: string;
  readonly mode: LockMode;
  readonly #entry: string;
  #released = false;

  private constructor(path: string, mode: LockMode, entry: string) {
    this.path = path;
    this.mode = mode;
    this.#entry = entry;
  }

  /**
   * Takes the lock at `path` (created if missing), waiting with backoff while another process
   * holds a conflicting one. `resource` names what the lock protects in messages (uv shows the
   * cache root or the environment). Holders that died, including by SIGKILL, are detected by
   * their pid and do not block.
   */
  static async acquire(
    path: string,
    mode: LockMode,
    resource: string,
    options: LockOptions = {},
  ): Promise<LockedFile> {
    const attempt = new Attempt(path, mode, resource, options.cwd);
    await attempt.prepare();
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let delay = 2;
    let waited = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const entry = await attempt.try();
      if (entry !== undefined) return new LockedFile(path, mode, entry);
      if (!waited) {
        waited = true;
        options.onWait?.(
          `Waiting to acquire ${mode} lock for \`${resource}\` at \`${attempt.display}\``,
        );
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockTimeoutError(timeoutMs, resource, attempt.display);
      // Jitter keeps two writers that keep meeting each other from retrying in lockstep.
      const jittered = delay * (0.5 + Math.random());
      await sleep(Math.min(jittered, remaining), { signal: options.signal });
      delay = Math.min(delay * 2, 100);
    }
  }

  /** Takes the lock only if nobody holds a conflicting one right now; `undefined` otherwise. */
  static async tryAcquire(
    path: string,
    mode: LockMode,
    resource: string,
    options: Pick<LockOptions, "cwd"> = {},
  ): Promise<LockedFile | undefined> {
    const attempt = new Attempt(path, mode, resource, options.cwd);
    await attempt.prepare();
    const entry = await attempt.try();
    return entry === undefined ? undefined : new LockedFile(path, mode, entry);
  }

  /** Whether {@link release} has run. */
  get released(): boolean {
    return this.#released;
  }

  /** Releases the lock. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await unlink(join(this.path, this.#entry)).catch(ignoreMissing);
  }

  /** {@link release} for `exit` handlers, where nothing asynchronous runs any more. */
  releaseSync(): void {
    if (this.#released) return;
    this.#released = true;
    try {
      unlinkSync(join(this.path, this.#entry));
    } catch (error) {
      ignoreMissing(error);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

function ignoreMissing(error: unknown): void {
  if (errnoOf(error) !== "ENOENT") throw error;
}

/** One acquisition: announce ourselves with an entry, look at the others, withdraw on conflict. */
class Attempt {
  readonly #path: string;
  readonly #mode: LockMode;
  readonly #resource: string;
  readonly #self: Holder;
  readonly display: string;

  constructor(path: string, mode: LockMode, resource: string, cwd: string | undefined) {
    this.#path = path;
    this.#mode = mode;
    this.#resource = resource;
    this.#self = { pid: process.pid, start: processStartToken(process.pid), host: hostDigest() };
    this.display = userDisplay(path, cwd ?? process.cwd());
  }

  async prepare(): Promise<void> {
    const existing = await lstat(this.#path).catch(() => undefined);
    if (existing !== undefined && !existing.isDirectory()) {
      // Typically uv's own `flock` file: the two tools' locks do not mix.
      throw new LockError(
        this.#resource,
        this.display,
        new Error(
          `\`${this.display}\` is a file, not a uv-ts lock directory (is this directory shared with uv?)`,
        ),
      );
    }
    if (existing === undefined) {
      try {
        await mkdir(this.#path, { recursive: true });
      } catch (error) {
        throw new LockError(this.#resource, this.display, error);
      }
    }
  }

  /** Our entry name if the lock is ours now, else `undefined` (and no entry left behind). */
  async try(): Promise<string | undefined> {
    const { pid, start, host } = this.#self;
    const kind = this.#mode === "shared" ? "s" : "x";
    const name = `${kind}-${pid}-${start}-${host}-${crypto().randomBytes(6).toString("hex")}`;
    const own = join(this.#path, name);
    try {
      await writeFile(own, "", { flag: "wx" });
    } catch (error) {
      throw new LockError(this.#resource, this.display, error);
    }
    // Entry first, look second (as in Dekker's algorithm): of two racing conflicting holders, at
    // least one sees the other's entry, so they never both proceed.
    let names: string[];
    try {
      names = await readdir(this.#path);
    } catch (error) {
      await unlink(own).catch(() => {});
      throw new LockError(this.#resource, this.display, error);
    }
    for (const other of names) {
      if (other === name) continue;
      const holder = parseEntry(other);
      if (holder === undefined) continue;
      if (this.#mode === "shared" && holder.mode === "shared") continue;
      if (!isAlive(holder, this.#self)) {
        // The holder died without releasing (SIGKILL, power loss): its entry is void.
        await unlink(join(this.#path, other)).catch(() => {});
        continue;
      }
      await unlink(own).catch(() => {});
      return undefined;
    }
    return name;
  }
}
