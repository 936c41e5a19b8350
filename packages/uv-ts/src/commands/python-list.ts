import { lstat, readlink } from "node:fs/promises";
import { resolve } from "node:path";
import { userDisplay } from "@uv-ts/fs";
import {
  compareVersions,
  findAllPythonInstallations,
  type Interpreter,
  parsePythonRequest,
} from "@uv-ts/python";
import type { CommandRun } from "../context.ts";

/** uv lists CPython first, then the other implementations in this order. */
const IMPLEMENTATION_ORDER = ["cpython", "pypy", "graalpy", "pyodide"];

/** Newest first, as uv sorts installation keys; equal keys by path, descending. */
function compareEntries(
  a: { interpreter: Interpreter; path: string },
  b: { interpreter: Interpreter; path: string },
): number {
  const rank = (i: Interpreter) => {
    const r = IMPLEMENTATION_ORDER.indexOf(i.markers.implementation_name);
    return r === -1 ? IMPLEMENTATION_ORDER.length : r;
  };
  const byImpl = rank(a.interpreter) - rank(b.interpreter);
  if (byImpl !== 0) return byImpl;
  const byVersion = compareVersions(b.interpreter.version, a.interpreter.version);
  if (byVersion !== 0) return byVersion;
  if (a.interpreter.key !== b.interpreter.key)
    return a.interpreter.key < b.interpreter.key ? 1 : -1;
  return a.path < b.path ? 1 : a.path > b.path ? -1 : 0;
}

/**
 * `uv-ts python list [REQUEST]`: one line per interpreter found (`cpython-3.12.1-linux-x86_64-gnu
 * /path`). uv-ts has no managed installations nor downloads, so only interpreters on the search
 * path are listed.
 */
export const run: CommandRun = async (ctx) => {
  const { args, io, printer, cwd } = ctx;
  if (args.flag("only-downloads")) return 0;
  const raw = args.string("request");
  const request = raw === undefined ? ({ kind: "any" } as const) : parsePythonRequest(raw, cwd);
  const installations = await findAllPythonInstallations(request, {
    cwd,
    env: io.env,
    cacheDir: ctx.cacheDir,
    environments: "only-system",
  });
  const seen = new Set<string>();
  const entries: { interpreter: Interpreter; path: string }[] = [];
  for (const { interpreter } of installations) {
    const path = resolve(cwd, interpreter.path);
    if (seen.has(path)) continue;
    seen.add(path);
    entries.push({ interpreter, path });
  }
  entries.sort(compareEntries);

  const links = await Promise.all(
    entries.map(async ({ path }) =>
      (await lstat(path)).isSymbolicLink() ? await readlink(path) : undefined,
    ),
  );
  if (args.string("output-format") === "json") {
    const data = entries.map(({ interpreter, path }, i) => {
      const [major = 0, minor = 0, patch = 0] = interpreter.version.release;
      const key = interpreter.key.split("-");
      return {
        key: interpreter.key,
        version: interpreter.version.toString(),
        version_parts: { major, minor, patch },
        path: userDisplay(path, cwd),
        symlink: links[i] ?? null,
        url: null,
        os: key.at(-3) ?? "",
        variant: interpreter.variant,
        implementation: interpreter.markers.implementation_name,
        arch: key.at(-2) ?? "",
        libc: key.at(-1) ?? "",
      };
    });
    printer.stdout(`${JSON.stringify(data)}\n`);
    return 0;
  }
  const width = Math.max(0, ...entries.map((e) => e.interpreter.key.length));
  entries.forEach(({ interpreter, path }, i) => {
    const shown = ctx.style.cyan(userDisplay(path, cwd));
    const link = links[i];
    const target = link === undefined ? "" : ` -> ${ctx.style.cyan(link)}`;
    printer.stdout(`${interpreter.key.padEnd(width)}    ${shown}${target}\n`);
  });
  return 0;
};
