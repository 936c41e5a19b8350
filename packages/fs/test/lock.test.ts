import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  LockError,
  LockedFile,
  LockTimeoutError,
  lockTimeoutFromEnv,
} from "../src/index.ts";

let scratch: string;
let holderScript: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "uv-ts-lock-test-"));
  holderScript = join(scratch, "lock-holder.mjs");
  // Child processes run plain Node, which cannot load TypeScript: bundle the helper once.
  await build({
    entryPoints: [fileURLToPath(new URL("./fixtures/lock-holder.ts", import.meta.url))],
    outfile: holderScript,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
  });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let counter = 0;
const lockPath = () => join(scratch, `lock-${counter++}`);

/** Starts a child holding `path` in `mode`; resolves once it has the lock. */
async function holder(path: string, mode: "shared" | "exclusive"): Promise<ChildProcess> {
  const child = spawn(process.execPath, [holderScript, "hold", path, mode], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("acquired")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`holder exited early with ${code}`)));
  });
  return child;
}

async function releaseHolder(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.stdin!.end("release\n");
  await exited;
}

const entries = (path: string) => readdirSync(path).sort();

describe("LockedFile in one process", () => {
  it("shared_locks_coexist_and_exclude_exclusive", async () => {
    const path = lockPath();
    const a = await LockedFile.acquire(path, "shared", "res");
    const b = await LockedFile.tryAcquire(path, "shared", "res");
    expect(b).toBeDefined();
    expect(await LockedFile.tryAcquire(path, "exclusive", "res")).toBeUndefined();
    // A failed attempt leaves nothing behind.
    expect(entries(path)).toHaveLength(2);
    await a.release();
    expect(await LockedFile.tryAcquire(path, "exclusive", "res")).toBeUndefined();
    await b!.release();
    const x = await LockedFile.tryAcquire(path, "exclusive", "res");
    expect(x).toBeDefined();
    expect(await LockedFile.tryAcquire(path, "shared", "res")).toBeUndefined();
    expect(await LockedFile.tryAcquire(path, "exclusive", "res")).toBeUndefined();
    await x!.release();
    await x!.release();
    expect(entries(path)).toEqual([]);
  });

  it("await_using_releases_the_lock", async () => {
    const path = lockPath();
    {
      await using _lock = await LockedFile.acquire(path, "exclusive", "res");
      expect(await LockedFile.tryAcquire(path, "shared", "res")).toBeUndefined();
    }
    const again = await LockedFile.tryAcquire(path, "exclusive", "res");
    expect(again).toBeDefined();
    again!.releaseSync();
    expect(entries(path)).toEqual([]);
  });

  it("exclusive_waiter_proceeds_when_the_holder_releases", async () => {
    const path = lockPath();
    const held = await LockedFile.acquire(path, "shared", "res");
    const messages: string[] = [];
    const waiting = LockedFile.acquire(path, "exclusive", "res", {
      onWait: (m) => messages.push(m),
      cwd: scratch,
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(messages).toEqual([
      `Waiting to acquire exclusive lock for \`res\` at \`${path.slice(scratch.length + 1)}\``,
    ]);
    await held.release();
    const lock = await waiting;
    expect(lock.mode).toBe("exclusive");
    await lock.release();
  });

  it("entries_of_dead_processes_are_ignored_and_removed", async () => {
    const path = lockPath();
    await LockedFile.acquire(path, "shared", "res").then((l) => l.release());
    const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
    // pid 2^22 + 1 is above Linux's pid_max ceiling, so no process has it.
    const dead = `x-4194305-0-${host}-abcdef`;
    writeFileSync(join(path, dead), "");
    const lock = await LockedFile.tryAcquire(path, "exclusive", "res");
    expect(lock).toBeDefined();
    expect(entries(path)).not.toContain(dead);
    await lock!.release();
  });

  it("entries_from_another_host_are_respected", async () => {
    const path = lockPath();
    await LockedFile.acquire(path, "shared", "res").then((l) => l.release());
    writeFileSync(join(path, "x-4194305-0-00000000-abcdef"), "");
    expect(await LockedFile.tryAcquire(path, "shared", "res")).toBeUndefined();
  });

  it("unknown_names_in_the_lock_directory_do_not_block", async () => {
    const path = lockPath();
    await LockedFile.acquire(path, "shared", "res").then((l) => l.release());
    writeFileSync(join(path, ".DS_Store"), "");
    const lock = await LockedFile.tryAcquire(path, "exclusive", "res");
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it("a_file_in_the_way_is_a_lock_error", async () => {
    const path = lockPath();
    writeFileSync(path, "");
    const error = await LockedFile.acquire(path, "shared", "res", { cwd: scratch }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockError);
    expect((error as Error).message).toBe(
      `Could not acquire lock for \`res\` at \`${path.slice(scratch.length + 1)}\``,
    );
    expect(((error as Error).cause as Error).message).toMatch(
      /is a file, not a uv-ts lock directory/,
    );
  });

  it("an_aborted_wait_rejects", async () => {
    const path = lockPath();
    const held = await LockedFile.acquire(path, "exclusive", "res");
    const controller = new AbortController();
    const waiting = LockedFile.acquire(path, "exclusive", "res", { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toThrow();
    await held.release();
    expect(entries(path)).toEqual([]);
  });
});

describe("LockedFile across processes", () => {
  it("shared_holders_in_two_processes_coexist", async () => {
    const path = lockPath();
    const a = await holder(path, "shared");
    const b = await holder(path, "shared");
    expect(await LockedFile.tryAcquire(path, "exclusive", "res")).toBeUndefined();
    await releaseHolder(a);
    expect(await LockedFile.tryAcquire(path, "exclusive", "res")).toBeUndefined();
    await releaseHolder(b);
    const lock = await LockedFile.tryAcquire(path, "exclusive", "res");
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it("exclusive_waits_for_a_shared_holder_in_another_process", async () => {
    const path = lockPath();
    const child = await holder(path, "shared");
    let waited = false;
    let acquired = false;
    const waiting = LockedFile.acquire(path, "exclusive", "res", {
      onWait: () => {
        waited = true;
      },
    }).then((lock) => {
      acquired = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(waited).toBe(true);
    expect(acquired).toBe(false);
    await releaseHolder(child);
    const lock = await waiting;
    await lock.release();
  });

  it("a_sigkilled_holder_is_recovered_at_once", async () => {
    const path = lockPath();
    const child = await holder(path, "exclusive");
    expect(await LockedFile.tryAcquire(path, "shared", "res")).toBeUndefined();
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    // No stale-age window: the dead pid frees the lock on the next look.
    const lock = await LockedFile.tryAcquire(path, "exclusive", "res");
    expect(lock).toBeDefined();
    await lock!.release();
    expect(entries(path)).toEqual([]);
  });

  it("timeout_reports_uvs_message", async () => {
    const path = lockPath();
    const child = await holder(path, "exclusive");
    try {
      const error = await LockedFile.acquire(path, "shared", "`cache`", {
        timeoutMs: 1000,
        cwd: scratch,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect((error as Error).message).toBe(
        `Timeout (1s) when waiting for lock on \`\`cache\`\` at \`${path.slice(scratch.length + 1)}\`, is another uv process running? You can set \`UV_LOCK_TIMEOUT\` to increase the timeout.`,
      );
      // The timed-out waiter withdrew its entry; only the holder's remains.
      expect(entries(path)).toHaveLength(1);
    } finally {
      await releaseHolder(child);
    }
  });

  it("exclusive_holders_never_overlap", async () => {
    const path = lockPath();
    const file = join(scratch, `counter-${counter++}`);
    writeFileSync(file, "0");
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, [holderScript, "count", path, file, "15"], { stdio: "inherit" }),
    );
    const codes = await Promise.all(children.map((c) => once(c, "exit").then(([code]) => code)));
    expect(codes).toEqual([0, 0, 0, 0]);
    // A lost update would show as a smaller number.
    expect(readFileSync(file, "utf8")).toBe("60");
  });
});

describe("lockTimeoutFromEnv", () => {
  it("reads_whole_seconds_and_warns_on_garbage", () => {
    const warnings: string[] = [];
    expect(lockTimeoutFromEnv({})).toBe(DEFAULT_LOCK_TIMEOUT_MS);
    expect(lockTimeoutFromEnv({ UV_LOCK_TIMEOUT: "1" })).toBe(1000);
    expect(lockTimeoutFromEnv({ UV_LOCK_TIMEOUT: "0" })).toBe(0);
    expect(lockTimeoutFromEnv({ UV_LOCK_TIMEOUT: "1.5" }, (m) => warnings.push(m))).toBe(
      DEFAULT_LOCK_TIMEOUT_MS,
    );
    expect(warnings).toEqual(['Could not parse value of UV_LOCK_TIMEOUT as integer: "1.5"']);
  });
});
