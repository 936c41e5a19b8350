import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cache } from "../src/index.ts";

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "uv-ts-owned-temp-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "close");
  return child.pid as number;
}

describe("cache temp directories", () => {
  it("temp_dirs_name_their_owner", async () => {
    await using cache = await Cache.fromPath(join(scratch, "named")).init();
    const dir = await cache.tempDir();
    expect(basename(dir)).toMatch(new RegExp(`^\\.tmp-${process.pid}-\\d+-${host}-.{6}$`));
  });

  it("init_removes_temp_dirs_of_dead_processes_only", async () => {
    const root = join(scratch, "sweep");
    const dead = await deadPid();
    const names = [
      `.tmp-${dead}-0-${host}-aaaaaa`, // a killed run: removed
      `.tmp-${process.ppid}-0-${host}-bbbbbb`, // a live process: kept
      `.tmp-${dead}-0-00000000-cccccc`, // another host: kept
      ".tmpdddddd", // no owner recorded: left for `cache prune`
    ];
    for (const name of names) mkdirSync(join(root, name, "unpacked"), { recursive: true });
    await using cache = await Cache.fromPath(root).init();
    const mine = await cache.tempDir();
    await using again = await Cache.fromPath(root).init();
    expect(
      readdirSync(root)
        .filter((n) => n.startsWith(".tmp"))
        .sort(),
    ).toEqual([basename(mine), ...names.slice(1)].sort());
    expect(again.root).toBe(root);
  });
});
