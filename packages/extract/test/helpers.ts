import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { causeChain } from "@uv-ts/error";
import { afterAll, beforeAll, expect } from "vitest";
import { ExtractError, type ExtractErrorCode, MemberWorker } from "../src/index.ts";

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** A fresh directory for one test, removed after the file's tests. */
export async function scratch(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "uv-ts-extract-"));
  roots.push(root);
  return root;
}

/** Writes `bytes` as `name` in a fresh scratch dir; returns the file and a destination next to it. */
export async function archiveFile(
  name: string,
  bytes: Buffer,
): Promise<{ file: string; dest: string; dir: string }> {
  const dir = await scratch();
  const file = join(dir, name);
  await writeFile(file, bytes);
  return { file, dest: join(dir, "out", "dest"), dir: join(dir, "out") };
}

/** The message plus each cause, the way the CLI renders the chain. */
export function renderChain(error: unknown): string {
  return [error, ...causeChain(error)]
    .map((e) => (e instanceof Error ? e.message : String(e)))
    .join("\n  Caused by: ");
}

/**
 * Awaits a failing extraction and checks its code and rendered message, and the atomicity
 * guarantee: the destination does not exist and no staging directory is left in its parent.
 */
export async function expectRejected(
  run: Promise<unknown>,
  dest: string,
  code: ExtractErrorCode,
  message?: string | RegExp,
): Promise<ExtractError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "extraction should fail").toBeInstanceOf(ExtractError);
  const extractError = error as ExtractError;
  if (extractError.code !== code) {
    throw new Error(`expected ${code}, got ${extractError.code}: ${renderChain(error)}`);
  }
  if (message !== undefined) expect(renderChain(error)).toMatch(message);
  await expectNothingLeft(dest);
  return extractError;
}

/** After a failure: no destination, and nothing of ours in the parent. */
export async function expectNothingLeft(dest: string): Promise<void> {
  await expect(stat(dest)).rejects.toThrow();
  const parent = join(dest, "..");
  const left = await readdir(parent).catch(() => [] as string[]);
  expect(left.filter((name) => name.includes(".extract-"))).toEqual([]);
}

/** A directory tree as `{ "a/b.py": "contents" | { link } | "<dir>" }`, with modes for files. */
export async function readTree(
  dir: string,
  prefix = "",
): Promise<Record<string, { content: string; executable: boolean } | "dir">> {
  const out: Record<string, { content: string; executable: boolean } | "dir"> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      out[rel] = "dir";
      Object.assign(out, await readTree(full, rel));
    } else {
      const { mode } = await stat(full);
      out[rel] = { content: await readFile(full, "latin1"), executable: (mode & 0o100) !== 0 };
    }
  }
  return out;
}

/** A member worker for the test file: started now, ready before the first test, closed after. */
export function useMemberWorker(): MemberWorker {
  const worker = MemberWorker.start() as MemberWorker;
  afterAll(() => worker.close());
  beforeAll(async () => {
    expect(await worker.whenReady()).toBe(true);
  });
  return worker;
}

/** Deterministic bytes from a seed (xorshift32), each state mapped to a byte by `byte`. */
export function seededBytes(size: number, seed: number, byte: (state: number) => number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = byte(x >>> 0);
  }
  return out;
}
